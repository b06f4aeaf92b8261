// Render benchmark: <acs-message-thread> with 1,000 messages next to a bare Lit list of the same
// data (a minimal LitElement with `repeat`). Each step is timed from the change to the first frame
// after the update: performance.now() around `await el.updateComplete` plus a requestAnimationFrame.
// `window.renderBench.run()` resolves to medians of 5 runs, in ms.
import { LitElement, type PropertyDeclarations, css, html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatMessageEditedEvent, ChatMessageReceivedEvent } from '../../src/chat/events.js';
import { type CommunicationUserKind, createIdentifierFromRawId } from '../../src/common/identifiers.js';
import type { ChatThreadMessage } from '../../src/ui/state/chatMessages.js';
import { ChatThreadSource } from '../../src/ui/state/chatThreadSource.js';
import '../../src/ui/message-thread/message-thread.js';

export interface RenderTimings {
  /** First render of 1,000 messages. */
  initial: number;
  /** One message appended. */
  append: number;
  /** One message (in the middle) edited. */
  update: number;
}

export interface RenderBenchResult {
  ours: RenderTimings;
  bare: RenderTimings;
  messages: number;
  runs: number;
}

const MESSAGES = 1000;
const RUNS = 5;
const THREAD_ID = '19:bench@thread.v2';
const ME = '8:acs:bench_me';
const PEOPLE = [
  { rawId: ME, name: 'Me' },
  { rawId: '8:acs:bench_alice', name: 'Alice Adams' },
  { rawId: '8:acs:bench_bob', name: 'Bob Brown' },
  { rawId: '8:acs:bench_carol', name: 'Carol Clark' },
];
const FIRST_ID = 1_700_000_000_000;

function user(rawId: string): CommunicationUserKind {
  return createIdentifierFromRawId(rawId) as CommunicationUserKind;
}

/** 1,000 messages over the last few days, from four people, of varied length. */
function makeMessages(): ChatThreadMessage[] {
  const start = Date.now() - 3 * 24 * 3600_000;
  return Array.from({ length: MESSAGES }, (_, i) => {
    const person = PEOPLE[(i * 7) % PEOPLE.length]!;
    const id = String(FIRST_ID + i);
    return {
      id,
      type: 'text',
      sequenceId: String(i + 1),
      version: id,
      createdOn: new Date(start + i * 4 * 60_000),
      sender: user(person.rawId),
      senderDisplayName: person.name,
      content: { message: `Message ${i}: ${'lorem ipsum dolor sit amet '.repeat(1 + (i % 5))}`.trim() },
    };
  });
}

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** Times `change` through the element's update and the next frame. */
async function timed(el: LitElement, change: () => void): Promise<number> {
  const start = performance.now();
  change();
  await el.updateComplete;
  await nextFrame();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The baseline: the same data in a minimal Lit list. */
class BareMessageList extends LitElement {
  static override properties: PropertyDeclarations = { messages: { attribute: false } };
  static override styles = css`
    :host {
      display: block;
      overflow: auto;
    }
    .message {
      padding: 4px 8px;
    }
  `;
  declare messages: readonly ChatThreadMessage[];

  constructor() {
    super();
    this.messages = [];
  }

  override render() {
    return html`${repeat(
      this.messages,
      (message) => message.id,
      (message) =>
        html`<div class="message">
          <b>${message.senderDisplayName}</b>
          <time>${message.createdOn.toLocaleTimeString()}</time>
          <div>${message.content?.message}</div>
        </div>`,
    )}`;
  }
}
customElements.define('bench-bare-message-list', BareMessageList);

function receivedEvent(index: number): ChatMessageReceivedEvent {
  const id = String(FIRST_ID + MESSAGES + index);
  return {
    threadId: THREAD_ID,
    id,
    sequenceId: String(MESSAGES + index + 1),
    version: id,
    type: 'text',
    createdOn: new Date(),
    sender: user(PEOPLE[1]!.rawId),
    senderDisplayName: PEOPLE[1]!.name,
    recipient: user(ME),
    message: 'A new message arrives',
    metadata: {},
  };
}

function editedEvent(message: ChatThreadMessage): ChatMessageEditedEvent {
  const version = String(Number(message.version) + 1_000_000);
  return {
    threadId: THREAD_ID,
    id: message.id,
    sequenceId: message.sequenceId,
    version,
    type: 'text',
    createdOn: message.createdOn,
    editedOn: new Date(),
    sender: user(PEOPLE[2]!.rawId),
    senderDisplayName: PEOPLE[2]!.name,
    recipient: user(ME),
    message: 'This message was edited',
    metadata: {},
  };
}

async function runOurs(stage: HTMLElement, messages: ChatThreadMessage[]): Promise<RenderTimings> {
  const source = new ChatThreadSource({
    threadId: THREAD_ID,
    userId: ME,
    initialState: {
      status: 'ready',
      messages,
      participants: PEOPLE.map((p) => ({ id: user(p.rawId), displayName: p.name })),
    },
  });
  const el = document.createElement('acs-message-thread');
  el.source = source;
  const initial = await timed(el, () => stage.append(el));
  const append = await timed(el, () => source.handleMessageReceived(receivedEvent(0)));
  const update = await timed(el, () => source.handleMessageEdited(editedEvent(messages[MESSAGES / 2]!)));
  el.remove();
  return { initial, append, update };
}

async function runBare(stage: HTMLElement, messages: ChatThreadMessage[]): Promise<RenderTimings> {
  const el = document.createElement('bench-bare-message-list') as BareMessageList;
  el.messages = messages;
  const initial = await timed(el, () => stage.append(el));
  const appended = [...messages, { ...messages[0]!, id: 'appended', content: { message: 'A new message arrives' } }];
  const append = await timed(el, () => (el.messages = appended));
  const index = MESSAGES / 2;
  const updated = appended.map((message, i) => (i === index ? { ...message, content: { message: 'This message was edited' } } : message));
  const update = await timed(el, () => (el.messages = updated));
  el.remove();
  return { initial, append, update };
}

function medians(samples: RenderTimings[]): RenderTimings {
  return {
    initial: median(samples.map((s) => s.initial)),
    append: median(samples.map((s) => s.append)),
    update: median(samples.map((s) => s.update)),
  };
}

async function run(): Promise<RenderBenchResult> {
  const stage = document.getElementById('stage')!;
  const messages = makeMessages();
  // One untimed round of each warms up the code paths (JIT, template preparation).
  await runOurs(stage, messages);
  await runBare(stage, messages);
  const ours: RenderTimings[] = [];
  const bare: RenderTimings[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(await runOurs(stage, messages));
    bare.push(await runBare(stage, messages));
  }
  return { ours: medians(ours), bare: medians(bare), messages: MESSAGES, runs: RUNS };
}

declare global {
  interface Window {
    renderBench: { run(): Promise<RenderBenchResult> };
  }
}

window.renderBench = { run };
document.getElementById('status')!.textContent = 'Ready: call window.renderBench.run().';

// Opened by hand with ?run, the page runs itself and shows the result.
if (new URLSearchParams(location.search).has('run')) {
  void run().then((result) => {
    document.getElementById('result')!.textContent = JSON.stringify(result, null, 2);
    document.getElementById('status')!.textContent = 'Done.';
  });
}

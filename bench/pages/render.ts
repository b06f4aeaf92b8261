// Render benchmark: <acs-message-thread> with 1,000 messages next to a bare Lit list of the same
// data (a minimal LitElement with `repeat`), and our thread with 10,000 messages next to ours with
// 1,000 (does the cost grow with history?). Each step is timed from the change to the first frame
// after the update: performance.now() around `await el.updateComplete` plus a requestAnimationFrame;
// and, as main-thread work, from the change through the update and the style and layout it needs
// (forced by reading the layout): a frame is ~16.7 ms, so work well under a frame shows in the
// first figure only as the wait for the next frame. Each step starts once the previous one has
// been painted. `window.renderBench.run()` resolves to medians of 7 runs, in ms.
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

/** A contender's steps, to the next frame and as main-thread work. */
interface Run {
  frame: RenderTimings;
  work: RenderTimings;
}

export interface RenderBenchResult {
  /** To the next frame. */
  ours: RenderTimings;
  bare: RenderTimings;
  /** Main-thread work: the change, the update, style and layout. */
  work: { ours: RenderTimings; bare: RenderTimings };
  /** Our thread's first render of `largeMessages` (its baseline: ours.initial, at `messages`). */
  oursLarge: { initial: number; work: number };
  messages: number;
  largeMessages: number;
  runs: number;
}

const MESSAGES = 1000;
const LARGE_MESSAGES = 10_000;
const RUNS = 7;
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

/** `count` messages, four minutes apart up to now, from four people, of varied length. */
function makeMessages(count: number): ChatThreadMessage[] {
  const start = Date.now() - count * 4 * 60_000;
  return Array.from({ length: count }, (_, i) => {
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

/**
 * Times `change` through the element's update, its style and layout (`work`) and the next frame
 * (`frame`); then waits for that frame to be painted, so the next step starts from a quiet page.
 */
async function timed(el: LitElement, change: () => void): Promise<{ work: number; frame: number }> {
  const start = performance.now();
  change();
  await el.updateComplete;
  void el.getBoundingClientRect();
  void document.body.offsetHeight;
  const work = performance.now() - start;
  await nextFrame();
  const frame = performance.now() - start;
  await nextFrame();
  return { work, frame };
}

function steps(initial: Awaited<ReturnType<typeof timed>>, append: typeof initial, update: typeof initial): Run {
  return {
    frame: { initial: initial.frame, append: append.frame, update: update.frame },
    work: { initial: initial.work, append: append.work, update: update.work },
  };
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

/** A message arriving after the `count` of the thread. */
function receivedEvent(count: number): ChatMessageReceivedEvent {
  const id = String(FIRST_ID + count);
  return {
    threadId: THREAD_ID,
    id,
    sequenceId: String(count + 1),
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

async function runOurs(stage: HTMLElement, messages: ChatThreadMessage[]): Promise<Run> {
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
  const append = await timed(el, () => source.handleMessageReceived(receivedEvent(messages.length)));
  const update = await timed(el, () => source.handleMessageEdited(editedEvent(messages[messages.length / 2]!)));
  el.remove();
  return steps(initial, append, update);
}

async function runBare(stage: HTMLElement, messages: ChatThreadMessage[]): Promise<Run> {
  const el = document.createElement('bench-bare-message-list') as BareMessageList;
  el.messages = messages;
  const initial = await timed(el, () => stage.append(el));
  const appended = [...messages, { ...messages[0]!, id: 'appended', content: { message: 'A new message arrives' } }];
  const append = await timed(el, () => (el.messages = appended));
  const index = MESSAGES / 2;
  const updated = appended.map((message, i) => (i === index ? { ...message, content: { message: 'This message was edited' } } : message));
  const update = await timed(el, () => (el.messages = updated));
  el.remove();
  return steps(initial, append, update);
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
  const messages = makeMessages(MESSAGES);
  const largeThread = makeMessages(LARGE_MESSAGES);
  // One untimed round of each warms up the code paths (JIT, template preparation).
  await runOurs(stage, messages);
  await runBare(stage, messages);
  await runOurs(stage, largeThread);
  const ours: Run[] = [];
  const bare: Run[] = [];
  const oursLarge: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(await runOurs(stage, messages));
    bare.push(await runBare(stage, messages));
    oursLarge.push(await runOurs(stage, largeThread));
  }
  return {
    ours: medians(ours.map((r) => r.frame)),
    bare: medians(bare.map((r) => r.frame)),
    work: { ours: medians(ours.map((r) => r.work)), bare: medians(bare.map((r) => r.work)) },
    oursLarge: {
      initial: median(oursLarge.map((r) => r.frame.initial)),
      work: median(oursLarge.map((r) => r.work.initial)),
    },
    messages: MESSAGES,
    largeMessages: LARGE_MESSAGES,
    runs: RUNS,
  };
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

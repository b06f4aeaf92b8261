import { fixture, waitUntil } from '@open-wc/testing';
import { type TemplateResult, html } from 'lit';
import { ChatClient } from '../../src/chat/chatClient.js';
import type { ChatMessage, ChatThreadParticipant } from '../../src/chat/models.js';
import { createIdentifierFromRawId } from '../../src/common/identifiers.js';
import type { ChatThreadMessage } from '../../src/ui/state/chatMessages.js';
import { ChatThreadSource } from '../../src/ui/state/chatThreadSource.js';
import type { ChatThreadState } from '../../src/ui/state/chatThreadState.js';
import { type ThemeName, THEME_TOKENS, applyTheme } from '../../src/ui/shared/theme.js';
import { type TestUser, createTestUser } from '../browser/chatTestHelpers.js';
import { testService } from '../browser/service.js';

/** Generous: real-time events take milliseconds; this only bounds a failing test. */
export const UI_TIMEOUT_MS = 10_000;

/** Waits until `predicate` holds, polling; fails with `message` after a generous timeout. */
export function until(predicate: () => boolean, message: string, timeout = UI_TIMEOUT_MS): Promise<void> {
  return waitUntil(predicate, message, { timeout, interval: 25 });
}

export const ALICE = '8:acs:test_alice';
export const BOB = '8:acs:test_bob';
export const CAROL = '8:acs:test_carol';

export function participant(rawId: string, displayName: string): ChatThreadParticipant {
  return { id: createIdentifierFromRawId(rawId), displayName };
}

let nextId = 1_700_000_000_000;

/** A text message as the service would list it. */
export function textMessage(options: {
  sender: string;
  content: string;
  senderDisplayName?: string;
  id?: string;
  createdOn?: Date;
  editedOn?: Date;
  deletedOn?: Date;
}): ChatThreadMessage {
  const id = options.id ?? String(nextId++);
  const message: ChatMessage = {
    id,
    type: 'text',
    sequenceId: id,
    version: id,
    createdOn: options.createdOn ?? new Date(),
    sender: createIdentifierFromRawId(options.sender),
    senderDisplayName: options.senderDisplayName ?? '',
  };
  if (!options.deletedOn) message.content = { message: options.content };
  if (options.editedOn) message.editedOn = options.editedOn;
  if (options.deletedOn) message.deletedOn = options.deletedOn;
  return message;
}

/** A system message about participants or the topic. */
export function systemMessage(
  type: 'participantAdded' | 'participantRemoved' | 'topicUpdated',
  options: { initiator: string; participants?: ChatThreadParticipant[]; topic?: string; createdOn?: Date },
): ChatThreadMessage {
  const id = String(nextId++);
  const content: ChatMessage['content'] = { initiator: createIdentifierFromRawId(options.initiator) };
  if (options.participants) content.participants = options.participants;
  if (options.topic !== undefined) content.topic = options.topic;
  return { id, type, sequenceId: id, version: id, createdOn: options.createdOn ?? new Date(), content };
}

/** A source without a client, holding the given state: renders without a service. */
export function sourceWith(state: Partial<Omit<ChatThreadState, 'threadId'>>, threadId = '19:test@thread.v2'): ChatThreadSource {
  return new ChatThreadSource({ threadId, initialState: { status: 'ready', ...state } });
}

/**
 * Renders `template` inside a wrapper themed `theme` (tokens set, background painted), so
 * accessibility checks see the colors a page in that theme would.
 */
export async function themedFixture<T extends Element>(template: TemplateResult, theme: ThemeName = 'light'): Promise<T> {
  const wrapper = await fixture<HTMLDivElement>(html`<div>${template}</div>`);
  applyTheme(wrapper, theme);
  wrapper.style.background = THEME_TOKENS[theme]['--acs-color-surface'];
  wrapper.style.color = THEME_TOKENS[theme]['--acs-color-text'];
  wrapper.style.padding = '8px';
  const element = wrapper.firstElementChild as T;
  await (element as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
  return element;
}

/** Two users of the test service in one new thread, each with a started chat client. */
export interface TwoUserThread {
  endpoint: string;
  threadId: string;
  alice: TestUser & { client: ChatClient };
  bob: TestUser & { client: ChatClient };
  close(): Promise<void>;
}

export async function twoUserThread(topic = 'UI test'): Promise<TwoUserThread> {
  const { endpoint } = await testService();
  const [aliceUser, bobUser] = await Promise.all([createTestUser(['chat']), createTestUser(['chat'])]);
  const alice = { ...aliceUser, client: new ChatClient(endpoint, aliceUser.token) };
  const bob = { ...bobUser, client: new ChatClient(endpoint, bobUser.token) };
  const { chatThread } = await alice.client.createChatThread(
    { topic },
    {
      participants: [
        { id: alice.user, displayName: 'Alice' },
        { id: bob.user, displayName: 'Bob' },
      ],
    },
  );
  await Promise.all([alice.client.startRealtimeNotifications(), bob.client.startRealtimeNotifications()]);
  return {
    endpoint,
    threadId: chatThread!.id,
    alice,
    bob,
    async close() {
      await Promise.all([alice.client.stopRealtimeNotifications(), bob.client.stopRealtimeNotifications()]);
    },
  };
}

/** The text of every element matching `selector` under `root`'s shadow root. */
export function texts(root: Element, selector: string): string[] {
  return [...root.shadowRoot!.querySelectorAll(selector)].map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());
}

/** A call the recording client's thread client received. */
export interface RecordedCall {
  method: string;
  args: unknown[];
}

/**
 * A chat client stand-in for component tests that need actions but no service: its thread client
 * lists the given state and records every call (sends, edits, deletes, typing, receipts, topic).
 */
export function recordingChatClient(state: {
  topic?: string;
  messages?: ChatThreadMessage[];
  participants?: ChatThreadParticipant[];
}): { client: ChatClient; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  let serial = 1_900_000_000_000;
  const list = <T>(items: T[]) => {
    async function* pages() {
      yield items;
    }
    async function* all() {
      yield* items;
    }
    return Object.assign(all(), { byPage: () => pages() });
  };
  const record =
    <T>(method: string, result: (...args: unknown[]) => T) =>
    async (...args: unknown[]): Promise<T> => {
      calls.push({ method, args });
      return result(...args);
    };
  const thread = {
    getProperties: record('getProperties', () => ({ id: 't', topic: state.topic ?? '', createdOn: new Date() })),
    listMessages: () => list([...(state.messages ?? [])].reverse()),
    listParticipants: () => list(state.participants ?? []),
    listReadReceipts: () => list([]),
    sendMessage: record('sendMessage', () => ({ id: String(serial++) })),
    updateMessage: record('updateMessage', () => undefined),
    deleteMessage: record('deleteMessage', () => undefined),
    sendTypingNotification: record('sendTypingNotification', () => true),
    sendReadReceipt: record('sendReadReceipt', () => undefined),
    updateTopic: record('updateTopic', () => undefined),
  };
  const client = {
    on: () => undefined,
    off: () => undefined,
    getChatThreadClient: () => thread,
  };
  return { client: client as unknown as ChatClient, calls };
}

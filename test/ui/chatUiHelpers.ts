import { ChatClient } from '../../src/chat/chatClient.js';
import { type ChatThreadClient, TYPING_NOTIFICATION_INTERVAL_MS } from '../../src/chat/chatThreadClient.js';
import type { ChatClientEvents } from '../../src/chat/events.js';
import type { ChatMessage, ChatMessageReadReceipt, ChatThreadParticipant } from '../../src/chat/models.js';
import { TypedEventEmitter } from '../../src/common/events.js';
import { type CommunicationUserKind, createIdentifierFromRawId } from '../../src/common/identifiers.js';
import type { PagedAsyncIterableIterator } from '../../src/common/paging.js';
import type { ChatThreadMessage } from '../../src/ui/state/chatMessages.js';
import { ChatThreadSource } from '../../src/ui/state/chatThreadSource.js';
import type { ChatThreadState } from '../../src/ui/state/chatThreadState.js';
import { type TestUser, createTestUser } from '../browser/chatTestHelpers.js';
import { testService } from '../browser/service.js';

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

/** What of a `ChatThreadClient` the UI uses: the recording fake has each of these, as typed there. */
export type UiChatThreadClient = Pick<
  ChatThreadClient,
  | 'threadId'
  | 'getProperties'
  | 'listMessages'
  | 'listParticipants'
  | 'listReadReceipts'
  | 'sendMessage'
  | 'updateMessage'
  | 'deleteMessage'
  | 'sendTypingNotification'
  | 'sendReadReceipt'
  | 'updateTopic'
>;

/** What of a `ChatClient` the UI uses, with its thread clients narrowed to {@link UiChatThreadClient}. */
export type UiChatClient = Pick<ChatClient, 'on' | 'off' | 'identifier' | 'getIdentifier'> & {
  getChatThreadClient(threadId: string): UiChatThreadClient;
};

/** `items` as the client lists them: in pages of `pageSize` (all in one page without it). */
function pagedList<T>(items: T[], pageSize = items.length): PagedAsyncIterableIterator<T> {
  async function* pages(): AsyncIterableIterator<T[]> {
    for (let i = 0; i < items.length || i === 0; i += Math.max(1, pageSize)) yield items.slice(i, i + Math.max(1, pageSize));
  }
  const all = (async function* () {
    yield* items;
  })();
  const paged: PagedAsyncIterableIterator<T> = {
    next: () => all.next(),
    [Symbol.asyncIterator]: () => paged,
    byPage: () => pages(),
  };
  return paged;
}

/**
 * A chat client stand-in for component tests that need actions but no service. It behaves as the
 * real one where the UI can tell: `on`/`off` register and unregister listeners (and `emitEvent`
 * delivers a real-time event to them), the user is known from the start (as with a token string),
 * and typing notifications are throttled as the real `ChatThreadClient` throttles them (one request
 * per 8 s, false when throttled). Its thread client lists the given state and records every request.
 */
export class RecordingChatClient extends TypedEventEmitter<ChatClientEvents> implements UiChatClient {
  readonly calls: RecordedCall[] = [];
  readonly identifier: CommunicationUserKind;
  readonly #state: { topic?: string; messages?: ChatThreadMessage[]; participants?: ChatThreadParticipant[] };
  #serial = 1_900_000_000_000;
  #lastTypingAt: number | undefined;

  constructor(state: { topic?: string; messages?: ChatThreadMessage[]; participants?: ChatThreadParticipant[] }, userId = ALICE) {
    super();
    this.#state = state;
    this.identifier = { kind: 'communicationUser', communicationUserId: userId };
  }

  async getIdentifier(): Promise<CommunicationUserKind> {
    return this.identifier;
  }

  /** Delivers a real-time event to the registered listeners, as the real client does. */
  emitEvent<K extends keyof ChatClientEvents>(name: K, event: ChatClientEvents[K]): void {
    this.emit(name, event);
  }

  getChatThreadClient(threadId: string): UiChatThreadClient {
    const state = this.#state;
    const record =
      <T>(method: string, result: () => T) =>
      async (...args: unknown[]): Promise<T> => {
        this.calls.push({ method, args });
        return result();
      };
    return {
      threadId,
      getProperties: record('getProperties', () => ({ id: threadId, topic: state.topic ?? '', createdOn: new Date() })),
      listMessages: (options) => pagedList<ChatMessage>([...(state.messages ?? [])].reverse(), options?.maxPageSize),
      listParticipants: () => pagedList(state.participants ?? []),
      listReadReceipts: () => pagedList<ChatMessageReadReceipt>([]),
      sendMessage: record('sendMessage', () => ({ id: String(this.#serial++) })),
      updateMessage: record('updateMessage', () => undefined),
      deleteMessage: record('deleteMessage', () => undefined),
      sendTypingNotification: async (...args: unknown[]) => {
        // As ChatThreadClient: within 8 s of the last request nothing is sent.
        const now = Date.now();
        if (this.#lastTypingAt !== undefined && now - this.#lastTypingAt < TYPING_NOTIFICATION_INTERVAL_MS) return false;
        this.#lastTypingAt = now;
        this.calls.push({ method: 'sendTypingNotification', args });
        return true;
      },
      sendReadReceipt: record('sendReadReceipt', () => undefined),
      updateTopic: record('updateTopic', () => undefined),
    };
  }
}

/** A {@link RecordingChatClient}, typed as the `ChatClient` components take, and its recorded requests. */
export function recordingChatClient(
  state: { topic?: string; messages?: ChatThreadMessage[]; participants?: ChatThreadParticipant[] },
  userId = ALICE,
): { client: ChatClient; calls: RecordedCall[]; fake: RecordingChatClient } {
  const fake = new RecordingChatClient(state, userId);
  // The UI uses only what UiChatClient names; the rest of ChatClient it never touches.
  return { client: fake as unknown as ChatClient, calls: fake.calls, fake };
}

/** A text message from `sender` arriving in real time at the source (Alice's view). */
export function received(source: ChatThreadSource, sender: string, content: string, id: string): void {
  source.handleMessageReceived({
    threadId: source.threadId,
    id,
    sequenceId: id,
    createdOn: new Date(),
    version: id,
    type: 'text',
    sender: createIdentifierFromRawId(sender) as never,
    senderDisplayName: sender === BOB ? 'Bob' : 'Alice',
    recipient: createIdentifierFromRawId(ALICE) as never,
    message: content,
    metadata: {},
  });
}

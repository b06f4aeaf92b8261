import type { ChatClient } from '../../src/chat/chatClient.js';
import type { ChatClientEvents, ChatEventId } from '../../src/chat/events.js';
import type { CommunicationUserIdentifier } from '../../src/common/identifiers.js';
import { CommunicationIdentityClient, type TokenScope } from '../../src/identity/communicationIdentityClient.js';
import { testService } from './service.js';

/** Generous: events normally arrive within milliseconds; this only bounds a failing test. */
export const EVENT_TIMEOUT_MS = 10_000;

/**
 * Records every event a chat client emits, from the moment it is made, and waits for one that
 * matches, whether it already arrived or is still to come (so no event is missed by a race).
 */
export class ChatEventRecorder {
  readonly #events = new Map<ChatEventId, unknown[]>();
  readonly #waiters = new Set<() => void>();

  constructor(client: ChatClient) {
    const names: ChatEventId[] = [
      'chatMessageReceived',
      'chatMessageEdited',
      'chatMessageDeleted',
      'typingIndicatorReceived',
      'readReceiptReceived',
      'chatThreadCreated',
      'chatThreadPropertiesUpdated',
      'chatThreadDeleted',
      'participantsAdded',
      'participantsRemoved',
      'realTimeNotificationConnected',
      'realTimeNotificationDisconnected',
    ];
    for (const name of names) {
      this.#events.set(name, []);
      client.on(name, (event) => {
        this.#events.get(name)!.push(event);
        for (const waiter of [...this.#waiters]) waiter();
      });
    }
  }

  /** Every event of `name` so far, in order of arrival. */
  all<K extends ChatEventId>(name: K, match: (event: ChatClientEvents[K]) => boolean = () => true): ChatClientEvents[K][] {
    return (this.#events.get(name) as ChatClientEvents[K][]).filter(match);
  }

  /** The first event of `name` that matches; rejects when none has come after `timeoutMs`. */
  waitFor<K extends ChatEventId>(
    name: K,
    match: (event: ChatClientEvents[K]) => boolean = () => true,
    timeoutMs = EVENT_TIMEOUT_MS,
  ): Promise<ChatClientEvents[K]> {
    return this.waitForCount(name, 1, match, timeoutMs).then((events) => events[0]!);
  }

  /** The first `count` matching events of `name`; rejects when fewer have come after `timeoutMs`. */
  waitForCount<K extends ChatEventId>(
    name: K,
    count: number,
    match: (event: ChatClientEvents[K]) => boolean = () => true,
    timeoutMs = EVENT_TIMEOUT_MS,
  ): Promise<ChatClientEvents[K][]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.all(name, match);
        if (found.length < count) return false;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(found.slice(0, count));
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`Only ${this.all(name, match).length} of ${count} matching ${name} events within ${timeoutMs} ms.`));
      }, timeoutMs);
      if (!check()) this.#waiters.add(check);
    });
  }
}

export interface TestUser {
  user: CommunicationUserIdentifier;
  token: string;
}

let identityClient: CommunicationIdentityClient | undefined;

export async function identity(): Promise<CommunicationIdentityClient> {
  identityClient ??= new CommunicationIdentityClient((await testService()).connectionString);
  return identityClient;
}

/** A new user of the test service with a token of `scopes`. */
export async function createTestUser(scopes: TokenScope[] = ['chat']): Promise<TestUser> {
  const { user, token } = await (await identity()).createUserAndToken(scopes);
  return { user, token };
}

/** A `fetch` that records the requests it passes on to the real one. */
export function recordingFetch(): {
  fetch: typeof fetch;
  requests: { method: string; url: URL; headers: Headers; body: string | undefined }[];
} {
  const requests: { method: string; url: URL; headers: Headers; body: string | undefined }[] = [];
  const recording: typeof fetch = (input, init) => {
    requests.push({
      method: init?.method ?? 'GET',
      url: new URL(String(input)),
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    return fetch(input, init);
  };
  return { fetch: recording, requests };
}

/** Collects every item of a paged list. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

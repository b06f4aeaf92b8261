import type { CommunicationTokenCredential } from './credential.js';
import { AbortError, RealtimeError, TokenCredentialError } from './errors.js';
import { TypedEventEmitter } from './events.js';
import { type SerializedCommunicationIdentifier, wireIdentifierOf } from './identifierModels.js';
import { decodeJwtClaims } from './jwt.js';
import {
  ADDRESSED_EVENT_NAMES,
  ENDPOINT_ID_RULE,
  isEndpointId,
  REALTIME_PATH,
  RealtimeCloseCode,
  type RealtimeEventName,
  type RealtimeEvents,
  type ReadyFrame,
  type ServerFrame,
  realtimeProtocols,
} from './realtimeProtocol.js';
import { WEB_SOCKET_OPEN, type WebSocketFactory, type WebSocketLike, openWebSocket } from './webSocket.js';

/**
 * - `disconnected`: not started, or stopped.
 * - `connecting`: the first connection is being made.
 * - `connected`: live; the service has replayed what was missed.
 * - `reconnecting`: the connection was lost; waiting out a backoff or making a new one.
 * - `failed`: stopped for good by an error retrying cannot fix (see {@link RealtimeChannel.error}).
 */
export type RealtimeChannelState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

/** One event from the service. `seq` is absent on ephemeral events (typing indicators). */
export interface RealtimeEvent {
  name: string;
  data: unknown;
  seq?: number;
}

export interface RealtimeConnectedEvent {
  endpointId: string;
  userId: string;
  /** The newest sequence number the user has. */
  seq: number;
  /** True when this connection resumed an earlier one, with every event missed in between. */
  resumed: boolean;
  /** True when events missed while away were already pruned: refetch state over REST. */
  gap: boolean;
}

export interface RealtimeDisconnectedEvent {
  code: number;
  reason: string;
  willReconnect: boolean;
  /** Set when the channel stopped for good. */
  error?: RealtimeError;
}

/** The channel's events (a type alias, as the emitter's event map must be). */
export type RealtimeChannelEvents = {
  stateChanged: { state: RealtimeChannelState; previous: RealtimeChannelState };
  connected: RealtimeConnectedEvent;
  disconnected: RealtimeDisconnectedEvent;
  /** Every event, in order; {@link RealtimeChannel.subscribe} filters by name. */
  event: RealtimeEvent;
};

export interface RealtimeChannelOptions {
  /** Names this client endpoint (a tab, a device). A random id per channel when absent. */
  endpointId?: string;
  /** Resume after this sequence number (one saved from an earlier session). */
  lastSeq?: number;
  /** Opens sockets; the runtime's WebSocket (or `ws` in Node 20) by default. */
  webSocketFactory?: WebSocketFactory;
  /** First reconnect delay. Default 250 ms. */
  minReconnectDelayInMs?: number;
  /** Upper bound of the doubling reconnect delay. Default 10 s. */
  maxReconnectDelayInMs?: number;
  /** How often a connected channel pings; a ping unanswered by the next one drops the socket. 0 disables. Default 30 s. */
  heartbeatIntervalInMs?: number;
  /** How long a new socket may take to become ready before it is given up. Default 20 s. */
  connectTimeoutInMs?: number;
}

/**
 * Close codes after which retrying cannot help. Every other code reconnects and resumes from the
 * last sequence number seen, among them 4408 (a slow consumer: the service would not queue more for
 * it; the resume brings what it did not send) and 4429 (too many sockets: retried with backoff).
 */
const FATAL_CLOSE_CODES = new Set<number>([RealtimeCloseCode.Forbidden, RealtimeCloseCode.BadRequest, RealtimeCloseCode.EndpointReplaced]);
/** Close codes of the client's own (never sent by the service). */
const ABANDONED = 4000;
const HEARTBEAT_TIMEOUT = 4008;

const ADDRESSED: ReadonlySet<string> = new Set(ADDRESSED_EVENT_NAMES);

/** The user a token is for (its `sub`), as an addressed event's `recipient`; frozen: every event shares it. */
function recipientOf(token: string): SerializedCommunicationIdentifier | undefined {
  try {
    const { sub } = decodeJwtClaims(token);
    if (typeof sub !== 'string') return undefined;
    const model = wireIdentifierOf(sub);
    for (const value of Object.values(model)) if (typeof value === 'object' && value !== null) Object.freeze(value);
    return Object.freeze(model);
  } catch {
    return undefined;
  }
}

/**
 * The real-time channel: one WebSocket per client endpoint to `${endpoint}realtime`, authenticated
 * by the user's token. It remembers the last sequence number it saw and resumes from it after any
 * drop, so every durable event arrives exactly once and in order; it reconnects with capped
 * exponential backoff and jitter, fetching a token on each attempt (a fresh one after a 4401).
 *
 * Clients share one channel by subscribing to the event names they serve (chat, calling).
 */
export class RealtimeChannel extends TypedEventEmitter<RealtimeChannelEvents> {
  readonly endpoint: string;
  readonly endpointId: string;
  readonly #credential: CommunicationTokenCredential;
  readonly #openSocket: WebSocketFactory;
  readonly #minDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #heartbeatMs: number;
  readonly #connectTimeoutMs: number;
  #state: RealtimeChannelState = 'disconnected';
  #error: RealtimeError | undefined;
  #socket: WebSocketLike | undefined;
  #token: string | undefined;
  /** This connection's user, as addressed events name their recipient (the service sends them without it). */
  #recipient: SerializedCommunicationIdentifier | undefined;
  #lastSeq: number | undefined;
  /** Failed attempts since the last ready connection: the backoff exponent. */
  #attempts = 0;
  /** Bumped by every connect and stop, so a stale async continuation knows to give up. */
  #generation = 0;
  #refusedToken: string | undefined;
  #awaitingPong = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(endpoint: string, credential: CommunicationTokenCredential, options: RealtimeChannelOptions = {}) {
    super();
    this.endpoint = new URL(endpoint.endsWith('/') ? endpoint : `${endpoint}/`).href;
    if (typeof credential?.getToken !== 'function') throw new TypeError('Expected a CommunicationTokenCredential.');
    this.#credential = credential;
    const endpointId = options.endpointId ?? crypto.randomUUID().replace(/-/g, '');
    if (!isEndpointId(endpointId)) throw new TypeError(ENDPOINT_ID_RULE);
    this.endpointId = endpointId;
    if (options.lastSeq !== undefined && !(Number.isSafeInteger(options.lastSeq) && options.lastSeq >= 0)) {
      throw new RangeError('lastSeq must be a non-negative integer.');
    }
    this.#lastSeq = options.lastSeq;
    this.#openSocket = options.webSocketFactory ?? openWebSocket;
    this.#minDelayMs = positive(options.minReconnectDelayInMs, 250, 'minReconnectDelayInMs');
    this.#maxDelayMs = Math.max(this.#minDelayMs, positive(options.maxReconnectDelayInMs, 10_000, 'maxReconnectDelayInMs'));
    this.#heartbeatMs = positive(options.heartbeatIntervalInMs, 30_000, 'heartbeatIntervalInMs');
    this.#connectTimeoutMs = positive(options.connectTimeoutInMs, 20_000, 'connectTimeoutInMs');
  }

  get state(): RealtimeChannelState {
    return this.#state;
  }

  /** Why the channel is `failed`; cleared by the next {@link start}. */
  get error(): RealtimeError | undefined {
    return this.#error;
  }

  /** The newest sequence number seen; a new channel given it as `lastSeq` resumes from there. */
  get lastSeq(): number | undefined {
    return this.#lastSeq;
  }

  /**
   * Connects (if not already) and resolves once the channel is live. Rejects with a
   * {@link RealtimeError} when it fails for good, or an `AbortError` when stopped first.
   */
  start(): Promise<void> {
    if (this.#state === 'connected') return Promise.resolve();
    const live = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#state === 'disconnected' || this.#state === 'failed') {
      this.#error = undefined;
      this.#attempts = 0;
      this.#setState('connecting');
      void this.#connect();
    }
    return live;
  }

  /** Closes the socket and stops reconnecting. Subscriptions stay for a later {@link start}. */
  stop(): void {
    if (this.#state === 'disconnected' || this.#state === 'failed') return;
    const wasConnected = this.#state === 'connected';
    this.#generation++;
    const socket = this.#socket;
    this.#release();
    socket?.close(1000, 'client stopped');
    this.#setState('disconnected');
    this.#settleWaiters(new AbortError('The real-time channel was stopped before it connected.'));
    if (wasConnected) this.emit('disconnected', { code: 1000, reason: 'client stopped', willReconnect: false });
  }

  /**
   * Calls `listener` with the data of every event named `name`; returns the unsubscribe function.
   * Events of the wire contract ({@link RealtimeEvents}) come typed; any other name as `unknown`.
   */
  subscribe<K extends RealtimeEventName>(name: K, listener: (data: RealtimeEvents[K], event: RealtimeEvent) => void): () => void;
  subscribe(name: string, listener: (data: unknown, event: RealtimeEvent) => void): () => void;
  subscribe(name: string, listener: (data: never, event: RealtimeEvent) => void): () => void {
    const filtered = (event: RealtimeEvent) => {
      if (event.name === name) listener(event.data as never, event);
    };
    this.on('event', filtered);
    return () => this.off('event', filtered);
  }

  /**
   * Test hook: loses the connection as a network failure would, without a close handshake. Whatever
   * the service sends meanwhile must come back through the resumption.
   */
  dropConnectionForTesting(): void {
    this.#abandon(1006, 'connection dropped for testing');
  }

  #setState(next: RealtimeChannelState): void {
    const previous = this.#state;
    if (next === previous) return;
    this.#state = next;
    this.emit('stateChanged', { state: next, previous });
  }

  async #connect(): Promise<void> {
    const generation = ++this.#generation;
    const force = this.#refusedToken !== undefined;
    let token: string;
    try {
      token = (await this.#credential.getToken(force ? { forceRefresh: true } : {})).token;
    } catch (error) {
      if (generation !== this.#generation) return;
      if (error instanceof TokenCredentialError && error.code === 'CredentialDisposed') {
        this.#fail(new RealtimeError('CredentialDisposed', 'The credential was disposed.', { cause: error }));
      } else {
        this.#scheduleReconnect();
      }
      return;
    }
    if (generation !== this.#generation) return;
    if (force && token === this.#refusedToken) {
      this.#fail(RealtimeError.fromClose(RealtimeCloseCode.Unauthorized, 'the token was refused and the credential gave no other'));
      return;
    }
    let socket: WebSocketLike;
    try {
      socket = await this.#openSocket(this.#url(), realtimeProtocols(token));
    } catch {
      if (generation === this.#generation) this.#scheduleReconnect();
      return;
    }
    if (generation !== this.#generation) {
      this.#detach(socket);
      socket.close(1000, 'client stopped');
      return;
    }
    this.#socket = socket;
    this.#token = token;
    this.#recipient = recipientOf(token);
    socket.onmessage = (event) => {
      if (this.#socket === socket) this.#onFrame(event.data);
    };
    socket.onclose = (event) => {
      if (this.#socket === socket) this.#onClosed(event.code, event.reason);
    };
    socket.onerror = () => undefined; // A close event always follows; it carries what there is to know.
    this.#connectTimer = setTimeout(() => this.#abandon(HEARTBEAT_TIMEOUT, 'no ready frame in time'), this.#connectTimeoutMs);
  }

  /** The socket's URL. No token in it: URLs are logged; the token goes in a subprotocol. */
  #url(): string {
    const url = new URL(REALTIME_PATH.slice(1), this.endpoint);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('endpointId', this.endpointId);
    if (this.#lastSeq !== undefined) url.searchParams.set('lastSeq', String(this.#lastSeq));
    return url.href;
  }

  #onFrame(data: unknown): void {
    this.#awaitingPong = false;
    let frame: ServerFrame | null;
    try {
      frame = JSON.parse(String(data)) as ServerFrame | null;
    } catch {
      return; // Not a frame of this protocol: nothing to act on.
    }
    if (typeof frame !== 'object' || frame === null) return;
    if (frame.type === 'ready') this.#onReady(frame);
    else if (frame.type === 'event') this.#onEvent(frame.name, frame.data, frame.seq);
  }

  #onEvent(name: string, data: unknown, seq: number | undefined): void {
    if (typeof name !== 'string') return;
    if (this.#recipient && ADDRESSED.has(name) && typeof data === 'object' && data !== null && !('recipient' in data)) {
      (data as { recipient?: SerializedCommunicationIdentifier }).recipient = this.#recipient;
    }
    if (seq !== undefined) {
      // Exactly once: a replay that overlaps what was already seen is dropped here.
      if (this.#lastSeq !== undefined && seq <= this.#lastSeq) return;
      this.#lastSeq = seq;
    }
    this.emit('event', seq === undefined ? { name, data } : { name, data, seq });
  }

  #onReady(frame: ReadyFrame): void {
    clearTimeout(this.#connectTimer);
    const resumed = this.#lastSeq !== undefined;
    // After the replay the channel is at the service's newest event (also when the service was
    // reset and counts from lower numbers again).
    this.#lastSeq = frame.seq;
    this.#attempts = 0;
    this.#refusedToken = undefined;
    this.#startHeartbeat();
    this.#setState('connected');
    this.emit('connected', { endpointId: frame.endpointId, userId: frame.userId, seq: frame.seq, resumed, gap: frame.gap });
    this.#settleWaiters();
  }

  #onClosed(code: number, reason: string): void {
    const wasConnected = this.#state === 'connected';
    const token = this.#token;
    this.#release();
    if (FATAL_CLOSE_CODES.has(code)) {
      this.#fail(RealtimeError.fromClose(code, reason));
      return;
    }
    if (code === RealtimeCloseCode.Unauthorized) this.#refusedToken = token;
    this.#scheduleReconnect();
    if (wasConnected) this.emit('disconnected', { code, reason, willReconnect: true });
  }

  /**
   * Gives up the current socket as lost (heartbeat or connect timeout), reporting `code`, without
   * waiting for a close handshake: nothing more is read from it.
   */
  #abandon(code: number, reason: string): void {
    const socket = this.#socket;
    if (!socket) return;
    this.#detach(socket);
    socket.close(ABANDONED, reason);
    this.#onClosed(code, reason);
  }

  #scheduleReconnect(): void {
    if (this.#state !== 'connecting') this.#setState('reconnecting');
    const ceiling = Math.min(this.#maxDelayMs, this.#minDelayMs * 2 ** this.#attempts);
    this.#attempts++;
    // Equal jitter: half the delay is fixed, half random, so endpoints dropped together spread out.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      void this.#connect();
    }, delay);
  }

  #fail(error: RealtimeError): void {
    this.#generation++;
    this.#release();
    this.#error = error;
    this.#setState('failed');
    this.#settleWaiters(error);
    this.emit('disconnected', {
      code: error.closeCode ?? 1000,
      reason: error.message,
      willReconnect: false,
      error,
    });
  }

  #startHeartbeat(): void {
    if (this.#heartbeatMs === 0) return;
    this.#awaitingPong = false;
    this.#heartbeatTimer = setInterval(() => {
      const socket = this.#socket;
      if (!socket) return;
      if (this.#awaitingPong) {
        this.#abandon(HEARTBEAT_TIMEOUT, 'heartbeat timeout');
        return;
      }
      this.#awaitingPong = true;
      if (socket.readyState === WEB_SOCKET_OPEN) socket.send('{"type":"ping"}');
    }, this.#heartbeatMs);
  }

  /** Forgets the socket and every timer; the socket itself is the caller's to close. */
  #release(): void {
    if (this.#socket) this.#detach(this.#socket);
    this.#socket = undefined;
    this.#token = undefined;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#connectTimer);
    clearInterval(this.#heartbeatTimer);
    this.#reconnectTimer = this.#connectTimer = this.#heartbeatTimer = undefined;
  }

  #detach(socket: WebSocketLike): void {
    socket.onmessage = socket.onclose = socket.onopen = null;
    // Not null: `ws` throws an error event nobody listens to (closing a socket still connecting).
    socket.onerror = ignore;
  }

  #settleWaiters(error?: unknown): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }
}

function ignore(): void {}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number.`);
  return value;
}

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import {
  ACCESS_TOKEN_PROTOCOL_PREFIX,
  type AddressedEventName,
  ENDPOINT_ID_RULE,
  type EventFrame,
  type RealtimeDurableEventName,
  type RealtimeEphemeralEventName,
  type RealtimeEvents,
  eventFrame,
  isEndpointId,
  REALTIME_SUBPROTOCOL,
  REALTIME_SUBPROTOCOL_V1,
  RealtimeCloseCode,
  type ReadyFrame,
} from '../../src/common/realtimeProtocol.js';
import { isChatMessageEvent } from '../../src/chat/chatProtocol.js';
import type { TokenScope, TokenService, VerifiedToken } from '../auth/tokens.js';
import { ServiceError } from '../http/errors.js';
import type { IdentityStore } from '../identity/identityStore.js';
import { wireIdentifierOf } from '../../src/common/identifierModels.js';
import type { Db } from '../storage/database.js';
import { type AppendedEvent, EventLog, type StreamCursor } from './eventLog.js';
import { InProcessLiveEvents, type LiveEvents } from './liveEvents.js';

/** One connected client endpoint. */
export interface RealtimeConnection {
  readonly userId: string;
  readonly endpointId: string;
  readonly scopes: readonly TokenScope[];
  send(frame: EventFrame): void;
}

export interface EndpointChange {
  userId: string;
  endpointId: string;
  connected: boolean;
}

/**
 * Limits of the channel. Each bounds what one user can make the service hold: the retained log on
 * disk, and in memory what is queued on each socket (a client that does not read must not make the
 * service buffer its whole log) and how many sockets there are.
 */
export interface RealtimeHubOptions {
  /** Durable events kept per user for resumption; older ones are pruned. Default 10,000. */
  retainedEventsPerUser?: number;
  /**
   * Bytes of event data kept per user; the oldest events are pruned past it (the newest one is
   * always kept). A resume from before the oldest kept event is ready with `gap: true`. Default 32 MiB.
   */
  retainedBytesPerUser?: number;
  /** Interval of the liveness ping; a socket that misses one pong is dropped. */
  heartbeatMs?: number;
  /**
   * A replay is sent in pages of at most this many events and about this many bytes; the next page
   * goes once the previous one has been written to the socket. Defaults 100 events, 256 KiB.
   */
  replayPageEvents?: number;
  replayPageBytes?: number;
  /**
   * Bytes a live socket may have queued; an event that would go past it closes the socket with
   * {@link RealtimeCloseCode.SlowConsumer} (the client resumes from its lastSeq and loses nothing).
   * Default 4 MiB.
   */
  maxBufferedBytesPerSocket?: number;
  /**
   * Sockets one user may have open (one per endpoint id: a reconnect of the same endpoint replaces
   * its older socket and is never refused). More are refused with {@link RealtimeCloseCode.TooManyConnections}.
   * Default 16.
   */
  maxSocketsPerUser?: number;
  /** Sockets the service keeps open in all; more are refused the same way. Default 10,000. */
  maxSockets?: number;
  /**
   * How long a socket the service closes (refused, replaced, expired, revoked, slow) may take to
   * complete the close before it is dropped. Default 1 s.
   */
  closeGraceMs?: number;
}

/** The limits in force (the options with their defaults). */
export const REALTIME_DEFAULTS = {
  retainedEventsPerUser: 10_000,
  retainedBytesPerUser: 32 * 1024 * 1024,
  heartbeatMs: 30_000,
  replayPageEvents: 100,
  replayPageBytes: 256 * 1024,
  maxBufferedBytesPerSocket: 4 * 1024 * 1024,
  maxSocketsPerUser: 16,
  maxSockets: 10_000,
  closeGraceMs: 1_000,
} as const satisfies Required<RealtimeHubOptions>;

/** What one socket holds, for tests and the status figures. */
export interface RealtimeSocketStats {
  userId: string;
  endpointId: string;
  /** Bytes queued on the socket and not yet written to the network. */
  bufferedBytes: number;
  /** Still being sent what it missed (no live events yet). */
  replaying: boolean;
}

interface BatchedWrite {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The `recipient` field spliced into an addressed copy for an older client: `{…}` → `{…,"recipient":…}`. */
function withRecipient(data: string, recipient: string): string {
  return data === '{}' ? `{"recipient":${recipient}}` : `${data.slice(0, -1)},"recipient":${recipient}}`;
}

/** An event frame's text: `data` is the copy's JSON (the replay and live delivery write the same bytes). */
function eventText(seq: number, nameJson: string, data: string): string {
  return `{"type":"event","seq":${seq},"name":${nameJson},"data":${data}}`;
}

/**
 * The bytes of an event's frame after its number (`,"name":…,"data":…}`), the same for every
 * recipient: an addressed event goes without its recipient, which the client fills in
 * (ADDRESSED_EVENT_NAMES).
 */
function frameRest(event: AppendedEvent): Buffer {
  return Buffer.from(`,"name":${JSON.stringify(event.name)},"data":${event.data}}`);
}

/** One recipient's frame: `eventText` of the event, made from the shared bytes without encoding them again. */
function frameBytes(seq: number, rest: Buffer): Buffer {
  const head = `{"type":"event","seq":${seq}`;
  const frame = Buffer.allocUnsafe(head.length + rest.length);
  frame.write(head, 0, 'latin1');
  rest.copy(frame, head.length);
  return frame;
}

const CHANNEL_SCOPES: readonly TokenScope[] = ['chat', 'chat.join', 'chat.join.limited', 'voip', 'voip.join'];

/**
 * The real-time channel: authenticates sockets by user token, numbers every durable event per user,
 * stores it (so a reconnecting client resumes exactly where it left off) and fans it out to every
 * endpoint of every recipient.
 *
 * Writers record events inside their own database transaction through {@link atomically}, so an
 * event exists exactly when the change it announces was committed; delivery to sockets happens
 * only after the commit. Each event is stored once in the {@link EventLog}, with its audience;
 * committed events are announced through {@link LiveEvents}, and the hub writes each recipient's
 * frame to their sockets from that announcement.
 */
export class RealtimeHub {
  readonly #db: Db;
  readonly #tokens: TokenService;
  readonly #wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    // Echo only the protocol name: the token subprotocol is a secret and never goes back out.
    handleProtocols: (protocols) =>
      protocols.has(REALTIME_SUBPROTOCOL) ? REALTIME_SUBPROTOCOL : protocols.has(REALTIME_SUBPROTOCOL_V1) ? REALTIME_SUBPROTOCOL_V1 : false,
  });
  readonly #connections = new Map<string, Set<Connection>>();
  readonly #limits: Required<RealtimeHubOptions>;
  #slowConsumerCloses = 0;
  #droppedSockets = 0;
  readonly #heartbeat: ReturnType<typeof setInterval>;
  readonly #log: EventLog;
  readonly #live: LiveEvents;
  readonly #unsubscribe: () => void;
  #outbox: AppendedEvent[] | undefined;
  /** Committed events waiting for live delivery (after the answers of their batch), in log order. */
  #undelivered: AppendedEvent[] = [];
  /** Set while a batch commits: its events wait for its answers. */
  #holding = false;
  #deliveryScheduled = false;
  /** The waiting events have already waited for one more batch. */
  #deliveryDeferred = false;
  /** Writes queued by {@link batched} for the next batch transaction. */
  #batch: BatchedWrite[] | undefined;
  /** Set when the open transaction rewrote events: the old content must also leave the WAL. */
  #redacted = false;
  readonly #endpointListeners = new Set<(change: EndpointChange) => void>();

  constructor(db: Db, tokens: TokenService, identities: IdentityStore, options: RealtimeHubOptions = {}) {
    this.#db = db;
    this.#tokens = tokens;
    this.#limits = { ...REALTIME_DEFAULTS };
    for (const [name, value] of Object.entries(options) as [keyof RealtimeHubOptions, number | undefined][]) {
      if (value === undefined) continue;
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer.`);
      this.#limits[name] = value;
    }
    this.#log = new EventLog(db, this.#limits);
    this.#live = new InProcessLiveEvents();
    this.#unsubscribe = this.#live.subscribe((events) => this.#deliverAll(events));
    identities.onUserDeleted('realtime', (userId) => {
      // What they sent before is delivered as it would have been; nothing of theirs after this.
      this.#deliverNow();
      this.#log.deleteUser(userId);
    });
    // A revoked token or a deleted user loses its open sockets at once, not when the token expires.
    identities.onTokensInvalidated((userId, reason) => this.closeUser(userId, reason === 'revoked' ? 'token revoked' : 'identity deleted'));
    this.#heartbeat = setInterval(() => this.#checkLiveness(), this.#limits.heartbeatMs);
    this.#heartbeat.unref();
  }

  /**
   * Runs `write` in one transaction; events it records with {@link publish} are stored with it and
   * delivered once it commits. Nested calls join the outer transaction.
   */
  atomically<T>(write: () => T): T {
    const version = this.#log.version;
    if (this.#outbox) {
      // Nested: a savepoint. If it rolls back, so do the events it recorded.
      const mark = this.#outbox.length;
      try {
        return this.#db.transaction(write)();
      } catch (error) {
        this.#outbox.length = mark;
        if (this.#log.version !== version) this.#log.forget();
        throw error;
      }
    }
    this.#outbox = [];
    let result: T;
    let outbox: AppendedEvent[];
    let redacted: boolean;
    try {
      result = this.#db.transaction(write)();
    } catch (error) {
      // The log's numbers in memory may be ahead of what the database kept: count them again.
      if (this.#log.version !== version) this.#log.forget();
      throw error;
    } finally {
      outbox = this.#outbox;
      this.#outbox = undefined;
      redacted = this.#redacted;
      this.#redacted = false;
    }
    if (redacted) {
      // The WAL still holds the pages as they were before (the old text): copy the new ones into
      // the database file and truncate the log. secure_delete zeroes what the file frees.
      this.#db.pragma('wal_checkpoint(TRUNCATE)');
    }
    this.#announce(outbox);
    return result;
  }

  /**
   * Hands committed events to live delivery, in log order: at once, unless events of an earlier
   * batch are still waiting for their turn (then after them).
   */
  #announce(events: AppendedEvent[]): void {
    if (events.length === 0) return;
    if (this.#holding || this.#undelivered.length > 0) {
      this.#undelivered.push(...events);
      this.#scheduleDelivery();
    } else this.#live.announce(events);
  }

  #scheduleDelivery(): void {
    if (this.#deliveryScheduled) return;
    this.#deliveryScheduled = true;
    setImmediate(() => this.#deliverUndelivered());
  }

  #deliverUndelivered(): void {
    this.#deliveryScheduled = false;
    if (this.#undelivered.length === 0) return;
    if (this.#batch && !this.#deliveryDeferred) {
      // Under load, the next batch commits in this same turn: its events go out with these, one
      // write per socket for both (once, so these wait at most one turn).
      this.#deliveryDeferred = true;
      this.#scheduleDelivery();
      return;
    }
    this.#deliverNow();
  }

  /** Delivers the waiting events now (before a change that must not be overtaken by them). */
  #deliverNow(): void {
    this.#deliveryDeferred = false;
    if (this.#undelivered.length === 0) return;
    const events = this.#undelivered;
    this.#undelivered = [];
    this.#live.announce(events);
  }

  /**
   * Runs `write` as {@link atomically} does, in one transaction with the other writes batched in the
   * same turn of the event loop: one commit for all of them. Resolves (or rejects, with what `write`
   * threw, its own changes rolled back) once that transaction has committed, so an answer sent then
   * is sent for a durable change. Its events are delivered right after the answers have been
   * written: a sender waits for the service, not for the fan-out of its message.
   */
  batched<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (!this.#batch) {
        this.#batch = [];
        setImmediate(() => this.#commitBatch());
      }
      this.#batch.push({ write, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  #commitBatch(): void {
    const batch = this.#batch ?? [];
    this.#batch = undefined;
    const outcomes: (() => void)[] = [];
    this.#holding = true;
    try {
      this.atomically(() => {
        for (const item of batch) {
          try {
            const value = this.atomically(item.write);
            outcomes.push(() => item.resolve(value));
          } catch (error) {
            outcomes.push(() => item.reject(error));
          }
        }
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    } finally {
      this.#holding = false;
    }
    for (const settle of outcomes) settle();
  }

  /**
   * Records a durable event for each recipient user; call inside {@link atomically}. `data` is the
   * payload, the same for every recipient, or a function giving each recipient's (recipients with
   * the same payload share one stored event).
   */
  publish<K extends RealtimeDurableEventName>(
    recipients: Iterable<string>,
    name: K,
    data: RealtimeEvents[K] | ((userId: string) => RealtimeEvents[K]),
  ): void {
    if (!this.#outbox) throw new Error('RealtimeHub.publish must run inside atomically().');
    const users = [...new Set(recipients)];
    if (users.length === 0) return;
    if (typeof data !== 'function') {
      this.#append(users, name, data, JSON.stringify(data), false);
      return;
    }
    const copies = new Map<string, { payload: RealtimeEvents[K]; users: string[] }>();
    for (const userId of users) {
      const payload = data(userId);
      const json = JSON.stringify(payload);
      const copy = copies.get(json);
      if (copy) copy.users.push(userId);
      else copies.set(json, { payload, users: [userId] });
    }
    for (const [json, { payload, users: audience }] of copies) this.#append(audience, name, payload, json, false);
  }

  /**
   * Records a durable event whose copies differ only by their `recipient` field (each recipient's
   * own identifier): stored and sent once for all of them, without it; each client fills in its
   * own (ADDRESSED_EVENT_NAMES).
   */
  publishAddressed<K extends AddressedEventName>(recipients: Iterable<string>, name: K, data: Omit<RealtimeEvents[K], 'recipient'>): void {
    if (!this.#outbox) throw new Error('RealtimeHub.publishAddressed must run inside atomically().');
    const users = [...new Set(recipients)];
    if (users.length === 0) return;
    this.#append(users, name, data, JSON.stringify(data), true);
  }

  #append(users: string[], name: RealtimeDurableEventName, payload: unknown, json: string, addressed: boolean): void {
    // Chat events are indexed by thread and message, so a later edit or delete finds the content
    // (see rewriteEvents).
    const { threadId: thread, id } = (payload ?? {}) as { threadId?: unknown; id?: unknown };
    const threadId = typeof thread === 'string' ? thread : null;
    const messageId = threadId !== null && isChatMessageEvent(name) && typeof id === 'string' ? id : null;
    this.#outbox!.push(this.#log.append(users, name, json, addressed, { threadId, messageId }, Date.now()));
  }

  /**
   * Rewrites, in place, the stored events of every recipient about one chat message (or, without
   * `messageId`, about a whole thread): `rewrite` gets each event's name and data and returns the
   * new data, or undefined to leave it. The rows stay (sequence numbers stay gapless, so resuming
   * stays exactly-once); only what they say changes. Call inside {@link atomically}, in the same
   * transaction as the edit or delete, so the old content never outlives it.
   */
  rewriteEvents(
    threadId: string,
    messageId: string | undefined,
    rewrite: (name: RealtimeDurableEventName, data: Record<string, unknown>) => Record<string, unknown> | undefined,
  ): void {
    if (!this.#outbox) throw new Error('RealtimeHub.rewriteEvents must run inside atomically().');
    // Events committed before this change go out as they were committed, ahead of it.
    this.#deliverNow();
    this.#redacted = true;
    this.#log.rewrite(threadId, messageId, rewrite as (name: string, data: Record<string, unknown>) => Record<string, unknown> | undefined);
  }

  /** Sends an event that is not stored or replayed (typing indicators), now, to connected endpoints. */
  sendEphemeral<K extends RealtimeEphemeralEventName>(
    recipients: Iterable<string>,
    name: K,
    data: (userId: string) => RealtimeEvents[K],
  ): void {
    for (const userId of new Set(recipients)) {
      const set = this.#connections.get(userId);
      if (!set) continue;
      const text = JSON.stringify(eventFrame(name, data(userId)));
      for (const connection of set) if (connection.live) connection.sendRaw(text);
    }
  }

  /** Tells when a user's endpoint comes online or goes away (calling notices closed tabs). */
  onEndpointChange(listener: (change: EndpointChange) => void): () => void {
    this.#endpointListeners.add(listener);
    return () => this.#endpointListeners.delete(listener);
  }

  /** Connected (live) endpoints of a user (calling rings each of them). */
  endpointsOf(userId: string): RealtimeConnection[] {
    return [...(this.#connections.get(userId) ?? [])].filter((connection) => connection.live);
  }

  /** Handles an upgrade on the channel's path: authenticates, then resumes and goes live. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://service.invalid');
    void this.#authenticate(url, req).then(
      (auth) =>
        this.#wss.handleUpgrade(req, socket, head, (ws) => {
          try {
            this.#open(ws, auth.verified, auth.endpointId, auth.lastSeq);
          } catch (error) {
            console.error('Failed to open a real-time connection:', error);
            this.#closeAndDrop(ws, 1011, 'internal error');
          }
        }),
      (error: unknown) =>
        // Browsers cannot read an HTTP error on an upgrade: accept, then close with a reason.
        this.#wss.handleUpgrade(req, socket, head, (ws) => {
          const { status, message } = error instanceof ServiceError ? error : { status: 500, message: 'internal error' };
          this.#closeAndDrop(ws, 4000 + status, message.slice(0, 120));
        }),
    );
  }

  /** Closes every socket of a user with 4401 (its tokens were revoked, or it was deleted). */
  closeUser(userId: string, reason: string): void {
    const set = this.#connections.get(userId);
    if (!set) return;
    for (const connection of [...set]) this.#closeAndDrop(connection.ws, RealtimeCloseCode.Unauthorized, reason);
  }

  /** Open sockets, for the service's status figures. */
  get connectionCount(): number {
    let count = 0;
    for (const set of this.#connections.values()) count += set.size;
    return count;
  }

  /** Bytes queued on all sockets and not yet written to the network. */
  get bufferedBytes(): number {
    let bytes = 0;
    for (const ws of this.#wss.clients) bytes += ws.bufferedAmount;
    return bytes;
  }

  /** Every socket the channel holds, those on their way out (closing, not yet closed) included. */
  get openSocketCount(): number {
    return this.#wss.clients.size;
  }

  /** Sockets dropped because their client did not complete a close within the grace period. */
  get droppedSockets(): number {
    return this.#droppedSockets;
  }

  /** Sockets closed as slow consumers since the start. */
  get slowConsumerCloses(): number {
    return this.#slowConsumerCloses;
  }

  /** The limits in force. */
  get limits(): Readonly<Required<RealtimeHubOptions>> {
    return this.#limits;
  }

  /** What each open socket holds. */
  socketStats(): RealtimeSocketStats[] {
    const stats: RealtimeSocketStats[] = [];
    for (const set of this.#connections.values()) {
      for (const { userId, endpointId, ws, replaying } of set) {
        stats.push({ userId, endpointId, bufferedBytes: ws.bufferedAmount, replaying });
      }
    }
    return stats;
  }

  /** Closes every connection (service shutdown). */
  close(): void {
    // What committed goes out first; the clients resume from it after the restart.
    this.#deliverNow();
    clearInterval(this.#heartbeat);
    this.#unsubscribe();
    for (const set of this.#connections.values()) {
      for (const connection of set) connection.ws.close(RealtimeCloseCode.GoingAway, 'service shutting down');
    }
    this.#connections.clear();
    this.#wss.close();
  }

  async #authenticate(
    url: URL,
    req: IncomingMessage,
  ): Promise<{ verified: VerifiedToken; endpointId: string; lastSeq: number | undefined }> {
    if (url.searchParams.has('access_token')) {
      // The old form put the token in the URL, where logs and consoles keep it: refused outright.
      throw ServiceError.unauthorized(
        'A token in the URL is not accepted: offer it as the Sec-WebSocket-Protocol "access_token.<base64url>".',
        'TokenInUrl',
      );
    }
    const token = tokenFromProtocols(req.headers['sec-websocket-protocol']);
    if (!token)
      throw ServiceError.unauthorized('An access token is required (Sec-WebSocket-Protocol "access_token.<base64url>").', 'MissingToken');
    const verified = await this.#tokens.verify(token, CHANNEL_SCOPES);
    const endpointId = url.searchParams.get('endpointId') ?? '';
    if (!isEndpointId(endpointId)) throw ServiceError.badRequest(ENDPOINT_ID_RULE);
    const lastSeqText = url.searchParams.get('lastSeq');
    let lastSeq: number | undefined;
    if (lastSeqText !== null) {
      lastSeq = Number(lastSeqText);
      if (!Number.isSafeInteger(lastSeq) || lastSeq < 0) {
        throw ServiceError.badRequest('lastSeq must be a non-negative integer.');
      }
    }
    return { verified, endpointId, lastSeq };
  }

  /**
   * Registers the socket and replays what it missed, page by page as the socket drains, then sends
   * `ready` and goes live.
   *
   * Exactly once, in order: a replaying socket gets no live events. Events published meanwhile are
   * stored before they are delivered, so the replay, which reads on from the last sequence number it
   * sent until it finds nothing newer, picks them up; it goes live in the same synchronous step as
   * that last empty read, so no event can fall between the replay and live delivery.
   */
  #open(ws: WebSocket, verified: VerifiedToken, endpointId: string, lastSeq: number | undefined): void {
    if (!this.#tokens.isStillValid(verified)) {
      // Revoked or deleted while the upgrade was in flight.
      this.#closeAndDrop(ws, RealtimeCloseCode.Unauthorized, 'token revoked');
      return;
    }
    const { userId } = verified;
    let set = this.#connections.get(userId);
    const replaced = [...(set ?? [])].filter((other) => other.endpointId === endpointId);
    const { maxSocketsPerUser, maxSockets } = this.#limits;
    if ((set?.size ?? 0) - replaced.length >= maxSocketsPerUser) {
      this.#closeAndDrop(ws, RealtimeCloseCode.TooManyConnections, `too many connections for this user (limit ${maxSocketsPerUser})`);
      return;
    }
    if (this.connectionCount - replaced.length >= maxSockets) {
      this.#closeAndDrop(ws, RealtimeCloseCode.TooManyConnections, `too many connections to the service (limit ${maxSockets})`);
      return;
    }
    const connection = new Connection(ws, verified, endpointId, this.#limits.maxBufferedBytesPerSocket, () =>
      this.#closeSlowConsumer(connection),
    );
    const current = this.#log.lastSeq(userId);
    const resume = lastSeq === undefined ? undefined : this.#log.cursorAfter(userId, lastSeq);
    if (resume) {
      connection.gap = resume.gap;
      connection.cursor = resume.cursor;
      connection.replaying = true;
    } else if (lastSeq !== undefined && lastSeq > current) {
      connection.gap = true; // The client knows of events this service never had (a reset data folder).
    }

    // One endpoint id, one socket: a reconnect replaces the stale socket of the same endpoint.
    if (!set) this.#connections.set(userId, (set = new Set()));
    for (const other of replaced) {
      set.delete(other);
      other.replaying = false; // no more replay pages for a socket on its way out
      this.#closeAndDrop(other.ws, RealtimeCloseCode.EndpointReplaced, 'replaced by a newer connection of this endpoint');
    }
    set.add(connection);

    const expiresIn = verified.expiresOn.getTime() - Date.now();
    const expiry = setTimeout(() => this.#closeAndDrop(ws, RealtimeCloseCode.Unauthorized, 'token expired'), Math.max(0, expiresIn));
    ws.on('pong', () => (connection.alive = true));
    ws.on('message', (data, isBinary) => this.#onMessage(connection, data.toString(), isBinary));
    ws.on('close', () => {
      clearTimeout(expiry);
      connection.replaying = false;
      const current = this.#connections.get(userId);
      if (!current?.delete(connection)) return; // Already replaced by a newer socket of this endpoint.
      if (current.size === 0) this.#connections.delete(userId);
      if (connection.live) this.#emitEndpointChange({ userId, endpointId, connected: false });
    });
    ws.on('error', () => ws.terminate());

    if (connection.replaying) this.#replayPage(connection);
    else this.#goLive(connection);
  }

  /**
   * Sends the next page of what a socket missed; once that page is written out, the next one. The
   * socket never holds more than about one page of the replay, however much it missed.
   */
  #replayPage(connection: Connection): void {
    if (!connection.replaying || connection.ws.readyState !== WebSocket.OPEN) return;
    const { userId, ws, cursor } = connection;
    const { replayPageEvents, replayPageBytes } = this.#limits;
    const texts: string[] = [];
    let bytes = 0;
    let read = 0;
    // Pruned under a long replay: the client is told, as a resume from before the log would be.
    const { rows, gap } = this.#log.page(userId, cursor, replayPageEvents);
    if (gap) connection.gap = true;
    for (const row of rows) {
      read++;
      cursor.pos = row.pos;
      cursor.seq++;
      if (row.data === null) continue; // a tombstone: numbered, never sent
      const text = eventText(cursor.seq, JSON.stringify(row.name), connection.copyData(row.data, Boolean(row.addressed)));
      texts.push(text);
      bytes += Buffer.byteLength(text);
      if (bytes >= replayPageBytes) break;
    }
    if (read === 0) {
      this.#goLive(connection); // Nothing newer stored: caught up, in this same step.
      return;
    }
    const last = texts.pop();
    if (last === undefined) {
      // Only tombstones in this page: read on.
      setImmediate(() => this.#replayPage(connection));
      return;
    }
    for (const text of texts) ws.send(text);
    ws.send(last, (error) => {
      if (!error) this.#replayPage(connection);
    });
  }

  #goLive(connection: Connection): void {
    const { userId, endpointId } = connection;
    connection.replaying = false;
    const seq = this.#log.lastSeq(userId);
    const ready: ReadyFrame = { type: 'ready', endpointId, userId, seq, gap: connection.gap };
    connection.sendRaw(JSON.stringify(ready));
    // Events up to `seq` may still be waiting for live delivery: the replay has sent them.
    connection.liveAfter = seq;
    connection.live = true;
    this.#emitEndpointChange({ userId, endpointId, connected: true });
  }

  /** Closes a socket whose queue would outgrow the limit: its client resumes from its lastSeq. */
  #closeSlowConsumer(connection: Connection): void {
    if (connection.ws.readyState !== WebSocket.OPEN) return;
    this.#slowConsumerCloses++;
    // A client that does not read will not read the close frame either: it is dropped after the grace.
    this.#closeAndDrop(
      connection.ws,
      RealtimeCloseCode.SlowConsumer,
      `slow consumer: over ${this.#limits.maxBufferedBytesPerSocket} bytes queued; resume with lastSeq`,
    );
  }

  /**
   * Closes a socket with a code and a reason, and drops it if its client has not completed the close
   * within the grace period. `ws` alone waits 30 s for the client's close frame, and a client that
   * does not read keeps everything queued on the socket until then: refused, replaced and expired
   * sockets must cost no more than one grace period, or reconnecting in a loop would hold memory
   * without limit.
   */
  #closeAndDrop(ws: WebSocket, code: number, reason: string): void {
    if (ws.readyState === WebSocket.CLOSED) return;
    if (ws.readyState !== WebSocket.CLOSING) ws.close(code, reason);
    const timer = setTimeout(() => {
      if (ws.readyState === WebSocket.CLOSED) return;
      this.#droppedSockets++;
      ws.terminate();
    }, this.#limits.closeGraceMs);
    timer.unref();
    ws.once('close', () => clearTimeout(timer));
  }

  #onMessage(connection: Connection, text: string, isBinary: boolean): void {
    let frame: unknown;
    try {
      frame = isBinary ? undefined : JSON.parse(text);
    } catch {
      frame = undefined;
    }
    if (typeof frame === 'object' && frame !== null && (frame as { type?: unknown }).type === 'ping') {
      connection.sendRaw('{"type":"pong"}');
      return;
    }
    this.#closeAndDrop(connection.ws, RealtimeCloseCode.BadRequest, 'unsupported frame');
  }

  #emitEndpointChange(change: EndpointChange): void {
    for (const listener of this.#endpointListeners) {
      try {
        listener(change);
      } catch (error) {
        console.error('An endpoint-change listener failed:', error);
      }
    }
  }

  /**
   * Writes committed events to the sockets of their recipients. An event is serialised once; each
   * recipient's frame adds only their number, and
   * all of a user's endpoints get the same text.
   */
  #deliverAll(events: readonly AppendedEvent[]): void {
    // A batch of several events goes out as one write per socket, not one per frame: each socket
    // is corked on its first frame and uncorked once the batch is written.
    const corked = events.length > 1 ? new Set<Duplex>() : undefined;
    try {
      this.#writeAll(events, corked);
    } finally {
      for (const socket of corked ?? []) socket.uncork();
    }
  }

  #writeAll(events: readonly AppendedEvent[], corked: Set<Duplex> | undefined): void {
    for (const event of events) {
      // What follows the number is encoded once for every recipient.
      const rest = frameRest(event);
      for (const { userId, seq } of event.recipients) {
        const set = this.#connections.get(userId);
        if (!set) continue;
        let frame: Buffer | undefined;
        // A replaying socket gets this event from its replay, which reads it from the log; one that
        // went live while it waited here has had it from the replay too.
        for (const connection of set) {
          if (!connection.live || seq <= connection.liveAfter) continue;
          // An older client's copy names its recipient (see copyData); every other copy is the shared frame.
          const text =
            event.addressed && connection.addressed
              ? eventText(seq, JSON.stringify(event.name), connection.copyData(event.data, true))
              : (frame ??= frameBytes(seq, rest));
          if (corked) {
            const socket = connection.socket;
            if (socket && !corked.has(socket)) {
              socket.cork();
              corked.add(socket);
            }
          }
          connection.sendRaw(text);
        }
      }
    }
  }

  #checkLiveness(): void {
    for (const set of this.#connections.values()) {
      for (const connection of set) {
        if (!connection.alive) {
          connection.ws.terminate();
          continue;
        }
        connection.alive = false;
        connection.ws.ping();
      }
    }
  }
}

/** The access token from the offered subprotocols (`access_token.<base64url>`), if any. */
function tokenFromProtocols(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const protocol of header.split(',')) {
    const value = protocol.trim();
    if (value.startsWith(ACCESS_TOKEN_PROTOCOL_PREFIX)) {
      const encoded = value.slice(ACCESS_TOKEN_PROTOCOL_PREFIX.length);
      return /^[A-Za-z0-9_-]+$/.test(encoded) ? Buffer.from(encoded, 'base64url').toString('utf8') : undefined;
    }
  }
  return undefined;
}

class Connection implements RealtimeConnection {
  alive = true;
  /** Past its replay and `ready`: gets live events. */
  live = false;
  /** The user's number at `ready`: live delivery sends only the events after it. */
  liveAfter = 0;
  /** Being sent what it missed. */
  replaying = false;
  /** Where the replay is: the last position of the log it read, and the user's number of it. */
  cursor: StreamCursor = { pos: 0, seq: 0 };
  /** Events after the client's lastSeq are missing from the replay (pruned). */
  gap = false;
  /** An older client (REALTIME_SUBPROTOCOL_V1): addressed events carry its recipient. */
  readonly addressed: boolean;
  readonly userId: string;
  readonly scopes: readonly TokenScope[];

  constructor(
    readonly ws: WebSocket,
    verified: VerifiedToken,
    readonly endpointId: string,
    private readonly maxBufferedBytes: number,
    private readonly onSlow: () => void,
  ) {
    this.userId = verified.userId;
    this.scopes = verified.scopes;
    this.addressed = ws.protocol === REALTIME_SUBPROTOCOL_V1;
  }

  send(frame: EventFrame): void {
    this.sendRaw(JSON.stringify(frame));
  }

  /**
   * This socket's copy of an event's data: an addressed event's names its recipient for an older
   * client ({@link addressed}); every other copy is the data as stored.
   */
  copyData(data: string, addressed: boolean): string {
    if (!addressed || !this.addressed) return data;
    this.#recipient ??= JSON.stringify(wireIdentifierOf(this.userId));
    return withRecipient(data, this.#recipient);
  }
  #recipient: string | undefined;

  /** The TCP socket under the WebSocket (`ws` keeps it as `_socket`), to cork a batch of frames. */
  get socket(): Duplex | undefined {
    return (this.ws as unknown as { _socket?: Duplex })._socket ?? undefined;
  }

  /** Queues a frame (text, or its UTF-8 bytes), or closes the socket as a slow consumer if that would queue too much. */
  sendRaw(text: string | Buffer): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const bytes = typeof text === 'string' ? Buffer.byteLength(text) : text.length;
    if (this.ws.bufferedAmount + bytes > this.maxBufferedBytes) {
      this.onSlow();
      return;
    }
    // A Buffer goes out as a text frame all the same; encoded once for all of a user's sockets.
    this.ws.send(text, { binary: false });
  }
}

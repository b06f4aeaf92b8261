import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import {
  ACCESS_TOKEN_PROTOCOL_PREFIX,
  ENDPOINT_ID_PATTERN,
  type EventFrame,
  REALTIME_SUBPROTOCOL,
  RealtimeCloseCode,
  type ReadyFrame,
} from '../../src/common/realtimeProtocol.js';
import type { TokenScope, TokenService, VerifiedToken } from '../auth/tokens.js';
import { ServiceError } from '../http/errors.js';
import type { IdentityStore } from '../identity/identityStore.js';
import type { Db } from '../storage/database.js';

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

export interface RealtimeHubOptions {
  /** Durable events kept per user for resumption; older ones are pruned. */
  retainedEventsPerUser?: number;
  /** Interval of the liveness ping; a socket that misses one pong is dropped. */
  heartbeatMs?: number;
}

interface PendingEvent {
  userId: string;
  frame: EventFrame;
}

const CHANNEL_SCOPES: readonly TokenScope[] = ['chat', 'chat.join', 'chat.join.limited', 'voip', 'voip.join'];

/**
 * The real-time channel: authenticates sockets by user token, numbers every durable event per user,
 * stores it (so a reconnecting client resumes exactly where it left off) and fans it out to every
 * endpoint of every recipient.
 *
 * Writers record events inside their own database transaction through {@link atomically}, so an
 * event exists exactly when the change it announces was committed; delivery to sockets happens
 * only after the commit.
 */
export class RealtimeHub {
  readonly #db: Db;
  readonly #tokens: TokenService;
  readonly #wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    // Echo only the protocol name: the token subprotocol is a secret and never goes back out.
    handleProtocols: (protocols) => (protocols.has(REALTIME_SUBPROTOCOL) ? REALTIME_SUBPROTOCOL : false),
  });
  readonly #connections = new Map<string, Set<Connection>>();
  readonly #retained: number;
  readonly #heartbeat: ReturnType<typeof setInterval>;
  #outbox: PendingEvent[] | undefined;
  readonly #endpointListeners = new Set<(change: EndpointChange) => void>();
  readonly #statements;

  constructor(db: Db, tokens: TokenService, identities: IdentityStore, options: RealtimeHubOptions = {}) {
    this.#db = db;
    this.#tokens = tokens;
    this.#retained = options.retainedEventsPerUser ?? 10_000;
    this.#statements = {
      nextSeq: db.prepare(
        `INSERT INTO user_event_seq (user_id, last_seq) VALUES (?, 1)
         ON CONFLICT(user_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
      ),
      lastSeq: db.prepare('SELECT last_seq FROM user_event_seq WHERE user_id = ?'),
      insert: db.prepare('INSERT INTO events (user_id, seq, name, data, created_on) VALUES (?, ?, ?, ?, ?)'),
      prune: db.prepare('DELETE FROM events WHERE user_id = ? AND seq <= ?'),
      oldest: db.prepare('SELECT MIN(seq) AS seq FROM events WHERE user_id = ?'),
      after: db.prepare('SELECT seq, name, data FROM events WHERE user_id = ? AND seq > ? ORDER BY seq'),
      deleteEvents: db.prepare('DELETE FROM events WHERE user_id = ?'),
      deleteSeq: db.prepare('DELETE FROM user_event_seq WHERE user_id = ?'),
      // What a user sent (message text, read receipts) is also stored in the recipients' events.
      deleteSentEvents: db.prepare("DELETE FROM events WHERE json_extract(data, '$.sender.rawId') = ?"),
    };
    identities.onUserDeleted('realtime', (userId) => {
      this.#statements.deleteEvents.run(userId);
      this.#statements.deleteSeq.run(userId);
      this.#statements.deleteSentEvents.run(userId);
    });
    // A revoked token or a deleted user loses its open sockets at once, not when the token expires.
    identities.onTokensInvalidated((userId, reason) =>
      this.closeUser(userId, reason === 'revoked' ? 'token revoked' : 'identity deleted'),
    );
    const heartbeatMs = options.heartbeatMs ?? 30_000;
    this.#heartbeat = setInterval(() => this.#checkLiveness(), heartbeatMs);
    this.#heartbeat.unref();
  }

  /**
   * Runs `write` in one transaction; events it records with {@link publish} are stored with it and
   * delivered once it commits. Nested calls join the outer transaction.
   */
  atomically<T>(write: () => T): T {
    if (this.#outbox) return this.#db.transaction(write)();
    this.#outbox = [];
    let result: T;
    let outbox: PendingEvent[];
    try {
      result = this.#db.transaction(write)();
    } finally {
      outbox = this.#outbox;
      this.#outbox = undefined;
    }
    for (const { userId, frame } of outbox) this.#deliver(userId, frame);
    return result;
  }

  /** Records a durable event for each recipient user; call inside {@link atomically}. */
  publish(recipients: Iterable<string>, name: string, data: (userId: string) => unknown): void {
    if (!this.#outbox) throw new Error('RealtimeHub.publish must run inside atomically().');
    const now = Date.now();
    for (const userId of new Set(recipients)) {
      const { last_seq: seq } = this.#statements.nextSeq.get(userId) as { last_seq: number };
      const payload = data(userId);
      this.#statements.insert.run(userId, seq, name, JSON.stringify(payload), now);
      if (seq > this.#retained && seq % 100 === 0) this.#statements.prune.run(userId, seq - this.#retained);
      this.#outbox.push({ userId, frame: { type: 'event', seq, name, data: payload } });
    }
  }

  /** Sends an event that is not stored or replayed (typing indicators), now, to connected endpoints. */
  sendEphemeral(recipients: Iterable<string>, name: string, data: (userId: string) => unknown): void {
    for (const userId of new Set(recipients)) {
      if (!this.#connections.has(userId)) continue;
      this.#deliver(userId, { type: 'event', name, data: data(userId) });
    }
  }

  /** Tells when a user's endpoint comes online or goes away (calling notices closed tabs). */
  onEndpointChange(listener: (change: EndpointChange) => void): () => void {
    this.#endpointListeners.add(listener);
    return () => this.#endpointListeners.delete(listener);
  }

  /** Connected endpoints of a user (calling rings each of them). */
  endpointsOf(userId: string): RealtimeConnection[] {
    return [...(this.#connections.get(userId) ?? [])];
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
            ws.close(1011, 'internal error');
          }
        }),
      (error: unknown) =>
        // Browsers cannot read an HTTP error on an upgrade: accept, then close with a reason.
        this.#wss.handleUpgrade(req, socket, head, (ws) => {
          const { status, message } =
            error instanceof ServiceError ? error : { status: 500, message: 'internal error' };
          ws.close(4000 + status, message.slice(0, 120));
        }),
    );
  }

  /** Closes every socket of a user with 4401 (its tokens were revoked, or it was deleted). */
  closeUser(userId: string, reason: string): void {
    const set = this.#connections.get(userId);
    if (!set) return;
    for (const connection of [...set]) connection.ws.close(RealtimeCloseCode.Unauthorized, reason);
  }

  /** Open sockets, for the service's status figures. */
  get connectionCount(): number {
    let count = 0;
    for (const set of this.#connections.values()) count += set.size;
    return count;
  }

  /** Closes every connection (service shutdown). */
  close(): void {
    clearInterval(this.#heartbeat);
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
    if (!token) throw ServiceError.unauthorized('An access token is required (Sec-WebSocket-Protocol "access_token.<base64url>").', 'MissingToken');
    const verified = await this.#tokens.verify(token, CHANNEL_SCOPES);
    const endpointId = url.searchParams.get('endpointId') ?? '';
    if (!ENDPOINT_ID_PATTERN.test(endpointId)) {
      throw ServiceError.badRequest('endpointId must be 1-64 letters, digits, "-" or "_".');
    }
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
   * Registers the socket and replays what it missed, synchronously: no event can be published
   * between the replay query and the registration, so nothing is lost or sent twice.
   */
  #open(ws: WebSocket, verified: VerifiedToken, endpointId: string, lastSeq: number | undefined): void {
    if (!this.#tokens.isStillValid(verified)) {
      // Revoked or deleted while the upgrade was in flight.
      ws.close(RealtimeCloseCode.Unauthorized, 'token revoked');
      return;
    }
    const connection = new Connection(ws, verified, endpointId);
    const { userId } = verified;
    const current = (this.#statements.lastSeq.get(userId) as { last_seq: number } | undefined)?.last_seq ?? 0;
    let gap = false;
    if (lastSeq !== undefined && lastSeq < current) {
      const oldest = (this.#statements.oldest.get(userId) as { seq: number | null }).seq;
      gap = oldest === null || oldest > lastSeq + 1;
      const rows = this.#statements.after.all(userId, lastSeq) as { seq: number; name: string; data: string }[];
      for (const row of rows) {
        connection.sendRaw(`{"type":"event","seq":${row.seq},"name":${JSON.stringify(row.name)},"data":${row.data}}`);
      }
    } else if (lastSeq !== undefined && lastSeq > current) {
      gap = true; // The client knows of events this service never had (a reset data folder).
    }
    const ready: ReadyFrame = { type: 'ready', endpointId, userId, seq: current, gap };
    connection.sendRaw(JSON.stringify(ready));

    // One endpoint id, one socket: a reconnect replaces the stale socket of the same endpoint.
    let set = this.#connections.get(userId);
    if (!set) this.#connections.set(userId, (set = new Set()));
    for (const other of set) {
      if (other.endpointId === endpointId) {
        set.delete(other);
        other.ws.close(4409, 'replaced by a newer connection of this endpoint');
      }
    }
    set.add(connection);
    this.#emitEndpointChange({ userId, endpointId, connected: true });

    const expiresIn = verified.expiresOn.getTime() - Date.now();
    const expiry = setTimeout(() => ws.close(RealtimeCloseCode.Unauthorized, 'token expired'), Math.max(0, expiresIn));
    ws.on('pong', () => (connection.alive = true));
    ws.on('message', (data, isBinary) => this.#onMessage(connection, data.toString(), isBinary));
    ws.on('close', () => {
      clearTimeout(expiry);
      const current = this.#connections.get(userId);
      if (!current?.delete(connection)) return; // Already replaced by a newer socket of this endpoint.
      if (current.size === 0) this.#connections.delete(userId);
      this.#emitEndpointChange({ userId, endpointId, connected: false });
    });
    ws.on('error', () => ws.terminate());
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
    connection.ws.close(RealtimeCloseCode.BadRequest, 'unsupported frame');
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

  #deliver(userId: string, frame: EventFrame): void {
    const set = this.#connections.get(userId);
    if (!set) return;
    const text = JSON.stringify(frame);
    for (const connection of set) connection.sendRaw(text);
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
  readonly userId: string;
  readonly scopes: readonly TokenScope[];

  constructor(
    readonly ws: WebSocket,
    verified: VerifiedToken,
    readonly endpointId: string,
  ) {
    this.userId = verified.userId;
    this.scopes = verified.scopes;
  }

  send(frame: EventFrame): void {
    this.sendRaw(JSON.stringify(frame));
  }

  sendRaw(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }
}

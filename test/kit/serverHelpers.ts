import assert from 'node:assert/strict';
import { SignJWT, decodeJwt } from 'jose';
import { WebSocket } from 'ws';
import { ServiceError } from '../../mock-server/http/errors.js';
import type { RunningService } from '../../mock-server/service.js';
import { API_VERSIONS, apiOfPath } from '../../src/common/apiVersions.js';
import { signRequest } from '../../src/common/hmac.js';
import { type EventFrame, type PongFrame, type ReadyFrame, realtimeProtocols } from '../../src/common/realtimeProtocol.js';
import { type TestUser, testUser } from './node.js';
import { until } from './wait.js';

/** The identity api-version the official SDK (1.3.1) sends. */
export const API_VERSION = API_VERSIONS.identity.current;

/** The api-version our clients send to this path's API (identity, chat, calling, ...). */
export function apiVersionFor(path: string): string {
  const api = apiOfPath(new URL(path, 'http://x.invalid').pathname);
  return api ? API_VERSIONS[api].current : API_VERSION;
}

export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** `8:acs:<resourceId>_<uuid>` for this service. */
export function userIdPattern(service: RunningService): RegExp {
  return new RegExp(`^8:acs:${service.secrets.resourceId}_${UUID}$`);
}

export interface AdminRequestOptions {
  /** Date to sign with (and send as x-ms-date); now by default. */
  date?: Date;
  /** Sent instead of the signed body (the signature and hash stay those of the signed one). */
  tamperBody?: string;
  /** Access key to sign with; the service's own by default. */
  key?: string;
  /** api-version to add to the query (by default the one of the path's API); `null` leaves it out (and unsigned). */
  apiVersion?: string | null;
  /** Acts as this calling application: the id is sent and signed (x-ms-acs-application-id). */
  applicationId?: string;
  /** Extra or replaced headers, set after signing; `null` removes one (e.g. a signed header). */
  headers?: Record<string, string | null>;
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or `undefined` for an empty body. */
  body: T;
  text: string;
}

/** Builds the absolute URL of a service path (kept byte for byte: no re-encoding of the path). */
export function serviceUrl(service: RunningService, path: string): URL {
  return new URL(`${service.endpoint.replace(/\/$/, '')}${path}`);
}

/**
 * Sends an HMAC-signed admin request. `body` is JSON-serialised unless it is a string, which is sent
 * as is (for malformed JSON). The path is used as given: percent-encode user ids in it.
 */
export async function adminRequest<T = unknown>(
  service: RunningService,
  method: string,
  path: string,
  body?: unknown,
  options: AdminRequestOptions = {},
): Promise<JsonResponse<T>> {
  const url = serviceUrl(service, path);
  if (options.apiVersion !== null) url.searchParams.set('api-version', options.apiVersion ?? apiVersionFor(path));
  const bodyText = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const signed = await signRequest({
    method,
    url: url.href,
    body: bodyText ?? '',
    accessKey: options.key ?? service.secrets.accessKey,
    date: options.date,
    ...(options.applicationId !== undefined ? { applicationId: options.applicationId } : {}),
  });
  const headers: Record<string, string> = { ...signed };
  if (bodyText !== undefined) headers['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    for (const existing of Object.keys(headers)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
    }
    if (value !== null) headers[name] = value;
  }
  const response = await fetch(url, { method, headers, body: options.tamperBody ?? bodyText });
  return readJson<T>(response);
}

/** Any request, unsigned (for the demo routes and auth failures). */
export async function plainRequest<T = unknown>(
  service: RunningService,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(serviceUrl(service, path), { method, headers: init.headers, body: init.body });
  return readJson<T>(response);
}

async function readJson<T>(response: Response): Promise<JsonResponse<T>> {
  const text = await response.text();
  let body: unknown;
  if (text !== '') {
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/, `not JSON: ${text}`);
    body = JSON.parse(text);
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
}

/** Asserts an ACS error answer: the status and exactly `{ error: { code, message } }`. */
export function assertError(response: JsonResponse, status: number, code?: string): void {
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${response.text}`);
  const body = response.body as { error?: { code?: unknown; message?: unknown } } | undefined;
  assert.ok(body && typeof body === 'object', `no JSON error body (status ${response.status})`);
  assert.deepEqual(Object.keys(body), ['error']);
  assert.ok(body.error && typeof body.error === 'object', 'error is not an object');
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message']);
  assert.equal(typeof body.error.code, 'string');
  assert.equal(typeof body.error.message, 'string');
  assert.ok((body.error.message as string).length > 0, 'empty error message');
  if (code !== undefined) assert.equal(body.error.code, code);
}

/** Asserts that a promise rejects with a `ServiceError` of this status and code. */
export async function assertServiceError(promise: Promise<unknown>, status: number, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ServiceError, `not a ServiceError: ${String(error)}`);
    assert.equal(error.status, status);
    assert.equal(error.code, code);
    return true;
  });
}

export interface UserRow {
  id: string;
  created_at: number;
  token_generation: number;
}

/** Every stored user, in id order: compare before and after a request to prove nothing was written. */
export function usersSnapshot(service: RunningService): UserRow[] {
  return service.db.prepare('SELECT id, created_at, token_generation FROM users ORDER BY id').all() as UserRow[];
}

export function countUsers(service: RunningService): number {
  return (service.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
}

export interface AccessTokenBody {
  token: string;
  expiresOn: string;
}

export interface CreateUserBody {
  identity: { id: string };
  accessToken?: AccessTokenBody;
}

/** Creates a user over the admin API (optionally with a token) and checks it worked. */
export async function createUser(
  service: RunningService,
  scopes?: string[],
  expiresInMinutes?: number,
): Promise<{ id: string; token?: string }> {
  const body = scopes ? { createTokenWithScopes: scopes, expiresInMinutes } : {};
  const response = await adminRequest<CreateUserBody>(service, 'POST', '/identities', body);
  assert.equal(response.status, 201, response.text);
  return { id: response.body.identity.id, token: response.body.accessToken?.token };
}

/** Issues a token over the admin API and checks it worked. */
export async function issueToken(
  service: RunningService,
  userId: string,
  scopes: string[],
  expiresInMinutes?: number,
): Promise<AccessTokenBody> {
  const response = await adminRequest<AccessTokenBody>(service, 'POST', `/identities/${encodeURIComponent(userId)}/:issueAccessToken`, {
    scopes,
    expiresInMinutes,
  });
  assert.equal(response.status, 200, response.text);
  return response.body;
}

/** Claims of a token, without verifying it. */
export function claimsOf(token: string): Record<string, unknown> & { iat?: number; exp?: number } {
  return decodeJwt(token);
}

/** Signs a token with any key and any claims (to forge expired, foreign or malformed tokens). */
export async function forgeToken(
  base64Key: string,
  claims: Record<string, unknown>,
  times: { iat: number; exp: number },
  issuer = 'open-communication',
): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setIssuedAt(times.iat)
    .setExpirationTime(times.exp);
  if (typeof claims.sub === 'string') jwt.setSubject(claims.sub);
  return jwt.sign(Buffer.from(base64Key, 'base64'));
}

/** The access key of a connection string. */
export function accessKeyOf(connectionString: string): string | undefined {
  return /(?:^|;)accesskey=([^;]+)/i.exec(connectionString)?.[1];
}

// ---- chat and the real-time channel ------------------------------------------------------------

/** The chat api-version the official SDK (1.6.0) sends. */
export const CHAT_API_VERSION = API_VERSIONS.chat.current;

/** Generous upper bound for waiting on sockets: only there so a broken service cannot hang the run. */
export const WAIT_MS = 10_000;

/** The node tests' user (id and token); the name predates the kit (test/kit/node.ts). */
export type ChatUser = TestUser;

/** {@link testUser} under its older name, for the files that still use it. */
export const chatUser = testUser;

/** `/chat/threads/<encoded id><rest>`: thread ids hold ':' and '@'. */
export function threadPath(threadId: string, rest = ''): string {
  return `/chat/threads/${encodeURIComponent(threadId)}${rest}`;
}

/** The wire model the official SDK sends for a communication user. */
export function userModel(rawId: string): { communicationUser: { id: string } } {
  return { communicationUser: { id: rawId } };
}

export interface UserRequestOptions {
  /** api-version to set; `null` leaves it out. By default the one of the path's API (chat, calling). */
  apiVersion?: string | null;
  /** Extra headers (e.g. repeatability-request-id), or a replaced Authorization. */
  headers?: Record<string, string>;
}

/**
 * A request with a user access token (`token` undefined sends no Authorization). `body` is
 * JSON-serialised unless it is a string, which is sent as is (for malformed JSON).
 */
export async function userRequest<T = unknown>(
  service: RunningService,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  options: UserRequestOptions = {},
): Promise<JsonResponse<T>> {
  const url = path.startsWith('http') ? new URL(path) : serviceUrl(service, path);
  if (options.apiVersion !== null && !url.searchParams.has('api-version')) {
    url.searchParams.set('api-version', options.apiVersion ?? apiVersionFor(url.pathname));
  }
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const bodyText = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  if (bodyText !== undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, options.headers);
  return readJson<T>(await fetch(url, { method, headers, body: bodyText }));
}

/** Creates a thread over HTTP as `creator` with these participants and returns its id. */
export async function createThread(
  service: RunningService,
  creator: ChatUser,
  participants: string[] = [],
  topic = 'A thread',
): Promise<string> {
  const response = await userRequest<{ chatThread: { id: string } }>(service, creator.token, 'POST', '/chat/threads', {
    topic,
    participants: participants.map((id) => ({ communicationIdentifier: userModel(id) })),
  });
  assert.equal(response.status, 201, response.text);
  return response.body.chatThread.id;
}

/** Sends a text message over HTTP and returns its id. */
export async function sendMessage(service: RunningService, sender: ChatUser, threadId: string, content: string): Promise<string> {
  const response = await userRequest<{ id: string }>(service, sender.token, 'POST', threadPath(threadId, '/messages'), {
    content,
  });
  assert.equal(response.status, 201, response.text);
  return response.body.id;
}

/** Every row of every table the service writes: compare before and after a refused request. */
export function stateSnapshot(service: RunningService): Record<string, unknown[]> {
  const snapshot: Record<string, unknown[]> = {};
  // Every table the schema has (users, chat, events, calls, phone numbers and the demo pool, SMS,
  // applications…): a table added later is covered without anyone remembering to list it here.
  const tables = (
    service.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((t) => t.name);
  for (const table of tables) {
    const columns = (service.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
    snapshot[table] = service.db.prepare(`SELECT * FROM ${table} ORDER BY ${columns.join(', ')}`).all();
  }
  return snapshot;
}

export function countRows(service: RunningService, sql: string, ...params: unknown[]): number {
  return (service.db.prepare(`SELECT COUNT(*) AS n FROM ${sql}`).get(...params) as { n: number }).n;
}

/** Resolves once `Date.now()` is past `ms`, so the next write gets a later timestamp. */
export async function clockPast(ms: number): Promise<void> {
  await until(() => Date.now() > ms, { what: `the clock to pass ${ms}`, intervalMs: 2 });
}

export type TestFrame = (EventFrame | ReadyFrame | PongFrame) & Record<string, unknown>;
export type TestEvent = EventFrame & { data: Record<string, unknown> & { id?: string; threadId?: string } };

const openClients = new Set<RealtimeTestClient>();

/**
 * A real-time channel client for tests: records every frame, and waits for frames or the close.
 * `connect` does not wait for the socket to open (a refused one still opens, then closes).
 */
export class RealtimeTestClient {
  readonly frames: TestFrame[] = [];
  /** Each frame's text, as it came. */
  readonly texts: string[] = [];
  readonly ws: WebSocket;
  /** Set once the socket closed. */
  closeEvent: { code: number; reason: string } | undefined;
  readonly #waiters = new Set<() => void>();
  readonly #closed: Promise<{ code: number; reason: string }>;

  constructor(url: string, protocols?: string[]) {
    this.ws = new WebSocket(url, protocols);
    openClients.add(this);
    this.ws.on('message', (data) => {
      const text = data.toString();
      this.texts.push(text);
      this.frames.push(JSON.parse(text) as TestFrame);
      this.#notify();
    });
    this.#closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        this.closeEvent = { code, reason: reason.toString() };
        openClients.delete(this);
        resolve(this.closeEvent);
        this.#notify();
      });
    });
    this.ws.on('error', () => {}); // a close follows
  }

  static connect(
    service: RunningService,
    params: { token?: string; endpointId?: string; lastSeq?: number | string; extra?: Record<string, string>; protocol?: string },
  ): RealtimeTestClient {
    const url = new URL(`${service.endpoint.replace(/^http/, 'ws')}realtime`);
    if (params.endpointId !== undefined) url.searchParams.set('endpointId', params.endpointId);
    if (params.lastSeq !== undefined) url.searchParams.set('lastSeq', String(params.lastSeq));
    for (const [name, value] of Object.entries(params.extra ?? {})) url.searchParams.set(name, value);
    // The token travels as a subprotocol, as the real client sends it; never in the URL.
    if (params.token === undefined) return new RealtimeTestClient(url.href);
    const protocols = realtimeProtocols(params.token);
    if (params.protocol !== undefined) protocols[0] = params.protocol;
    return new RealtimeTestClient(url.href, protocols);
  }

  /** Connects and waits for `ready`. */
  static async ready(
    service: RunningService,
    params: { token: string; endpointId: string; lastSeq?: number; protocol?: string },
  ): Promise<RealtimeTestClient> {
    const client = RealtimeTestClient.connect(service, params);
    await client.waitFor((frame) => frame.type === 'ready', 'ready');
    return client;
  }

  /** Event frames (durable and ephemeral), in arrival order. */
  get events(): TestEvent[] {
    return this.frames.filter((frame): frame is TestFrame & TestEvent => frame.type === 'event');
  }

  /** The `ready` frame, if one arrived. */
  get readyFrame(): ReadyFrame | undefined {
    return this.frames.find((frame): frame is TestFrame & ReadyFrame => frame.type === 'ready');
  }

  /** The highest sequence number received (0 for none). */
  get lastSeq(): number {
    let seq = 0;
    for (const frame of this.frames) {
      if (frame.type === 'event' && typeof frame.seq === 'number') seq = Math.max(seq, frame.seq);
      if (frame.type === 'ready') seq = Math.max(seq, frame.seq);
    }
    return seq;
  }

  /** Resolves with the first recorded frame (past or future) matching `predicate`. */
  async waitFor(predicate: (frame: TestFrame) => boolean, what = 'a frame', timeoutMs = WAIT_MS): Promise<TestFrame> {
    return this.#until(() => this.frames.find(predicate), what, timeoutMs);
  }

  /** Resolves once `count` recorded frames match `predicate`, with them. */
  async waitForCount(
    predicate: (frame: TestFrame) => boolean,
    count: number,
    what = `${count} frames`,
    timeoutMs = WAIT_MS,
  ): Promise<TestFrame[]> {
    return this.#until(
      () => {
        const matches = this.frames.filter(predicate);
        return matches.length >= count ? matches : undefined;
      },
      what,
      timeoutMs,
    );
  }

  /** Resolves with the close code and reason. */
  async waitForClose(timeoutMs = WAIT_MS): Promise<{ code: number; reason: string }> {
    return this.#until(() => this.closeEvent, 'the socket to close', timeoutMs);
  }

  send(text: string): void {
    this.ws.send(text);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else this.ws.close();
    await Promise.race([this.#closed, new Promise((resolve) => setTimeout(resolve, WAIT_MS).unref())]);
    if (!this.closeEvent) this.ws.terminate();
  }

  /** Drops the connection abruptly (no close handshake), as a network failure would. */
  async terminate(): Promise<void> {
    this.ws.terminate();
    await this.#closed;
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #until<T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const found = check();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const waiter = (): void => {
        const value = check();
        if (value === undefined) return;
        this.#waiters.delete(waiter);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const summary = this.frames.map((f) => (f.type === 'event' ? `${f.name}#${f.seq ?? '-'}` : f.type)).join(', ');
        reject(new Error(`Timed out waiting for ${what}; close: ${JSON.stringify(this.closeEvent)}; frames: [${summary}]`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }
}

/** Closes every test client still open (for `after` hooks). */
export async function closeRealtimeClients(): Promise<void> {
  await Promise.all([...openClients].map((client) => client.close()));
}

// ---- signalling --------------------------------------------------------------------------------

/** The PeerJS signalling socket's URL (`/peerjs/peerjs?key=&id=&token=`); undefined parameters are left out. */
export function signallingUrl(service: RunningService, params: Record<string, string | undefined>): string {
  const url = new URL(`${service.endpoint.replace(/^http/, 'ws')}peerjs/peerjs`);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}

/** How an upgrade of the signalling socket ended: the refusal's status and body, or 101 and the first message's text. */
export interface UpgradeOutcome {
  status: number;
  body: string;
}

/**
 * Opens the PeerJS signalling socket as the PeerJS client does (key `peerjs` when `params` has no
 * `key`; `key: undefined` leaves it out): the HTTP status of a refused upgrade with its body, or 101 with the first message
 * of an accepted one (after which the socket is closed).
 */
export function registerPeer(service: RunningService, params: { id: string; token?: string; key?: string }): Promise<UpgradeOutcome> {
  const url = signallingUrl(service, { key: 'peerjs', ...params });
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no answer from the signalling endpoint'));
    }, WAIT_MS);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    ws.once('message', (data) => {
      clearTimeout(timer);
      ws.close();
      resolve({ status: 101, body: data.toString() });
    });
    ws.on('error', () => undefined); // A refused upgrade also errors; the response above tells why.
  });
}

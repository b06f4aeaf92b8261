import assert from 'node:assert/strict';
import { SignJWT, decodeJwt } from 'jose';
import { ServiceError } from '../../mock-server/http/errors.js';
import type { RunningService } from '../../mock-server/service.js';
import { signRequest } from '../../src/common/hmac.js';

/** The identity api-version the official SDK (1.3.1) sends. */
export const API_VERSION = '2023-10-01';

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
  /** api-version to add to the query; `null` leaves it out (and unsigned). */
  apiVersion?: string | null;
  /** Extra or replaced headers; `null` removes one (e.g. a signed header). */
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
  if (options.apiVersion !== null) url.searchParams.set('api-version', options.apiVersion ?? API_VERSION);
  const bodyText = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const signed = await signRequest({
    method,
    url: url.href,
    body: bodyText ?? '',
    accessKey: options.key ?? service.secrets.accessKey,
    date: options.date,
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
  assert.ok(body.error && typeof body.error === 'object');
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
  const response = await adminRequest<AccessTokenBody>(
    service,
    'POST',
    `/identities/${encodeURIComponent(userId)}/:issueAccessToken`,
    { scopes, expiresInMinutes },
  );
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

import * as http from 'node:http';
import * as https from 'node:https';

/**
 * Node's own HTTP client under the pipeline, in place of Node's fetch (undici). Measured here, a
 * JSON request and its answer cost the client about 250 µs of CPU through fetch (the WHATWG
 * request, body streams and response objects it builds) and about 50 µs through `node:http` on a
 * keep-alive socket: a chat bot or service sending messages pays it on every one. Browsers (and
 * any runtime without `process.versions.node`) keep fetch; so does a pipeline given its own
 * `fetch` option, which is also how a Node app routes requests through an undici dispatcher (a proxy).
 */

/** The answer as the pipeline reads it: what it uses of a fetch `Response`. */
export interface TransportResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  text(): Promise<string>;
  /** Drops the body unread (before a retry). */
  discard(): Promise<void>;
}

export interface TransportRequest {
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal | undefined;
}

export type Transport = (url: string, request: TransportRequest) => Promise<TransportResponse>;

/**
 * Sends one request with `node:http` / `node:https` on their global (keep-alive) agents. A network
 * failure rejects with a `TypeError`, as fetch's does, so the pipeline's retries treat both alike.
 */
export const nodeHttpTransport: Transport = async (url, request) => {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const headers: Record<string, string | number> = { ...request.headers };
  if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
  const attempt = (retryStale: boolean): Promise<TransportResponse> =>
    new Promise<TransportResponse>((resolve, reject) => {
      /** Once the answer's head arrived, a socket error belongs to its body, never to a resend. */
      let responded = false;
      const req = client.request(
        target,
        { method: request.method, headers, ...(request.signal ? { signal: request.signal } : {}) },
        (res) => {
          responded = true;
          clearTimeout(connectTimer);
          const chunks: Buffer[] = [];
          const body = new Promise<string>((done, fail) => {
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            // As fetch's text(): UTF-8, without a byte-order mark.
            res.once('end', () =>
              done((chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')).replace(/^\uFEFF/, '')),
            );
            res.once('error', fail);
            res.once('aborted', () => fail(new TypeError('The connection closed before the whole answer arrived.')));
          });
          // Read or not, a failed body must not surface as an unhandled rejection.
          body.catch(() => undefined);
          const status = res.statusCode ?? 0;
          resolve({
            ok: status >= 200 && status < 300,
            status,
            statusText: res.statusMessage ?? '',
            headers: toHeaders(res.headers),
            text: () => body,
            discard: async () => {
              res.resume();
              await body.catch(() => undefined);
            },
          });
        },
      );
      // As Node's fetch (undici) gives up: no connection within 10 s, or nothing heard for 300 s.
      const connectTimer = setTimeout(() => req.destroy(timeoutError('connect')), CONNECT_TIMEOUT_MS);
      req.once('socket', (socket) => {
        if (!socket.connecting) clearTimeout(connectTimer);
        else socket.once('connect', () => clearTimeout(connectTimer));
      });
      req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(timeoutError('idle')));
      req.once('close', () => clearTimeout(connectTimer));
      req.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(connectTimer);
        if (responded) return; // The body's own error (or its 'aborted') reports it to the reader.
        if (request.signal?.aborted) {
          reject(error);
          return;
        }
        // A keep-alive socket the server closed as it was reused: no answer came, so send again
        // on a new socket at once (Node's documented remedy) instead of waiting out a backoff.
        if (retryStale && req.reusedSocket && error.code === 'ECONNRESET') {
          attempt(false).then(resolve, reject);
          return;
        }
        reject(new TypeError('fetch failed', { cause: error }));
      });
      req.end(request.body);
    });
  return attempt(true);
};

const CONNECT_TIMEOUT_MS = 10_000;
const IDLE_TIMEOUT_MS = 300_000;

function timeoutError(what: 'connect' | 'idle'): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(
    what === 'connect' ? 'No connection to the service within 10 s.' : 'The service sent nothing for 300 s.',
  );
  error.code = what === 'connect' ? 'UND_ERR_CONNECT_TIMEOUT' : 'UND_ERR_HEADERS_TIMEOUT';
  return error;
}

function toHeaders(incoming: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return headers;
}

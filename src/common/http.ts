import { AbortError, RestError, ThrottlingError, throwIfAborted } from './errors.js';
import type { Transport, TransportResponse } from './nodeHttpTransport.js';

/** Adds authentication headers to one attempt of a request (re-run on every retry). */

const IN_NODE = typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string';
/**
 * Node's fetch (undici) sends a string body through a stream, and bytes in one write: about 0.2 ms
 * of CPU less per request, for a `fetch` option in Node. Browsers get the string as it is.
 */
const ENCODE_BODIES = IN_NODE;
const UTF8 = new TextEncoder();

/**
 * The Node transport's module, kept in a variable so bundlers leave the import alone: browser
 * bundles never contain it (as with `ws` in webSocket.ts), and only Node loads it, on the first request.
 */
const NODE_TRANSPORT_MODULE = './nodeHttpTransport.js';
let nodeTransport: Promise<Transport> | undefined;
/** The global `fetch`, looked up on each request (a page or test that replaces it is followed). */
const globalFetchTransport = fetchTransport((input, init) => fetch(input, init));

const lazyNodeTransport: Transport = async (url, request) => {
  // An application that bundles this library for Node (esbuild, webpack) leaves the module behind:
  // then requests go through fetch, as they would anywhere else.
  nodeTransport ??= (import(/* @vite-ignore */ NODE_TRANSPORT_MODULE) as Promise<{ nodeHttpTransport: Transport }>).then(
    (module) => module.nodeHttpTransport,
    () => globalFetchTransport,
  );
  return (await nodeTransport)(url, request);
};

/** A `fetch` under the pipeline's transport interface. */
function fetchTransport(fetchImpl: typeof fetch): Transport {
  return async (url, request) => {
    const response = await fetchImpl(url, {
      method: request.method,
      headers: request.headers,
      body: request.body !== undefined && ENCODE_BODIES ? UTF8.encode(request.body) : request.body,
      signal: request.signal,
    });
    return {
      ok: response.ok,
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      text: () => response.text(),
      discard: async () => {
        await response.body?.cancel();
      },
    };
  };
}

export type AuthPolicy = (request: {
  method: string;
  url: string;
  body: string | undefined;
  abortSignal?: AbortSignal;
}) => Promise<Record<string, string>>;

export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  maxRetries?: number;
  /** First backoff delay, doubled on each retry (with jitter). Default 800 ms. */
  retryDelayInMs?: number;
  /** Upper bound for one delay, `Retry-After` included. Default 60 s. */
  maxRetryDelayInMs?: number;
}

export interface PipelineOptions {
  retryOptions?: RetryOptions;
  /**
   * Replaces the transport, for tests and custom transports. Without it, requests go through the
   * global `fetch`, except in Node, where they go through `node:http` (much cheaper per request);
   * pass `fetch: globalThis.fetch` there to keep Node's fetch (an undici dispatcher, a proxy).
   */
  fetch?: typeof fetch;
}

export interface PipelineRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /**
   * Path below the endpoint, without a leading slash: `identities/{id}/:issueAccessToken`. May also
   * be an absolute URL the service returned (a paging `nextLink`): its path and query are sent to
   * the endpoint's origin, whatever origin the link names, so credentials never go to another host.
   */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  abortSignal?: AbortSignal;
}

export interface PipelineResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

const RETRIABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** A URL with a scheme (`https:`), as opposed to a path below the endpoint. */
const ABSOLUTE_URL = /^[a-z][a-z\d+.-]*:/i;

/**
 * Sends JSON requests to the service: authentication per attempt, retries with backoff that honour
 * `Retry-After`, cancellation through `AbortSignal`, and typed `RestError`s for every failure.
 */
export class HttpPipeline {
  readonly endpoint: string;
  readonly #auth: AuthPolicy;
  readonly #apiVersion: string;
  readonly #transport: Transport;
  readonly #maxRetries: number;
  readonly #retryDelayMs: number;
  readonly #maxRetryDelayMs: number;

  constructor(endpoint: string, apiVersion: string, auth: AuthPolicy, options: PipelineOptions = {}) {
    this.endpoint = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
    this.#apiVersion = apiVersion;
    this.#auth = auth;
    this.#transport = options.fetch ? fetchTransport(options.fetch) : IN_NODE ? lazyNodeTransport : globalFetchTransport;
    this.#maxRetries = options.retryOptions?.maxRetries ?? 3;
    this.#retryDelayMs = options.retryOptions?.retryDelayInMs ?? 800;
    this.#maxRetryDelayMs = options.retryOptions?.maxRetryDelayInMs ?? 60_000;
  }

  async send<T = unknown>(request: PipelineRequest): Promise<PipelineResponse<T>> {
    const url = this.#resolve(request.path);
    url.searchParams.set('api-version', this.#apiVersion);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(request.abortSignal);
      let response: TransportResponse;
      try {
        const headers: Record<string, string> = {
          accept: 'application/json',
          ...request.headers,
          ...(await this.#auth({ method: request.method, url: url.href, body, abortSignal: request.abortSignal })),
        };
        if (body !== undefined && !hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
        response = await this.#transport(url.href, { method: request.method, headers, body, signal: request.abortSignal });
      } catch (error) {
        if (request.abortSignal?.aborted) throw new AbortError(undefined, { cause: error });
        if (!(error instanceof TypeError) || attempt >= this.#maxRetries) {
          throw error instanceof TypeError ? RestError.network(error) : error;
        }
        await this.#sleep(this.#backoff(attempt), request.abortSignal);
        continue;
      }
      if (response.ok) {
        return { status: response.status, headers: response.headers, body: (await readJson(response)) as T };
      }
      if (RETRIABLE_STATUS.has(response.status) && attempt < this.#maxRetries) {
        const delay = retryAfterMs(response.headers) ?? this.#backoff(attempt);
        await response.discard();
        await this.#sleep(Math.min(delay, this.#maxRetryDelayMs), request.abortSignal);
        continue;
      }
      const error = await toRestError(response);
      if (response.status === 429) {
        // Still throttled after the whole retry budget: a typed error that says so.
        // The service's message is kept; `attempts` says how many were spent.
        throw new ThrottlingError(error.message, {
          details: error.details,
          retryAfterInMs: retryAfterMs(response.headers),
          attempts: attempt + 1,
          cause: error,
        });
      }
      throw error;
    }
  }

  #resolve(path: string): URL {
    const url = new URL(path, this.endpoint);
    if (!ABSOLUTE_URL.test(path)) return url;
    return new URL(`${url.pathname}${url.search}`, new URL(this.endpoint).origin);
  }

  #backoff(attempt: number): number {
    const exponential = this.#retryDelayMs * 2 ** attempt;
    return Math.min(this.#maxRetryDelayMs, exponential * (0.8 + Math.random() * 0.4));
  }

  #sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new AbortError(undefined, { cause: signal?.reason }));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

async function readJson(response: TransportResponse): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new RestError('InvalidResponse', 'The service answered with a body that is not JSON.', {
      statusCode: response.status,
      cause,
    });
  }
}

/** `retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(headers.get(name));
    if (headers.has(name) && Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers.get('retry-after');
  if (retryAfter === null) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

async function toRestError(response: TransportResponse): Promise<RestError> {
  let details: unknown;
  try {
    details = await readJson(response);
  } catch {
    details = undefined;
  }
  const error = (details as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `Http${response.status}`;
  const message = typeof error?.message === 'string' ? error.message : `The service answered ${response.status} ${response.statusText}.`;
  return new RestError(code, message, { statusCode: response.status, details });
}

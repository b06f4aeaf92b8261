import { RealtimeCloseCode } from './realtimeProtocol.js';

/**
 * Errors thrown by the library. Every error carries a machine-readable `code`; errors that come from
 * the service also carry the HTTP `statusCode`, mirroring `RestError` in `@azure/core-rest-pipeline`.
 *
 * Each class has its own `code` union, so a code names one failure of one class (`err.code` narrows
 * after `instanceof`). `TCode` is that union; the base class itself is used for environment failures.
 */
export class CommunicationError<TCode extends string = string> extends Error {
  override readonly name: string = 'CommunicationError';
  readonly code: TCode;

  constructor(code: TCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A `RestError`'s code: the service's own `error.code` (any string the service sends, e.g.
 * `InvalidToken`, `NotFound`), or one the client gives when no usable answer arrived.
 */
export type RestErrorCode = 'NetworkError' | 'InvalidResponse' | 'TooManyRequests' | (string & {});

/** An error answered by the service, or a transport failure on the way to it. */
export class RestError extends CommunicationError<RestErrorCode> {
  override readonly name: string = 'RestError';
  /** HTTP status, absent when no response arrived (network failure). */
  readonly statusCode: number | undefined;
  /** The parsed error body `{ error: { code, message } }`, when the service sent one. */
  readonly details: unknown;

  constructor(code: RestErrorCode, message: string, options: { statusCode?: number; details?: unknown; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.statusCode = options.statusCode;
    this.details = options.details;
  }

  static network(cause: unknown): RestError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new RestError('NetworkError', `The request could not reach the service: ${reason}`, { cause });
  }
}

/**
 * The service kept answering 429 (Too Many Requests) until the retry budget ran out. Code
 * `TooManyRequests`, status 429; `retryAfterInMs` is the service's last `Retry-After` (when it sent
 * one) and `attempts` how many times the request was sent. A `RestError`, so code that handles
 * those keeps working.
 */
export class ThrottlingError extends RestError {
  override readonly name: string = 'ThrottlingError';
  readonly retryAfterInMs: number | undefined;
  readonly attempts: number;

  constructor(message: string, options: { details?: unknown; retryAfterInMs?: number; attempts: number; cause?: unknown }) {
    super('TooManyRequests', message, { statusCode: 429, details: options.details, cause: options.cause });
    this.retryAfterInMs = options.retryAfterInMs;
    this.attempts = options.attempts;
  }
}

/** The operation was cancelled through its `abortSignal`. */
export class AbortError extends CommunicationError<'Aborted'> {
  override readonly name: string = 'AbortError';

  constructor(message = 'The operation was aborted.', options?: { cause?: unknown }) {
    super('Aborted', message, options);
  }
}

export type TokenCredentialErrorCode = 'TokenExpired' | 'CredentialDisposed' | 'InvalidToken';

/** A token credential could not produce a usable token, or the token it gave is not usable. */
export class TokenCredentialError extends CommunicationError<TokenCredentialErrorCode> {
  override readonly name: string = 'TokenCredentialError';

  static expiredFromRefresher(): TokenCredentialError {
    return new TokenCredentialError('TokenExpired', 'The token returned from the tokenRefresher is expired.');
  }

  static disposed(): TokenCredentialError {
    return new TokenCredentialError('CredentialDisposed', 'The credential has been disposed.');
  }

  static malformed(cause?: unknown): TokenCredentialError {
    return new TokenCredentialError('InvalidToken', 'The token is not a valid JWT with an expiry.', {
      cause,
    });
  }

  /** The token is a JWT but names no user (`sub`): nothing can act on its behalf. */
  static noUser(): TokenCredentialError {
    return new TokenCredentialError('InvalidToken', 'The access token names no user.');
  }
}

/** Throws `AbortError` if the signal has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
}

export type RealtimeErrorCode =
  'BadRequest' | 'Unauthorized' | 'Forbidden' | 'EndpointReplaced' | 'ConnectionClosed' | 'CredentialDisposed';

/**
 * The real-time channel stopped for good: the service refused the token's scopes (4403), the
 * connection parameters (4400), handed the endpoint id to a newer connection (EndpointReplaced), or refused a
 * token the credential could not replace (4401). `closeCode` is the WebSocket close code.
 */
export class RealtimeError extends CommunicationError<RealtimeErrorCode> {
  override readonly name: string = 'RealtimeError';
  readonly closeCode: number | undefined;

  constructor(code: RealtimeErrorCode, message: string, options: { closeCode?: number; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.closeCode = options.closeCode;
  }

  /** The error for a close code the channel does not recover from. */
  static fromClose(closeCode: number, reason: string): RealtimeError {
    const code = REALTIME_CLOSE_ERROR_CODES[closeCode] ?? 'ConnectionClosed';
    const detail = reason ? `: ${reason}` : '.';
    return new RealtimeError(code, `The real-time channel was closed (${closeCode})${detail}`, { closeCode });
  }
}

const REALTIME_CLOSE_ERROR_CODES: Partial<Record<number, RealtimeErrorCode>> = {
  [RealtimeCloseCode.BadRequest]: 'BadRequest',
  [RealtimeCloseCode.Unauthorized]: 'Unauthorized',
  [RealtimeCloseCode.Forbidden]: 'Forbidden',
  [RealtimeCloseCode.EndpointReplaced]: 'EndpointReplaced',
};

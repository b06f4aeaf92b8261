/**
 * Errors thrown by the library. Every error carries a machine-readable `code`; errors that come from
 * the service also carry the HTTP `statusCode`, mirroring `RestError` in `@azure/core-rest-pipeline`.
 */
export class CommunicationError extends Error {
  override readonly name: string = 'CommunicationError';
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** An error answered by the service, or a transport failure on the way to it. */
export class RestError extends CommunicationError {
  override readonly name: string = 'RestError';
  /** HTTP status, absent when no response arrived (network failure). */
  readonly statusCode: number | undefined;
  /** The parsed error body `{ error: { code, message } }`, when the service sent one. */
  readonly details: unknown;

  constructor(
    code: string,
    message: string,
    options: { statusCode?: number; details?: unknown; cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.statusCode = options.statusCode;
    this.details = options.details;
  }

  static network(cause: unknown): RestError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new RestError('NetworkError', `The request could not reach the service: ${reason}`, { cause });
  }
}

/** The operation was cancelled through its `abortSignal`. */
export class AbortError extends CommunicationError {
  override readonly name: string = 'AbortError';

  constructor(message = 'The operation was aborted.', options?: { cause?: unknown }) {
    super('Aborted', message, options);
  }
}

/** A token credential could not produce a usable token. */
export class TokenCredentialError extends CommunicationError {
  override readonly name: string = 'TokenCredentialError';

  static expiredFromRefresher(): TokenCredentialError {
    return new TokenCredentialError(
      'TokenExpired',
      'The token returned from the tokenRefresher is expired.',
    );
  }

  static disposed(): TokenCredentialError {
    return new TokenCredentialError('CredentialDisposed', 'The credential has been disposed.');
  }

  static malformed(cause?: unknown): TokenCredentialError {
    return new TokenCredentialError('InvalidToken', 'The token is not a valid JWT with an expiry.', {
      cause,
    });
  }
}

/** Throws `AbortError` if the signal has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
}

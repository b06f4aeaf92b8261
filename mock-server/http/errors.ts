/**
 * Errors the service answers with: `{ "error": { "code", "message" } }` and a 4xx/5xx status, as the
 * ACS REST API does (`CommunicationErrorResponse`).
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toJSON(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }

  static badRequest(message: string, code = 'BadRequest'): ServiceError {
    return new ServiceError(400, code, message);
  }
  static validation(message: string): ServiceError {
    return new ServiceError(400, 'ValidationError', message);
  }
  static unauthorized(message: string, code = 'Unauthorized'): ServiceError {
    return new ServiceError(401, code, message);
  }
  static forbidden(message: string, code = 'Forbidden'): ServiceError {
    return new ServiceError(403, code, message);
  }
  static notFound(message: string, code = 'NotFound'): ServiceError {
    return new ServiceError(404, code, message);
  }
  static methodNotAllowed(allowed: string[]): ServiceError {
    return new ServiceError(405, 'MethodNotAllowed', `Allowed methods: ${allowed.join(', ')}.`, {
      allow: allowed.join(', '),
    });
  }
  static conflict(message: string, code = 'Conflict'): ServiceError {
    return new ServiceError(409, code, message);
  }
  static payloadTooLarge(limit: number): ServiceError {
    return new ServiceError(413, 'PayloadTooLarge', `The request body exceeds ${limit} bytes.`);
  }
  static unsupportedMediaType(): ServiceError {
    return new ServiceError(415, 'UnsupportedMediaType', 'The request body must be application/json.');
  }
}

/** A service that cannot start as configured (a data folder inside what is served, a demo not built): said in words, no stack. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

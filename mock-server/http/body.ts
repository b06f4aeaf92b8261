import type { IncomingMessage } from 'node:http';
import { ServiceError } from './errors.js';

/**
 * Reads the whole body, refusing more than `limit` bytes with a 413 (without buffering the excess).
 * Plain stream events, not `for await`: the async iterator's setup cost more than reading a small
 * body.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(ServiceError.payloadTooLarge(limit));
  if (req.readableEnded) return Promise.resolve(decodeUtf8(Buffer.alloc(0)));
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error: unknown, body?: Buffer) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (body) {
        try {
          resolve(decodeUtf8(body));
        } catch (decodeError) {
          reject(decodeError);
        }
      } else reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        settle(ServiceError.payloadTooLarge(limit)); // the rest flows on unread; the answer closes the connection
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    const onError = (error: Error) => settle(error);
    // Closed before its end (the client went away mid-body).
    const onClose = () =>
      settle(Object.assign(new Error('The request closed before its body ended.'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

function decodeUtf8(buffer: Buffer): string {
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  try {
    return text.decode(buffer);
  } catch {
    throw ServiceError.badRequest('The request body is not valid UTF-8.', 'InvalidEncoding');
  }
}

export type JsonObject = Record<string, unknown>;

/**
 * Parses a JSON object body. An empty body is `{}` unless `required`. Anything else that is not a
 * JSON object (malformed text, an array, a string) is a 400.
 */
export function parseJsonObject(rawBody: string, { required = false } = {}): JsonObject {
  if (rawBody.trim() === '') {
    if (required) throw ServiceError.badRequest('A JSON request body is required.', 'MissingBody');
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(rawBody);
  } catch {
    throw ServiceError.badRequest('The request body is not valid JSON.', 'InvalidJson');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ServiceError.badRequest('The request body must be a JSON object.', 'InvalidJson');
  }
  return value as JsonObject;
}

/** Field-by-field checks that answer 400 with the field's name. */
export class BodyReader {
  constructor(
    private readonly body: JsonObject,
    private readonly where = 'body',
  ) {}

  /** Refuses fields the operation does not know, so typos are not silently ignored. */
  allowOnly(...fields: string[]): this {
    for (const key of Object.keys(this.body)) {
      if (!fields.includes(key)) {
        throw ServiceError.validation(`Unknown field "${key}" in the ${this.where}.`);
      }
    }
    return this;
  }

  optionalString(field: string, { maxLength = 1024 } = {}): string | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw ServiceError.validation(`"${field}" must be a string.`);
    if (value.length > maxLength) {
      throw ServiceError.validation(`"${field}" must be at most ${maxLength} characters.`);
    }
    return value;
  }

  requiredString(field: string, options?: { maxLength?: number }): string {
    const value = this.optionalString(field, options);
    if (value === undefined) throw ServiceError.validation(`"${field}" is required.`);
    return value;
  }

  optionalInteger(field: string, min: number, max: number): number | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw ServiceError.validation(`"${field}" must be an integer.`);
    }
    if (value < min || value > max) {
      throw ServiceError.validation(`"${field}" must be between ${min} and ${max}.`);
    }
    return value;
  }

  optionalStringArray(field: string, { maxItems = 1000 } = {}): string[] | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      throw ServiceError.validation(`"${field}" must be an array of strings.`);
    }
    if (value.length > maxItems) {
      throw ServiceError.validation(`"${field}" may have at most ${maxItems} items.`);
    }
    return value as string[];
  }

  requiredStringArray(field: string, options?: { maxItems?: number }): string[] {
    const value = this.optionalStringArray(field, options);
    if (value === undefined) throw ServiceError.validation(`"${field}" is required.`);
    return value;
  }
}

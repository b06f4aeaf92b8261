import type { IncomingMessage } from 'node:http';
import { ServiceError } from './errors.js';

/** `new URL(origin).origin`, or undefined for what is no origin (`null`, garbage). */
export function normalizeOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/**
 * Refuses (403 OriginNotAllowed) a page of an origin other than the service's own or the
 * allow-listed ones. A request without `Origin` is no page's and passes.
 */
export function checkOrigin(req: IncomingMessage, ownOrigin: string, allowedOrigins: ReadonlySet<string>): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  const normalized = normalizeOrigin(origin);
  if (normalized !== undefined && (normalized === normalizeOrigin(ownOrigin) || allowedOrigins.has(normalized))) return;
  throw ServiceError.forbidden(`The demo routes do not answer pages of ${origin.slice(0, 200)}.`, 'OriginNotAllowed');
}

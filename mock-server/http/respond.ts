import type { IncomingMessage, ServerResponse } from 'node:http';
import { ServiceError } from './errors.js';

const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'x-ms-date',
  'x-ms-content-sha256',
  'x-ms-acs-application-id',
  'x-ms-client-request-id',
  'x-ms-useragent',
  'repeatability-request-id',
  'repeatability-first-sent',
].join(', ');

/**
 * CORS for every origin: pages served from anywhere embed the client, and authentication is by
 * header (HMAC or bearer token), never by cookie, so no credentials mode is needed.
 */
export function setCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
  res.setHeader('vary', 'origin');
  res.setHeader('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
  res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
  res.setHeader('access-control-expose-headers', 'retry-after, retry-after-ms, location, x-ms-client-request-id');
  res.setHeader('access-control-max-age', '600');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof ServiceError) {
    sendJson(res, error.status, error.toJSON(), error.headers);
    return;
  }
  console.error('Unexpected error while handling a request:', error);
  sendJson(res, 500, { error: { code: 'InternalError', message: 'The service failed to handle the request.' } });
}

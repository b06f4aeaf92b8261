import { base64ToBytes } from './base64.js';

/** The access key of a Communication Services resource. */
export interface KeyCredential {
  readonly key: string;
}

export interface ParsedConnectionString {
  /** Endpoint URL, always ending in `/`. */
  endpoint: string;
  credential: KeyCredential;
}

/**
 * Parses `endpoint=https://host/;accesskey=BASE64`. Keys are case-insensitive and may come in any
 * order. Throws `TypeError` for anything malformed, before any request is made.
 */
export function parseConnectionString(connectionString: string): ParsedConnectionString {
  if (typeof connectionString !== 'string' || connectionString.trim() === '') {
    throw new TypeError('The connection string must be a non-empty string.');
  }
  const parts = new Map<string, string>();
  for (const segment of connectionString.split(';')) {
    if (segment.trim() === '') continue;
    const at = segment.indexOf('=');
    if (at <= 0) throw new TypeError(`Malformed connection string segment: "${segment}".`);
    parts.set(segment.slice(0, at).trim().toLowerCase(), segment.slice(at + 1).trim());
  }
  const endpoint = parts.get('endpoint');
  const key = parts.get('accesskey');
  if (!endpoint || !key) {
    throw new TypeError('The connection string needs both "endpoint=" and "accesskey=".');
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (cause) {
    throw new TypeError(`The connection string's endpoint is not a URL: "${endpoint}".`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`The endpoint must be http or https, not "${url.protocol}".`);
  }
  if (base64ToBytes(key).length === 0) throw new TypeError('The access key is empty.');
  return { endpoint: normaliseEndpoint(url.href), credential: { key } };
}

/** Endpoint URL with exactly one trailing slash. */
export function normaliseEndpoint(endpoint: string): string {
  return endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
}

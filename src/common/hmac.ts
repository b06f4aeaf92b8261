import { base64ToBytes, bytesToBase64 } from './base64.js';

/**
 * HMAC-SHA256 request signing as Communication Services does it. The same code signs requests in
 * browsers and in Node, and the service uses it to check them: one definition of the string to sign.
 */
export const SIGNED_HEADERS = 'x-ms-date;host;x-ms-content-sha256';

const encoder = new TextEncoder();

export async function sha256Base64(content: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const bytes = typeof content === 'string' ? encoder.encode(content) : content;
  return bytesToBase64(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

/** Imported keys by their base64 text: importing costs as much as signing, and the key rarely changes. */
const importedKeys = new Map<string, Promise<CryptoKey>>();

function importHmacKey(base64Key: string): Promise<CryptoKey> {
  let key = importedKeys.get(base64Key);
  if (!key) {
    key = crypto.subtle.importKey('raw', base64ToBytes(base64Key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    key.catch(() => importedKeys.delete(base64Key));
    if (importedKeys.size >= 16) importedKeys.delete(importedKeys.keys().next().value!);
    importedKeys.set(base64Key, key);
  }
  return key;
}

export async function hmacSha256Base64(base64Key: string, text: string): Promise<string> {
  const key = await importHmacKey(base64Key);
  const signature = await crypto.subtle.sign('HMAC', key, encoder.encode(text));
  return bytesToBase64(new Uint8Array(signature));
}

/** Path and query as signed: the query re-serialised the way `URLSearchParams` writes it. */
export function signedPathAndQuery(url: URL): string {
  const query = url.searchParams.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

export function stringToSign(
  method: string,
  pathAndQuery: string,
  date: string,
  host: string,
  contentHash: string,
): string {
  return `${method.toUpperCase()}\n${pathAndQuery}\n${date};${host};${contentHash}`;
}

export type SignedHeaders = {
  'x-ms-date': string;
  'x-ms-content-sha256': string;
  Authorization: string;
};

/** Signs one request; returns the headers to send with it. */
export async function signRequest(request: {
  method: string;
  url: string;
  body?: string;
  accessKey: string;
  date?: Date;
}): Promise<SignedHeaders> {
  const url = new URL(request.url);
  const date = (request.date ?? new Date()).toUTCString();
  const contentHash = await sha256Base64(request.body ?? '');
  const signature = await hmacSha256Base64(
    request.accessKey,
    stringToSign(request.method, signedPathAndQuery(url), date, url.host, contentHash),
  );
  return {
    'x-ms-date': date,
    'x-ms-content-sha256': contentHash,
    Authorization: `HMAC-SHA256 SignedHeaders=${SIGNED_HEADERS}&Signature=${signature}`,
  };
}

import { base64ToBytes, bytesToBase64 } from './base64.js';

/**
 * HMAC-SHA256 request signing as Communication Services does it. The same code signs requests in
 * browsers and in Node, and the service uses it to check them: one definition of the string to sign.
 */
export const SIGNED_HEADERS = 'x-ms-date;host;x-ms-content-sha256';

/** The header naming the calling application an HMAC-signed request acts as. */
export const APPLICATION_HEADER = 'x-ms-acs-application-id';

/**
 * SignedHeaders of a request acting as an application: the application id is signed too, so a
 * captured request cannot be replayed as another application.
 */
export const SIGNED_HEADERS_WITH_APPLICATION = `${SIGNED_HEADERS};${APPLICATION_HEADER}`;

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

/** The signed header values are joined with ';' in SignedHeaders order; the application id last. */
export function stringToSign(
  method: string,
  pathAndQuery: string,
  date: string,
  host: string,
  contentHash: string,
  applicationId?: string,
): string {
  const values = applicationId === undefined ? [date, host, contentHash] : [date, host, contentHash, applicationId];
  return `${method.toUpperCase()}\n${pathAndQuery}\n${values.join(';')}`;
}

export type SignedHeaders = {
  'x-ms-date': string;
  'x-ms-content-sha256': string;
  'x-ms-acs-application-id'?: string;
  Authorization: string;
};

/**
 * Signs one request; returns the headers to send with it. With `applicationId` the request acts as
 * that calling application: the returned headers carry it, and the signature covers it.
 */
export async function signRequest(request: {
  method: string;
  url: string;
  body?: string;
  accessKey: string;
  date?: Date;
  applicationId?: string;
}): Promise<SignedHeaders> {
  const url = new URL(request.url);
  const date = (request.date ?? new Date()).toUTCString();
  const contentHash = await sha256Base64(request.body ?? '');
  const { applicationId } = request;
  const signature = await hmacSha256Base64(
    request.accessKey,
    stringToSign(request.method, signedPathAndQuery(url), date, url.host, contentHash, applicationId),
  );
  const signedHeaders = applicationId === undefined ? SIGNED_HEADERS : SIGNED_HEADERS_WITH_APPLICATION;
  return {
    'x-ms-date': date,
    'x-ms-content-sha256': contentHash,
    ...(applicationId === undefined ? {} : { [APPLICATION_HEADER]: applicationId }),
    Authorization: `HMAC-SHA256 SignedHeaders=${signedHeaders}&Signature=${signature}`,
  };
}

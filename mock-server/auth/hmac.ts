import type { IncomingMessage } from 'node:http';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  APPLICATION_HEADER,
  SIGNED_HEADERS,
  SIGNED_HEADERS_WITH_APPLICATION,
  signedPathAndQuery,
  stringToSign,
} from '../../src/common/hmac.js';
import { ServiceError } from '../http/errors.js';

/** How far the signed date may be from the service's clock, either way. */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

/**
 * Checks an admin request signed with the access key, exactly as ACS does: the signed headers, the
 * body hash, the date window, then the signature over verb, path and query, date, host and hash.
 * Uses the same string-to-sign code as the client library.
 *
 * A request naming an application (`x-ms-acs-application-id`) must sign that header too
 * (`SignedHeaders=x-ms-date;host;x-ms-content-sha256;x-ms-acs-application-id`): otherwise a captured
 * request could be replayed, within the date window, as another application. Resolves with the
 * signed application id, if any.
 */
export async function verifyHmacRequest(
  req: IncomingMessage,
  url: URL,
  rawBody: string,
  accessKey: string,
  now = Date.now(),
): Promise<{ applicationId?: string }> {
  const authorization = req.headers.authorization ?? '';
  const match = /^HMAC-SHA256\s+SignedHeaders=([^&\s]+)&Signature=(\S+)$/i.exec(authorization);
  if (!match) {
    throw ServiceError.unauthorized('An HMAC-SHA256 signed request is required.', 'InvalidAuthentication');
  }
  const signedHeaders = match[1]!.toLowerCase();
  if (signedHeaders !== SIGNED_HEADERS && signedHeaders !== SIGNED_HEADERS_WITH_APPLICATION) {
    throw ServiceError.unauthorized(
      `SignedHeaders must be ${SIGNED_HEADERS}, or ${SIGNED_HEADERS_WITH_APPLICATION} when acting as an application.`,
      'InvalidAuthentication',
    );
  }
  const applicationId = header(req, APPLICATION_HEADER);
  const applicationSigned = signedHeaders === SIGNED_HEADERS_WITH_APPLICATION;
  if (applicationId !== undefined && !applicationSigned) {
    throw ServiceError.unauthorized(
      `${APPLICATION_HEADER} must be signed: SignedHeaders=${SIGNED_HEADERS_WITH_APPLICATION}.`,
      'InvalidAuthentication',
    );
  }
  if (applicationId === undefined && applicationSigned) {
    throw ServiceError.unauthorized(`${APPLICATION_HEADER} is signed but missing.`, 'InvalidAuthentication');
  }
  const date = header(req, 'x-ms-date');
  const contentHash = header(req, 'x-ms-content-sha256');
  const host = header(req, 'host');
  if (!date || !contentHash || !host) {
    throw ServiceError.unauthorized('x-ms-date, host and x-ms-content-sha256 are required.', 'InvalidAuthentication');
  }
  const signedAt = Date.parse(date);
  if (Number.isNaN(signedAt) || Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS) {
    throw ServiceError.unauthorized('x-ms-date is missing or more than 15 minutes off.', 'RequestExpired');
  }
  // Node's own crypto, synchronously: WebCrypto's promises cost more than the hashing on a request
  // this small. The string to sign is the client library's.
  if (createHash('sha256').update(rawBody).digest('base64') !== contentHash) {
    throw ServiceError.unauthorized('x-ms-content-sha256 does not match the body.', 'ContentHashMismatch');
  }
  const expected = createHmac('sha256', keyBytes(accessKey))
    .update(stringToSign(req.method ?? '', signedPathAndQuery(url), date, host, contentHash, applicationId))
    .digest('base64');
  // Compare the text as sent: decoding first would let trailing junk after the padding through.
  const given = Buffer.from(match[2]!);
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    throw ServiceError.unauthorized('The request signature is not valid.', 'InvalidSignature');
  }
  return applicationId === undefined ? {} : { applicationId };
}

/** The decoded access key, kept: decoding costs as much as the signature check. */
const decodedKeys = new Map<string, Buffer>();
function keyBytes(base64Key: string): Buffer {
  let key = decodedKeys.get(base64Key);
  if (!key) decodedKeys.set(base64Key, (key = Buffer.from(base64Key, 'base64')));
  return key;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

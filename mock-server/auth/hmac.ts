import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import {
  APPLICATION_HEADER,
  SIGNED_HEADERS,
  SIGNED_HEADERS_WITH_APPLICATION,
  hmacSha256Base64,
  sha256Base64,
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
  if ((await sha256Base64(rawBody)) !== contentHash) {
    throw ServiceError.unauthorized('x-ms-content-sha256 does not match the body.', 'ContentHashMismatch');
  }
  const expected = await hmacSha256Base64(
    accessKey,
    stringToSign(req.method ?? '', signedPathAndQuery(url), date, host, contentHash, applicationId),
  );
  // Compare the text as sent: decoding first would let trailing junk after the padding through.
  const given = Buffer.from(match[2]!);
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    throw ServiceError.unauthorized('The request signature is not valid.', 'InvalidSignature');
  }
  return applicationId === undefined ? {} : { applicationId };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

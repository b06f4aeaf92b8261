import { base64ToBytes } from './base64.js';

/**
 * The claims of a JWT in compact JWS form (`header.payload.signature`), read without verifying it:
 * the clients only learn expiry and identity from their own tokens, the service verifies them. Throws
 * `TypeError` when the text is no such JWT or its payload is no JSON object. (The browser bundles
 * carry this instead of a JOSE library.)
 */
export function decodeJwtClaims(token: string): Record<string, unknown> {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3 || !parts[1]) throw new TypeError('Not a JWT in compact JWS form.');
  const claims: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64ToBytes(parts[1])));
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new TypeError('The JWT claims are no JSON object.');
  return claims as Record<string, unknown>;
}

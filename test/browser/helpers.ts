import { expect } from '@esm-bundle/chai';

/** Shared helpers for the browser tests. */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

export function base64Url(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

let tokenSerial = 0;

/**
 * An unsigned JWT (header.payload.signature, base64url) with `exp` and `iat` in seconds: the library
 * only decodes tokens, it never checks their signature. Every call gives a distinct token.
 */
export function testJwt(expiresOnMs: number, issuedAtMs: number | undefined = Date.now()): string {
  const payload: Record<string, unknown> = {
    exp: Math.floor(expiresOnMs / 1000),
    jti: `${crypto.randomUUID()}-${++tokenSerial}`,
  };
  if (issuedAtMs !== undefined) payload.iat = Math.floor(issuedAtMs / 1000);
  return `${base64Url({ alg: 'HS256', typ: 'JWT' })}.${base64Url(payload)}.${base64Url('not-signed')}`;
}

/** What `promise` rejects with; fails the test if it fulfils. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.fail('expected the promise to reject');
}

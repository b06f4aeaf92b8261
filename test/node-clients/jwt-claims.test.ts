/**
 * The clients read their own tokens' claims with a small decoder instead of a JOSE library (it keeps
 * jose out of the browser bundles). It must agree with jose's `decodeJwt` on what it accepts and
 * what it reads, for the tokens the service issues and for text that is no JWT.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT, decodeJwt } from 'jose';
import { decodeJwtClaims } from '../../src/common/jwt.js';

const encode = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

test('decodeJwtClaims reads the claims of a signed token as jose does', async () => {
  const token = await new SignJWT({ skypeid: 'acs:r_u', scp: ['chat', 'voip'], endpoint: 'https://example.test/', name: 'Zoë ✓' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('8:acs:r_u')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode('a secret of at least 32 bytes....'));
  assert.deepEqual(decodeJwtClaims(token), decodeJwt(token));
});

test('decodeJwtClaims refuses what jose refuses', () => {
  const header = encode({ alg: 'none' });
  for (const text of [
    '',
    'not a jwt',
    `${header}.${encode({ a: 1 })}`,
    `${header}..sig`,
    `${header}.${encode({ a: 1 })}.sig.extra.parts`,
    `${header}.${encode([1, 2])}.sig`,
    `${header}.${encode('null')}.sig`,
    `${header}.${encode('"text"')}.sig`,
    `${header}.${encode('{ not json')}.sig`,
    `${header}.${Buffer.from([0xff, 0xfe]).toString('base64url')}.sig`,
    `${header}.!!!.sig`,
  ]) {
    assert.throws(() => decodeJwt(text), `jose accepts ${JSON.stringify(text)}`);
    assert.throws(() => decodeJwtClaims(text), `decodeJwtClaims accepts ${JSON.stringify(text)}`);
  }
});

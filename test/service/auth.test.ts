import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { before, describe, test } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { MAX_CLOCK_SKEW_MS, verifyHmacRequest } from '../../mock-server/auth/hmac.js';
import { withService } from '../kit/node.js';
import { CallAutomationClient } from '../../src/calling/callAutomationClient.js';
import { sha256Base64, signRequest } from '../../src/common/hmac.js';
import {
  API_VERSION,
  CHAT_API_VERSION,
  type CreateUserBody,
  type JsonResponse,
  adminRequest,
  assertError,
  assertServiceError,
  claimsOf,
  createUser,
  forgeToken,
  issueToken,
  plainRequest,
  serviceUrl,
  stateSnapshot,
  usersSnapshot,
} from '../kit/serverHelpers.js';

const MINUTE = 60_000;

describe('admin HMAC authentication', () => {
  const service = withService();
  let userId: string;
  let userToken: string;
  before(async () => {
    ({ id: userId, token: userToken } = (await createUser(service(), ['chat', 'voip'])) as { id: string; token: string });
  });

  /** Every refused request is 401 with an ACS error and changes nothing: no user created, none deleted. */
  async function expectUnauthorized(send: () => Promise<JsonResponse>, code?: string): Promise<void> {
    const before = usersSnapshot(service());
    assertError(await send(), 401, code);
    assert.deepEqual(usersSnapshot(service()), before, 'the stored users changed');
  }
  const createBody = { createTokenWithScopes: ['chat'] };
  const create = (options: Parameters<typeof adminRequest>[4]) => adminRequest(service(), 'POST', '/identities', createBody, options);

  test('a correctly signed request passes (control)', async () => {
    const response = await adminRequest<CreateUserBody>(service(), 'POST', '/identities', createBody);
    assert.equal(response.status, 201, response.text);
  });

  test('no Authorization header', async () => {
    await expectUnauthorized(() => create({ headers: { Authorization: null } }), 'InvalidAuthentication');
  });

  test('no Authorization and no signing headers at all', async () => {
    await expectUnauthorized(
      () => plainRequest(service(), 'POST', `/identities?api-version=${API_VERSION}`, { body: '{}' }),
      'InvalidAuthentication',
    );
  });

  test('a user bearer token instead of HMAC', async () => {
    await expectUnauthorized(() => create({ headers: { Authorization: `Bearer ${userToken}` } }), 'InvalidAuthentication');
  });

  test('the access key as a bearer token', async () => {
    await expectUnauthorized(
      () => create({ headers: { Authorization: `Bearer ${service().secrets.accessKey}` } }),
      'InvalidAuthentication',
    );
  });

  test('signed with another key', async () => {
    await expectUnauthorized(() => create({ key: randomBytes(32).toString('base64') }), 'InvalidSignature');
  });

  test('a bad signature', async () => {
    const url = serviceUrl(service(), `/identities?api-version=${API_VERSION}`);
    const body = JSON.stringify(createBody);
    const signed = await signRequest({ method: 'POST', url: url.href, body, accessKey: service().secrets.accessKey });
    const signature = /Signature=(\S+)$/.exec(signed.Authorization)![1]!;
    const bytes = Buffer.from(signature, 'base64');
    bytes[0] = bytes[0]! ^ 0xff;
    const forged = `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${bytes.toString('base64')}`;
    await expectUnauthorized(() => create({ headers: { Authorization: forged } }), 'InvalidSignature');
  });

  test('a truncated signature', async () => {
    await expectUnauthorized(
      () =>
        create({
          headers: { Authorization: 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAA' },
        }),
      'InvalidSignature',
    );
  });

  test('a tampered body (signed one body, sent another)', async () => {
    await expectUnauthorized(
      () => create({ tamperBody: JSON.stringify({ createTokenWithScopes: ['chat', 'voip'] }) }),
      'ContentHashMismatch',
    );
  });

  test('a tampered body with its hash recomputed (the signature no longer matches)', async () => {
    const tampered = JSON.stringify({ createTokenWithScopes: ['chat', 'voip'] });
    const hash = await sha256Base64(tampered);
    await expectUnauthorized(() => create({ tamperBody: tampered, headers: { 'x-ms-content-sha256': hash } }), 'InvalidSignature');
  });

  test('signed for another path, query, method or host', async () => {
    const body = JSON.stringify(createBody);
    const target = serviceUrl(service(), `/identities?api-version=${API_VERSION}`);
    const variants: [string, string][] = [
      ['POST', serviceUrl(service(), `/identities?api-version=2021-03-07`).href],
      ['POST', serviceUrl(service(), `/identities/x?api-version=${API_VERSION}`).href],
      ['PUT', target.href],
      ['POST', target.href.replace('127.0.0.1', 'localhost')],
    ];
    for (const [method, signedUrl] of variants) {
      const signed = await signRequest({ method, url: signedUrl, body, accessKey: service().secrets.accessKey });
      await expectUnauthorized(async () => {
        const response = await fetch(target, {
          method: 'POST',
          headers: { ...signed, 'content-type': 'application/json' },
          body,
        });
        const text = await response.text();
        return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
      }, 'InvalidSignature');
    }
  });

  test('x-ms-date 16 minutes old', async () => {
    await expectUnauthorized(() => create({ date: new Date(Date.now() - 16 * MINUTE) }), 'RequestExpired');
  });

  test('x-ms-date 16 minutes in the future', async () => {
    await expectUnauthorized(() => create({ date: new Date(Date.now() + 16 * MINUTE) }), 'RequestExpired');
  });

  test('x-ms-date that is not a date', async () => {
    await expectUnauthorized(() => create({ headers: { 'x-ms-date': 'yesterday' } }), 'RequestExpired');
  });

  test('missing x-ms-content-sha256', async () => {
    await expectUnauthorized(() => create({ headers: { 'x-ms-content-sha256': null } }), 'InvalidAuthentication');
  });

  test('missing x-ms-date', async () => {
    await expectUnauthorized(() => create({ headers: { 'x-ms-date': null } }), 'InvalidAuthentication');
  });

  test('the standard Date header instead of x-ms-date', async () => {
    await expectUnauthorized(() => create({ headers: { 'x-ms-date': null, date: new Date().toUTCString() } }), 'InvalidAuthentication');
  });

  for (const signedHeaders of [
    'x-ms-date;host',
    'host;x-ms-date;x-ms-content-sha256',
    'x-ms-date;host;x-ms-content-sha256;content-type',
    'date;host;x-ms-content-sha256',
  ]) {
    test(`wrong SignedHeaders=${signedHeaders}`, async () => {
      const url = serviceUrl(service(), `/identities?api-version=${API_VERSION}`);
      const signed = await signRequest({
        method: 'POST',
        url: url.href,
        body: JSON.stringify(createBody),
        accessKey: service().secrets.accessKey,
      });
      const authorization = signed.Authorization.replace(/SignedHeaders=[^&]+/, `SignedHeaders=${signedHeaders}`);
      await expectUnauthorized(() => create({ headers: { Authorization: authorization } }), 'InvalidAuthentication');
    });
  }

  test('a malformed Authorization header', async () => {
    for (const authorization of ['HMAC-SHA256', 'HMAC-SHA256 Signature=abc', 'Basic dXNlcjpwYXNz', 'SharedKey x']) {
      await expectUnauthorized(() => create({ headers: { Authorization: authorization } }), 'InvalidAuthentication');
    }
  });

  test('auth is checked on every route, before the user is looked up', async () => {
    const other = await createUser(service(), ['chat']);
    const key = randomBytes(32).toString('base64');
    const id = encodeURIComponent(other.id);
    await expectUnauthorized(() => adminRequest(service(), 'DELETE', `/identities/${id}`, undefined, { key }));
    await expectUnauthorized(() => adminRequest(service(), 'POST', `/identities/${id}/:revokeAccessTokens`, undefined, { key }));
    await expectUnauthorized(() => adminRequest(service(), 'POST', `/identities/${id}/:issueAccessToken`, { scopes: ['chat'] }, { key }));
    // An unknown user: 401, not 404 (no probing for ids without the key).
    await expectUnauthorized(() =>
      adminRequest(service(), 'DELETE', `/identities/${encodeURIComponent(`${other.id}x`)}`, undefined, { key }),
    );
    assert.ok(service().identities.getUser(other.id));
    assert.equal((await service().tokens.verify(other.token!)).userId, other.id);
  });

  test('a replayed request within the window passes; signed outside the window it fails', async () => {
    const url = serviceUrl(service(), `/identities?api-version=${API_VERSION}`);
    const body = '{}';
    const send = async (headers: Record<string, string>) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined, text };
    };
    const signedAgo = (ms: number) =>
      signRequest({ method: 'POST', url: url.href, body, accessKey: service().secrets.accessKey, date: new Date(Date.now() - ms) });
    const recent = await signedAgo(10 * MINUTE);
    const first = await send(recent);
    const replay = await send(recent);
    assert.equal(first.status, 201, first.text);
    assert.equal(replay.status, 201, replay.text);
    assert.notEqual((first.body as CreateUserBody).identity.id, (replay.body as CreateUserBody).identity.id);
    const old = await signedAgo(20 * MINUTE);
    await expectUnauthorized(() => send(old), 'RequestExpired');
  });

  test('verifyHmacRequest: the same signed request is good up to 15 minutes either way, not after', async () => {
    const url = new URL(`http://127.0.0.1:1234/identities?api-version=${API_VERSION}`);
    const body = '{"createTokenWithScopes":["chat"]}';
    const signed = await signRequest({ method: 'POST', url: url.href, body, accessKey: service().secrets.accessKey });
    const req = {
      method: 'POST',
      headers: {
        authorization: signed.Authorization,
        'x-ms-date': signed['x-ms-date'],
        'x-ms-content-sha256': signed['x-ms-content-sha256'],
        host: url.host,
      },
    } as unknown as IncomingMessage;
    const signedAt = Date.parse(signed['x-ms-date']);
    const check = (now: number) => verifyHmacRequest(req, url, body, service().secrets.accessKey, now);
    assert.equal(MAX_CLOCK_SKEW_MS, 15 * MINUTE);
    await check(signedAt);
    await check(signedAt + MAX_CLOCK_SKEW_MS);
    await check(signedAt - MAX_CLOCK_SKEW_MS);
    await assertServiceError(check(signedAt + MAX_CLOCK_SKEW_MS + 1000), 401, 'RequestExpired');
    await assertServiceError(check(signedAt - MAX_CLOCK_SKEW_MS - 1000), 401, 'RequestExpired');
    await assertServiceError(check(signedAt + 16 * MINUTE), 401, 'RequestExpired');
    // A different body under the same headers.
    await assertServiceError(verifyHmacRequest(req, url, '{}', service().secrets.accessKey, signedAt), 401, 'ContentHashMismatch');
  });

  test('the user created in before() is untouched', async () => {
    assert.equal(service().identities.getUser(userId)?.tokenGeneration, 0);
    assert.equal((await service().tokens.verify(userToken)).userId, userId);
  });
});

describe('the application identity header (x-ms-acs-application-id) is signed', () => {
  const service = withService();
  let appA: string;
  let appB: string;
  before(async () => {
    appA = service().identities.createApplication('A').id;
    appB = service().identities.createApplication('B').id;
  });

  const createThreadAs = (options: Parameters<typeof adminRequest>[4]) =>
    adminRequest<{ chatThread?: { createdByCommunicationIdentifier: { rawId: string } } }>(
      service(),
      'POST',
      '/chat/threads',
      { topic: 'as an application' },
      { apiVersion: CHAT_API_VERSION, ...options },
    );

  /** Refused with 401 and nothing written. */
  async function expectRefused(options: Parameters<typeof adminRequest>[4], code: string): Promise<void> {
    const before = stateSnapshot(service());
    assertError(await createThreadAs(options), 401, code);
    assert.deepEqual(stateSnapshot(service()), before, 'a refused request wrote something');
  }

  test('properly signed (SignedHeaders names it, the signature covers it): 2xx, acting as that application', async () => {
    const created = await createThreadAs({ applicationId: appA });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.chatThread!.createdByCommunicationIdentifier.rawId, appA);
  });

  test('the header sent but not signed is 401, on user routes and admin routes alike', async () => {
    await expectRefused({ headers: { 'x-ms-acs-application-id': appA } }, 'InvalidAuthentication');
    const before = usersSnapshot(service());
    const admin = await adminRequest(service(), 'POST', '/identities', {}, { headers: { 'x-ms-acs-application-id': appA } });
    assertError(admin, 401, 'InvalidAuthentication');
    assert.deepEqual(usersSnapshot(service()), before);
  });

  test('signed as one application, the header swapped for another after signing: 401', async () => {
    await expectRefused({ applicationId: appA, headers: { 'x-ms-acs-application-id': appB } }, 'InvalidSignature');
  });

  test('SignedHeaders naming the header while it is missing: 401', async () => {
    await expectRefused({ applicationId: appA, headers: { 'x-ms-acs-application-id': null } }, 'InvalidAuthentication');
  });

  test('the library signs it: CallAutomationClient places a call as its application', async () => {
    const callee = service().identities.createUser().id;
    const client = new CallAutomationClient(service().connectionString, { callingApplicationId: appA });
    const call = await client.createGroupCall([{ communicationUserId: callee }]);
    assert.equal(call.createdBy.rawId, appA);
    await client.hangUp(call.id, { forEveryone: true });
  });
});

/** Replaces the payload of a JWT, keeping its header and signature. */
function withPayload(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(claims);
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe('user access tokens', () => {
  const service = withService({ demo: true });

  interface RefreshBody {
    user: { communicationUserId: string };
    token: string;
    expiresOn: string;
  }
  /** POST /demo/token/refresh with `Authorization: Bearer <token>` (or the given header, or none). */
  const refresh = (token?: string, authorization = token === undefined ? undefined : `Bearer ${token}`) =>
    plainRequest<RefreshBody>(service(), 'POST', '/demo/token/refresh', {
      headers: authorization === undefined ? {} : { authorization },
    });

  /** The token is refused by both `tokens.verify` and the refresh route with this 401 code. */
  async function expectRefused(token: string, code: string): Promise<void> {
    await assertServiceError(service().tokens.verify(token), 401, code);
    await assertServiceError(service().tokens.verify(token, ['chat']), 401, code);
    const before = usersSnapshot(service());
    assertError(await refresh(token), 401, code);
    assert.deepEqual(usersSnapshot(service()), before);
  }

  const now = () => Math.floor(Date.now() / 1000);

  test('a valid token verifies and refreshes', async () => {
    const { id, token } = (await createUser(service(), ['chat', 'voip'])) as { id: string; token: string };
    const verified = await service().tokens.verify(token);
    assert.equal(verified.userId, id);
    assert.deepEqual([...verified.scopes].sort(), ['chat', 'voip']);
    assert.equal(verified.expiresOn.getTime(), claimsOf(token).exp! * 1000);
    assert.equal((await service().tokens.verify(token, ['chat'])).userId, id);
    assert.equal((await service().tokens.verify(token, ['voip'])).userId, id);

    const response = await refresh(token);
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(Object.keys(response.body).sort(), ['expiresOn', 'token', 'user']);
    assert.deepEqual(response.body.user, { communicationUserId: id });
    assert.equal(Date.parse(response.body.expiresOn), claimsOf(response.body.token).exp! * 1000);
    const fresh = await service().tokens.verify(response.body.token, ['chat']);
    assert.equal(fresh.userId, id);
  });

  test('the bearer scheme is case-insensitive', async () => {
    const { token } = (await createUser(service(), ['chat', 'voip'])) as { token: string };
    const response = await refresh(token, `bearer ${token}`);
    assert.equal(response.status, 200, response.text);
  });

  test('POST /demo/token creates a user with a chat+voip token', async () => {
    const response = await plainRequest<RefreshBody>(service(), 'POST', '/demo/token');
    assert.equal(response.status, 201, response.text);
    const verified = await service().tokens.verify(response.body.token);
    assert.equal(verified.userId, response.body.user.communicationUserId);
    assert.deepEqual([...verified.scopes].sort(), ['chat', 'voip']);
  });

  test('the refresh route refuses a missing or non-bearer Authorization', async () => {
    assertError(await refresh(), 401, 'MissingToken');
    assertError(await refresh('x', 'Basic dXNlcjpwYXNz'), 401, 'MissingToken');
    assertError(await refresh('x', 'Bearer'), 401, 'MissingToken');
    assertError(await refresh('x', 'Bearer a b'), 401, 'MissingToken');
  });

  test('a token signed with another key', async () => {
    const { id, token } = (await createUser(service(), ['chat'])) as { id: string; token: string };
    const claims = claimsOf(token);
    const foreign = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(randomBytes(32));
    assert.equal(claimsOf(foreign).sub, id);
    await expectRefused(foreign, 'InvalidToken');
  });

  test('a tampered payload', async () => {
    const { token } = (await createUser(service(), ['chat'])) as { token: string };
    const other = await createUser(service());
    await expectRefused(
      withPayload(token, (c) => (c.acsScope = 'chat,voip')),
      'InvalidToken',
    );
    await expectRefused(
      withPayload(token, (c) => (c.sub = other.id)),
      'InvalidToken',
    );
    await expectRefused(
      withPayload(token, (c) => (c.exp = (c.exp as number) + 86_400)),
      'InvalidToken',
    );
    await expectRefused(
      withPayload(token, (c) => (c.gen = 1)),
      'InvalidToken',
    );
  });

  test('an unsigned (alg none) token and garbage', async () => {
    const { id } = await createUser(service());
    const unsecured = new UnsecuredJWT({ acsScope: 'chat', gen: 0 })
      .setIssuer('open-communication')
      .setSubject(id)
      .setIssuedAt()
      .setExpirationTime('1h')
      .encode();
    await expectRefused(unsecured, 'InvalidToken');
    await expectRefused('not-a-token', 'InvalidToken');
    await expectRefused('a.b.c', 'InvalidToken');
  });

  test('an expired token (signed with the service secret)', async () => {
    const { id } = await createUser(service());
    const secret = service().secrets.tokenSigningSecret;
    const claims = { sub: id, acsScope: 'chat,voip', gen: 0 };
    // Control: the same claims with a future exp are accepted, so only the expiry is refused below.
    const live = await forgeToken(secret, claims, { iat: now() - 60, exp: now() + 3600 });
    assert.equal((await service().tokens.verify(live, ['chat'])).userId, id);
    const expired = await forgeToken(secret, claims, { iat: now() - 7200, exp: now() - 60 });
    await expectRefused(expired, 'TokenExpired');
  });

  test('a token with the right secret but wrong issuer or missing claims', async () => {
    const { id } = await createUser(service());
    const secret = service().secrets.tokenSigningSecret;
    const times = { iat: now(), exp: now() + 3600 };
    const otherIssuer = await forgeToken(secret, { sub: id, acsScope: 'chat', gen: 0 }, times, 'someone-else');
    await expectRefused(otherIssuer, 'InvalidToken');
    await expectRefused(await forgeToken(secret, { sub: id, acsScope: 'chat' }, times), 'InvalidToken');
    await expectRefused(await forgeToken(secret, { sub: id, gen: 0 }, times), 'InvalidToken');
    await expectRefused(await forgeToken(secret, { acsScope: 'chat', gen: 0 }, times), 'InvalidToken');
    await expectRefused(await forgeToken(secret, { sub: id, acsScope: 'chat', gen: '0' }, times), 'InvalidToken');
  });

  test('a token issued before revokeTokens is refused; one issued after works', async () => {
    const { id, token: before } = (await createUser(service(), ['chat', 'voip'])) as { id: string; token: string };
    const second = await issueToken(service(), id, ['chat']);
    const revoke = await adminRequest(service(), 'POST', `/identities/${encodeURIComponent(id)}/:revokeAccessTokens`);
    assert.equal(revoke.status, 204, revoke.text);
    await expectRefused(before, 'TokenRevoked');
    await expectRefused(second.token, 'TokenRevoked');

    const after = await issueToken(service(), id, ['chat', 'voip']);
    assert.equal((await service().tokens.verify(after.token, ['voip'])).userId, id);
    const response = await refresh(after.token);
    assert.equal(response.status, 200, response.text);
    assert.equal((await service().tokens.verify(response.body.token)).userId, id);

    // A second revoke refuses the tokens of the first generation as well.
    service().identities.revokeTokens(id);
    await expectRefused(after.token, 'TokenRevoked');
    await expectRefused(response.body.token, 'TokenRevoked');
  });

  test('a token of a deleted user is refused', async () => {
    const { id, token } = (await createUser(service(), ['chat', 'voip'])) as { id: string; token: string };
    const response = await adminRequest(service(), 'DELETE', `/identities/${encodeURIComponent(id)}`);
    assert.equal(response.status, 204, response.text);
    await expectRefused(token, 'IdentityDeleted');
    assert.equal(service().identities.getUser(id), undefined, 'the refresh route brought the user back');
  });

  test('a token without the needed scope is 403 InsufficientScope', async () => {
    const { id, token: chatOnly } = (await createUser(service(), ['chat'])) as { id: string; token: string };
    const voipOnly = (await issueToken(service(), id, ['voip'])).token;
    assert.equal((await service().tokens.verify(chatOnly, ['chat'])).userId, id);
    assert.equal((await service().tokens.verify(voipOnly, ['voip'])).userId, id);
    await assertServiceError(service().tokens.verify(chatOnly, ['voip']), 403, 'InsufficientScope');
    await assertServiceError(service().tokens.verify(voipOnly, ['chat']), 403, 'InsufficientScope');
    // Any one of the listed scopes is enough.
    assert.equal((await service().tokens.verify(chatOnly, ['voip', 'chat'])).userId, id);
    const joinOnly = (await issueToken(service(), id, ['chat.join'])).token;
    await assertServiceError(service().tokens.verify(joinOnly, ['chat']), 403, 'InsufficientScope');
    await assertServiceError(service().tokens.verifyBearer(`Bearer ${chatOnly}`, ['voip']), 403, 'InsufficientScope');
  });

  test('refreshing a chat-only token does not grant voip', async () => {
    const { id, token: chatOnly } = (await createUser(service(), ['chat'])) as { id: string; token: string };
    const response = await refresh(chatOnly);
    if (response.status === 200) {
      assert.equal(response.body.user.communicationUserId, id);
      await assertServiceError(service().tokens.verify(response.body.token, ['voip']), 403, 'InsufficientScope');
      assert.equal((await service().tokens.verify(response.body.token, ['chat'])).userId, id);
    } else {
      assertError(response, 403, 'InsufficientScope');
    }
  });
});

describe('demo routes are off by default', () => {
  const service = withService();

  test('POST /demo/token and /demo/token/refresh are 404 without demo: true', async () => {
    const { token } = (await createUser(service(), ['chat', 'voip'])) as { token: string };
    const before = usersSnapshot(service());
    assertError(await plainRequest(service(), 'POST', '/demo/token'), 404);
    assertError(await plainRequest(service(), 'POST', '/demo/token/refresh', { headers: { authorization: `Bearer ${token}` } }), 404);
    assert.deepEqual(usersSnapshot(service()), before);
  });
});

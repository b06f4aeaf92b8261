import assert from 'node:assert/strict';
import { request } from 'node:http';
import { before, describe, test } from 'node:test';
import { withService } from '../kit/node.js';
import {
  type AccessTokenBody,
  type CreateUserBody,
  adminRequest,
  assertError,
  assertServiceError,
  claimsOf,
  countUsers,
  createUser,
  issueToken,
  userIdPattern,
  usersSnapshot,
} from '../kit/serverHelpers.js';

const issuePath = (id: string) => `/identities/${encodeURIComponent(id)}/:issueAccessToken`;
const revokePath = (id: string) => `/identities/${encodeURIComponent(id)}/:revokeAccessTokens`;
const userPath = (id: string) => `/identities/${encodeURIComponent(id)}`;

/** Checks an access token body: exactly `{token, expiresOn}`, expiresOn = the JWT's exp, lifetime as asked. */
function assertAccessToken(body: AccessTokenBody | undefined, userId: string, minutes: number): void {
  assert.ok(body, 'no access token');
  assert.deepEqual(Object.keys(body).sort(), ['expiresOn', 'token']);
  assert.equal(typeof body.token, 'string');
  assert.equal(typeof body.expiresOn, 'string');
  assert.match(body.expiresOn, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  const claims = claimsOf(body.token);
  assert.equal(claims.sub, userId);
  assert.ok(typeof claims.iat === 'number' && typeof claims.exp === 'number');
  assert.equal(claims.exp - claims.iat, minutes * 60);
  assert.equal(Date.parse(body.expiresOn), claims.exp * 1000);
}

describe('identity routes: success', () => {
  const service = withService();

  test('POST /identities with an empty object creates a user without a token', async () => {
    const before = countUsers(service());
    const response = await adminRequest<CreateUserBody>(service(), 'POST', '/identities', {});
    assert.equal(response.status, 201, response.text);
    assert.deepEqual(Object.keys(response.body), ['identity']);
    assert.deepEqual(Object.keys(response.body.identity), ['id']);
    assert.match(response.body.identity.id, userIdPattern(service()));
    assert.equal(countUsers(service()), before + 1);
    const row = service().db.prepare('SELECT token_generation FROM users WHERE id = ?').get(response.body.identity.id);
    assert.deepEqual(row, { token_generation: 0 });
  });

  test('POST /identities without any body creates a user', async () => {
    const before = countUsers(service());
    const response = await adminRequest<CreateUserBody>(service(), 'POST', '/identities');
    assert.equal(response.status, 201, response.text);
    assert.deepEqual(Object.keys(response.body), ['identity']);
    assert.match(response.body.identity.id, userIdPattern(service()));
    assert.equal(countUsers(service()), before + 1);
  });

  test('every user gets a different id', async () => {
    const a = await createUser(service());
    const b = await createUser(service());
    assert.notEqual(a.id, b.id);
    assert.match(a.id, userIdPattern(service()));
    assert.match(b.id, userIdPattern(service()));
  });

  test('createTokenWithScopes returns a 24 h token with the scopes', async () => {
    const response = await adminRequest<CreateUserBody>(service(), 'POST', '/identities', {
      createTokenWithScopes: ['chat', 'voip'],
    });
    assert.equal(response.status, 201, response.text);
    assert.deepEqual(Object.keys(response.body).sort(), ['accessToken', 'identity']);
    const id = response.body.identity.id;
    assert.match(id, userIdPattern(service()));
    assertAccessToken(response.body.accessToken, id, 24 * 60);
    const verified = await service().tokens.verify(response.body.accessToken!.token);
    assert.equal(verified.userId, id);
    assert.deepEqual(verified.scopes.sort(), ['chat', 'voip']);
    assert.equal(verified.expiresOn.toISOString(), new Date(response.body.accessToken!.expiresOn).toISOString());
  });

  for (const minutes of [60, 61, 720, 1440]) {
    test(`createTokenWithScopes with expiresInMinutes ${minutes}`, async () => {
      const response = await adminRequest<CreateUserBody>(service(), 'POST', '/identities', {
        createTokenWithScopes: ['chat'],
        expiresInMinutes: minutes,
      });
      assert.equal(response.status, 201, response.text);
      assertAccessToken(response.body.accessToken, response.body.identity.id, minutes);
      const verified = await service().tokens.verify(response.body.accessToken!.token, ['chat']);
      assert.deepEqual(verified.scopes, ['chat']);
    });
  }

  test('createTokenWithScopes: null counts as absent', async () => {
    const response = await adminRequest<CreateUserBody>(service(), 'POST', '/identities', {
      createTokenWithScopes: null,
    });
    assert.equal(response.status, 201, response.text);
    assert.deepEqual(Object.keys(response.body), ['identity']);
  });

  test('every ACS scope is accepted', async () => {
    const scopes = ['chat', 'voip', 'chat.join', 'chat.join.limited', 'voip.join'];
    const response = await adminRequest<CreateUserBody>(service(), 'POST', '/identities', {
      createTokenWithScopes: scopes,
    });
    assert.equal(response.status, 201, response.text);
    const verified = await service().tokens.verify(response.body.accessToken!.token);
    assert.deepEqual([...verified.scopes].sort(), [...scopes].sort());
  });

  test('issueAccessToken returns 200 {token, expiresOn} with a 24 h default', async () => {
    const { id } = await createUser(service());
    const response = await adminRequest<AccessTokenBody>(service(), 'POST', issuePath(id), { scopes: ['voip'] });
    assert.equal(response.status, 200, response.text);
    assertAccessToken(response.body, id, 24 * 60);
    const verified = await service().tokens.verify(response.body.token, ['voip']);
    assert.equal(verified.userId, id);
    assert.deepEqual(verified.scopes, ['voip']);
  });

  test('issueAccessToken with expiresInMinutes 60 and 1440', async () => {
    const { id } = await createUser(service());
    for (const minutes of [60, 1440]) {
      const response = await adminRequest<AccessTokenBody>(service(), 'POST', issuePath(id), {
        scopes: ['chat'],
        expiresInMinutes: minutes,
      });
      assert.equal(response.status, 200, response.text);
      assertAccessToken(response.body, id, minutes);
    }
  });

  test('issueAccessToken folds duplicate scopes', async () => {
    const { id } = await createUser(service());
    const body = await issueToken(service(), id, ['chat', 'chat', 'voip']);
    const verified = await service().tokens.verify(body.token);
    assert.deepEqual([...verified.scopes].sort(), ['chat', 'voip']);
    assert.equal(claimsOf(body.token).acsScope, 'chat,voip');
  });

  test('issueAccessToken accepts an unencoded id too (":" is legal in a path)', async () => {
    const { id } = await createUser(service());
    const response = await adminRequest<AccessTokenBody>(service(), 'POST', `/identities/${id}/:issueAccessToken`, {
      scopes: ['chat'],
    });
    assert.equal(response.status, 200, response.text);
    assert.equal(claimsOf(response.body.token).sub, id);
  });

  test('revokeAccessTokens answers 204 with no body and invalidates earlier tokens', async () => {
    const { id, token } = await createUser(service(), ['chat']);
    const response = await adminRequest(service(), 'POST', revokePath(id));
    assert.equal(response.status, 204, response.text);
    assert.equal(response.text, '');
    await assertServiceError(service().tokens.verify(token!), 401, 'TokenRevoked');
    assert.equal(service().identities.getUser(id)?.tokenGeneration, 1);
    const fresh = await issueToken(service(), id, ['chat']);
    assert.equal((await service().tokens.verify(fresh.token)).userId, id);
  });

  test('revokeAccessTokens accepts an empty JSON object', async () => {
    const { id } = await createUser(service());
    const response = await adminRequest(service(), 'POST', revokePath(id), {});
    assert.equal(response.status, 204, response.text);
    assert.equal(service().identities.getUser(id)?.tokenGeneration, 1);
  });

  test('DELETE /identities/{id} answers 204 and removes the user', async () => {
    const { id, token } = await createUser(service(), ['chat']);
    const before = countUsers(service());
    const response = await adminRequest(service(), 'DELETE', userPath(id));
    assert.equal(response.status, 204, response.text);
    assert.equal(response.text, '');
    assert.equal(countUsers(service()), before - 1);
    assert.equal(service().identities.getUser(id), undefined);
    await assertServiceError(service().tokens.verify(token!), 401, 'IdentityDeleted');
    assertError(await adminRequest(service(), 'DELETE', userPath(id)), 404, 'IdentityNotFound');
    assertError(await adminRequest(service(), 'POST', issuePath(id), { scopes: ['chat'] }), 404, 'IdentityNotFound');
  });
});

describe('identity routes: bad input', () => {
  const service = withService();
  let userId: string;
  let userToken: string;
  before(async () => {
    ({ id: userId, token: userToken } = (await createUser(service(), ['chat'])) as { id: string; token: string });
    await createUser(service());
  });

  /** Sends a request that must fail, and checks it failed with the code and wrote nothing. */
  async function expectRejected(
    status: number,
    code: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    options?: Parameters<typeof adminRequest>[4],
  ): Promise<void> {
    const before = usersSnapshot(service());
    const response = await adminRequest(service(), method, path, body, options);
    assertError(response, status, code);
    // Users, their token generations included: the existing user's tokens were not revoked either.
    assert.deepEqual(usersSnapshot(service()), before, 'the stored users changed');
    assert.equal((await service().tokens.verify(userToken, ['chat'])).userId, userId);
  }

  const badCreateBodies: [string, unknown, string][] = [
    ['malformed JSON', '{"createTokenWithScopes": ["chat"]', 'InvalidJson'],
    ['malformed JSON (trailing garbage)', '{} x', 'InvalidJson'],
    ['a JSON array', '[]', 'InvalidJson'],
    ['a JSON string', '"chat"', 'InvalidJson'],
    ['a JSON number', '42', 'InvalidJson'],
    ['JSON null', 'null', 'InvalidJson'],
    ['createTokenWithScopes as a string', { createTokenWithScopes: 'chat' }, 'ValidationError'],
    ['createTokenWithScopes with a number', { createTokenWithScopes: ['chat', 1] }, 'ValidationError'],
    ['createTokenWithScopes as an object', { createTokenWithScopes: { chat: true } }, 'ValidationError'],
    ['an unknown field', { createTokenWithScopes: ['chat'], displayName: 'x' }, 'ValidationError'],
    ['an unknown field alone', { foo: 1 }, 'ValidationError'],
    ['an unknown scope', { createTokenWithScopes: ['chat', 'email'] }, 'ValidationError'],
    ['a scope in the wrong case', { createTokenWithScopes: ['Chat'] }, 'ValidationError'],
    ['expiresInMinutes 59', { createTokenWithScopes: ['chat'], expiresInMinutes: 59 }, 'ValidationError'],
    ['expiresInMinutes 1441', { createTokenWithScopes: ['chat'], expiresInMinutes: 1441 }, 'ValidationError'],
    ['expiresInMinutes 60.5', { createTokenWithScopes: ['chat'], expiresInMinutes: 60.5 }, 'ValidationError'],
    ['expiresInMinutes "60"', { createTokenWithScopes: ['chat'], expiresInMinutes: '60' }, 'ValidationError'],
    ['expiresInMinutes 0', { createTokenWithScopes: ['chat'], expiresInMinutes: 0 }, 'ValidationError'],
    ['expiresInMinutes -60', { createTokenWithScopes: ['chat'], expiresInMinutes: -60 }, 'ValidationError'],
    ['expiresInMinutes true', { createTokenWithScopes: ['chat'], expiresInMinutes: true }, 'ValidationError'],
    ['expiresInMinutes without scopes', { expiresInMinutes: 60 }, 'ValidationError'],
  ];
  for (const [name, body, code] of badCreateBodies) {
    test(`POST /identities refuses ${name} with 400`, async () => {
      await expectRejected(400, code, 'POST', '/identities', body);
    });
  }

  const badIssueBodies: [string, unknown, string][] = [
    ['no body', undefined, 'MissingBody'],
    ['a blank body', '  ', 'MissingBody'],
    ['malformed JSON', '{"scopes": [', 'InvalidJson'],
    ['a JSON array', '["chat"]', 'InvalidJson'],
    ['a JSON string', '"chat"', 'InvalidJson'],
    ['JSON null', 'null', 'InvalidJson'],
    ['an empty object (scopes missing)', {}, 'ValidationError'],
    ['scopes null', { scopes: null }, 'ValidationError'],
    ['empty scopes', { scopes: [] }, 'ValidationError'],
    ['scopes as a string', { scopes: 'chat' }, 'ValidationError'],
    ['scopes with a non-string', { scopes: [['chat']] }, 'ValidationError'],
    ['an unknown scope', { scopes: ['chat', 'admin'] }, 'ValidationError'],
    ['an unknown field', { scopes: ['chat'], createTokenWithScopes: ['chat'] }, 'ValidationError'],
    ['expiresInMinutes 59', { scopes: ['chat'], expiresInMinutes: 59 }, 'ValidationError'],
    ['expiresInMinutes 1441', { scopes: ['chat'], expiresInMinutes: 1441 }, 'ValidationError'],
    ['expiresInMinutes 60.5', { scopes: ['chat'], expiresInMinutes: 60.5 }, 'ValidationError'],
    ['expiresInMinutes "60"', { scopes: ['chat'], expiresInMinutes: '60' }, 'ValidationError'],
    ['too many scopes', { scopes: Array.from({ length: 17 }, () => 'chat') }, 'ValidationError'],
  ];
  for (const [name, body, code] of badIssueBodies) {
    test(`issueAccessToken refuses ${name} with 400`, async () => {
      await expectRejected(400, code, 'POST', issuePath(userId), body);
    });
  }

  test('issueAccessToken validates the body before looking up the user', async () => {
    await expectRejected(400, 'ValidationError', 'POST', issuePath(`8:acs:${service().secrets.resourceId}_nobody`), {
      scopes: [],
    });
  });

  const badRevokeBodies: [string, unknown, string][] = [
    ['malformed JSON', '{', 'InvalidJson'],
    ['a JSON array', '[]', 'InvalidJson'],
    ['an unknown field', { scopes: ['chat'] }, 'ValidationError'],
  ];
  for (const [name, body, code] of badRevokeBodies) {
    test(`revokeAccessTokens refuses ${name} with 400 and revokes nothing`, async () => {
      await expectRejected(400, code, 'POST', revokePath(userId), body);
    });
  }

  // An unknown user of this resource (resolved lazily: the service starts in before()).
  const unknown = () => `8:acs:${service().secrets.resourceId}_00000000-0000-4000-8000-000000000000`;
  test('issueAccessToken for an unknown user is 404 IdentityNotFound', async () => {
    await expectRejected(404, 'IdentityNotFound', 'POST', issuePath(unknown()), { scopes: ['chat'] });
  });
  test('revokeAccessTokens for an unknown user is 404 IdentityNotFound', async () => {
    await expectRejected(404, 'IdentityNotFound', 'POST', revokePath(unknown()));
  });
  test('DELETE of an unknown user is 404 IdentityNotFound', async () => {
    await expectRejected(404, 'IdentityNotFound', 'DELETE', userPath(unknown()));
  });
  test('a user id from another resource is 401 (as ACS answers), on every per-identity route, and nothing changes', async () => {
    const foreign = userId.replace(service().secrets.resourceId, '00000000-0000-4000-8000-000000000000');
    await expectRejected(401, 'Unauthorized', 'DELETE', userPath(foreign));
    await expectRejected(401, 'Unauthorized', 'POST', issuePath(foreign), { scopes: ['chat'] });
    await expectRejected(401, 'Unauthorized', 'POST', revokePath(foreign));
  });

  test('a path under /identities that no route has is 404', async () => {
    await expectRejected(404, undefined, 'POST', `${userPath(userId)}/:doSomething`, {});
  });

  for (const [method, path] of [
    ['POST', '/identities'],
    ['POST', `/identities/ID/:issueAccessToken`],
    ['POST', `/identities/ID/:revokeAccessTokens`],
    ['DELETE', `/identities/ID`],
  ] as const) {
    test(`${method} ${path} without api-version is 400`, async () => {
      const realPath = path.replace('ID', encodeURIComponent(userId));
      const body = path.endsWith(':issueAccessToken') ? { scopes: ['chat'] } : undefined;
      await expectRejected(400, 'MissingApiVersionParameter', method, realPath, body, { apiVersion: null });
    });
  }

  test('an empty api-version is 400', async () => {
    await expectRejected(400, 'MissingApiVersionParameter', 'POST', '/identities', {}, { apiVersion: '' });
  });

  for (const version of ['2099-01-01', '2020-07-20-preview2', '2025-03-15', '1', 'latest']) {
    test(`api-version ${version} (not an identity version) is 400 UnsupportedApiVersion on every route, nothing written`, async () => {
      for (const [method, path, body] of [
        ['POST', '/identities', { createTokenWithScopes: ['chat'] }],
        ['POST', issuePath(userId), { scopes: ['chat'] }],
        ['POST', revokePath(userId), undefined],
        ['DELETE', userPath(userId), undefined],
        ['POST', '/applications', { displayName: 'x' }],
      ] as const) {
        await expectRejected(400, 'UnsupportedApiVersion', method, path, body, { apiVersion: version });
      }
    });
  }

  test("UnsupportedApiVersion answers with ACS's message, naming the URI and the version", async () => {
    const response = await adminRequest<{ error: { message: string } }>(service(), 'POST', '/identities', {}, { apiVersion: '2099-01-01' });
    const uri = `${service().endpoint.replace(/\/$/, '')}/identities?api-version=2099-01-01`;
    assert.equal(
      response.body.error.message,
      `The HTTP resource that matches the request URI '${uri}' does not support the API version '2099-01-01'.`,
    );
  });

  test('every GA identity api-version is accepted: 2021-03-07, 2022-06-01, 2022-10-01, 2023-08-01, 2023-10-01', async () => {
    for (const version of ['2021-03-07', '2022-06-01', '2022-10-01', '2023-08-01', '2023-10-01']) {
      const created = await adminRequest<CreateUserBody>(service(), 'POST', '/identities', {}, { apiVersion: version });
      assert.equal(created.status, 201, `${version}: ${created.text}`);
      const id = created.body.identity.id;
      const issued = await adminRequest(service(), 'POST', issuePath(id), { scopes: ['chat'] }, { apiVersion: version });
      assert.equal(issued.status, 200, `${version}: ${issued.text}`);
      const deleted = await adminRequest(service(), 'DELETE', userPath(id), undefined, { apiVersion: version });
      assert.equal(deleted.status, 204, `${version}: ${deleted.text}`);
    }
  });

  test('a body over 1 MiB is 413 PayloadTooLarge', async () => {
    const body = JSON.stringify({ createTokenWithScopes: ['chat'], padding: 'x'.repeat(1024 * 1024 + 16) });
    await expectRejected(413, 'PayloadTooLarge', 'POST', '/identities', body);
    // The service still answers on a new connection afterwards.
    const response = await adminRequest<CreateUserBody>(service(), 'POST', '/identities', {});
    assert.equal(response.status, 201, response.text);
  });

  test('a chunked body (no content-length) over 1 MiB is 413 PayloadTooLarge too, found while reading', async () => {
    const { status, text } = await new Promise<{ status: number | undefined; text: string }>((resolve, reject) => {
      const req = request(
        new URL('/identities?api-version=2023-10-01', service().endpoint),
        { method: 'POST', headers: { 'transfer-encoding': 'chunked' } },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode, text: body }));
        },
      );
      req.on('error', reject);
      req.write('x'.repeat(768 * 1024));
      setTimeout(() => req.end('x'.repeat(768 * 1024)), 20);
    });
    assert.equal(status, 413, text);
    assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, 'PayloadTooLarge');
  });

  for (const bad of ['%ZZ', '%E0%A4%A', '8%3Aacs%3A%']) {
    test(`invalid percent-encoding "${bad}" in the path is 400`, async () => {
      await expectRejected(400, undefined, 'POST', `/identities/${bad}/:issueAccessToken`, { scopes: ['chat'] });
      await expectRejected(400, undefined, 'DELETE', `/identities/${bad}`);
    });
  }

  for (const [method, path, allow] of [
    ['GET', '/identities', 'POST'],
    ['PUT', '/identities', 'POST'],
    ['DELETE', '/identities', 'POST'],
    ['GET', '/identities/ID', 'DELETE'],
    ['POST', '/identities/ID', 'DELETE'],
    ['PATCH', '/identities/ID', 'DELETE'],
    ['GET', '/identities/ID/:issueAccessToken', 'POST'],
    ['DELETE', '/identities/ID/:revokeAccessTokens', 'POST'],
  ] as const) {
    test(`${method} ${path} is 405 with Allow: ${allow}`, async () => {
      const before = usersSnapshot(service());
      const response = await adminRequest(service(), method, path.replace('ID', encodeURIComponent(userId)));
      assertError(response, 405, 'MethodNotAllowed');
      assert.equal(response.headers.get('allow'), allow);
      assert.deepEqual(usersSnapshot(service()), before);
      assert.ok(service().identities.getUser(userId), 'the user is gone');
    });
  }
});

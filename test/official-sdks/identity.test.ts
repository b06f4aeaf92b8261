import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { withService } from '../kit/node.js';
import type { PipelineRequest, SendRequest } from '@azure/core-rest-pipeline';
import { assertServiceError, claimsOf, userIdPattern } from '../kit/serverHelpers.js';

const MINUTE = 60_000;

describe('the official @azure/communication-identity SDK as a client', () => {
  const service = withService();
  let client: CommunicationIdentityClient;
  before(async () => {
    client = new CommunicationIdentityClient(service().connectionString, { allowInsecureConnection: true } as never);
  });

  test('createUser', async () => {
    const user = await client.createUser();
    assert.match(user.communicationUserId, userIdPattern(service()));
    assert.ok(service().identities.getUser(user.communicationUserId));
  });

  test('createUserAndToken with chat and voip', async () => {
    const result = await client.createUserAndToken(['chat', 'voip']);
    assert.match(result.user.communicationUserId, userIdPattern(service()));
    assert.ok(result.expiresOn instanceof Date);
    const claims = claimsOf(result.token);
    assert.equal(result.expiresOn.getTime(), claims.exp! * 1000);
    assert.equal(claims.exp! - claims.iat!, 24 * 60 * 60);
    const verified = await service().tokens.verify(result.token, ['voip']);
    assert.equal(verified.userId, result.user.communicationUserId);
    assert.deepEqual([...verified.scopes].sort(), ['chat', 'voip']);
  });

  test('getToken with tokenExpiresInMinutes 60', async () => {
    const user = await client.createUser();
    const token = await client.getToken(user, ['chat'], { tokenExpiresInMinutes: 60 });
    assert.ok(token.expiresOn instanceof Date);
    const claims = claimsOf(token.token);
    assert.equal(claims.exp! - claims.iat!, 60 * 60);
    assert.equal(token.expiresOn.getTime(), claims.exp! * 1000);
    // About an hour ahead (generous margin: this only guards against units mix-ups).
    const ahead = token.expiresOn.getTime() - Date.now();
    assert.ok(ahead > 55 * MINUTE && ahead <= 61 * MINUTE, `expiresOn is ${ahead} ms ahead`);
    const verified = await service().tokens.verify(token.token, ['chat']);
    assert.equal(verified.userId, user.communicationUserId);
    assert.deepEqual(verified.scopes, ['chat']);
    await assertServiceError(service().tokens.verify(token.token, ['voip']), 403, 'InsufficientScope');
  });

  test('revokeTokens invalidates the tokens issued before it', async () => {
    const { user, token } = await client.createUserAndToken(['chat']);
    assert.equal((await service().tokens.verify(token)).userId, user.communicationUserId);
    await client.revokeTokens(user);
    await assertServiceError(service().tokens.verify(token), 401, 'TokenRevoked');
    const fresh = await client.getToken(user, ['chat']);
    assert.equal((await service().tokens.verify(fresh.token)).userId, user.communicationUserId);
  });

  test('deleteUser, then deleting again is a RestError 404', async () => {
    const { user, token } = await client.createUserAndToken(['voip']);
    await client.deleteUser(user);
    assert.equal(service().identities.getUser(user.communicationUserId), undefined);
    await assertServiceError(service().tokens.verify(token), 401, 'IdentityDeleted');
    await assert.rejects(client.deleteUser(user), (error: unknown) => {
      const restError = error as { name?: string; statusCode?: number; code?: string };
      assert.equal(restError.name, 'RestError');
      assert.equal(restError.statusCode, 404);
      assert.equal(restError.code, 'IdentityNotFound');
      return true;
    });
    await assert.rejects(client.getToken(user, ['chat']), (error: unknown) => {
      assert.equal((error as { statusCode?: number }).statusCode, 404);
      return true;
    });
  });

  test('an identity of another resource is a 401 on getToken, revokeTokens, deleteUser; an unknown one of this resource a 404', async () => {
    const foreign = { communicationUserId: '8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-4000-8000-000000000001' };
    const unknown = { communicationUserId: `8:acs:${service().secrets.resourceId}_00000000-0000-4000-8000-000000000001` };
    const status = (expected: number) => (error: unknown) => {
      assert.equal((error as { name?: string }).name, 'RestError');
      assert.equal((error as { statusCode?: number }).statusCode, expected);
      return true;
    };
    await assert.rejects(client.getToken(foreign, ['chat']), status(401));
    await assert.rejects(client.revokeTokens(foreign), status(401));
    await assert.rejects(client.deleteUser(foreign), status(401));
    await assert.rejects(client.getToken(unknown, ['chat']), status(404));
    await assert.rejects(client.revokeTokens(unknown), status(404));
    await assert.rejects(client.deleteUser(unknown), status(404));
  });

  test('createUser with customId (preview api-version) returns the same user for the same customId', async () => {
    // No published beta of @azure/communication-identity sends customId yet (1.1.0-beta.2 is the
    // newest beta): the GA client sends it here through a pipeline policy, as the preview would.
    const preview = (customId: string, apiVersion = '2025-03-02-preview') =>
      new CommunicationIdentityClient(service().connectionString, {
        allowInsecureConnection: true,
        additionalPolicies: [
          {
            position: 'perCall',
            policy: {
              name: 'customIdPreview',
              sendRequest: (request: PipelineRequest, next: SendRequest) => {
                const url = new URL(request.url);
                url.searchParams.set('api-version', apiVersion);
                request.url = url.toString();
                if (url.pathname === '/identities') {
                  request.body = JSON.stringify({ ...(JSON.parse(String(request.body ?? '{}')) as object), customId });
                }
                return next(request);
              },
            },
          },
        ],
      } as never);
    const first = await preview('app-user-42').createUser();
    const again = await preview('app-user-42').createUser();
    const other = await preview('app-user-43').createUser();
    assert.match(first.communicationUserId, userIdPattern(service()));
    assert.equal(again.communicationUserId, first.communicationUserId);
    assert.notEqual(other.communicationUserId, first.communicationUserId);
    assert.equal(service().identities.getUser(first.communicationUserId)?.customId, 'app-user-42');
    const withToken = await preview('app-user-42').createUserAndToken(['chat']);
    assert.equal(withToken.user.communicationUserId, first.communicationUserId);
    assert.equal((await service().tokens.verify(withToken.token, ['chat'])).userId, first.communicationUserId);
    // A GA api-version does not know customId: 400, and no user is written.
    const before = service().db.prepare('SELECT COUNT(*) AS n FROM users').get();
    await assert.rejects(preview('app-user-44', '2023-10-01').createUser(), (error: unknown) => {
      assert.equal((error as { statusCode?: number }).statusCode, 400);
      return true;
    });
    assert.deepEqual(service().db.prepare('SELECT COUNT(*) AS n FROM users').get(), before);
    // Deleting the user frees its customId.
    await client.deleteUser(first);
    const fresh = await preview('app-user-42').createUser();
    assert.notEqual(fresh.communicationUserId, first.communicationUserId);
  });

  test('every api-version the identity SDK line has sent is accepted; another is a 400', async () => {
    for (const apiVersion of [
      '2021-03-07',
      '2021-10-31-preview',
      '2022-06-01',
      '2022-10-01',
      '2023-10-01',
      '2025-03-02-preview',
      '2030-01-01',
    ]) {
      const versioned = new CommunicationIdentityClient(service().connectionString, {
        allowInsecureConnection: true,
        additionalPolicies: [
          {
            position: 'perCall',
            policy: {
              name: 'apiVersion',
              sendRequest: (request: PipelineRequest, next: SendRequest) => {
                const url = new URL(request.url);
                url.searchParams.set('api-version', apiVersion);
                request.url = url.toString();
                return next(request);
              },
            },
          },
        ],
      } as never);
      if (apiVersion === '2030-01-01') {
        await assert.rejects(versioned.createUser(), (error: unknown) => {
          assert.equal((error as { statusCode?: number }).statusCode, 400);
          return true;
        });
      } else {
        const user = await versioned.createUser();
        assert.ok(service().identities.getUser(user.communicationUserId), apiVersion);
      }
    }
  });

  test('a client with the wrong access key is refused with 401', async () => {
    const otherKey = Buffer.alloc(32, 7).toString('base64');
    const wrong = service().connectionString.replace(/accesskey=.*$/, `accesskey=${otherKey}`);
    const badClient = new CommunicationIdentityClient(wrong, { allowInsecureConnection: true } as never);
    const before = service().db.prepare('SELECT COUNT(*) AS n FROM users').get();
    await assert.rejects(badClient.createUser(), (error: unknown) => {
      assert.equal((error as { statusCode?: number }).statusCode, 401);
      return true;
    });
    assert.deepEqual(service().db.prepare('SELECT COUNT(*) AS n FROM users').get(), before);
  });
});

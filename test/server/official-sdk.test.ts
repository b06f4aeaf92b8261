import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { withService } from '../kit/node.js';
import { assertServiceError, claimsOf, userIdPattern } from './helpers.js';

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

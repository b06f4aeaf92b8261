import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { withService, withDataDir } from '../kit/node.js';
import {
  accessKeyOf,
  adminRequest,
  assertError,
  assertServiceError,
  countUsers,
  createUser,
  issueToken,
  usersSnapshot,
} from '../kit/serverHelpers.js';

describe('persistence across restarts', () => {
  const data = withDataDir('oc-persistence-');

  test('users, tokens, revocations and the access key survive a restart', async () => {
    const first = await data.start();
    assert.equal(first.secretsCreated, true);
    const keyBefore = accessKeyOf(first.connectionString);
    assert.equal(keyBefore, first.secrets.accessKey);

    const plain = await createUser(first);
    const withToken = (await createUser(first, ['chat', 'voip'], 120)) as { id: string; token: string };
    const issued = await issueToken(first, plain.id, ['chat']);
    const revoked = (await createUser(first, ['chat'])) as { id: string; token: string };
    const revokePath = `/identities/${encodeURIComponent(revoked.id)}/:revokeAccessTokens`;
    const revoke = await adminRequest(first, 'POST', revokePath);
    assert.equal(revoke.status, 204, revoke.text);
    const deleted = await createUser(first);
    const del = await adminRequest(first, 'DELETE', `/identities/${encodeURIComponent(deleted.id)}`);
    assert.equal(del.status, 204, del.text);
    const rowsBefore = usersSnapshot(first);
    assert.equal(rowsBefore.length, 3);
    await first.close();

    const secretsFile = join(data.dir(), 'secrets.json');
    assert.equal(statSync(secretsFile).mode & 0o777, 0o600);
    const stored = JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>;
    assert.equal(stored.accessKey, keyBefore);

    const second = await data.start();
    assert.equal(second.secretsCreated, false);
    assert.equal(accessKeyOf(second.connectionString), keyBefore);
    assert.deepEqual(second.secrets, first.secrets);
    assert.deepEqual(usersSnapshot(second), rowsBefore);
    assert.ok(second.identities.getUser(plain.id));
    assert.ok(second.identities.getUser(withToken.id));
    assert.equal(second.identities.getUser(deleted.id), undefined);

    // Tokens issued before the restart still verify, with their scopes.
    const a = await second.tokens.verify(withToken.token, ['voip']);
    assert.equal(a.userId, withToken.id);
    assert.deepEqual([...a.scopes].sort(), ['chat', 'voip']);
    assert.equal((await second.tokens.verify(issued.token, ['chat'])).userId, plain.id);
    // The revocation and the deletion hold too.
    await assertServiceError(second.tokens.verify(revoked.token), 401, 'TokenRevoked');
    assert.equal(second.identities.getUser(revoked.id)?.tokenGeneration, 1);

    // The same access key still signs admin requests, and the old users can be used.
    const again = await issueToken(second, withToken.id, ['chat']);
    assert.equal((await second.tokens.verify(again.token)).userId, withToken.id);
    assertError(await adminRequest(second, 'DELETE', `/identities/${encodeURIComponent(deleted.id)}`), 404, 'IdentityNotFound');
    assert.equal(statSync(secretsFile).mode & 0o777, 0o600);
  });
});

describe('user deletion', () => {
  const service = withService();
  before(async () => {
    service().db.exec('CREATE TABLE test_content (user_id TEXT NOT NULL, body TEXT NOT NULL)');
  });

  const contentOf = (id: string) =>
    (service().db.prepare('SELECT COUNT(*) AS n FROM test_content WHERE user_id = ?').get(id) as { n: number }).n;

  test('deleting a user removes its row and only its row', async () => {
    const keep = await createUser(service());
    const gone = await createUser(service());
    const before = countUsers(service());
    const response = await adminRequest(service(), 'DELETE', `/identities/${encodeURIComponent(gone.id)}`);
    assert.equal(response.status, 204, response.text);
    assert.equal(countUsers(service()), before - 1);
    assert.equal(service().db.prepare('SELECT id FROM users WHERE id = ?').get(gone.id), undefined);
    assert.ok(service().identities.getUser(keep.id));
  });

  test('deleters run inside the deletion transaction, with the user id', async () => {
    const user = await createUser(service());
    const other = await createUser(service());
    for (const id of [user.id, user.id, other.id]) {
      service().db.prepare('INSERT INTO test_content (user_id, body) VALUES (?, ?)').run(id, 'hello');
    }
    const calls: { id: string; inTransaction: boolean; userStillThere: boolean }[] = [];
    service().identities.onUserDeleted('test-content', (id) => {
      calls.push({ id, inTransaction: service().db.inTransaction, userStillThere: !!service().identities.getUser(id) });
      service().db.prepare('DELETE FROM test_content WHERE user_id = ?').run(id);
    });
    const response = await adminRequest(service(), 'DELETE', `/identities/${encodeURIComponent(user.id)}`);
    assert.equal(response.status, 204, response.text);
    assert.deepEqual(calls, [{ id: user.id, inTransaction: true, userStillThere: true }]);
    assert.equal(contentOf(user.id), 0);
    assert.equal(contentOf(other.id), 1);
    assert.equal(service().identities.getUser(user.id), undefined);
  });

  test('a deleter that throws rolls everything back: the user and its content stay', async () => {
    const { id, token } = (await createUser(service(), ['chat'])) as { id: string; token: string };
    service().db.prepare('INSERT INTO test_content (user_id, body) VALUES (?, ?)').run(id, 'keep me');
    // 'test-content' (registered above) deletes the content first; this one then fails.
    service().identities.onUserDeleted('failing', () => {
      throw new Error('content store unavailable');
    });
    const before = usersSnapshot(service());

    assert.throws(() => service().identities.deleteUser(id), /content store unavailable/);
    assert.deepEqual(usersSnapshot(service()), before);
    assert.ok(service().identities.getUser(id));
    assert.equal(contentOf(id), 1);
    assert.equal(service().db.inTransaction, false);

    // Over HTTP the failure is a 500 with an ACS error body, and again nothing changes.
    const response = await adminRequest(service(), 'DELETE', `/identities/${encodeURIComponent(id)}`);
    assertError(response, 500, 'InternalError');
    assert.deepEqual(usersSnapshot(service()), before);
    assert.equal(contentOf(id), 1);
    assert.equal((await service().tokens.verify(token)).userId, id);

    // Registering under the same name replaces the deleter: now the deletion goes through.
    service().identities.onUserDeleted('failing', () => {});
    assert.equal(service().identities.deleteUser(id), true);
    assert.equal(service().identities.getUser(id), undefined);
    assert.equal(contentOf(id), 0);
    await assertServiceError(service().tokens.verify(token), 401, 'IdentityDeleted');
  });

  test('deleting an unknown user runs no deleter', async () => {
    let called = false;
    service().identities.onUserDeleted('failing', () => {
      called = true;
    });
    assert.equal(service().identities.deleteUser(`8:acs:${service().secrets.resourceId}_missing`), false);
    assert.equal(called, false);
  });
});

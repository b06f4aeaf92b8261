import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { type CallModel, callingPath } from '../../src/calling/callingProtocol.js';
import { type TestUser, testUser, withService } from '../kit/node.js';
import { adminRequest, assertError, userRequest } from '../kit/serverHelpers.js';

/** Calls that never lose an endpoint while a test runs. */
const NO_TIMEOUTS = { calling: { ringTimeoutMs: 60_000, endpointGraceMs: 60_000 } };

describe('calling control: group calls joined by id', () => {
  const service = withService(NO_TIMEOUTS);

  const join = (user: TestUser, groupId: string, endpointId: string, extra: Record<string, unknown> = {}) =>
    userRequest<CallModel>(service(), user.token, 'POST', `/${callingPath('joinGroupCall')}`, { groupId, endpointId, ...extra });
  const hangUp = (user: TestUser, callId: string, forEveryone = false) =>
    userRequest<CallModel>(service(), user.token, 'POST', `/${callingPath('hangUp', callId)}`, { forEveryone });
  const getCall = (user: TestUser, callId: string) =>
    userRequest<CallModel>(service(), user.token, 'GET', `/${callingPath('getCall', callId)}`);
  const states = (model: CallModel) => Object.fromEntries(model.participants.map((p) => [p.identifier.rawId, p.state]));

  test('the first to join starts the call, later joiners are in the same call, nobody rings', async () => {
    const [alice, bob, carol] = await Promise.all([1, 2, 3].map(() => testUser(service(), ['voip'])));
    const groupId = randomUUID();
    const first = await join(alice!, groupId, 'alice1', { displayName: 'Alice' });
    assert.equal(first.status, 200);
    assert.equal(first.body.state, 'Connected', 'a group call is connected with one person in it');
    assert.equal(first.body.groupId, groupId);
    assert.deepEqual(states(first.body), { [alice!.id]: 'Connected' });

    const second = await join(bob!, groupId.toUpperCase(), 'bob1', { displayName: 'Bob', isMuted: true });
    assert.equal(second.body.id, first.body.id, 'the same call, whatever the case of the id');
    const third = await join(carol!, groupId, 'carol1');
    assert.equal(third.body.id, first.body.id);
    assert.deepEqual(states(third.body), { [alice!.id]: 'Connected', [bob!.id]: 'Connected', [carol!.id]: 'Connected' });
    const bobAtCarol = third.body.participants.find((p) => p.identifier.rawId === bob!.id)!;
    assert.equal(bobAtCarol.displayName, 'Bob');
    assert.equal(bobAtCarol.isMuted, true);
    assert.match(bobAtCarol.peerId!, /.+/, 'each joiner has a media peer id for the others to dial');
    assert.ok(!third.body.participants.some((p) => p.state === 'Ringing'));

    // Joining again from the same endpoint answers the call; from another endpoint is refused.
    assert.equal((await join(bob!, groupId, 'bob1')).body.id, first.body.id);
    assertError(await join(bob!, groupId, 'bob2'), 409, 'AlreadyInCall');
  });

  test('it lasts while anyone is in it: the starter leaving ends nothing, the last one leaving ends it', async () => {
    const [alice, bob] = await Promise.all([1, 2].map(() => testUser(service(), ['voip'])));
    const groupId = randomUUID();
    const { body: call } = await join(alice!, groupId, 'alice1');
    await join(bob!, groupId, 'bob1');
    const aliceLeft = await hangUp(alice!, call.id);
    assert.equal(aliceLeft.body.participants.find((p) => p.identifier.rawId === alice!.id)!.state, 'Disconnected');
    assert.equal((await getCall(bob!, call.id)).body.state, 'Connected', 'Bob is still in the call, alone');

    // Alice comes back to the same call; then both leave and it ends.
    assert.equal((await join(alice!, groupId, 'alice2')).body.id, call.id);
    await hangUp(alice!, call.id);
    const last = await hangUp(bob!, call.id);
    assert.equal(last.body.state, 'Ended');
    assert.deepEqual(last.body.callEndReason, { code: 0, subCode: 0 });

    // The same group id now starts a new call.
    const again = await join(bob!, groupId, 'bob1');
    assert.notEqual(again.body.id, call.id);
    await hangUp(bob!, again.body.id);
  });

  test('alone in it, hanging up ends it; forEveryone ends it for all', async () => {
    const [alice, bob] = await Promise.all([1, 2].map(() => testUser(service(), ['voip'])));
    const solo = await join(alice!, randomUUID(), 'alice1');
    assert.equal((await hangUp(alice!, solo.body.id)).body.state, 'Ended');

    const groupId = randomUUID();
    const { body: call } = await join(alice!, groupId, 'alice1');
    await join(bob!, groupId, 'bob1');
    assert.equal((await hangUp(bob!, call.id, true)).body.state, 'Ended');
    assertError(await getCall(alice!, call.id), 404, 'CallNotFound');
  });

  test('a deleted user leaves the group call; the others stay in it', async () => {
    const [alice, bob, carol] = await Promise.all([1, 2, 3].map(() => testUser(service(), ['voip'])));
    const groupId = randomUUID();
    const { body: call } = await join(alice!, groupId, 'alice1');
    await join(bob!, groupId, 'bob1');
    await join(carol!, groupId, 'carol1');
    const deleted = await adminRequest(service(), 'DELETE', `/identities/${encodeURIComponent(carol!.id)}`);
    assert.equal(deleted.status, 204);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = await getCall(alice!, call.id);
    assert.equal(now.body.state, 'Connected');
    assert.equal(states(now.body)[carol!.id], 'Disconnected');
    assert.equal(states(now.body)[bob!.id], 'Connected');
  });

  test('refuses what is not a group id or an endpoint, and tokens without voip', async () => {
    const alice = await testUser(service(), ['voip']);
    assertError(await join(alice, 'not-a-guid', 'alice1'), 400);
    assertError(await join(alice, `${randomUUID()}x`, 'alice1'), 400);
    assertError(await join(alice, randomUUID(), 'no spaces allowed'), 400);
    assertError(await userRequest(service(), alice.token, 'POST', `/${callingPath('joinGroupCall')}`, { endpointId: 'alice1' }), 400);
    const chatOnly = await testUser(service(), ['chat']);
    assertError(await join(chatOnly, randomUUID(), 'c1'), 403);
  });
});

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { CALLING_ROUTES, type CallHistoryEntry, type CallModel, callingPath } from '../../src/calling/callingProtocol.js';
import { type TestUser, testUser, withService } from '../kit/node.js';
import { until } from '../kit/wait.js';
import { adminRequest, assertError, countRows, stateSnapshot, userRequest } from '../kit/serverHelpers.js';

const target = (rawId: string) => ({ rawId, communicationUser: { id: rawId } });

/** Calls that neither ring out nor lose an endpoint while a test runs. */
const NO_TIMEOUTS = { calling: { ringTimeoutMs: 60_000, endpointGraceMs: 60_000 } };

describe('calling control: history and the deletion path', () => {
  const service = withService(NO_TIMEOUTS);

  /** Alice calls Bob and Bob accepts: the call id. */
  async function answeredCall(alice: TestUser, bob: TestUser): Promise<string> {
    const started = await userRequest<CallModel>(service(), alice.token, 'POST', '/calling/calls', {
      targets: [target(bob.id)],
      endpointId: 'alice1',
      displayName: 'Alice',
    });
    assert.equal(started.status, 201, 'the call starts');
    const accepted = await userRequest<CallModel>(service(), bob.token, 'POST', `/calling/calls/${started.body.id}/:accept`, {
      endpointId: 'bob1',
    });
    assert.equal(accepted.status, 200, 'Bob accepts');
    assert.equal(accepted.body.state, 'Connected', 'the call is connected');
    return started.body.id;
  }

  const historyOf = (user: TestUser, query = '') =>
    userRequest<{ value: CallHistoryEntry[]; nextLink?: string }>(service(), user.token, 'GET', `/calling/history${query}`);

  test('an ended call is in both users’ history, with direction, peers and times', async () => {
    const [alice, bob] = await Promise.all([testUser(service(), ['voip']), testUser(service(), ['voip'])]);
    const callId = await answeredCall(alice, bob);
    const hungUp = await userRequest(service(), alice.token, 'POST', `/calling/calls/${callId}/:hangUp`, {});
    assert.equal(hungUp.status, 200, 'hang-up answers with the call');

    const aliceEntry = (await historyOf(alice)).body.value.find((entry) => entry.callId === callId);
    const bobEntry = (await historyOf(bob)).body.value.find((entry) => entry.callId === callId);
    assert.ok(aliceEntry, 'Alice has the call in her history');
    assert.ok(bobEntry, 'Bob has the call in his history');
    assert.equal(aliceEntry.direction, 'Outgoing');
    assert.equal(bobEntry.direction, 'Incoming');
    assert.deepEqual(
      aliceEntry.peers.map((p) => p.rawId),
      [bob.id],
    );
    assert.ok(aliceEntry.connectedOn, 'the call was connected');
    assert.deepEqual(aliceEntry.callEndReason, { code: 0, subCode: 0 });
  });

  test('history pages with nextLink', async () => {
    // Three calls of its own: the page of two must be full and leave one for the next page.
    const [alice, bob] = await Promise.all([testUser(service(), ['voip']), testUser(service(), ['voip'])]);
    const callIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const callId = await answeredCall(alice, bob);
      await userRequest(service(), bob.token, 'POST', `/calling/calls/${callId}/:hangUp`, {});
      callIds.push(callId);
    }
    const first = await historyOf(alice, '?maxPageSize=2');
    assert.equal(first.body.value.length, 2, 'a full first page');
    assert.ok(first.body.nextLink, 'a link to the next page');
    const second = await userRequest<{ value: CallHistoryEntry[] }>(service(), alice.token, 'GET', first.body.nextLink);
    assert.equal(second.body.value.length, 1, 'the rest on the next page');
    assert.deepEqual(
      [...first.body.value, ...second.body.value].map((entry) => entry.callId).sort(),
      [...callIds].sort(),
      'every call once across the pages',
    );
  });

  test('history refuses a chat-only token with 403', async () => {
    const chatOnly = await testUser(service(), ['chat']);
    assert.equal((await historyOf(chatOnly)).status, 403);
  });

  test('deleting a user deletes their call history and ends their calls; the other keeps theirs', async () => {
    const [bob, carol] = await Promise.all([testUser(service(), ['voip']), testUser(service(), ['voip'])]);
    const started = await userRequest<CallModel>(service(), carol.token, 'POST', '/calling/calls', {
      targets: [target(bob.id)],
      endpointId: 'carol1',
    });
    await userRequest(service(), bob.token, 'POST', `/calling/calls/${started.body.id}/:accept`, { endpointId: 'bob1' });
    const ongoing = started.body.id;
    const earlier = await userRequest<CallModel>(service(), carol.token, 'POST', '/calling/calls', {
      targets: [target(bob.id)],
      endpointId: 'carol2',
    });
    await userRequest(service(), bob.token, 'POST', `/calling/calls/${earlier.body.id}/:reject`, {});
    const rows = () => countRows(service(), 'call_history WHERE user_id = ?', carol.id);
    assert.ok(rows() >= 1, 'Carol has history before the deletion');

    const deleted = await adminRequest(service(), 'DELETE', `/identities/${encodeURIComponent(carol.id)}`);
    assert.equal(deleted.status, 204);
    assert.equal(rows(), 0, 'Carol’s history is gone with the deletion');
    // The call ends right after the deletion commits: wait for that, not for a guessed time.
    const callOfBob = () => userRequest(service(), bob.token, 'GET', `/calling/calls/${ongoing}`);
    await until(async () => (await callOfBob()).status === 404, 'the call Carol was in to end (404 for Bob)');
    assert.equal(rows(), 0, 'ending her call wrote no history for Carol again');
    const bobHistory = await historyOf(bob, '?maxPageSize=200');
    assert.ok(
      bobHistory.body.value.some((entry) => entry.callId === ongoing),
      'Bob keeps his own record of the call',
    );
  });
});

describe('calling control: caller id (alternateCallerId) is only a number the caller may present', () => {
  const service = withService(NO_TIMEOUTS);
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let aliceNumber: string;
  let bobNumber: string;
  let carolNumber: string;
  let mainLine: string;
  const phone = (number: string) => ({ rawId: `4:${number}`, phoneNumber: { value: number } });

  before(async () => {
    alice = await testUser(service(), ['voip']);
    bob = await testUser(service(), ['voip']);
    carol = await testUser(service(), ['voip']);
    [aliceNumber, bobNumber, carolNumber, mainLine] = service()
      .phoneNumbers.acquire('206', 4)
      .map((n) => n.phoneNumber) as [string, string, string, string];
    service().phoneNumbers.assign(aliceNumber, alice.id);
    service().phoneNumbers.assign(bobNumber, bob.id);
    service().phoneNumbers.assign(carolNumber, carol.id);
  });

  const callCarolsPhone = (user: TestUser, callerId: string, endpointId: string) =>
    userRequest<CallModel>(service(), user.token, 'POST', '/calling/calls', {
      targets: [phone(carolNumber)],
      endpointId,
      alternateCallerId: phone(callerId),
    });

  test("presenting another user's number is 403 CallerIdNotAllowed, and nobody rings", async () => {
    const before = stateSnapshot(service());
    const spoofed = await callCarolsPhone(alice, bobNumber, 'alice1');
    assertError(spoofed, 403, 'CallerIdNotAllowed');
    assert.deepEqual(stateSnapshot(service()), before, 'nothing written, no incoming-call event stored for Carol');
  });

  test('a user presents their own number or an unassigned main line; the callee sees that number', async () => {
    for (const [callerId, endpointId] of [
      [aliceNumber, 'alice2'],
      [mainLine, 'alice3'],
    ] as const) {
      const call = await callCarolsPhone(alice, callerId, endpointId);
      assert.equal(call.status, 201, call.text);
      const seen = await userRequest<CallModel>(service(), carol.token, 'GET', `/calling/calls/${call.body.id}`);
      assert.equal(seen.status, 200, seen.text);
      assert.equal(seen.body.createdBy.rawId, `4:${callerId}`, 'Carol sees the presented number as the caller');
      await userRequest(service(), alice.token, 'POST', `/calling/calls/${call.body.id}/:hangUp`, {});
    }
  });

  test("adding a phone to someone else's call does not let a participant present the creator's number", async () => {
    const started = await userRequest<CallModel>(service(), alice.token, 'POST', '/calling/calls', {
      targets: [target(bob.id)],
      endpointId: 'alice4',
      alternateCallerId: phone(aliceNumber),
    });
    assert.equal(started.status, 201, started.text);
    const accepted = await userRequest(service(), bob.token, 'POST', `/calling/calls/${started.body.id}/:accept`, { endpointId: 'bob1' });
    assert.equal(accepted.status, 200, accepted.text);
    const byBob = await userRequest(service(), bob.token, 'POST', `/calling/calls/${started.body.id}/participants/:add`, {
      targets: [phone(carolNumber)],
    });
    assertError(byBob, 403, 'CallerIdNotAllowed');
    const byAlice = await userRequest(service(), alice.token, 'POST', `/calling/calls/${started.body.id}/participants/:add`, {
      targets: [phone(carolNumber)],
    });
    assert.equal(byAlice.status, 200, byAlice.text);
    await userRequest(service(), alice.token, 'POST', `/calling/calls/${started.body.id}/:hangUp`, { forEveryone: true });
  });

  test("an application (access key) may present any number of the resource, a user's included", async () => {
    const created = await adminRequest<{ id: string }>(service(), 'POST', '/applications', { displayName: 'Front desk' });
    assert.equal(created.status, 201, created.text);
    const call = await adminRequest<CallModel>(
      service(),
      'POST',
      '/calling/automation/calls',
      { targets: [phone(carolNumber)], alternateCallerId: phone(bobNumber) },
      { applicationId: created.body.id },
    );
    assert.equal(call.status, 201, call.text);
    const seen = await userRequest<CallModel>(service(), carol.token, 'GET', `/calling/calls/${call.body.id}`);
    assert.equal(seen.body.createdBy.rawId, `4:${bobNumber}`);
  });
});

describe('calling control: one route table for the service and the clients', () => {
  const service = withService();

  test('the service registers exactly the calling routes the protocol module lists', () => {
    const key = (route: { method: string; template: string }) => `${route.method} ${route.template}`;
    const registered = service()
      .routes.filter((route) => route.template.startsWith('/calling/'))
      .map(key)
      .sort();
    assert.deepEqual(registered, Object.values(CALLING_ROUTES).map(key).sort());
  });

  test('callingPath fills in the encoded call id and drops the leading slash', () => {
    assert.equal(callingPath('startCall'), 'calling/calls');
    assert.equal(callingPath('accept', 'a/b c'), 'calling/calls/a%2Fb%20c/:accept');
    assert.equal(callingPath('automationHangUp', 'x'), 'calling/automation/calls/x/:hangUp');
  });
});

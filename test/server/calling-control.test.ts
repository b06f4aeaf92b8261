import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CALLING_ROUTES, type CallHistoryEntry, type CallModel, callingPath } from '../../src/calling/callingProtocol.js';
import { startService, type RunningService } from '../../mock-server/service.js';
import { adminRequest, assertError, chatUser, type ChatUser, stateSnapshot, userRequest } from './helpers.js';

const target = (rawId: string) => ({ rawId, communicationUser: { id: rawId } });

describe('calling control: history and the deletion path', () => {
  let service: RunningService;
  let alice: ChatUser;
  let bob: ChatUser;

  before(async () => {
    service = await startService({ calling: { ringTimeoutMs: 60_000, endpointGraceMs: 60_000 } });
    alice = await chatUser(service, ['voip']);
    bob = await chatUser(service, ['voip']);
  });

  after(async () => {
    await service.close();
  });

  async function answeredCall(): Promise<string> {
    const started = await userRequest<CallModel>(service, alice.token, 'POST', '/calling/calls', {
      targets: [target(bob.id)],
      endpointId: 'alice1',
      displayName: 'Alice',
    });
    assert.equal(started.status, 201, 'the call starts');
    const accepted = await userRequest<CallModel>(service, bob.token, 'POST', `/calling/calls/${started.body.id}/:accept`, {
      endpointId: 'bob1',
    });
    assert.equal(accepted.status, 200, 'Bob accepts');
    assert.equal(accepted.body.state, 'Connected', 'the call is connected');
    return started.body.id;
  }

  test('an ended call is in both users’ history, with direction, peers and times', async () => {
    const callId = await answeredCall();
    const hungUp = await userRequest(service, alice.token, 'POST', `/calling/calls/${callId}/:hangUp`, {});
    assert.equal(hungUp.status, 200, 'hang-up answers with the call');

    const forAlice = await userRequest<{ value: CallHistoryEntry[] }>(service, alice.token, 'GET', '/calling/history');
    const forBob = await userRequest<{ value: CallHistoryEntry[] }>(service, bob.token, 'GET', '/calling/history');
    const aliceEntry = forAlice.body.value.find((entry) => entry.callId === callId);
    const bobEntry = forBob.body.value.find((entry) => entry.callId === callId);
    assert.ok(aliceEntry, 'Alice has the call in her history');
    assert.ok(bobEntry, 'Bob has the call in his history');
    assert.equal(aliceEntry.direction, 'Outgoing');
    assert.equal(bobEntry.direction, 'Incoming');
    assert.deepEqual(aliceEntry.peers.map((p) => p.rawId), [bob.id]);
    assert.ok(aliceEntry.connectedOn, 'the call was connected');
    assert.deepEqual(aliceEntry.callEndReason, { code: 0, subCode: 0 });
  });

  test('history pages with nextLink and refuses a chat-only token', async () => {
    for (let i = 0; i < 2; i++) {
      const callId = await answeredCall();
      await userRequest(service, bob.token, 'POST', `/calling/calls/${callId}/:hangUp`, {});
    }
    const first = await userRequest<{ value: CallHistoryEntry[]; nextLink?: string }>(service, alice.token, 'GET', '/calling/history?maxPageSize=2');
    assert.equal(first.body.value.length, 2, 'a full first page');
    assert.ok(first.body.nextLink, 'a link to the next page');
    const second = await userRequest<{ value: CallHistoryEntry[] }>(service, alice.token, 'GET', first.body.nextLink);
    assert.ok(second.body.value.length >= 1, 'the rest on the next page');
    const chatOnly = await chatUser(service, ['chat']);
    assert.equal((await userRequest(service, chatOnly.token, 'GET', '/calling/history')).status, 403);
  });

  test('deleting a user deletes their call history and ends their calls; the other keeps theirs', async () => {
    const carol = await chatUser(service, ['voip']);
    const started = await userRequest<CallModel>(service, carol.token, 'POST', '/calling/calls', {
      targets: [target(bob.id)],
      endpointId: 'carol1',
    });
    await userRequest(service, bob.token, 'POST', `/calling/calls/${started.body.id}/:accept`, { endpointId: 'bob1' });
    const ongoing = started.body.id;
    const earlier = await userRequest<CallModel>(service, carol.token, 'POST', '/calling/calls', {
      targets: [target(bob.id)],
      endpointId: 'carol2',
    });
    await userRequest(service, bob.token, 'POST', `/calling/calls/${earlier.body.id}/:reject`, {});
    const rows = () => service.db.prepare('SELECT COUNT(*) AS n FROM call_history WHERE user_id = ?').get(carol.id) as { n: number };
    assert.ok(rows().n >= 1, 'Carol has history before the deletion');

    const deleted = await adminRequest(service, 'DELETE', `/identities/${encodeURIComponent(carol.id)}`);
    assert.equal(deleted.status, 204);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the call ends right after the commit
    assert.equal(rows().n, 0, 'Carol’s history is gone');
    const bobView = await userRequest(service, bob.token, 'GET', `/calling/calls/${ongoing}`);
    assert.equal(bobView.status, 404, 'the call Carol was in has ended');
    const bobHistory = await userRequest<{ value: CallHistoryEntry[] }>(service, bob.token, 'GET', '/calling/history?maxPageSize=200');
    assert.ok(bobHistory.body.value.some((entry) => entry.callId === ongoing), 'Bob keeps his own record of the call');
  });
});

describe('calling control: caller id (alternateCallerId) is only a number the caller may present', () => {
  let service: RunningService;
  let alice: ChatUser;
  let bob: ChatUser;
  let carol: ChatUser;
  let aliceNumber: string;
  let bobNumber: string;
  let carolNumber: string;
  let mainLine: string;
  const phone = (number: string) => ({ rawId: `4:${number}`, phoneNumber: { value: number } });

  before(async () => {
    service = await startService({ calling: { ringTimeoutMs: 60_000, endpointGraceMs: 60_000 } });
    alice = await chatUser(service, ['voip']);
    bob = await chatUser(service, ['voip']);
    carol = await chatUser(service, ['voip']);
    [aliceNumber, bobNumber, carolNumber, mainLine] = service.phoneNumbers.acquire('206', 4).map((n) => n.phoneNumber) as [string, string, string, string];
    service.phoneNumbers.assign(aliceNumber, alice.id);
    service.phoneNumbers.assign(bobNumber, bob.id);
    service.phoneNumbers.assign(carolNumber, carol.id);
  });

  after(async () => {
    await service.close();
  });

  const callCarolsPhone = (user: ChatUser, callerId: string, endpointId: string) =>
    userRequest<CallModel>(service, user.token, 'POST', '/calling/calls', {
      targets: [phone(carolNumber)],
      endpointId,
      alternateCallerId: phone(callerId),
    });

  test("presenting another user's number is 403 CallerIdNotAllowed, and nobody rings", async () => {
    const before = stateSnapshot(service);
    const spoofed = await callCarolsPhone(alice, bobNumber, 'alice1');
    assertError(spoofed, 403, 'CallerIdNotAllowed');
    assert.deepEqual(stateSnapshot(service), before, 'nothing written, no incoming-call event stored for Carol');
  });

  test('a user presents their own number or an unassigned main line; the callee sees that number', async () => {
    for (const [callerId, endpointId] of [[aliceNumber, 'alice2'], [mainLine, 'alice3']] as const) {
      const call = await callCarolsPhone(alice, callerId, endpointId);
      assert.equal(call.status, 201, call.text);
      const seen = await userRequest<CallModel>(service, carol.token, 'GET', `/calling/calls/${call.body.id}`);
      assert.equal(seen.status, 200, seen.text);
      assert.equal(seen.body.createdBy.rawId, `4:${callerId}`, 'Carol sees the presented number as the caller');
      await userRequest(service, alice.token, 'POST', `/calling/calls/${call.body.id}/:hangUp`, {});
    }
  });

  test("adding a phone to someone else's call does not let a participant present the creator's number", async () => {
    const started = await userRequest<CallModel>(service, alice.token, 'POST', '/calling/calls', {
      targets: [target(bob.id)],
      endpointId: 'alice4',
      alternateCallerId: phone(aliceNumber),
    });
    assert.equal(started.status, 201, started.text);
    const accepted = await userRequest(service, bob.token, 'POST', `/calling/calls/${started.body.id}/:accept`, { endpointId: 'bob1' });
    assert.equal(accepted.status, 200, accepted.text);
    const byBob = await userRequest(service, bob.token, 'POST', `/calling/calls/${started.body.id}/participants/:add`, {
      targets: [phone(carolNumber)],
    });
    assertError(byBob, 403, 'CallerIdNotAllowed');
    const byAlice = await userRequest(service, alice.token, 'POST', `/calling/calls/${started.body.id}/participants/:add`, {
      targets: [phone(carolNumber)],
    });
    assert.equal(byAlice.status, 200, byAlice.text);
    await userRequest(service, alice.token, 'POST', `/calling/calls/${started.body.id}/:hangUp`, { forEveryone: true });
  });

  test("an application (access key) may present any number of the resource, a user's included", async () => {
    const created = await adminRequest<{ id: string }>(service, 'POST', '/applications', { displayName: 'Front desk' });
    assert.equal(created.status, 201, created.text);
    const call = await adminRequest<CallModel>(
      service,
      'POST',
      '/calling/automation/calls',
      { targets: [phone(carolNumber)], alternateCallerId: phone(bobNumber) },
      { applicationId: created.body.id },
    );
    assert.equal(call.status, 201, call.text);
    const seen = await userRequest<CallModel>(service, carol.token, 'GET', `/calling/calls/${call.body.id}`);
    assert.equal(seen.body.createdBy.rawId, `4:${bobNumber}`);
  });
});

describe('calling control: one route table for the service and the clients', () => {
  test('the service registers exactly the calling routes the protocol module lists', async () => {
    const service = await startService({});
    try {
      const key = (route: { method: string; template: string }) => `${route.method} ${route.template}`;
      const registered = service.routes.filter((route) => route.template.startsWith('/calling/')).map(key).sort();
      assert.deepEqual(registered, Object.values(CALLING_ROUTES).map(key).sort());
    } finally {
      await service.close();
    }
  });

  test('callingPath fills in the encoded call id and drops the leading slash', () => {
    assert.equal(callingPath('startCall'), 'calling/calls');
    assert.equal(callingPath('accept', 'a/b c'), 'calling/calls/a%2Fb%20c/:accept');
    assert.equal(callingPath('automationHangUp', 'x'), 'calling/automation/calls/x/:hangUp');
  });
});

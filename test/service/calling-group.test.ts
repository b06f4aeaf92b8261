import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { type CallModel, callingPath } from '../../src/calling/callingProtocol.js';
import { type TestUser, testUser, withService } from '../kit/node.js';
import { MAX_CALL_PARTICIPANTS } from '../../mock-server/calling/callingService.js';
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

  test('past the mesh limit a join is refused at once with 409 CallFull, not a slow collapse', async () => {
    const users = await Promise.all(Array.from({ length: MAX_CALL_PARTICIPANTS + 1 }, () => testUser(service(), ['voip'])));
    const groupId = randomUUID();
    for (const [i, user] of users.slice(0, MAX_CALL_PARTICIPANTS).entries()) assert.equal((await join(user, groupId, `m${i}`)).status, 200);
    assertError(await join(users[MAX_CALL_PARTICIPANTS]!, groupId, 'late'), 409, 'CallFull');
    // Someone leaving makes room.
    const { body } = await join(users[0]!, groupId, 'm0');
    await hangUp(users[0]!, body.id);
    assert.equal((await join(users[MAX_CALL_PARTICIPANTS]!, groupId, 'late')).status, 200);
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

describe('calling control: hands, spotlights and reactions', () => {
  const service = withService(NO_TIMEOUTS);
  const post = <T = CallModel>(
    user: TestUser,
    route: Parameters<typeof callingPath>[0],
    callId: string,
    body: Record<string, unknown> = {},
  ) => userRequest<T>(service(), user.token, 'POST', `/${callingPath(route as 'hangUp', callId)}`, body);
  const join = (user: TestUser, groupId: string, endpointId: string) =>
    userRequest<CallModel>(service(), user.token, 'POST', `/${callingPath('joinGroupCall')}`, { groupId, endpointId });
  const ids = (entries: { identifier: { rawId?: string }; order: number }[] | undefined) => (entries ?? []).map((e) => e.identifier.rawId);

  async function threeInACall(): Promise<{ users: TestUser[]; callId: string; groupId: string }> {
    const users = await Promise.all([1, 2, 3].map(() => testUser(service(), ['voip'])));
    const groupId = randomUUID();
    const { body } = await join(users[0]!, groupId, 'e1');
    await join(users[1]!, groupId, 'e2');
    await join(users[2]!, groupId, 'e3');
    return { users, callId: body.id, groupId };
  }

  test('hands go up in order, a late joiner sees them, and they come down one, several or all at once', async () => {
    const { users, callId, groupId } = await threeInACall();
    const [a, b, c] = users as [TestUser, TestUser, TestUser];
    await post(b, 'raiseHand', callId);
    const raised = await post(a, 'raiseHand', callId);
    assert.deepEqual(ids(raised.body.raisedHands), [b.id, a.id], 'in the order raised');
    assert.deepEqual(
      raised.body.raisedHands!.map((h) => h.order),
      [1, 2],
    );
    assert.deepEqual(ids((await post(b, 'raiseHand', callId)).body.raisedHands), [b.id, a.id], 'raising again keeps the place');

    const late = await testUser(service(), ['voip']);
    assert.deepEqual(ids((await join(late, groupId, 'e4')).body.raisedHands), [b.id, a.id], 'a late joiner sees the hands');

    assert.deepEqual(ids((await post(a, 'lowerHands', callId)).body.raisedHands), [b.id], 'own hand lowered');
    await post(c, 'raiseHand', callId);
    assert.deepEqual(ids((await post(a, 'lowerHands', callId, { targets: [{ communicationUser: { id: c.id } }] })).body.raisedHands), [
      b.id,
    ]);
    await post(a, 'raiseHand', callId);
    const none = await post(c, 'lowerHands', callId, { all: true });
    assert.equal(none.body.raisedHands, undefined, 'every hand lowered');
    assertError(await post(a, 'lowerHands', callId, { all: true, targets: [{ communicationUser: { id: c.id } }] }), 400);
  });

  test('whoever leaves takes their hand and spotlight along', async () => {
    const { users, callId } = await threeInACall();
    const [a, b] = users as [TestUser, TestUser];
    await post(b, 'raiseHand', callId);
    await post(a, 'startSpotlight', callId, { targets: [{ communicationUser: { id: b.id } }] });
    await post(b, 'hangUp', callId);
    const now = await userRequest<CallModel>(service(), a.token, 'GET', `/${callingPath('getCall', callId)}`);
    assert.equal(now.body.raisedHands, undefined);
    assert.equal(now.body.spotlightedParticipants, undefined);
  });

  test('spotlights: in order, only people in the call, at most seven, stopped one by one or all', async () => {
    const { users, callId } = await threeInACall();
    const [a, b, c] = users as [TestUser, TestUser, TestUser];
    const who = (u: TestUser) => ({ communicationUser: { id: u.id } });
    await post(a, 'startSpotlight', callId, { targets: [who(c)] });
    const both = await post(b, 'startSpotlight', callId);
    assert.deepEqual(ids(both.body.spotlightedParticipants), [c.id, b.id]);
    const stranger = await testUser(service(), ['voip']);
    assertError(await post(a, 'startSpotlight', callId, { targets: [who(stranger)] }), 400);
    assert.deepEqual(ids((await post(b, 'stopSpotlight', callId)).body.spotlightedParticipants), [c.id]);
    assert.equal((await post(a, 'stopSpotlight', callId, { all: true })).body.spotlightedParticipants, undefined);

    // Seven at most: a call of nine, eight asked for.
    const more = await Promise.all([1, 2, 3, 4, 5, 6].map(() => testUser(service(), ['voip'])));
    const groupId = randomUUID();
    const { body } = await join(a, groupId, 'g1');
    for (const [i, user] of more.entries()) await join(user, groupId, `g${i + 2}`);
    await join(b, groupId, 'g9');
    assert.equal((await post(a, 'startSpotlight', body.id, { targets: [a, ...more].map(who) })).status, 200);
    assertError(await post(a, 'startSpotlight', body.id, { targets: [who(b)] }), 409, 'SpotlightLimitReached');
  });

  test('reactions: a known type goes to the others now and is never stored; anything else is 400', async () => {
    const { users, callId } = await threeInACall();
    const [a] = users as [TestUser];
    const sent = await post<undefined>(a, 'sendReaction', callId, { reactionType: 'applause' });
    assert.equal(sent.status, 204);
    assertError(await post(a, 'sendReaction', callId, { reactionType: 'thumbsdown' }), 400);
    assertError(await post(a, 'sendReaction', callId, {}), 400);
    const outsider = await testUser(service(), ['voip']);
    assertError(await post(outsider, 'sendReaction', callId, { reactionType: 'like' }), 404, 'CallNotFound');
  });
});

describe('calling control: room calls and roles', () => {
  const service = withService(NO_TIMEOUTS);
  const join = (user: TestUser, roomId: string, endpointId: string, extra: Record<string, unknown> = {}) =>
    userRequest<CallModel>(service(), user.token, 'POST', `/${callingPath('joinGroupCall')}`, { roomId, endpointId, ...extra });
  const post = (
    user: TestUser,
    route: 'raiseHand' | 'lowerHands' | 'startSpotlight' | 'updateMediaState' | 'hangUp',
    callId: string,
    body = {},
  ) => userRequest<CallModel>(service(), user.token, 'POST', `/${callingPath(route, callId)}`, body);
  const getCall = (user: TestUser, callId: string) =>
    userRequest<CallModel>(service(), user.token, 'GET', `/${callingPath('getCall', callId)}`);
  const own = (model: CallModel, user: TestUser) => model.participants.find((p) => p.identifier.rawId === user.id)!;

  async function room(participants: Record<string, string>, window: { validFrom?: string; validUntil?: string } = {}): Promise<string> {
    const created = await adminRequest<{ id: string }>(service(), 'POST', '/rooms', {
      ...window,
      participants: Object.fromEntries(Object.entries(participants).map(([rawId, role]) => [rawId, { role }])),
    });
    assert.equal(created.status, 201, created.text);
    return created.body.id;
  }
  const setRole = (roomId: string, rawId: string, role: string | null) =>
    adminRequest(service(), 'PATCH', `/rooms/${roomId}/participants`, { participants: { [rawId]: role === null ? null : { role } } });

  test('only the room’s participants get in, while it is valid, each with their role', async () => {
    const [presenter, attendee, consumer, stranger] = await Promise.all([1, 2, 3, 4].map(() => testUser(service(), ['voip'])));
    const roomId = await room({ [presenter!.id]: 'Presenter', [attendee!.id]: 'Attendee', [consumer!.id]: 'Consumer' });
    const first = await join(presenter!, roomId, 'p1', { isVideoOn: true });
    assert.equal(first.status, 200);
    assert.equal(first.body.roomId, roomId);
    assert.equal(own(first.body, presenter!).role, 'Presenter');
    assert.equal(own(first.body, presenter!).isVideoOn, true);
    // A Consumer joins muted and without video, whatever it asks for.
    const consumerIn = await join(consumer!, roomId, 'c1', { isMuted: false, isVideoOn: true });
    assert.equal(consumerIn.body.id, first.body.id);
    assert.deepEqual(
      [own(consumerIn.body, consumer!).role, own(consumerIn.body, consumer!).isMuted, own(consumerIn.body, consumer!).isVideoOn],
      ['Consumer', true, false],
    );
    await join(attendee!, roomId, 'a1');
    assertError(await join(stranger!, roomId, 's1'), 403, 'NotInRoom');
    assertError(await join(stranger!, '99999999999999999', 's1'), 403, 'NotInRoom');

    const later = new Date(Date.now() + 3600_000).toISOString();
    const notYet = await room(
      { [presenter!.id]: 'Presenter' },
      { validFrom: later, validUntil: new Date(Date.now() + 7200_000).toISOString() },
    );
    assertError(await join(presenter!, notYet, 'p2'), 403, 'RoomNotYetValid');
    assertError(await join(presenter!, 'not-digits', 'p2'), 400);
    assertError(
      await userRequest(service(), presenter!.token, 'POST', `/${callingPath('joinGroupCall')}`, {
        roomId,
        groupId: randomUUID(),
        endpointId: 'p3',
      }),
      400,
    );
  });

  test('the service enforces the roles: what an Attendee and a Consumer may not do is 403 RoleRestricted', async () => {
    const [presenter, attendee, consumer] = await Promise.all([1, 2, 3].map(() => testUser(service(), ['voip'])));
    const roomId = await room({ [presenter!.id]: 'Presenter', [attendee!.id]: 'Attendee', [consumer!.id]: 'Consumer' });
    const { body: call } = await join(presenter!, roomId, 'p1');
    await join(attendee!, roomId, 'a1');
    await join(consumer!, roomId, 'c1');
    assertError(await post(attendee!, 'updateMediaState', call.id, { isScreenSharing: true }), 403, 'RoleRestricted');
    assert.equal((await post(attendee!, 'updateMediaState', call.id, { isVideoOn: true, isMuted: false })).status, 200);
    assertError(await post(consumer!, 'updateMediaState', call.id, { isMuted: false }), 403, 'RoleRestricted');
    assertError(await post(consumer!, 'updateMediaState', call.id, { isVideoOn: true }), 403, 'RoleRestricted');
    assert.equal((await post(consumer!, 'raiseHand', call.id)).status, 200, 'a Consumer may raise a hand');
    assertError(await post(attendee!, 'lowerHands', call.id, { all: true }), 403, 'RoleRestricted');
    assertError(await post(attendee!, 'startSpotlight', call.id), 403, 'RoleRestricted');
    assertError(await post(attendee!, 'hangUp', call.id, { forEveryone: true }), 403, 'RoleRestricted');
    assert.equal((await post(presenter!, 'lowerHands', call.id, { all: true })).status, 200);
  });

  test('a role change applies in the call at once; leaving the room leaves the call; deleting the room ends it', async () => {
    const [presenter, attendee] = await Promise.all([1, 2].map(() => testUser(service(), ['voip'])));
    const roomId = await room({ [presenter!.id]: 'Presenter', [attendee!.id]: 'Attendee' });
    const { body: call } = await join(presenter!, roomId, 'p1');
    await join(attendee!, roomId, 'a1', { isMuted: false, isVideoOn: true });

    assert.equal((await setRole(roomId, attendee!.id, 'Consumer')).status, 200);
    const demoted = own((await getCall(presenter!, call.id)).body, attendee!);
    assert.deepEqual([demoted.role, demoted.isMuted, demoted.isVideoOn], ['Consumer', true, false], 'muted and camera off at once');
    assertError(await post(attendee!, 'updateMediaState', call.id, { isMuted: false }), 403, 'RoleRestricted');
    await setRole(roomId, attendee!.id, 'Presenter');
    assert.equal((await post(attendee!, 'updateMediaState', call.id, { isMuted: false })).status, 200, 'promoted: may unmute again');

    await setRole(roomId, attendee!.id, null);
    const gone = own((await getCall(presenter!, call.id)).body, attendee!);
    assert.equal(gone.state, 'Disconnected');
    assert.deepEqual(gone.callEndReason, { code: 0, subCode: 5300 });

    assert.equal((await adminRequest(service(), 'DELETE', `/rooms/${roomId}`)).status, 204);
    assertError(await getCall(presenter!, call.id), 404, 'CallNotFound');
  });
});

import { expect } from '@esm-bundle/chai';
import type { IncomingCall } from '../../src/calling/incomingCall.js';
import { CallEndReasons, type CallEndReason } from '../../src/calling/callingProtocol.js';
import { CallingError } from '../../src/calling/callingErrors.js';
import { RestError } from '../../src/common/errors.js';
import { type TestUser, callingUser } from '../kit/browser.js';
import { until } from '../kit/wait.js';
import {
  anotherEndpoint,
  communicationUser,
  connectedCall,
  disposeAll,
  nextIncomingCall,
  recordEvents,
  untilState,
} from './callingHelpers.js';
import { rejectionOf } from './helpers.js';
import { testService } from './service.js';
import { CallClient } from '../../src/calling/callClient.js';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';

/** Resolves with the reason an incoming call stopped ringing. */
function ringEnd(incoming: IncomingCall): Promise<CallEndReason> {
  if (incoming.callEndReason) return Promise.resolve(incoming.callEndReason);
  return new Promise((resolve) => incoming.once('callEnded', ({ callEndReason }) => resolve(callEndReason)));
}

describe('calling flows: how calls end', () => {
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser | undefined;
  let bobElsewhere: TestUser | undefined;

  beforeEach(async () => {
    [alice, bob] = await Promise.all([callingUser('Alice'), callingUser('Bob')]);
  });

  afterEach(async () => {
    await disposeAll(alice, bob, carol, bobElsewhere);
    carol = undefined;
    bobElsewhere = undefined;
  });

  it('the callee rejects: the caller’s call ends Disconnected with 603 (declined)', async () => {
    const ring = nextIncomingCall(bob.agent);
    const call = alice.agent.startCall([communicationUser(bob)]);
    const states = recordEvents(call, 'stateChanged');
    const incoming = await ring;
    expect(incoming.callerInfo.identifier).to.deep.include({ communicationUserId: alice.userId });
    await untilState(call, 'Ringing');
    await incoming.reject();
    expect(incoming.callEndReason).to.deep.equal(CallEndReasons.declined);
    await untilState(call, 'Disconnected');
    expect(call.callEndReason).to.deep.include({ code: 603 });
    // Straight from Ringing to Disconnected: the declining participant leaving is no detour.
    expect(states.map((e) => e.state)).to.deep.equal(['Ringing', 'Disconnected']);
    expect(alice.agent.calls).to.have.length(0);
    expect(bob.agent.calls).to.have.length(0);
  });

  it('the caller hangs up while it rings (cancel): both sides end with 487', async () => {
    const ring = nextIncomingCall(bob.agent);
    const call = alice.agent.startCall([communicationUser(bob)]);
    const incoming = await ring;
    const ended = ringEnd(incoming);
    await untilState(call, 'Ringing');
    await call.hangUp();
    expect((await ended).code).to.equal(487);
    expect(call.state).to.equal('Disconnected');
    expect(call.callEndReason?.code).to.equal(487);
    // It no longer rings: accepting now is refused.
    const error = await rejectionOf(incoming.accept());
    expect(error).to.be.instanceOf(CallingError);
  });

  it('nobody answers: after the ring timeout both sides end with 480', async () => {
    const ring = nextIncomingCall(bob.agent);
    const call = alice.agent.startCall([communicationUser(bob)]);
    const incoming = await ring;
    const ended = ringEnd(incoming);
    await untilState(call, 'Ringing');
    // The test service rings for 3 s; the bound only keeps a broken service from hanging the run.
    await untilState(call, 'Disconnected');
    expect(call.callEndReason).to.deep.equal(CallEndReasons.noAnswer);
    expect(call.callEndReason?.code).to.equal(480);
    expect((await ended).code).to.equal(480);
  });

  it('one side leaves a 1:1 call: the other side ends with 0', async () => {
    const { call, calls } = await connectedCall(alice, [bob]);
    const bobCall = calls[0]!;
    await bobCall.hangUp();
    expect(bobCall.state).to.equal('Disconnected');
    expect(bobCall.callEndReason?.code).to.equal(0);
    await untilState(call, 'Disconnected');
    expect(call.callEndReason).to.deep.equal(CallEndReasons.normal);
  });

  it('hangUp({ forEveryone: true }) in a three-party call ends it for all', async () => {
    carol = await callingUser('Carol');
    const { call, calls } = await connectedCall(alice, [bob, carol]);
    await calls[0]!.hangUp({ forEveryone: true });
    for (const each of [call, ...calls]) await untilState(each, 'Disconnected');
    for (const each of [call, ...calls]) expect(each.callEndReason?.code).to.equal(0);
    for (const user of [alice, bob, carol]) expect(user.agent.calls).to.have.length(0);
  });

  it('a plain leave in a three-party call keeps it going for the other two', async () => {
    carol = await callingUser('Carol');
    const { call, calls } = await connectedCall(alice, [bob, carol]);
    const [bobCall, carolCall] = calls as [typeof call, typeof call];
    await bobCall.hangUp();
    await until(() => call.remoteParticipants.length === 1 && carolCall.remoteParticipants.length === 1, 'Bob gone from the others');
    expect(call.state).to.equal('Connected');
    expect(carolCall.state).to.equal('Connected');
  });

  it('calling an unknown user ends the call with 404 instead of ringing forever', async () => {
    // Shaped like a user of this resource, but nobody has it.
    const unknown = { communicationUserId: alice.userId.replace(/_[^_]+$/, `_${crypto.randomUUID()}`) };
    expect(unknown.communicationUserId).to.not.equal(alice.userId);
    const call = alice.agent.startCall([unknown]);
    await untilState(call, 'Disconnected');
    expect(call.callEndReason).to.deep.equal(CallEndReasons.unreachable);
  });

  it('one user on two endpoints: both ring, the first to accept wins, the other stops ringing', async () => {
    bobElsewhere = await anotherEndpoint(bob, 'Bob (phone)');
    expect(bobElsewhere.agent.endpointId).to.not.equal(bob.agent.endpointId);
    const rings = [nextIncomingCall(bob.agent), nextIncomingCall(bobElsewhere.agent)];
    const call = alice.agent.startCall([communicationUser(bob)]);
    const [here, there] = await Promise.all(rings);
    await untilState(call, 'Ringing');
    expect(here!.id).to.equal(call.id);
    expect(there!.id).to.equal(call.id);
    const thereEnded = ringEnd(there!);
    const bobCall = await here!.accept();
    expect(await thereEnded).to.deep.equal(CallEndReasons.acceptedElsewhere);
    await untilState(call, 'Connected');
    await untilState(bobCall, 'Connected');
    // Answering on the other endpoint afterwards is refused, and takes nothing from the first.
    const error = await rejectionOf(there!.accept());
    expect(error).to.be.instanceOf(CallingError);
    expect((error as CallingError).code).to.equal('InvalidCallState');
    expect(bobElsewhere.agent.calls).to.have.length(0);
    expect(bobCall.state).to.equal('Connected');
    expect(call.remoteParticipants).to.have.length(1);
  });

  it('two endpoints accept at once: one wins, the other is refused with 409 AcceptedElsewhere', async () => {
    bobElsewhere = await anotherEndpoint(bob, 'Bob (phone)');
    const rings = [nextIncomingCall(bob.agent), nextIncomingCall(bobElsewhere.agent)];
    const call = alice.agent.startCall([communicationUser(bob)]);
    const [here, there] = await Promise.all(rings);
    // Both accept at once: exactly one wins at the service; the loser is told 409 AcceptedElsewhere.
    const results = await Promise.allSettled([here!.accept(), there!.accept()]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).to.have.length(1);
    expect(lost).to.have.length(1);
    // Both were sent before either endpoint heard of the other's answer: the service decides.
    const error = lost[0]!.reason as unknown;
    expect(error).to.be.instanceOf(RestError);
    expect((error as RestError).statusCode).to.equal(409);
    expect((error as RestError).code).to.equal('AcceptedElsewhere');
    const loser = results[0]!.status === 'rejected' ? here! : there!;
    expect(loser.callEndReason).to.deep.equal(CallEndReasons.acceptedElsewhere);
    await untilState(call, 'Connected');
    expect(bob.agent.calls.length + bobElsewhere.agent.calls.length).to.equal(1);
  });

  it('a chat-only token cannot make a call agent: 403 before anything connects', async () => {
    const { endpoint, connectionString } = await testService();
    const { token } = await new CommunicationIdentityClient(connectionString).createUserAndToken(['chat']);
    const error = await rejectionOf(new CallClient({ endpoint }).createCallAgent(token));
    expect(error).to.be.instanceOf(RestError);
    expect((error as RestError).statusCode).to.equal(403);
  });
});

import { expect } from '@esm-bundle/chai';
import type { Call } from '../../src/calling/call.js';
import type { RemoteParticipant, RemoteParticipantState } from '../../src/calling/remoteParticipant.js';
import { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import { type TestUser, callingUser, canvasStream } from '../kit/browser.js';
import { until } from '../kit/wait.js';
import {
  communicationUser,
  connectedCall,
  disposeAll,
  nextIncomingCall,
  recordEvents,
  remote,
  rendersFrames,
  untilAllConnected,
  untilState,
} from './callingHelpers.js';

/** Who each call sees, by display name, sorted: proves every pair, not just a count. */
function seenBy(call: Call): string[] {
  return call.remoteParticipants.map((p) => p.displayName ?? '?').sort();
}

describe('calling mesh: three and more in one call', () => {
  let users: TestUser[] = [];

  afterEach(async () => {
    await disposeAll(...users);
    users = [];
  });

  it('A calls B and C, both accept: every pair is connected and every camera decodes everywhere', async () => {
    users = await Promise.all(['Alice', 'Bob', 'Carol'].map((name) => callingUser(name)));
    const [alice, bob, carol] = users as [TestUser, TestUser, TestUser];
    const { call, calls } = await connectedCall(alice, [bob, carol], { video: true });
    const all = [call, ...calls];
    expect(seenBy(call)).to.deep.equal(['Bob', 'Carol']);
    expect(seenBy(calls[0]!)).to.deep.equal(['Alice', 'Carol']);
    expect(seenBy(calls[1]!)).to.deep.equal(['Alice', 'Bob']);
    for (const each of all) {
      for (const participant of each.remoteParticipants) {
        const camera = participant.videoStreams[0]!;
        await until(() => camera.isAvailable, `${participant.displayName}’s camera available`);
        await rendersFrames(camera);
      }
    }
    // Each pair has its own peer connection, and only one (a pair never dials twice).
    const pcs = new Set(all.flatMap((each) => each.remoteParticipants.map((p) => each.peerConnectionOf(p))));
    expect(pcs.size).to.equal(6);
  });

  it('addParticipant(D) on a running 1:1 call rings D; once D accepts all three see each other', async () => {
    users = await Promise.all(['Alice', 'Bob', 'Dave'].map((name) => callingUser(name)));
    const [alice, bob, dave] = users as [TestUser, TestUser, TestUser];
    const { call, calls } = await connectedCall(alice, [bob]);
    const bobCall = calls[0]!;
    const added = recordEvents(bobCall, 'remoteParticipantsUpdated');
    const ring = nextIncomingCall(dave.agent);
    const daveAtAlice = await call.addParticipant(communicationUser(dave));
    expect(daveAtAlice.state).to.equal('Ringing');
    expect(call.state, 'a ringing invitee does not take the call out of Connected').to.equal('Connected');
    const incoming = await ring;
    expect(incoming.id).to.equal(call.id);
    expect(incoming.callerInfo.identifier).to.deep.include({ communicationUserId: alice.userId });
    const daveCall = await incoming.accept();
    await untilAllConnected([call, bobCall, daveCall], 2);
    expect(seenBy(call)).to.deep.equal(['Bob', 'Dave']);
    expect(seenBy(bobCall)).to.deep.equal(['Alice', 'Dave']);
    expect(seenBy(daveCall)).to.deep.equal(['Alice', 'Bob']);
    expect(added.some((e) => e.added.some((p) => p.displayName === 'Dave'))).to.equal(true);
  });
  it('someone added while a screen is shared gets its m-line with the connection and decodes it', async () => {
    users = await Promise.all(['Alice', 'Bob', 'Dave'].map((name) => callingUser(name)));
    const [alice, bob, dave] = users as [TestUser, TestUser, TestUser];
    const { call, calls } = await connectedCall(alice, [bob]);
    await call.startScreenSharing(new LocalVideoStream(canvasStream(15), 'ScreenSharing'));
    const atBob = remote(calls[0]!, alice.userId)!.videoStreams[1]!;
    await until(() => atBob.isAvailable, 'Alice’s screen at Bob');
    const ring = nextIncomingCall(dave.agent);
    await call.addParticipant(communicationUser(dave));
    const daveCall = await (await ring).accept();
    await untilAllConnected([call, calls[0]!, daveCall], 2);
    const aliceAtDave = remote(daveCall, alice.userId)!;
    // Audio, camera and the screen: in the first offer when Alice dials, or right after the
    // first answer when Dave does (her answer cannot add an m-line his offer lacked).
    const pc = daveCall.peerConnectionOf(aliceAtDave)!;
    await until(() => pc.getTransceivers().filter((t) => t.mid !== null).length === 3, 'the screen’s m-line between Alice and Dave');
    const screen = aliceAtDave.videoStreams[1]!;
    await until(() => screen.isAvailable, 'Alice’s screen at Dave');
    const view = await rendersFrames(screen);
    expect(view.videoElement.videoHeight).to.equal(180);
  });
});

describe('calling: a participant whose tab closes is seen leaving', () => {
  let users: TestUser[] = [];

  afterEach(async () => {
    await disposeAll(...users);
    users = [];
  });

  /** Resolves once the participant has left `call`: state Disconnected and no longer listed. */
  async function untilGone(call: Call, participant: RemoteParticipant, who: string): Promise<void> {
    // The test service's grace period is 1.5 s; the bound only keeps a broken service from hanging the run.
    await until(() => !call.remoteParticipants.includes(participant), `${who} removed`);
    expect(participant.state).to.equal('Disconnected');
  }

  it('in a three-party call the others see it Disconnected and removed; the call goes on', async () => {
    users = await Promise.all(['Alice', 'Bob', 'Carol'].map((name) => callingUser(name)));
    const [alice, bob, carol] = users as [TestUser, TestUser, TestUser];
    const { call, calls } = await connectedCall(alice, [bob, carol]);
    const [bobCall, carolCall] = calls as [Call, Call];
    const carolAtAlice = remote(call, carol.userId)!;
    const carolAtBob = remote(bobCall, carol.userId)!;
    const states: RemoteParticipantState[] = [];
    carolAtAlice.on('stateChanged', ({ state }) => states.push(state));
    const removed = recordEvents(call, 'remoteParticipantsUpdated');

    carol.agent.simulateTabCloseForTesting();
    expect(carolCall.state).to.equal('Disconnected');

    await untilGone(call, carolAtAlice, 'Carol at Alice');
    await untilGone(bobCall, carolAtBob, 'Carol at Bob');
    expect(states.at(-1)).to.equal('Disconnected');
    expect(carolAtAlice.callEndReason?.code, 'she failed, she did not hang up').to.equal(500);
    expect(removed.some((e) => e.removed.includes(carolAtAlice))).to.equal(true);
    // Alice and Bob are still together.
    expect(call.state).to.equal('Connected');
    expect(bobCall.state).to.equal('Connected');
    expect(seenBy(call)).to.deep.equal(['Bob']);
    expect(seenBy(bobCall)).to.deep.equal(['Alice']);
  });

  it('in a 1:1 call the remaining side’s call ends', async () => {
    users = await Promise.all(['Alice', 'Bob'].map((name) => callingUser(name)));
    const [alice, bob] = users as [TestUser, TestUser];
    const { call, calls } = await connectedCall(alice, [bob]);
    const bobAtAlice = remote(call, bob.userId)!;
    const participantStates: RemoteParticipantState[] = [];
    bobAtAlice.on('stateChanged', ({ state }) => participantStates.push(state));

    bob.agent.simulateTabCloseForTesting();
    expect(calls[0]!.state).to.equal('Disconnected');

    await untilState(call, 'Disconnected');
    expect(call.remoteParticipants).to.have.length(0);
    expect(alice.agent.calls).to.have.length(0);
    expect(participantStates.at(-1)).to.equal('Disconnected');
  });
});

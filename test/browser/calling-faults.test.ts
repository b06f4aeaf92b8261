/**
 * Calls under faults. A participant's closed tab is in calling-mesh.test.ts; here:
 * - a peer connection that fails (closed under the call, at either end): the others see the
 *   participant Connecting (media lost) within seconds, the dialling side dials again, and media
 *   flows on a new connection;
 * - the signalling socket dropping: the endpoint reconnects by itself, the call keeps its media
 *   (frames keep decoding), and new calls still work afterwards;
 * - an offer that is never answered: the dialler gives up on it after the connect timeout and
 *   dials again, instead of staying in have-local-offer for good; a call whose media never comes
 *   up ends after its time limit with a reason, instead of sitting at Connecting for good.
 */
import { expect } from '@esm-bundle/chai';
import type { Call } from '../../src/calling/call.js';
import type { MediaConnection } from 'peerjs';
import { TypedEventEmitter } from '../../src/common/events.js';
import { CallMedia, mediaTimeouts } from '../../src/calling/media/callMedia.js';
import { LocalMedia } from '../../src/calling/media/localMedia.js';
import type { PeerEndpoint, PeerEndpointEvents } from '../../src/calling/media/peerEndpoint.js';
import { dialsFirst, peerIdFor } from '../../src/calling/peerIds.js';
import type { RemoteParticipant, RemoteParticipantState } from '../../src/calling/remoteParticipant.js';
import { type TestUser, callingUser } from '../kit/browser.js';
import { until } from '../kit/wait.js';
import {
  communicationUser,
  connectedCall,
  disposeAll,
  nextIncomingCall,
  remote,
  rendersFrames,
  untilAllConnected,
  untilState,
} from './callingHelpers.js';
import { CallEndReasons } from '../../src/calling/callingProtocol.js';
import { CallClient } from '../../src/calling/callClient.js';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';
import { testService } from '../kit/browser.js';

const peerIdOf = (user: TestUser) => peerIdFor(user.userId, user.agent.endpointId);

/** Which of the two dials (the lower peer id), and which answers. */
function roles(a: TestUser, b: TestUser): { dialler: TestUser; answerer: TestUser } {
  return dialsFirst(peerIdOf(a), peerIdOf(b)) ? { dialler: a, answerer: b } : { dialler: b, answerer: a };
}

/** Records a participant's states, starting with the current one. */
function statesOf(participant: RemoteParticipant): RemoteParticipantState[] {
  const states: RemoteParticipantState[] = [participant.state];
  participant.on('stateChanged', ({ state }) => states.push(state));
  return states;
}

describe('calling under faults', function () {
  this.timeout(60_000);
  let users: TestUser[] = [];
  const defaults = { ...mediaTimeouts };

  afterEach(async () => {
    Object.assign(mediaTimeouts, defaults);
    await disposeAll(...users);
    users = [];
  });

  for (const side of ['dialler', 'answerer'] as const) {
    it(`a peer connection that fails at the ${side}'s end: both see Connecting, then media again on a new connection`, async () => {
      users = await Promise.all([callingUser('Alice'), callingUser('Bob')]);
      const [alice, bob] = users as [TestUser, TestUser];
      const { call, calls } = await connectedCall(alice, [bob], { video: true });
      const callOf = (user: TestUser): Call => (user === alice ? call : calls[0]!);
      const other = (user: TestUser): TestUser => (user === alice ? bob : alice);
      const failing = roles(alice, bob)[side];
      const failingCall = callOf(failing);
      const seenByFailing = remote(failingCall, other(failing).userId)!;
      const seenByOther = remote(callOf(other(failing)), failing.userId)!;
      const atFailing = statesOf(seenByFailing);
      const atOther = statesOf(seenByOther);
      const broken = failingCall.peerConnectionOf(seenByFailing)!;
      expect(broken.connectionState).to.equal('connected');

      const failedAt = performance.now();
      broken.close(); // No event fires for a local close: the call has to notice by itself.

      await until(() => atFailing.includes('Connecting'), 'the failing side to show the participant reconnecting');
      await until(() => atOther.includes('Connecting'), 'the other side to show the participant reconnecting');
      await untilAllConnected([call, calls[0]!], 1, 30_000);
      const recoveredIn = performance.now() - failedAt;
      const replacement = failingCall.peerConnectionOf(seenByFailing)!;
      expect(replacement).to.not.equal(broken);
      expect(replacement.connectionState).to.equal('connected');
      expect(atFailing).to.include.ordered.members(['Connected', 'Connecting', 'Connected']);
      expect(atOther).to.include.ordered.members(['Connected', 'Connecting', 'Connected']);
      // Both cameras decode again, on the new connection.
      await until(() => seenByFailing.videoStreams[0]!.isAvailable, 'the camera again at the failing side');
      await rendersFrames(seenByFailing.videoStreams[0]!);
      await until(() => seenByOther.videoStreams[0]!.isAvailable, 'the camera again at the other side');
      await rendersFrames(seenByOther.videoStreams[0]!);
      console.log(`peer connection closed at the ${side}: recovered in ${Math.round(recoveredIn)} ms`);
    });
  }

  describe('the signalling socket drops', () => {
    /** Alice and Bob in a video call, then Alice's signalling socket dropped (and seen lost). */
    async function droppedSignalling(withCarol = false) {
      users = await Promise.all(['Alice', 'Bob', ...(withCarol ? ['Carol'] : [])].map((name) => callingUser(name)));
      const [alice, bob, carol] = users as [TestUser, TestUser, TestUser | undefined];
      const { call, calls } = await connectedCall(alice, [bob], { video: true });
      const bobAtAlice = remote(call, bob.userId)!;
      const peerConnection = call.peerConnectionOf(bobAtAlice);
      const endpoint = alice.agent.peerEndpointForTesting;
      const changes: boolean[] = [];
      endpoint.on('signallingChanged', ({ connected }) => changes.push(connected));
      endpoint.simulateSignallingDropForTesting();
      await until(() => changes[0] === false, 'signalling to be seen lost');
      const reconnected = () => until(() => endpoint.signallingConnected && changes.at(-1) === true, 'signalling to reconnect by itself');
      return { call, calls, carol, bobAtAlice, peerConnection, changes, reconnected };
    }

    it('media keeps flowing while signalling is away', async () => {
      const { bobAtAlice } = await droppedSignalling();
      expect(bobAtAlice.state).to.equal('Connected');
      await until(() => bobAtAlice.videoStreams[0]!.isAvailable, 'Bob’s camera at Alice');
      await rendersFrames(bobAtAlice.videoStreams[0]!, 10);
    });

    it('it reconnects by itself, on the same peer connection (no renegotiation), with media still flowing', async () => {
      const { call, calls, bobAtAlice, peerConnection, changes, reconnected } = await droppedSignalling();
      await reconnected();
      expect(changes).to.deep.equal([false, true]);
      expect(call.peerConnectionOf(bobAtAlice)).to.equal(peerConnection);
      expect(peerConnection!.connectionState).to.equal('connected');
      await until(() => bobAtAlice.videoStreams[0]!.isAvailable, 'Bob’s camera at Alice');
      await rendersFrames(bobAtAlice.videoStreams[0]!, 10);
      expect(calls[0]!.state).to.equal('Connected');
    });

    it('once it is back, offers reach the user again: a participant added to the running call connects', async () => {
      const { call, calls, carol, reconnected } = await droppedSignalling(true);
      await reconnected();
      const ring = nextIncomingCall(carol!.agent);
      await call.addParticipant(communicationUser(carol!));
      const carolCall = await (await ring).accept();
      await untilAllConnected([call, calls[0]!, carolCall], 2, 30_000);
    });
  });

  it('an offer that is never answered is given up after the connect timeout and dialled again', async () => {
    mediaTimeouts.connectMs = 2_500;
    users = await Promise.all([callingUser('Alice'), callingUser('Bob')]);
    const [alice, bob] = users as [TestUser, TestUser];
    const { dialler, answerer } = roles(alice, bob);
    // The answerer's first incoming offer is lost: no answer, no close, nothing the dialler hears of.
    answerer.agent.peerEndpointForTesting.ignoreIncomingForTesting(1);
    const started = performance.now();
    const { call, calls } = await connectedCall(alice, [bob]);
    const took = performance.now() - started;
    const lost = answerer.agent.peerEndpointForTesting.ignoredForTesting;
    expect(lost).to.have.length(1);
    const diallerCall = dialler === alice ? call : calls[0]!;
    const pc = diallerCall.peerConnectionOf(remote(diallerCall, (dialler === alice ? bob : alice).userId)!)!;
    expect(pc.signalingState).to.equal('stable');
    expect(pc.connectionState).to.equal('connected');
    expect(took).to.be.greaterThan(mediaTimeouts.connectMs);
  });

  it('a call that never gets a media connection ends after its time limit, with the reason, at both ends', async () => {
    mediaTimeouts.connectMs = 1_000;
    mediaTimeouts.callConnectMs = 4_000;
    users = await Promise.all([callingUser('Alice'), callingUser('Bob')]);
    const [alice, bob] = users as [TestUser, TestUser];
    const { answerer } = roles(alice, bob);
    // Every offer the answerer gets is lost: the call is answered, but media never comes up.
    answerer.agent.peerEndpointForTesting.ignoreIncomingForTesting(1_000);
    const ringing = nextIncomingCall(bob.agent);
    const call = alice.agent.startCall([communicationUser(bob)]);
    const answered = await (await ringing).accept();
    await untilState(answered, 'Connecting');
    await untilState(call, 'Connecting');
    const started = performance.now();
    await Promise.all([untilState(call, 'Disconnected', 20_000), untilState(answered, 'Disconnected', 20_000)]);
    expect(performance.now() - started).to.be.greaterThan(2_000, 'not before the time limit');
    // The one whose limit ran out says why; the other sees them leave (their limit may run out first).
    const reasons = [call.callEndReason, answered.callEndReason];
    expect(reasons).to.deep.include(CallEndReasons.connectTimedOut);
    for (const reason of reasons) expect([CallEndReasons.connectTimedOut, CallEndReasons.normal]).to.deep.include(reason);
  });

  it('the time limit runs only once the service has the call: a slow start is not cut short', async () => {
    mediaTimeouts.callConnectMs = 1_500;
    const { endpoint, connectionString } = await testService();
    const { user, token } = await new CommunicationIdentityClient(connectionString).createUserAndToken(['voip']);
    // The service takes twice the time limit to answer the start.
    const slowStart: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (init?.method === 'POST' && /\/calling\/calls\?/.test(url)) await new Promise((resolve) => setTimeout(resolve, 3_000));
      return fetch(input, init);
    };
    const client = new CallClient({ endpoint });
    const agent = await client.createCallAgent(token, { displayName: 'Slow Alice', pipelineOptions: { fetch: slowStart } });
    const bob = await callingUser('Bob');
    users = [bob, { userId: user.communicationUserId, token, agent, client }];
    const ringing = nextIncomingCall(bob.agent);
    const call = agent.startCall([communicationUser(bob)]);
    await (await ringing).accept();
    await untilState(call, 'Connected', 20_000);
    expect(call.callEndReason).to.equal(undefined);
  });

  it('a dial while signalling is down is retried, at once when signalling is back (no crash)', async () => {
    // PeerJS cannot dial while its socket is away (call() returns nothing): a redial or a new
    // participant at that moment used to throw inside the call's event handling.
    const dialled: string[] = [];
    let up = false;
    const pcs: RTCPeerConnection[] = [];
    class FakePeer extends TypedEventEmitter<PeerEndpointEvents> {
      readonly peerId = 'pa-one';
      signal(connected: boolean): void {
        this.emit('signallingChanged', { connected });
      }
      call(remotePeerId: string): MediaConnection | undefined {
        dialled.push(`${remotePeerId}:${up ? 'up' : 'down'}`);
        if (!up) return undefined;
        const pc = new RTCPeerConnection();
        pcs.push(pc);
        const connection = Object.assign(new TypedEventEmitter<Record<string, unknown>>(), {
          peer: remotePeerId,
          peerConnection: pc,
          close: () => pc.close(),
        });
        return connection as unknown as MediaConnection;
      }
    }
    const peer = new FakePeer();
    const local = new LocalMedia();
    const media = new CallMedia('call-1', peer as unknown as PeerEndpoint, local);
    try {
      expect(() => media.sync(['pb-two'])).to.not.throw();
      expect(dialled).to.deep.equal(['pb-two:down']);
      up = true;
      peer.signal(true);
      expect(dialled).to.deep.equal(['pb-two:down', 'pb-two:up']);
      expect(media.peerConnection('pb-two')).to.equal(pcs[0]);
    } finally {
      media.close();
      local.dispose();
    }
  });
});

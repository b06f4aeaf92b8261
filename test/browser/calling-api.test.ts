import { expect } from '@esm-bundle/chai';
import { CallClient, CallClientFactory } from '../../src/calling/callClient.js';
import { CallingError, DeviceAccessError } from '../../src/calling/callingErrors.js';
import { AzureCommunicationTokenCredential } from '../../src/common/credential.js';
import { AbortError } from '../../src/common/errors.js';
import { RealtimeChannel } from '../../src/common/realtimeChannel.js';
import type { IncomingCall } from '../../src/calling/incomingCall.js';
import { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import { RemoteVideoStream } from '../../src/calling/remoteVideoStream.js';
import { VideoStreamRenderer } from '../../src/calling/videoStreamRenderer.js';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';
import { type TestUser, callingUser, communicationUser, disposeAll, nextIncomingCall, recordEvents, untilState } from './callingHelpers.js';
import { recordingFetch } from './chatTestHelpers.js';
import { rejectionOf } from './helpers.js';
import { testService } from './service.js';

/** An identifier like `rawId` but never equal to it (its last character changed). */
function otherThan(rawId: string): string {
  return rawId.replace(/.$/, (last) => (last === '0' ? '1' : '0'));
}

describe('calling API surface', () => {
  describe('the concept page’s seed alias', () => {
    let bob: TestUser | undefined;
    let seed: Awaited<ReturnType<typeof CallClientFactory.create>> | undefined;

    afterEach(async () => {
      await seed?.dispose();
      await disposeAll(bob);
    });

    /** The concept page's sample as written: the seed client calls Bob, who answers. */
    async function seedCallsBob(options: { endpoint?: string }): Promise<IncomingCall> {
      const { connectionString } = await testService();
      const { token } = await new CommunicationIdentityClient(connectionString).createUserAndToken(['voip']);
      bob = await callingUser('Bob');
      const ringing = new Promise<IncomingCall>((resolve) => bob!.agent.on('incomingCall', ({ incomingCall }) => resolve(incomingCall)));
      seed = await CallClientFactory.create(token, { ...options, displayName: 'Seed' });
      const call = seed.call([{ communicationUserId: bob.userId }]);
      const incoming = await ringing;
      await incoming.accept();
      await untilState(call, 'Connected');
      return incoming;
    }

    it('await CallClientFactory.create(userToken) then callClient.call([user]) rings the user', async () => {
      const incoming = await seedCallsBob({ endpoint: (await testService()).endpoint });
      expect(incoming.callerInfo.displayName).to.equal('Seed');
    });

    it('on a page the service did not serve, CallClientFactory.create(userToken) with no endpoint connects to the service the token names', async () => {
      // This page comes from the test runner, not the service: its origin is not the endpoint.
      expect(new URL((await testService()).endpoint).origin).to.not.equal(location.origin);
      await seedCallsBob({});
    });

    it('an explicit endpoint still wins over the token’s', async () => {
      const { connectionString } = await testService();
      const { token } = await new CommunicationIdentityClient(connectionString).createUserAndToken(['voip']);
      const wrong = `http://127.0.0.1:9/`;
      const error = await rejectionOf(new CallClient({ endpoint: wrong }).createCallAgent(token));
      expect(String((error as Error).message)).to.not.equal('');
    });
  });

  describe('DeviceManager', () => {
    it('asks permission, lists the fake devices with names, and selects a microphone', async () => {
      const devices = await new CallClient().getDeviceManager();
      expect(await devices.askDevicePermission({ audio: true, video: true })).to.deep.equal({ audio: true, video: true });
      const cameras = await devices.getCameras();
      const microphones = await devices.getMicrophones();
      expect(cameras.length).to.be.greaterThan(0);
      expect(microphones.length).to.be.greaterThan(0);
      expect(cameras[0]!.name).to.not.equal('');
      expect(microphones.every((m) => m.deviceType === 'Microphone')).to.equal(true);
      const changes: unknown[] = [];
      devices.on('selectedMicrophoneChanged', ({ microphone }) => changes.push(microphone?.id));
      await devices.selectMicrophone(microphones[0]!);
      await devices.selectMicrophone(microphones[0]!); // the same one again changes nothing
      expect(devices.selectedMicrophone?.id).to.equal(microphones[0]!.id);
      expect(changes).to.deep.equal([microphones[0]!.id]);
      expect(typeof devices.isSpeakerSelectionAvailable).to.equal('boolean');
      let error: unknown;
      try {
        await devices.selectMicrophone({ ...cameras[0]!, deviceType: 'Speaker', isSystemDefault: false } as never);
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(TypeError);
      expect(await devices.askDevicePermission({ audio: false, video: false })).to.deep.equal({ audio: false, video: false });
    });
  });

  describe('DeviceManager failures', () => {
    let alice: TestUser | undefined;
    let bob: TestUser | undefined;

    afterEach(async () => {
      delete (navigator.mediaDevices as { getUserMedia?: unknown }).getUserMedia; // back to the prototype's
      await disposeAll(alice, bob);
      alice = bob = undefined;
    });

    function refuseGetUserMedia(name: string): void {
      Object.defineProperty(navigator.mediaDevices, 'getUserMedia', {
        configurable: true,
        value: () => Promise.reject(new DOMException(`refused (${name})`, name)),
      });
    }

    it('classifies why a microphone cannot be opened into a DeviceAccessError code', async () => {
      const devices = await new CallClient().getDeviceManager();
      const cases: [string, string][] = [
        ['NotAllowedError', 'PermissionDenied'],
        ['NotFoundError', 'DeviceNotFound'],
        ['OverconstrainedError', 'DeviceNotFound'],
        ['NotReadableError', 'DeviceInUse'],
        ['TypeError', 'DeviceUnavailable'],
      ];
      for (const [browserName, code] of cases) {
        refuseGetUserMedia(browserName);
        let error: unknown;
        try {
          await devices.openMicrophone();
        } catch (caught) {
          error = caught;
        }
        expect(error, browserName).to.be.instanceOf(DeviceAccessError);
        expect(error, browserName).to.be.instanceOf(CallingError);
        expect((error as DeviceAccessError).code, browserName).to.equal(code);
        expect((error as DeviceAccessError).deviceKind).to.equal('microphone');
        expect(((error as DeviceAccessError).cause as DOMException).name).to.equal(browserName);
      }
    });

    it('a call whose microphone is refused still connects, sending silence', async () => {
      alice = await callingUser('Alice');
      bob = await callingUser('Bob');
      refuseGetUserMedia('NotAllowedError');
      const ringing = nextIncomingCall(bob.agent);
      const call = alice.agent.startCall([communicationUser(bob)]);
      const accepted = await (await ringing).accept();
      await Promise.all([untilState(call, 'Connected'), untilState(accepted, 'Connected')]);
    });
  });

  describe('LocalVideoStream and VideoStreamRenderer', () => {
    it('refuses what is no camera or video stream', () => {
      expect(() => new LocalVideoStream({} as never)).to.throw(TypeError);
      const audioOnly = new MediaStream([new AudioContext().createMediaStreamDestination().stream.getAudioTracks()[0]!]);
      expect(() => new LocalVideoStream(audioOnly)).to.throw(TypeError);
      expect(() => new VideoStreamRenderer({} as never)).to.throw(TypeError);
    });

    it('renders a camera with the scaling mode and mirroring asked for, and disposes cleanly', async () => {
      const cameras = await (await new CallClient().getDeviceManager()).getCameras();
      const stream = new LocalVideoStream(cameras[0]!);
      const renderer = new VideoStreamRenderer(stream);
      const view = await renderer.createView({ scalingMode: 'Fit', isMirrored: true });
      document.body.append(view.target);
      expect(view.videoElement.style.objectFit).to.equal('contain');
      expect(view.videoElement.style.transform).to.contain('scaleX(-1)');
      await view.updateScalingMode('Stretch');
      expect(view.videoElement.style.objectFit).to.equal('fill');
      renderer.dispose();
      expect(view.target.isConnected).to.equal(false);
      expect(view.videoElement.srcObject).to.equal(null);
      stream.dispose();
      expect(stream.track).to.equal(undefined);
    });

    it('will not render a remote stream that is not available', async () => {
      let error: unknown;
      try {
        await new VideoStreamRenderer(new RemoteVideoStream(1, 'Video')).createView();
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(CallingError);
      expect((error as CallingError).code).to.equal('StreamNotAvailable');
    });
  });

  describe('operations check their arguments before anything happens', () => {
    let alice: TestUser | undefined;
    let bob: TestUser | undefined;

    afterEach(async () => {
      await disposeAll(alice, bob);
      alice = bob = undefined;
    });

    it('createCallAgent refuses a shared channel whose endpoint id cannot name a peer, before any request', async () => {
      const { endpoint, connectionString } = await testService();
      const { token } = await new CommunicationIdentityClient(connectionString).createUserAndToken(['voip', 'chat']);
      const { fetch, requests } = recordingFetch();
      const channel = new RealtimeChannel(endpoint, new AzureCommunicationTokenCredential(token), { endpointId: 'tab-1' });
      const client = new CallClient({ endpoint });
      const error = await rejectionOf(client.createCallAgent(token, { realtimeChannel: channel, pipelineOptions: { fetch } }));
      expect(error).to.be.instanceOf(TypeError);
      expect(requests).to.deep.equal([]);
      expect(channel.state).to.equal('disconnected');
    });

    it('startCall to a phone number without alternateCallerId throws and leaves no call behind', async () => {
      alice = await callingUser('Alice');
      const updates = recordEvents(alice.agent, 'callsUpdated');
      expect(() => alice!.agent.startCall([{ phoneNumber: '+14255550123' }])).to.throw(TypeError, /alternateCallerId/);
      expect(() =>
        alice!.agent.startCall([{ phoneNumber: '+14255550123' }], { alternateCallerId: { communicationUserId: alice!.userId } as never }),
      ).to.throw(TypeError, /alternateCallerId/);
      expect(() =>
        alice!.agent.startCall([{ communicationUserId: otherThan(alice!.userId) }], {
          videoOptions: { localVideoStreams: [{} as never] },
        }),
      ).to.throw(TypeError, /localVideoStreams/);
      expect(alice.agent.calls).to.deep.equal([]);
      expect(updates).to.deep.equal([]);
    });

    it('accept with a bad video stream throws and leaves the call ringing, to be accepted after', async () => {
      alice = await callingUser('Alice');
      bob = await callingUser('Bob');
      const ringing = nextIncomingCall(bob.agent);
      const call = alice.agent.startCall([communicationUser(bob)]);
      const incoming = await ringing;
      const updates = recordEvents(bob.agent, 'callsUpdated');
      let error: unknown;
      try {
        await incoming.accept({ videoOptions: { localVideoStreams: ['camera' as never] } });
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(TypeError);
      expect(bob.agent.calls).to.deep.equal([]);
      expect(updates).to.deep.equal([]);
      expect(incoming.callEndReason).to.equal(undefined);
      const accepted = await incoming.accept();
      await Promise.all([untilState(call, 'Connected'), untilState(accepted, 'Connected')]);
    });

    it('an already aborted signal throws AbortError and changes nothing: startCall, accept, addParticipant, hangUp', async () => {
      alice = await callingUser('Alice');
      bob = await callingUser('Bob');
      const aborted = AbortSignal.abort();
      const aliceUpdates = recordEvents(alice.agent, 'callsUpdated');
      expect(() => alice!.agent.startCall([communicationUser(bob!)], { abortSignal: aborted })).to.throw(AbortError);
      expect(aliceUpdates).to.deep.equal([]);

      const ringing = nextIncomingCall(bob.agent);
      const call = alice.agent.startCall([communicationUser(bob)]);
      const incoming = await ringing;
      expect(await rejectionOf(incoming.accept({ abortSignal: aborted }))).to.be.instanceOf(AbortError);
      expect(bob.agent.calls).to.deep.equal([]);
      expect(incoming.callEndReason).to.equal(undefined);
      const accepted = await incoming.accept();
      await Promise.all([untilState(call, 'Connected'), untilState(accepted, 'Connected')]);

      expect(await rejectionOf(call.addParticipant({} as never))).to.be.instanceOf(TypeError);
      expect(await rejectionOf(call.addParticipant({ communicationUserId: bob.userId }, { abortSignal: aborted }))).to.be.instanceOf(
        AbortError,
      );
      expect(await rejectionOf(call.hangUp({ abortSignal: aborted }))).to.be.instanceOf(AbortError);
      expect(call.state).to.equal('Connected');
      expect(alice.agent.calls).to.deep.equal([call]);
    });
  });
});

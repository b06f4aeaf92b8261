import { expect } from '@esm-bundle/chai';
import type { Call } from '../../src/calling/call.js';
import { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import type { RemoteParticipant } from '../../src/calling/remoteParticipant.js';
import { type TestUser, callingUser, canvasStream, decodedFrames } from '../kit/browser.js';
import { until } from '../kit/wait.js';
import {
  cameraStream,
  connectedCall,
  disposeAll,
  peakAudioLevel,
  recordEvents,
  remote,
  rendersFrames,
  stubMicrophoneWithTone,
  untilState,
} from './callingHelpers.js';

/** Loud enough to be the fake microphone's beep, far above the silence a muted track sends. */
const HEARD = 0.01;
/** What a muted microphone's all-zero samples measure, with room for rounding. */
const SILENT = 0.001;

describe('calling media: what the other side sees and hears', () => {
  let alice: TestUser;
  let bob: TestUser;
  /** Alice's call, Bob's call, and each as the other sees them. */
  let aliceCall: Call;
  let bobCall: Call;
  let aliceAtBob: RemoteParticipant;
  let bobAtAlice: RemoteParticipant;

  beforeEach(async () => {
    [alice, bob] = await Promise.all([callingUser('Alice'), callingUser('Bob')]);
    const { call, calls } = await connectedCall(alice, [bob]);
    aliceCall = call;
    bobCall = calls[0]!;
    aliceAtBob = remote(bobCall, alice.userId)!;
    bobAtAlice = remote(aliceCall, bob.userId)!;
  });

  afterEach(async () => {
    await disposeAll(alice, bob);
  });

  it('mute and unmute are seen by the other side (isMuted, isMutedChanged)', async () => {
    expect(aliceAtBob.isMuted).to.equal(false);
    const seen = recordEvents(aliceAtBob, 'isMutedChanged');
    const own = recordEvents(aliceCall, 'isMutedChanged');
    await aliceCall.mute();
    expect(aliceCall.isMuted).to.equal(true);
    await until(() => aliceAtBob.isMuted, 'Bob to see Alice muted');
    expect(aliceAtBob.isSpeaking).to.equal(false);
    await aliceCall.unmute();
    await until(() => !aliceAtBob.isMuted, 'Bob to see Alice unmuted');
    expect(seen.map((e) => e.isMuted)).to.deep.equal([true, false]);
    expect(own.map((e) => e.isMuted)).to.deep.equal([true, false]);
  });

  it('a muted microphone sends silence; unmuted, the beep is heard again', async () => {
    const track = aliceAtBob.audioTrack!;
    expect(track, 'Bob receives an audio track from Alice').to.not.equal(undefined);
    expect(await peakAudioLevel(track, 2500)).to.be.greaterThan(HEARD);
    await aliceCall.mute();
    await until(() => aliceAtBob.isMuted, 'Bob to see Alice muted');
    // Sound already in flight when muting may still play: wait for a beep-free second (the fake
    // microphone beeps twice a second, so an unmuted one never gives one), then stay silent.
    await until(async () => (await peakAudioLevel(track, 1000)) < SILENT, 'a silent second after muting');
    expect(await peakAudioLevel(track, 2000)).to.be.lessThan(SILENT);
    await aliceCall.unmute();
    expect(await peakAudioLevel(track, 2500)).to.be.greaterThan(HEARD);
  });

  it('they hear each other: the fake microphone’s beep arrives at both sides', async () => {
    const [aliceHeard, bobHeard] = await Promise.all([
      peakAudioLevel(aliceAtBob.audioTrack!, 3000),
      peakAudioLevel(bobAtAlice.audioTrack!, 3000),
    ]);
    expect(aliceHeard, 'Bob hears Alice').to.be.greaterThan(HEARD);
    expect(bobHeard, 'Alice hears Bob').to.be.greaterThan(HEARD);
  });

  it('isSpeaking follows a voice: on while it sounds, off when muted', async () => {
    // The fake microphone only clicks (a short beep twice a second), which the speaking detector
    // rightly ignores. A steady tone stands in for a voice: switching the microphone swaps it in
    // with replaceTrack, mid-call.
    const restore = stubMicrophoneWithTone();
    try {
      const devices = await alice.client.getDeviceManager();
      const microphones = await devices.getMicrophones();
      expect(microphones.length).to.be.greaterThan(0);
      const speaking = recordEvents(aliceAtBob, 'isSpeakingChanged');
      await devices.selectMicrophone(microphones[0]!);
      await until(() => aliceAtBob.isSpeaking, 'Alice to be seen speaking at Bob');
      await aliceCall.mute();
      await until(() => !aliceAtBob.isSpeaking, 'Alice, muted, not speaking at Bob');
      await aliceCall.unmute();
      await until(() => aliceAtBob.isSpeaking, 'Alice speaking again at Bob');
      expect(speaking.map((e) => e.isSpeaking)).to.deep.equal([true, false, true]);
      expect(bobCall.state).to.equal('Connected');
    } finally {
      restore();
    }
  });

  it('startVideo and stopVideo switch the remote camera stream’s isAvailable, and frames decode while on', async () => {
    const camera = aliceAtBob.videoStreams[0]!;
    expect(camera.mediaStreamType).to.equal('Video');
    expect(camera.isAvailable).to.equal(false);
    const changes = recordEvents(camera, 'isAvailableChanged');
    const stream = await cameraStream(alice);
    await aliceCall.startVideo(stream);
    expect(aliceCall.localVideoStreams).to.include(stream);
    await until(() => camera.isAvailable, 'Alice’s camera available at Bob');
    const view = await rendersFrames(camera);
    await aliceCall.stopVideo(stream);
    expect(aliceCall.localVideoStreams).to.not.include(stream);
    await until(() => !camera.isAvailable, 'Alice’s camera unavailable at Bob');
    // Back on: the same view follows the stream and decodes again.
    await aliceCall.startVideo(stream);
    await until(() => camera.isAvailable, 'Alice’s camera available again');
    await decodedFrames(view.videoElement);
    expect(changes.map((e) => e.isAvailable)).to.deep.equal([true, false, true]);
    expect(aliceCall.state).to.equal('Connected');
  });

  it('a shared screen arrives as videoStreams[1] (ScreenSharing) and decodes', async () => {
    const screen = aliceAtBob.videoStreams[1]!;
    expect(screen.mediaStreamType).to.equal('ScreenSharing');
    const changes = recordEvents(screen, 'isAvailableChanged');
    const sharing = recordEvents(aliceCall, 'isScreenSharingOnChanged');
    await aliceCall.startScreenSharing(new LocalVideoStream(canvasStream(15), 'ScreenSharing'));
    expect(aliceCall.isScreenSharingOn).to.equal(true);
    await until(() => screen.isAvailable, 'Alice’s screen available at Bob');
    expect(aliceAtBob.videoStreams[0]!.isAvailable, 'the camera stays off').to.equal(false);
    await rendersFrames(screen);
    await aliceCall.stopScreenSharing();
    await until(() => !screen.isAvailable, 'Alice’s screen gone at Bob');
    expect(changes.map((e) => e.isAvailable)).to.deep.equal([true, false]);
    expect(sharing.map((e) => e.isScreenSharingOn)).to.deep.equal([true, false]);
  });

  /** How many media m-lines (audio and video transceivers with a mid) the connection to `other` has. */
  function mediaLines(call: Call, other: RemoteParticipant): number {
    const pc = call.peerConnectionOf(other)!;
    return pc.getTransceivers().filter((t) => t.mid !== null).length;
  }

  /** The screen's canvas is 320×180; the fake camera's frames are larger. */
  const SCREEN_HEIGHT = 180;

  it('a call is set up with audio and camera only; sharing adds the screen’s m-line once, both directions, and sharing again reuses it', async () => {
    // No unused video m-line while nobody shares: a cheaper setup and an earlier first frame.
    expect(mediaLines(aliceCall, bobAtAlice)).to.equal(2);
    expect(mediaLines(bobCall, aliceAtBob)).to.equal(2);
    await aliceCall.startScreenSharing(new LocalVideoStream(canvasStream(15), 'ScreenSharing'));
    const aliceScreen = aliceAtBob.videoStreams[1]!;
    await until(() => aliceScreen.isAvailable, 'Alice’s screen available at Bob');
    const view = await rendersFrames(aliceScreen);
    expect(view.videoElement.videoHeight).to.equal(SCREEN_HEIGHT);
    await until(() => mediaLines(aliceCall, bobAtAlice) === 3 && mediaLines(bobCall, aliceAtBob) === 3, 'the screen’s m-line on both ends');

    // The other way on the same m-line: Bob shares while Alice does, and his camera goes on too.
    await bobCall.startScreenSharing(new LocalVideoStream(canvasStream(15), 'ScreenSharing'));
    await bobCall.startVideo(await cameraStream(bob));
    const bobScreen = bobAtAlice.videoStreams[1]!;
    const bobCamera = bobAtAlice.videoStreams[0]!;
    await until(() => bobScreen.isAvailable && bobCamera.isAvailable, 'Bob’s screen and camera available at Alice');
    const [screenView, cameraView] = await Promise.all([rendersFrames(bobScreen), rendersFrames(bobCamera)]);
    expect(screenView.videoElement.videoHeight, 'the screen in the screen’s slot').to.equal(SCREEN_HEIGHT);
    expect(cameraView.videoElement.videoHeight, 'the camera in the camera’s slot').to.not.equal(SCREEN_HEIGHT);
    expect(mediaLines(aliceCall, bobAtAlice)).to.equal(3);

    // Stopped and shared again: a replaceTrack on the m-line it has, and the frames come back.
    await aliceCall.stopScreenSharing();
    await until(() => !aliceScreen.isAvailable, 'Alice’s screen gone at Bob');
    await aliceCall.startScreenSharing(new LocalVideoStream(canvasStream(15), 'ScreenSharing'));
    await until(() => aliceScreen.isAvailable, 'Alice’s screen back at Bob');
    const again = await rendersFrames(aliceScreen);
    expect(again.videoElement.videoHeight).to.equal(SCREEN_HEIGHT);
    expect(mediaLines(aliceCall, bobAtAlice)).to.equal(3);
    expect(aliceCall.state).to.equal('Connected');
    expect(bobCall.state).to.equal('Connected');
  });

  it('both start sharing at the same moment: one m-line for both screens, each decodes the other’s, and the cameras keep showing', async () => {
    // Cameras on and shown first: the collision must not take a camera away from its view.
    await Promise.all([aliceCall.startVideo(await cameraStream(alice)), bobCall.startVideo(await cameraStream(bob))]);
    await until(() => aliceAtBob.videoStreams[0]!.isAvailable && bobAtAlice.videoStreams[0]!.isAvailable, 'both cameras');
    const cameraViews = await Promise.all([rendersFrames(aliceAtBob.videoStreams[0]!), rendersFrames(bobAtAlice.videoStreams[0]!)]);
    await Promise.all([
      aliceCall.startScreenSharing(new LocalVideoStream(canvasStream(15), 'ScreenSharing')),
      bobCall.startScreenSharing(new LocalVideoStream(canvasStream(15), 'ScreenSharing')),
    ]);
    const aliceScreen = aliceAtBob.videoStreams[1]!;
    const bobScreen = bobAtAlice.videoStreams[1]!;
    await until(() => aliceScreen.isAvailable && bobScreen.isAvailable, 'both screens available');
    const views = await Promise.all([rendersFrames(aliceScreen), rendersFrames(bobScreen)]);
    for (const view of views) expect(view.videoElement.videoHeight).to.equal(SCREEN_HEIGHT);
    expect(mediaLines(aliceCall, bobAtAlice)).to.equal(3);
    expect(mediaLines(bobCall, aliceAtBob)).to.equal(3);
    // The camera views from before go on showing the cameras, and a new one does too.
    for (const view of cameraViews) {
      await decodedFrames(view.videoElement, 3);
      expect(view.videoElement.videoHeight).to.not.equal(SCREEN_HEIGHT);
    }
    const again = await Promise.all([rendersFrames(aliceAtBob.videoStreams[0]!), rendersFrames(bobAtAlice.videoStreams[0]!)]);
    for (const view of again) expect(view.videoElement.videoHeight).to.not.equal(SCREEN_HEIGHT);
  });

  it('hold and resume: the other side sees the participant on Hold and its call in RemoteHold, then Connected', async () => {
    await aliceCall.hold();
    expect(aliceCall.state).to.equal('LocalHold');
    await until(() => aliceAtBob.state === 'Hold', `Bob to see Alice on hold (is ${aliceAtBob.state})`);
    await untilState(bobCall, 'RemoteHold');
    await aliceCall.resume();
    await untilState(aliceCall, 'Connected');
    await until(() => aliceAtBob.state === 'Connected', `Bob to see Alice back (is ${aliceAtBob.state})`);
    await untilState(bobCall, 'Connected');
  });

  it('switching the camera replaces the sent track without ending the call, and frames keep decoding', async () => {
    const stream = await cameraStream(alice);
    await aliceCall.startVideo(stream);
    const camera = aliceAtBob.videoStreams[0]!;
    await until(() => camera.isAvailable, 'Alice’s camera available at Bob');
    const view = await rendersFrames(camera);
    const before = stream.track!;
    const cameras = await (await alice.client.getDeviceManager()).getCameras();
    // Chromium's fake capture offers one camera: switching to it again still opens a new track.
    const target = cameras.find((c) => c.id !== stream.source!.id) ?? cameras[0]!;
    await stream.switchSource(target);
    const after = stream.track!;
    expect(after).to.not.equal(before);
    expect(before.readyState).to.equal('ended');
    const pc = aliceCall.peerConnectionOf(bobAtAlice)!;
    await until(() => pc.getSenders().some((s) => s.track === after), 'the new track on the camera sender');
    expect(pc.getSenders().some((s) => s.track === before)).to.equal(false);
    await decodedFrames(view.videoElement, 5);
    expect(aliceCall.state).to.equal('Connected');
    expect(bobCall.state).to.equal('Connected');
    expect(camera.isAvailable).to.equal(true);
  });
});

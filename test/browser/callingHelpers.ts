import { CallClient } from '../../src/calling/callClient.js';
import type { CallAgent, CallAgentEvents } from '../../src/calling/callAgent.js';
import type { Call, CallEvents, CallState } from '../../src/calling/call.js';
import type { RemoteParticipant, RemoteParticipantEvents } from '../../src/calling/remoteParticipant.js';
import type { IncomingCall, IncomingCallEvents } from '../../src/calling/incomingCall.js';
import { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import type { RemoteVideoStream, RemoteVideoStreamEvents } from '../../src/calling/remoteVideoStream.js';
import { VideoStreamRenderer, type VideoStreamRendererView } from '../../src/calling/videoStreamRenderer.js';
import { type TestUser, callingUser, decodedFrames, stopCanvasStreams, testService } from '../kit/browser.js';
import { until } from '../kit/wait.js';

// Moved to the test kit; re-exported while test/ui and calling-api still import them from here.
export { type TestUser, callingUser } from '../kit/browser.js';

export async function untilState(call: Call, state: CallState, timeoutMs?: number): Promise<void> {
  await until(() => call.state === state, { what: () => `call state ${state} (is ${call.state})`, timeoutMs });
}

export function remote(call: Call, userId: string): RemoteParticipant | undefined {
  return call.remoteParticipants.find((p) => p.identifier.kind === 'communicationUser' && p.identifier.communicationUserId === userId);
}

/** Disposes the users' agents and whatever media the helpers opened. */
export async function disposeAll(...users: (TestUser | undefined)[]): Promise<void> {
  await Promise.allSettled(users.map((user) => user?.agent.dispose()));
  releaseMedia();
}

/**
 * Signs these users in (each with a call agent of its own) before each test of the enclosing
 * describe block, and disposes them and the helpers' media after it. The array is refilled per test.
 */
export function callingUsersPerTest(...names: string[]): TestUser[] {
  const users: TestUser[] = [];
  beforeEach(async () => {
    users.splice(0, users.length, ...(await Promise.all(names.map((name) => callingUser(name)))));
  });
  afterEach(() => disposeAll(...users.splice(0)));
  return users;
}

/** The same user signed in on another endpoint (another tab): a second CallClient with the same token. */
export async function anotherEndpoint(user: TestUser, displayName: string): Promise<TestUser> {
  const { endpoint } = await testService();
  const client = new CallClient({ endpoint });
  const agent = await client.createCallAgent(user.token, { displayName });
  return { userId: user.userId, token: user.token, agent, client };
}

export function communicationUser(user: TestUser): { communicationUserId: string } {
  return { communicationUserId: user.userId };
}

/** The next call to ring at this agent. */
export function nextIncomingCall(agent: CallAgent, timeoutMs = 15_000): Promise<IncomingCall> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Timed out waiting for an incoming call')), timeoutMs);
    agent.once('incomingCall', ({ incomingCall }) => {
      clearTimeout(timer);
      resolve(incomingCall);
    });
  });
}

/**
 * `caller` calls `callees`; each accepts (with `video` streams made from its first camera when
 * asked). Resolves when every call is Connected with every remote participant Connected.
 */
export async function connectedCall(
  caller: TestUser,
  callees: TestUser[],
  options: { video?: boolean } = {},
): Promise<{ call: Call; calls: Call[] }> {
  const rings = callees.map((callee) => nextIncomingCall(callee.agent));
  const callerVideo = options.video ? [await cameraStream(caller)] : [];
  const call = caller.agent.startCall(callees.map(communicationUser), { videoOptions: { localVideoStreams: callerVideo } });
  const calls = await Promise.all(
    rings.map(async (ring, index) => {
      const incoming = await ring;
      const video = options.video ? [await cameraStream(callees[index]!)] : [];
      return incoming.accept({ videoOptions: { localVideoStreams: video } });
    }),
  );
  await untilAllConnected([call, ...calls], callees.length);
  return { call, calls };
}

/** Every call Connected with `remotes` remote participants, all Connected. */
export async function untilAllConnected(calls: Call[], remotes: number, timeoutMs = 15_000): Promise<void> {
  const summary = () =>
    calls
      .map((c) => {
        const remotes = c.remoteParticipants.map((p) => {
          const pc = c.peerConnectionOf(p);
          return `${p.displayName ?? '?'}:${p.state}:${pc ? `${pc.connectionState}/${pc.signalingState}` : 'no-pc'}`;
        });
        return `${c.state}[${remotes.join(',')}]`;
      })
      .join(' ');
  await until(
    () =>
      calls.every(
        (c) =>
          c.state === 'Connected' && c.remoteParticipants.length === remotes && c.remoteParticipants.every((p) => p.state === 'Connected'),
      ),
    { what: () => `every call connected with ${remotes} connected remote participants (${summary()})`, timeoutMs },
  );
}

const openedStreams: LocalVideoStream[] = [];

/** A camera stream on the user's first camera; closed by {@link releaseMedia}. */
export async function cameraStream(user: TestUser): Promise<LocalVideoStream> {
  const cameras = await (await user.client.getDeviceManager()).getCameras();
  if (cameras.length === 0) throw new Error('no camera (is Chromium running with fake devices?)');
  const stream = new LocalVideoStream(cameras[0]!);
  openedStreams.push(stream);
  return stream;
}

const views: VideoStreamRendererView[] = [];

/** Renders a remote or local stream into the page and resolves once it has decoded `frames` frames. */
export async function rendersFrames(stream: RemoteVideoStream | LocalVideoStream, frames = 3): Promise<VideoStreamRendererView> {
  const view = await new VideoStreamRenderer(stream).createView();
  views.push(view);
  document.body.append(view.target);
  await decodedFrames(view.videoElement, frames);
  return view;
}

/** Closes cameras, canvas loops and renderer views opened by the helpers. */
export function releaseMedia(): void {
  for (const view of views.splice(0)) view.dispose();
  for (const stream of openedStreams.splice(0)) stream.dispose();
  stopCanvasStreams();
}

/**
 * The loudest level (RMS, 0..1) of an audio track over `durationMs`, read with an AnalyserNode.
 * A remote WebRTC track yields samples only while something plays it; the participant's own
 * audio element does.
 */
export async function peakAudioLevel(track: MediaStreamTrack, durationMs = 3000): Promise<number> {
  const context = new AudioContext();
  try {
    await context.resume();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let peak = 0;
    const end = performance.now() + durationMs;
    while (performance.now() < end) {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      peak = Math.max(peak, Math.sqrt(sum / samples.length));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    source.disconnect();
    return peak;
  } finally {
    await context.close();
  }
}

/** The event map of a calling emitter (class-private fields keep these apart). */
type EventsOf<T> = T extends Call
  ? CallEvents
  : T extends RemoteParticipant
    ? RemoteParticipantEvents
    : T extends RemoteVideoStream
      ? RemoteVideoStreamEvents
      : T extends IncomingCall
        ? IncomingCallEvents
        : T extends CallAgent
          ? CallAgentEvents
          : never;

/** Records the payloads of one event of an emitter, in order. */
export function recordEvents<
  T extends Call | RemoteParticipant | RemoteVideoStream | IncomingCall | CallAgent,
  K extends keyof EventsOf<T> & string,
>(emitter: T, event: K): EventsOf<T>[K][] {
  const seen: EventsOf<T>[K][] = [];
  (emitter as unknown as { on(event: string, listener: (payload: EventsOf<T>[K]) => void): void }).on(event, (payload) =>
    seen.push(payload),
  );
  return seen;
}

/** Makes getUserMedia answer audio-only requests with a steady 440 Hz tone; returns the undo. */
export function stubMicrophoneWithTone(): () => void {
  const devices = navigator.mediaDevices;
  const original = devices.getUserMedia;
  const context = new AudioContext();
  const oscillator = context.createOscillator();
  const destination = context.createMediaStreamDestination();
  oscillator.connect(destination);
  oscillator.start();
  devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    if (constraints?.audio && !constraints.video) return new MediaStream([destination.stream.getAudioTracks()[0]!.clone()]);
    return original.call(devices, constraints);
  };
  return () => {
    devices.getUserMedia = original;
    oscillator.stop();
    void context.close();
  };
}

// The end-to-end tests' page: exposes a small driver over the library on `window.harness`, so a
// test can act as a user in its own browser context (its own IndexedDB) with real media.
import { AzureCommunicationTokenCredential } from '../../../src/common/credential.js';
import { CallClient } from '../../../src/calling/callClient.js';
import type { CallAgent } from '../../../src/calling/callAgent.js';
import type { Call } from '../../../src/calling/call.js';
import type { IncomingCall } from '../../../src/calling/incomingCall.js';
import { LocalVideoStream } from '../../../src/calling/localVideoStream.js';
import { VideoStreamRenderer, type VideoStreamRendererView } from '../../../src/calling/videoStreamRenderer.js';
import { TokenStore } from '../../../src/identity/tokenStore.js';

const SCOPES = ['chat', 'voip'] as const;

let agent: CallAgent | undefined;
let call: Call | undefined;
let incoming: IncomingCall | undefined;
let view: VideoStreamRendererView | undefined;
let framesDecoded = 0;
let tokenRequests = 0;

async function post(path: string, token?: string): Promise<{ user: { communicationUserId: string }; token: string; expiresOn: string }> {
  tokenRequests++;
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: '{}',
  });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

const harness = {
  /** Signs in (or back in, from the token store) and creates the call agent. */
  async signIn(displayName: string): Promise<{ userId: string; tokenRequests: number }> {
    const store = await TokenStore.open({ databaseName: 'harness' });
    let userId = localStorage.getItem('harness-user');
    if (!userId || !(await store.getValidToken(userId, [...SCOPES]))) {
      const issued = await post('/demo/token');
      userId = issued.user.communicationUserId;
      await store.put({ userId, token: issued.token, expiresOn: Date.parse(issued.expiresOn), scopes: [...SCOPES], displayName });
      localStorage.setItem('harness-user', userId);
    }
    const id = userId;
    const credential = new AzureCommunicationTokenCredential({
      refreshProactively: true,
      tokenRefresher: store.createTokenRefresher(
        id,
        [...SCOPES],
        async () => (await post('/demo/token/refresh', (await store.get(id))?.token)).token,
      ),
      token: (await store.get(id))!.token,
    });
    agent = await new CallClient().createCallAgent(credential, { displayName });
    agent.on('incomingCall', ({ incomingCall }) => (incoming = incomingCall));
    return { userId: id, tokenRequests };
  },
  async startCall(userId: string, withVideo: boolean): Promise<void> {
    const streams = withVideo ? [await harness.camera()] : [];
    call = agent!.startCall([{ communicationUserId: userId }], { videoOptions: { localVideoStreams: streams } });
  },
  hasIncomingCall: () => incoming !== undefined && incoming.callEndReason === undefined,
  async accept(withVideo: boolean): Promise<void> {
    const streams = withVideo ? [await harness.camera()] : [];
    call = await incoming!.accept({ videoOptions: { localVideoStreams: streams } });
    incoming = undefined;
  },
  async camera(): Promise<LocalVideoStream> {
    const cameras = await (await new CallClient().getDeviceManager()).getCameras();
    return new LocalVideoStream(cameras[0]!);
  },
  state: () => ({
    call: call?.state ?? 'None',
    endCode: call?.callEndReason?.code,
    remote:
      call?.remoteParticipants.map((p) => ({
        state: p.state,
        name: p.displayName,
        video: p.videoStreams[0]!.isAvailable,
        muted: p.isMuted,
      })) ?? [],
    framesDecoded,
  }),
  /** Renders the first remote camera and counts decoded frames. */
  async showRemoteVideo(): Promise<void> {
    const stream = call!.remoteParticipants[0]!.videoStreams[0]!;
    view = await new VideoStreamRenderer(stream).createView();
    document.getElementById('remote-video')!.append(view.target);
    const count = () => {
      framesDecoded++;
      view?.videoElement.requestVideoFrameCallback(count);
    };
    view.videoElement.requestVideoFrameCallback(count);
  },
  /** The loudest level heard from the first remote participant over `ms` (0 = silence). */
  async remoteAudioLevel(ms: number): Promise<number> {
    const track = call!.remoteParticipants[0]!.audioTrack!;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let peak = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      analyser.getFloatTimeDomainData(samples);
      for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await context.close();
    return peak;
  },
  mute: () => call!.mute(),
  hangUp: () => call!.hangUp(),
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
document.body.dataset.ready = 'true';

// The relay end-to-end tests' page: a call agent whose media may only take a TURN relay
// (`networkConfiguration.iceTransportPolicy: 'relay'`), and a probe of raw TURN credentials.
import { AzureCommunicationTokenCredential } from '../../../src/common/credential.js';
import { CallClient } from '../../../src/calling/callClient.js';
import type { CallAgent } from '../../../src/calling/callAgent.js';
import type { Call } from '../../../src/calling/call.js';
import type { IncomingCall } from '../../../src/calling/incomingCall.js';
import { Features } from '../../../src/calling/features/index.js';
import { LocalVideoStream } from '../../../src/calling/localVideoStream.js';
import { VideoStreamRenderer } from '../../../src/calling/videoStreamRenderer.js';

let agent: CallAgent | undefined;
let call: Call | undefined;
let incoming: IncomingCall | undefined;
let framesDecoded = 0;
let token = '';

async function camera(): Promise<LocalVideoStream> {
  const cameras = await (await new CallClient().getDeviceManager()).getCameras();
  return new LocalVideoStream(cameras[0]!);
}

const harness = {
  async signIn(displayName: string): Promise<string> {
    const response = await fetch('/demo/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    if (!response.ok) throw new Error(`/demo/token: ${response.status}`);
    const issued = (await response.json()) as { user: { communicationUserId: string }; token: string };
    token = issued.token;
    agent = await new CallClient({ networkConfiguration: { iceTransportPolicy: 'relay' } }).createCallAgent(
      new AzureCommunicationTokenCredential(token),
      { displayName },
    );
    agent.on('incomingCall', ({ incomingCall }) => (incoming = incomingCall));
    return issued.user.communicationUserId;
  },
  /** The ICE servers the service hands this user (fresh relay credentials). */
  async callingConfig(): Promise<{ iceServers: RTCIceServer[]; expiresOn?: string }> {
    const response = await fetch('/calling/config?api-version=2026-11-01', { headers: { authorization: `Bearer ${token}` } });
    return response.json();
  },
  async startCall(userId: string): Promise<void> {
    call = agent!.startCall([{ communicationUserId: userId }], { videoOptions: { localVideoStreams: [await camera()] } });
  },
  hasIncomingCall: () => incoming !== undefined && incoming.callEndReason === undefined,
  async accept(): Promise<void> {
    call = await incoming!.accept({ videoOptions: { localVideoStreams: [await camera()] } });
    incoming = undefined;
  },
  state: () => ({
    call: call?.state ?? 'None',
    remote: call?.remoteParticipants.map((p) => ({ state: p.state, video: p.videoStreams[0]!.isAvailable })) ?? [],
    framesDecoded,
    relayRefreshes: agent?.relayRefreshesForTesting ?? 0,
  }),
  async showRemoteVideo(): Promise<void> {
    const view = await new VideoStreamRenderer(call!.remoteParticipants[0]!.videoStreams[0]!).createView();
    document.getElementById('remote-video')!.append(view.target);
    const count = () => {
      framesDecoded++;
      view.videoElement.requestVideoFrameCallback(count);
    };
    view.videoElement.requestVideoFrameCallback(count);
  },
  /** The call's connection diagnostics, serialisable, plus the state and TURN username of the peer connection. */
  async stats() {
    const [first] = await call!.getConnectionStats();
    const pc = call!.peerConnectionOf(call!.remoteParticipants[0]!);
    const servers = pc?.getConfiguration().iceServers ?? [];
    return {
      ...(first ? { ...first, participant: undefined } : {}),
      connectionState: pc?.connectionState,
      turnUsername: servers.map((server) => server.username).find((name) => name !== undefined),
    };
  },
  /** The media paths `Features.MediaStats` reports in its first sample with a transport. */
  async mediaStatsPaths(): Promise<(string | undefined)[]> {
    const collector = call!.feature(Features.MediaStats).createCollector();
    try {
      return await new Promise((resolve) =>
        collector.on('sampleReported', (sample) => {
          if (sample.transports.length > 0) resolve(sample.transports.map((transport) => transport.path));
        }),
      );
    } finally {
      collector.dispose();
    }
  },
  /**
   * Gathers candidates with only these ICE servers, relay only, until gathering completes or a
   * server refuses (`untilRefused`): which candidate types came, and the `icecandidateerror` codes.
   */
  async probeTurn(iceServers: RTCIceServer[], untilRefused: boolean): Promise<{ types: string[]; errorCodes: number[]; state: string }> {
    const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' });
    const types: string[] = [];
    const errorCodes: number[] = [];
    pc.createDataChannel('probe');
    const done = new Promise<void>((resolve) => {
      pc.addEventListener('icecandidate', ({ candidate }) => {
        if (candidate?.type) types.push(candidate.type);
        if (!candidate) resolve();
      });
      pc.addEventListener('icecandidateerror', (event) => {
        errorCodes.push((event as RTCPeerConnectionIceErrorEvent).errorCode);
        if (untilRefused) resolve();
      });
    });
    await pc.setLocalDescription(await pc.createOffer());
    await done;
    const state = pc.connectionState;
    pc.close();
    return { types, errorCodes, state };
  },
  hangUp: () => call?.hangUp(),
};

declare global {
  interface Window {
    relayHarness: typeof harness;
  }
}
window.relayHarness = harness;
document.body.dataset.ready = 'true';

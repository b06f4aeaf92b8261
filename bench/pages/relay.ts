// Relay benchmarks, in one page with fake media: call setup and received frame rate of our calls
// with ICE free to pick (direct on loopback) next to the same calls forced through coturn.
import { CallClient } from '../../src/calling/callClient.js';
import type { CallAgent } from '../../src/calling/callAgent.js';
import { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import { VideoStreamRenderer } from '../../src/calling/videoStreamRenderer.js';
import { demoUser, until } from './pageHelpers.js';

export interface RelaySample {
  connectedMs: number;
  firstFrameMs: number;
  fps: number;
  path: string;
}

async function agentsFor(policy: RTCIceTransportPolicy): Promise<{ a: CallAgent; b: CallAgent; bId: string }> {
  const [a, b] = await Promise.all([demoUser(), demoUser()]);
  const client = () => new CallClient({ networkConfiguration: { iceTransportPolicy: policy } });
  const agentA = await client().createCallAgent(a.token, { displayName: 'A' });
  const agentB = await client().createCallAgent(b.token, { displayName: 'B' });
  const cameras = await (await new CallClient().getDeviceManager()).getCameras();
  agentB.on('incomingCall', ({ incomingCall }) => {
    void incomingCall.accept({ videoOptions: { localVideoStreams: [new LocalVideoStream(cameras[0]!)] } });
  });
  return { a: agentA, b: agentB, bId: b.userId };
}

async function run(policy: RTCIceTransportPolicy, runs: number, fpsWindowMs: number): Promise<RelaySample[]> {
  const { a, b, bId } = await agentsFor(policy);
  const samples: RelaySample[] = [];
  // One warm-up call first.
  for (let i = 0; i <= runs; i++) {
    const start = performance.now();
    const call = a.startCall([{ communicationUserId: bId }]);
    await until(() => call.remoteParticipants[0]?.state === 'Connected');
    const connectedMs = performance.now() - start;
    const stream = call.remoteParticipants[0]!.videoStreams[0]!;
    await until(() => stream.isAvailable);
    const view = await new VideoStreamRenderer(stream).createView();
    document.getElementById('videos')!.append(view.target);
    let frames = 0;
    let first = 0;
    const count = () => {
      if (frames++ === 0) first = performance.now();
      view.videoElement.requestVideoFrameCallback(count);
    };
    view.videoElement.requestVideoFrameCallback(count);
    await until(() => frames > 0);
    const firstFrameMs = first - start;
    const from = frames;
    await new Promise((resolve) => setTimeout(resolve, fpsWindowMs));
    const fps = ((frames - from) * 1000) / fpsWindowMs;
    const [stats] = await call.getConnectionStats();
    view.dispose();
    await call.hangUp();
    await until(() => b.calls.length === 0);
    if (i > 0) samples.push({ connectedMs, firstFrameMs, fps, path: stats?.path ?? 'unknown' });
  }
  await Promise.all([a.dispose(), b.dispose()]);
  return samples;
}

declare global {
  interface Window {
    relayBench: { run: typeof run };
  }
}
window.relayBench = { run };
document.body.dataset.ready = 'true';

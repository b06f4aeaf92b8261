// Call-setup benchmarks, all in one page with fake media: ours (CallAgent → remote participant
// Connected → first decoded remote frame) next to two bare RTCPeerConnections signalled over
// BroadcastChannel, and plain PeerJS (peer.call) against the same signalling server.
import { Peer } from 'peerjs';
import { CallClient } from '../../src/calling/callClient.js';
import type { CallAgent } from '../../src/calling/callAgent.js';
import { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import { VideoStreamRenderer } from '../../src/calling/videoStreamRenderer.js';
import { peerIdFor } from '../../src/calling/peerIds.js';
import { demoUser, until } from './pageHelpers.js';

export interface SetupSample {
  connectedMs: number;
  firstFrameMs: number;
}

/** Resolves at the first frame the element decodes. */
function firstFrame(video: HTMLVideoElement): Promise<number> {
  return new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(performance.now())));
}

function videoElementFor(stream: MediaStream): HTMLVideoElement {
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  video.srcObject = stream;
  document.getElementById('videos')!.append(video);
  void video.play().catch(() => undefined);
  return video;
}

async function camera(): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
}

let agents: { a: CallAgent; b: CallAgent; bId: string } | undefined;

async function ours(): Promise<SetupSample> {
  if (!agents) {
    const [a, b] = await Promise.all([demoUser(), demoUser()]);
    const agentA = await new CallClient().createCallAgent(a.token, { displayName: 'A' });
    const agentB = await new CallClient().createCallAgent(b.token, { displayName: 'B' });
    const cameras = await (await new CallClient().getDeviceManager()).getCameras();
    agentB.on('incomingCall', ({ incomingCall }) => {
      void incomingCall.accept({ videoOptions: { localVideoStreams: [new LocalVideoStream(cameras[0]!)] } });
    });
    agents = { a: agentA, b: agentB, bId: b.userId };
  }
  const { a, b, bId } = agents;
  const start = performance.now();
  const call = a.startCall([{ communicationUserId: bId }]);
  await until(() => call.remoteParticipants[0]?.state === 'Connected');
  const connectedMs = performance.now() - start;
  const stream = call.remoteParticipants[0]!.videoStreams[0]!;
  await until(() => stream.isAvailable);
  const view = await new VideoStreamRenderer(stream).createView();
  document.getElementById('videos')!.append(view.target);
  const firstFrameMs = (await firstFrame(view.videoElement)) - start;
  view.dispose();
  await call.hangUp();
  await until(() => b.calls.length === 0);
  return { connectedMs, firstFrameMs };
}

async function bareRtc(): Promise<SetupSample> {
  const name = `bench-${crypto.randomUUID()}`;
  const channelA = new BroadcastChannel(name);
  const channelB = new BroadcastChannel(name);
  const start = performance.now();
  // The callee's camera opens inside the timed span, as for the others.
  const media = await camera();
  const a = new RTCPeerConnection({ iceServers: [] });
  const b = new RTCPeerConnection({ iceServers: [] });
  a.addTransceiver('audio', { direction: 'recvonly' });
  a.addTransceiver('video', { direction: 'recvonly' });
  media.getTracks().forEach((track) => b.addTrack(track, media));
  a.onicecandidate = ({ candidate }) => candidate && channelA.postMessage({ to: 'b', candidate: candidate.toJSON() });
  b.onicecandidate = ({ candidate }) => candidate && channelB.postMessage({ to: 'a', candidate: candidate.toJSON() });
  let remote: MediaStream | undefined;
  a.ontrack = ({ streams }) => (remote = streams[0]);
  channelB.onmessage = async ({ data }) => {
    if (data.to !== 'b') return;
    if (data.offer) {
      await b.setRemoteDescription(data.offer);
      const answer = await b.createAnswer();
      await b.setLocalDescription(answer);
      channelB.postMessage({ to: 'a', answer: b.localDescription!.toJSON() });
    } else if (data.candidate) await b.addIceCandidate(data.candidate);
  };
  channelA.onmessage = async ({ data }) => {
    if (data.to !== 'a') return;
    if (data.answer) await a.setRemoteDescription(data.answer);
    else if (data.candidate) await a.addIceCandidate(data.candidate);
  };
  const offer = await a.createOffer();
  await a.setLocalDescription(offer);
  channelA.postMessage({ to: 'b', offer: a.localDescription!.toJSON() });
  await until(() => a.connectionState === 'connected');
  const connectedMs = performance.now() - start;
  await until(() => remote !== undefined);
  const video = videoElementFor(remote!);
  const firstFrameMs = (await firstFrame(video)) - start;
  video.remove();
  a.close();
  b.close();
  channelA.close();
  channelB.close();
  media.getTracks().forEach((track) => track.stop());
  return { connectedMs, firstFrameMs };
}

let peers: { a: Peer; b: Peer } | undefined;
/** The callee's media of each call, stopped after it. */
const answered: MediaStream[] = [];

async function plainPeerJs(): Promise<SetupSample> {
  if (!peers) {
    const [a, b] = await Promise.all([demoUser(), demoUser()]);
    const options = (token: string) => ({
      host: location.hostname,
      port: Number(location.port),
      path: '/peerjs',
      secure: location.protocol === 'https:',
      key: 'peerjs',
      token,
      config: { iceServers: [] },
      debug: 0 as const,
    });
    const peerA = new Peer(peerIdFor(a.userId, 'benchA'), options(a.token));
    const peerB = new Peer(peerIdFor(b.userId, 'benchB'), options(b.token));
    await Promise.all([peerA, peerB].map((peer) => new Promise((resolve) => peer.once('open', resolve))));
    // As ours does, the callee opens its camera when the call comes (inside the timed span).
    peerB.on('call', (connection) => {
      void camera().then((media) => {
        answered.push(media);
        connection.answer(media);
      });
    });
    peers = { a: peerA, b: peerB };
  }
  const { a, b } = peers;
  const start = performance.now();
  // As plain PeerJS is used: the caller offers its own camera and microphone (an offer without a
  // video m-line could not receive the callee's video), opened inside the timed span as ours opens
  // its microphone inside startCall.
  const own = await camera();
  const connection = a.call(b.id, own);
  const remote = await new Promise<MediaStream>((resolve) => connection.once('stream', resolve));
  await until(() => connection.peerConnection.connectionState === 'connected');
  const connectedMs = performance.now() - start;
  await until(() => remote.getVideoTracks().length > 0);
  const video = videoElementFor(remote);
  const firstFrameMs = (await firstFrame(video)) - start;
  video.remove();
  connection.close();
  own.getTracks().forEach((track) => track.stop());
  for (const media of answered.splice(0)) media.getTracks().forEach((track) => track.stop());
  return { connectedMs, firstFrameMs };
}

const bench = {
  async run(kind: 'ours' | 'bareRtc' | 'plainPeerJs', runs: number): Promise<SetupSample[]> {
    const samples: SetupSample[] = [];
    const once = kind === 'ours' ? ours : kind === 'bareRtc' ? bareRtc : plainPeerJs;
    await once(); // warm-up: first getUserMedia, first connection
    for (let i = 0; i < runs; i++) samples.push(await once());
    return samples;
  },
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}
window.bench = bench;
document.body.dataset.ready = 'true';

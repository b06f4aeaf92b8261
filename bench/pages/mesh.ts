// Mesh-call benchmarks, every party in one page with fake media: ours (one CallAgent per party; a
// 1:1 call grown with addParticipant to 3 and 4 parties) next to a bare full mesh of
// RTCPeerConnection pairs signalled over BroadcastChannel. Measures the setup time of each party
// that joins (until it is Connected at everyone and everyone at it) and, with the 3- and the
// 4-party call up, the frames decoded per second of every remote camera stream.
import { CallClient } from '../../src/calling/callClient.js';
import type { CallAgent } from '../../src/calling/callAgent.js';
import type { Call } from '../../src/calling/call.js';
import { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import { VideoStreamRenderer } from '../../src/calling/videoStreamRenderer.js';
import type { VideoDeviceInfo } from '../../src/calling/deviceInfo.js';
import { demoUser } from './pageHelpers.js';

export interface MeshResult {
  /** Per run: the setup time (ms) of the 2nd, 3rd, … party, in the order they joined. */
  joins: number[][];
  /** Frames decoded per second of each remote camera stream (every party's view of every other), by call size. */
  fps: Record<number, number[]>;
}

/** Which call sizes the frame rates are measured at. */
const FPS_AT = [3, 4];
const TIMEOUT_MS = 20_000;

async function until(check: () => boolean, what: () => string): Promise<void> {
  const deadline = performance.now() + TIMEOUT_MS;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * Frames per second `video` presents over `ms`, from requestVideoFrameCallback: the count of presented
 * frames (`presentedFrames`, so a callback the page was too busy to run loses no frame) between the
 * first and the last callback, over the time between them.
 */
function framesPerSecond(video: HTMLVideoElement, ms: number): Promise<number> {
  return new Promise((resolve) => {
    let first: { now: number; frames: number } | undefined;
    // A stream that stops presenting frames scores what it managed (0 if none), not a hang.
    let latest = { now: 0, frames: 0 };
    const timer = setTimeout(() => {
      resolve(first && latest.now > first.now ? ((latest.frames - first.frames) * 1000) / (latest.now - first.now) : 0);
    }, ms + 5_000);
    const onFrame = (now: number, metadata: VideoFrameCallbackMetadata) => {
      first ??= { now, frames: metadata.presentedFrames };
      latest = { now, frames: metadata.presentedFrames };
      if (now - first.now < ms) {
        video.requestVideoFrameCallback(onFrame);
        return;
      }
      clearTimeout(timer);
      resolve(((metadata.presentedFrames - first.frames) * 1000) / (now - first.now));
    };
    video.requestVideoFrameCallback(onFrame);
  });
}

/** Measures every video at once for `ms`, after one warm-up second of playing. */
async function measureAll(videos: HTMLVideoElement[], ms: number): Promise<number[]> {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return Promise.all(videos.map((video) => framesPerSecond(video, ms)));
}

function videoFor(stream: MediaStream): HTMLVideoElement {
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  video.srcObject = stream;
  document.getElementById('videos')!.append(video);
  void video.play().catch(() => undefined);
  return video;
}

// ---- ours ----

interface Party {
  agent: CallAgent;
  userId: string;
}

const parties: Party[] = [];
let camera: VideoDeviceInfo | undefined;

async function ourParties(count: number): Promise<Party[]> {
  while (parties.length < count) {
    const user = await demoUser();
    const client = new CallClient();
    camera ??= (await (await client.getDeviceManager()).getCameras())[0];
    const agent = await client.createCallAgent(user.token, { displayName: `P${parties.length}` });
    agent.on('incomingCall', ({ incomingCall }) => {
      void incomingCall.accept({ videoOptions: { localVideoStreams: [new LocalVideoStream(camera!)] } });
    });
    parties.push({ agent, userId: user.userId });
  }
  return parties.slice(0, count);
}

/** Every one of `members` is in a call with all the others Connected. */
function meshConnected(members: Party[]): boolean {
  return members.every(({ agent }) => {
    const call = agent.calls[0];
    return (
      call !== undefined &&
      call.remoteParticipants.length === members.length - 1 &&
      call.remoteParticipants.every((p) => p.state === 'Connected')
    );
  });
}

function describe(members: Party[]): string {
  return members
    .map(
      ({ agent }) =>
        `${agent.displayName}:${agent.calls[0]?.state ?? 'no call'}[${agent.calls[0]?.remoteParticipants.map((p) => p.state).join(',') ?? ''}]`,
    )
    .join(' ');
}

async function ourFps(members: Party[], ms: number): Promise<number[]> {
  const renderers: VideoStreamRenderer[] = [];
  const videos: HTMLVideoElement[] = [];
  for (const { agent } of members) {
    for (const participant of agent.calls[0]!.remoteParticipants) {
      const stream = participant.videoStreams.find((s) => s.mediaStreamType === 'Video')!;
      await until(
        () => stream.isAvailable,
        () => `${participant.displayName}’s camera at ${agent.displayName}`,
      );
      const renderer = new VideoStreamRenderer(stream);
      const view = await renderer.createView();
      document.getElementById('videos')!.append(view.target);
      renderers.push(renderer);
      videos.push(view.videoElement);
    }
  }
  try {
    return await measureAll(videos, ms);
  } finally {
    for (const renderer of renderers) renderer.dispose();
  }
}

async function oursRun(count: number, fpsMs: number | undefined, fps: MeshResult['fps']): Promise<number[]> {
  const members = await ourParties(count);
  const joins: number[] = [];
  let start = performance.now();
  const call: Call = members[0]!.agent.startCall([{ communicationUserId: members[1]!.userId }], {
    videoOptions: { localVideoStreams: [new LocalVideoStream(camera!)] },
  });
  await until(
    () => meshConnected(members.slice(0, 2)),
    () => `a 1:1 call: ${describe(members.slice(0, 2))}`,
  );
  joins.push(performance.now() - start);
  for (let k = 2; k < count; k++) {
    start = performance.now();
    await call.addParticipant({ communicationUserId: members[k]!.userId });
    const inCall = members.slice(0, k + 1);
    await until(
      () => meshConnected(inCall),
      () => `party ${k + 1} to join: ${describe(inCall)}`,
    );
    joins.push(performance.now() - start);
    if (fpsMs !== undefined && FPS_AT.includes(k + 1)) fps[k + 1] = await ourFps(inCall, fpsMs);
  }
  // Ends it for everyone (parallel hang-ups race: the last one finds the call already ended, a 404).
  await call.hangUp({ forEveryone: true });
  await until(
    () => members.every(({ agent }) => agent.calls.length === 0),
    () => `every call to end: ${describe(members)}`,
  );
  return joins;
}

// ---- baseline: bare full mesh ----

interface BarePair {
  /** The party that joined later dials the one already there. */
  dialler: RTCPeerConnection;
  answerer: RTCPeerConnection;
  channels: BroadcastChannel[];
  /** Remote streams: at the dialler (the answerer's camera) and at the answerer. */
  remote: { atDialler?: MediaStream; atAnswerer?: MediaStream };
}

function barePair(diallerMedia: MediaStream, answererMedia: MediaStream): BarePair {
  const name = `mesh-${crypto.randomUUID()}`;
  const toAnswerer = new BroadcastChannel(name);
  const toDialler = new BroadcastChannel(name);
  const dialler = new RTCPeerConnection({ iceServers: [] });
  const answerer = new RTCPeerConnection({ iceServers: [] });
  const pair: BarePair = { dialler, answerer, channels: [toAnswerer, toDialler], remote: {} };
  diallerMedia.getTracks().forEach((track) => dialler.addTrack(track, diallerMedia));
  answererMedia.getTracks().forEach((track) => answerer.addTrack(track, answererMedia));
  dialler.ontrack = ({ streams }) => (pair.remote.atDialler = streams[0]);
  answerer.ontrack = ({ streams }) => (pair.remote.atAnswerer = streams[0]);
  dialler.onicecandidate = ({ candidate }) => candidate && toAnswerer.postMessage({ to: 'answerer', candidate: candidate.toJSON() });
  answerer.onicecandidate = ({ candidate }) => candidate && toDialler.postMessage({ to: 'dialler', candidate: candidate.toJSON() });
  toDialler.onmessage = async ({ data }) => {
    if (data.to !== 'answerer') return;
    if (data.offer) {
      await answerer.setRemoteDescription(data.offer);
      await answerer.setLocalDescription(await answerer.createAnswer());
      toDialler.postMessage({ to: 'dialler', answer: answerer.localDescription!.toJSON() });
    } else if (data.candidate) await answerer.addIceCandidate(data.candidate);
  };
  toAnswerer.onmessage = async ({ data }) => {
    if (data.to !== 'dialler') return;
    if (data.answer) await dialler.setRemoteDescription(data.answer);
    else if (data.candidate) await dialler.addIceCandidate(data.candidate);
  };
  void (async () => {
    await dialler.setLocalDescription(await dialler.createOffer());
    toAnswerer.postMessage({ to: 'answerer', offer: dialler.localDescription!.toJSON() });
  })();
  return pair;
}

async function bareRun(count: number, fpsMs: number | undefined, fps: MeshResult['fps']): Promise<number[]> {
  const media = await Promise.all(Array.from({ length: count }, () => navigator.mediaDevices.getUserMedia({ video: true, audio: true })));
  const pairs: BarePair[] = [];
  const joins: number[] = [];
  try {
    for (let k = 1; k < count; k++) {
      const start = performance.now();
      const added = Array.from({ length: k }, (_, j) => barePair(media[k]!, media[j]!));
      pairs.push(...added);
      await until(
        () => added.every((p) => p.dialler.connectionState === 'connected' && p.answerer.connectionState === 'connected'),
        () => `bare party ${k + 1} to join`,
      );
      joins.push(performance.now() - start);
      if (fpsMs !== undefined && FPS_AT.includes(k + 1)) {
        await until(
          () => pairs.every((p) => p.remote.atDialler && p.remote.atAnswerer),
          () => 'bare remote streams',
        );
        const videos = pairs.flatMap((p) => [videoFor(p.remote.atDialler!), videoFor(p.remote.atAnswerer!)]);
        try {
          fps[k + 1] = await measureAll(videos, fpsMs);
        } finally {
          for (const video of videos) video.remove();
        }
      }
    }
    return joins;
  } finally {
    for (const pair of pairs) {
      pair.dialler.close();
      pair.answerer.close();
      pair.channels.forEach((channel) => channel.close());
    }
    media.forEach((stream) => stream.getTracks().forEach((track) => track.stop()));
  }
}

// ---- group calls by id: join time of each party and what it uploads ----

export interface GroupResult {
  /** Per run: setup time (ms) of the 2nd, 3rd, … party joining by group id. */
  joins: number[][];
  /** Per call size (last run): each party's upload in kbit/s over all its links (audio + video). */
  uploadKbps: Record<number, number[]>;
}

/** Each party's bytes sent per second over `ms`, summed over its links, in kbit/s. */
async function uploadKbps(members: Party[], ms: number): Promise<number[]> {
  const sent = async (party: Party) => {
    const call = party.agent.calls[0]!;
    let bytes = 0;
    for (const participant of call.remoteParticipants) {
      const report = await call.peerConnectionOf(participant)?.getStats();
      report?.forEach((entry: { type: string; bytesSent?: number }) => {
        if (entry.type === 'outbound-rtp') bytes += entry.bytesSent ?? 0;
      });
    }
    return bytes;
  };
  const before = await Promise.all(members.map(sent));
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = await Promise.all(members.map(sent));
  const seconds = (performance.now() - start) / 1000;
  return after.map((b, i) => ((b - before[i]!) * 8) / 1000 / seconds);
}

async function groupRun(count: number, uploadMs: number | undefined, upload: GroupResult['uploadKbps']): Promise<number[]> {
  const members = await ourParties(count);
  const groupId = crypto.randomUUID();
  const joins: number[] = [];
  members[0]!.agent.join({ groupId }, { videoOptions: { localVideoStreams: [new LocalVideoStream(camera!)] } });
  await until(
    () => members[0]!.agent.calls[0]?.state === 'Connected',
    () => 'the first party in the group call',
  );
  for (let k = 1; k < count; k++) {
    const start = performance.now();
    members[k]!.agent.join({ groupId }, { videoOptions: { localVideoStreams: [new LocalVideoStream(camera!)] } });
    const inCall = members.slice(0, k + 1);
    await until(
      () => meshConnected(inCall),
      () => `party ${k + 1} to join the group call: ${describe(inCall)}`,
    );
    joins.push(performance.now() - start);
    if (uploadMs !== undefined) {
      // Let the encoders settle on the new size (the mesh steps each camera down as the call grows).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      upload[k + 1] = await uploadKbps(inCall, uploadMs);
    }
  }
  await Promise.all(members.map(({ agent }) => agent.calls[0]?.hangUp()));
  await until(
    () => members.every(({ agent }) => agent.calls.length === 0),
    () => `every group call to end: ${describe(members)}`,
  );
  return joins;
}

const mesh = {
  /** `runs` group calls of `count` parties built one joiner at a time (after a warm-up); upload measured in the last. */
  async group(count: number, runs: number, uploadMs: number): Promise<GroupResult> {
    const result: GroupResult = { joins: [], uploadKbps: {} };
    await groupRun(count, undefined, result.uploadKbps);
    for (let i = 0; i < runs; i++) result.joins.push(await groupRun(count, i === runs - 1 ? uploadMs : undefined, result.uploadKbps));
    return result;
  },
  /** The bare mesh's join times for `count` parties (the same as `run('bare')`, without frame rates). */
  async bareJoins(count: number, runs: number): Promise<number[][]> {
    const unused: MeshResult['fps'] = {};
    await bareRun(count, undefined, unused);
    const joins: number[][] = [];
    for (let i = 0; i < runs; i++) joins.push(await bareRun(count, undefined, unused));
    return joins;
  },
  /**
   * `runs` times: build a `count`-party call one party at a time; the frame rates are measured in the
   * last run. A warm-up run comes first (first getUserMedia, first connections).
   */
  async run(kind: 'ours' | 'bare', count: number, runs: number, fpsMs: number): Promise<MeshResult> {
    const once = kind === 'ours' ? oursRun : bareRun;
    const result: MeshResult = { joins: [], fps: {} };
    await once(count, undefined, result.fps);
    for (let i = 0; i < runs; i++) result.joins.push(await once(count, i === runs - 1 ? fpsMs : undefined, result.fps));
    return result;
  },
};

declare global {
  interface Window {
    mesh: typeof mesh;
  }
}
window.mesh = mesh;
document.body.dataset.ready = 'true';

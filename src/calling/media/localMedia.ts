import { CallingError } from '../callingErrors.js';

/**
 * What each camera sender may use as a full mesh grows: every participant sends one copy of its
 * video to each other, so its upload grows with the call. Told to the encoder with
 * `RTCRtpSender.setParameters` (no renegotiation). By the number of remote participants.
 */
export const MESH_VIDEO_STEPS: readonly { upTo: number; scaleResolutionDownBy: number; maxBitrate?: number; maxFramerate?: number }[] = [
  // 1:1: the browser's own choice, uncapped (and an encoder never reconfigured for nothing).
  { upTo: 1, scaleResolutionDownBy: 1 },
  { upTo: 3, scaleResolutionDownBy: 1.5, maxBitrate: 700_000, maxFramerate: 24 },
  { upTo: 6, scaleResolutionDownBy: 2, maxBitrate: 400_000, maxFramerate: 15 },
  { upTo: Number.POSITIVE_INFINITY, scaleResolutionDownBy: 3, maxBitrate: 200_000, maxFramerate: 12 },
];

export function meshVideoStep(remotes: number): (typeof MESH_VIDEO_STEPS)[number] {
  return MESH_VIDEO_STEPS.find((step) => remotes <= step.upTo)!;
}

/** The media slots of a peer connection, in the order of their m-lines. */
export type MediaSlot = 'audio' | 'camera' | 'screen';
export const MEDIA_SLOTS: readonly MediaSlot[] = ['audio', 'camera', 'screen'];
/** The slots every peer connection carries from the start. */
type FixedSlot = 'audio' | 'camera';
const FIXED_SLOTS: readonly FixedSlot[] = ['audio', 'camera'];

/**
 * One call's outgoing media. Every peer connection is offered an audio and a camera track from the
 * start, so turning the camera on or switching it is a `replaceTrack` on an existing sender. The
 * screen's m-line is added to a connection the first time the screen is shared while it exists
 * (its {@link CallMedia} link renegotiates over its own data channel: PeerJS cannot), and stays:
 * later shares are a `replaceTrack`. A connection made while the screen is shared has it from the
 * start. Not offering an unused video m-line makes every call's setup cheaper and its first frame
 * sooner. Slots without a source send nothing (`replaceTrack(null)`); a muted microphone keeps its
 * track with `enabled = false`.
 */
export class LocalMedia {
  #microphone: MediaStreamTrack | undefined;
  #camera: MediaStreamTrack | undefined;
  #screen: MediaStreamTrack | undefined;
  #muted = false;
  #onHold = false;
  /** Remote participants in the call now: the camera's encoding follows it (see MESH_VIDEO_STEPS). */
  #meshSize = 1;
  /** Placeholders that only give the negotiation its m-lines; never sent. */
  readonly #placeholders: Record<FixedSlot, MediaStreamTrack>;
  readonly #senders = new Map<RTCPeerConnection, Map<MediaSlot, RTCRtpSender>>();
  readonly #audioContext: AudioContext | undefined;

  constructor() {
    if (typeof RTCPeerConnection === 'undefined' || typeof document === 'undefined') {
      throw CallingError.unsupported('Calling (WebRTC)');
    }
    this.#audioContext = new AudioContext();
    const silent = this.#audioContext.createMediaStreamDestination().stream.getAudioTracks()[0]!;
    this.#placeholders = { audio: silent, camera: blankVideoTrack() };
  }

  get isMuted(): boolean {
    return this.#muted;
  }

  get microphone(): MediaStreamTrack | undefined {
    return this.#microphone;
  }

  get camera(): MediaStreamTrack | undefined {
    return this.#camera;
  }

  get screen(): MediaStreamTrack | undefined {
    return this.#screen;
  }

  /**
   * The stream a new peer connection is offered or answered with: one track per slot, what the slot
   * sends now (nothing to swap while the connection negotiates) or its placeholder, and the screen
   * only while it is shared.
   */
  streamForConnection(): MediaStream {
    const tracks = FIXED_SLOTS.map((slot) => this.#source(slot) ?? this.#placeholders[slot]);
    if (this.#screen) tracks.push(this.#screen);
    return new MediaStream(tracks);
  }

  /**
   * Takes over the senders of a connection that was set up with {@link streamForConnection} (just
   * now: the slots hold what they held then) and makes each send what its slot has now.
   */
  async attach(pc: RTCPeerConnection): Promise<void> {
    const bySlot = new Map<MediaSlot, RTCRtpSender>();
    for (const sender of pc.getSenders()) {
      const track = sender.track;
      if (!track) continue;
      const slot =
        track === this.#screen
          ? 'screen'
          : FIXED_SLOTS.find((candidate) => this.#placeholders[candidate] === track || this.#source(candidate) === track);
      if (slot) bySlot.set(slot, sender);
    }
    this.#senders.set(pc, bySlot);
    await Promise.all([...MEDIA_SLOTS.map((slot) => this.#apply(pc, slot)), this.encodeFor(pc)]);
  }

  /** The call now has this many remote participants: every camera sender follows its step. */
  async setMeshSize(remotes: number): Promise<void> {
    const size = Math.max(1, remotes);
    if (size === this.#meshSize) return;
    const before = meshVideoStep(this.#meshSize);
    this.#meshSize = size;
    if (meshVideoStep(size) === before) return;
    await Promise.all([...this.#senders.keys()].map((pc) => this.encodeFor(pc)));
  }

  /** Sets the camera sender's encoding on one connection for the mesh's size now. */
  async encodeFor(pc: RTCPeerConnection): Promise<void> {
    const sender = this.#senders.get(pc)?.get('camera');
    if (!sender || pc.connectionState === 'closed') return;
    const step = meshVideoStep(this.#meshSize);
    const parameters = sender.getParameters();
    // Before negotiation there are no encodings to set: the link sets them once it connects.
    if (!parameters.encodings?.length) return;
    // Nothing to change: an encoder told what it already does restarts for nothing (a later first frame).
    const same = parameters.encodings.every(
      (e) =>
        (e.scaleResolutionDownBy ?? 1) === step.scaleResolutionDownBy &&
        e.maxFramerate === step.maxFramerate &&
        e.maxBitrate === step.maxBitrate,
    );
    if (same) return;
    for (const encoding of parameters.encodings) {
      encoding.scaleResolutionDownBy = step.scaleResolutionDownBy;
      if (step.maxBitrate === undefined) delete encoding.maxBitrate;
      else encoding.maxBitrate = step.maxBitrate;
      if (step.maxFramerate === undefined) delete encoding.maxFramerate;
      else encoding.maxFramerate = step.maxFramerate;
    }
    try {
      await sender.setParameters(parameters);
    } catch {
      // A connection closing meanwhile refuses it; the next one is set when it attaches.
    }
  }

  detach(pc: RTCPeerConnection): void {
    this.#senders.delete(pc);
  }

  async setMicrophone(track: MediaStreamTrack | undefined): Promise<void> {
    const previous = this.#microphone;
    this.#microphone = track;
    if (track) track.enabled = !this.#muted;
    await this.#applyAll('audio');
    if (previous && previous !== track) previous.stop();
  }

  setMuted(muted: boolean): void {
    this.#muted = muted;
    if (this.#microphone) this.#microphone.enabled = !muted;
  }

  async setCamera(track: MediaStreamTrack | undefined): Promise<void> {
    this.#camera = track;
    await this.#applyAll('camera');
  }

  async setScreen(track: MediaStreamTrack | undefined): Promise<void> {
    this.#screen = track;
    if (track) {
      // A connection without a screen sender gets one now, and its link renegotiates
      // (negotiationneeded): on the video m-line the other side's screen came on, if there is one
      // (so both directions share it), or on a new one.
      for (const [pc, bySlot] of this.#senders) {
        if (bySlot.has('screen') || pc.connectionState === 'closed') continue;
        const camera = bySlot.get('camera');
        const spare = pc
          .getTransceivers()
          .find((t) => t.receiver.track.kind === 'video' && t.sender !== camera && !t.sender.track && t.currentDirection !== 'stopped');
        try {
          if (spare) {
            spare.direction = 'sendrecv';
            spare.sender.setStreams(new MediaStream([track]));
            bySlot.set('screen', spare.sender);
          } else {
            bySlot.set('screen', pc.addTrack(track, new MediaStream([track])));
          }
        } catch {
          // A connection closing meanwhile refuses it.
        }
      }
    }
    await this.#applyAll('screen');
  }

  /** On hold nothing is sent, whatever the slots hold. */
  async setOnHold(onHold: boolean): Promise<void> {
    this.#onHold = onHold;
    await Promise.all(MEDIA_SLOTS.map((slot) => this.#applyAll(slot)));
  }

  /** Stops the call's own tracks (the microphone; camera and screen belong to their streams). */
  dispose(): void {
    this.#microphone?.stop();
    for (const track of Object.values(this.#placeholders)) track.stop();
    this.#senders.clear();
    void this.#audioContext?.close();
  }

  async #applyAll(slot: MediaSlot): Promise<void> {
    await Promise.all([...this.#senders.keys()].map((pc) => this.#apply(pc, slot)));
  }

  /** What a slot sends now: nothing on hold or without a source. */
  #source(slot: MediaSlot): MediaStreamTrack | undefined {
    if (this.#onHold) return undefined;
    return slot === 'audio' ? this.#microphone : slot === 'camera' ? this.#camera : this.#screen;
  }

  async #apply(pc: RTCPeerConnection, slot: MediaSlot): Promise<void> {
    const sender = this.#senders.get(pc)?.get(slot);
    if (!sender || pc.connectionState === 'closed') return;
    const track = this.#source(slot) ?? null;
    if (sender.track === track) return;
    try {
      await sender.replaceTrack(track);
    } catch {
      // A connection closing meanwhile refuses the swap; there is nothing to send to any more.
    }
  }
}

/** A video track with no frames: it exists only so the offer has a video m-line for its slot. */
function blankVideoTrack(): MediaStreamTrack {
  const canvas = document.createElement('canvas');
  canvas.width = 16;
  canvas.height = 16;
  const track = canvas.captureStream(0).getVideoTracks()[0];
  if (!track) throw CallingError.unsupported('Canvas capture');
  return track;
}

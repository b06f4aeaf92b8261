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

/** The three media slots every peer connection carries from the start, in this order. */
export type MediaSlot = 'audio' | 'camera' | 'screen';
export const MEDIA_SLOTS: readonly MediaSlot[] = ['audio', 'camera', 'screen'];

/**
 * One call's outgoing media. Every peer connection is offered an audio and two video tracks
 * (camera, screen) from the start, so turning the camera on, switching it, or sharing the screen is
 * a `replaceTrack` on an existing sender: PeerJS cannot renegotiate. Slots without a source send
 * nothing (`replaceTrack(null)`); a muted microphone keeps its track with `enabled = false`.
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
  readonly #placeholders: Record<MediaSlot, MediaStreamTrack>;
  readonly #senders = new Map<RTCPeerConnection, Map<MediaSlot, RTCRtpSender>>();
  readonly #audioContext: AudioContext | undefined;

  constructor() {
    if (typeof RTCPeerConnection === 'undefined' || typeof document === 'undefined') {
      throw CallingError.unsupported('Calling (WebRTC)');
    }
    this.#audioContext = new AudioContext();
    const silent = this.#audioContext.createMediaStreamDestination().stream.getAudioTracks()[0]!;
    this.#placeholders = { audio: silent, camera: blankVideoTrack(), screen: blankVideoTrack() };
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

  /** The stream a new peer connection is offered or answered with: one track per slot. */
  streamForConnection(): MediaStream {
    return new MediaStream(MEDIA_SLOTS.map((slot) => this.#placeholders[slot]));
  }

  /**
   * Takes over the senders of a connection that was set up with {@link streamForConnection} and
   * makes each send what its slot has now.
   */
  async attach(pc: RTCPeerConnection): Promise<void> {
    const bySlot = new Map<MediaSlot, RTCRtpSender>();
    for (const sender of pc.getSenders()) {
      const slot = MEDIA_SLOTS.find((candidate) => this.#placeholders[candidate] === sender.track);
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

  async #apply(pc: RTCPeerConnection, slot: MediaSlot): Promise<void> {
    const sender = this.#senders.get(pc)?.get(slot);
    if (!sender || pc.connectionState === 'closed') return;
    const track = this.#onHold ? null : ((slot === 'audio' ? this.#microphone : slot === 'camera' ? this.#camera : this.#screen) ?? null);
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

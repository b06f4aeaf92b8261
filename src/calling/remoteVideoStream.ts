import { TypedEventEmitter } from '../common/events.js';
import type { MediaStreamType } from './deviceInfo.js';

export type RemoteVideoStreamEvents = {
  isAvailableChanged: { isAvailable: boolean };
};

/**
 * A remote participant's camera or screen. `isAvailable` is true while the participant sends it
 * (announced over the control plane) and its track has arrived; render it with VideoStreamRenderer.
 */
export class RemoteVideoStream extends TypedEventEmitter<RemoteVideoStreamEvents> {
  readonly id: number;
  readonly mediaStreamType: MediaStreamType;
  #track: MediaStreamTrack | undefined;
  #announced = false;
  #isAvailable = false;

  constructor(id: number, mediaStreamType: MediaStreamType) {
    super();
    this.id = id;
    this.mediaStreamType = mediaStreamType;
  }

  get isAvailable(): boolean {
    return this.#isAvailable;
  }

  /** The received track (present from connection on; carries frames only while available). */
  get track(): MediaStreamTrack | undefined {
    return this.#track;
  }

  /** A stream with the track, for a `<video>` element; `undefined` until media is connected. */
  getMediaStream(): MediaStream | undefined {
    return this.#track ? new MediaStream([this.#track]) : undefined;
  }

  /** @internal */
  update(track: MediaStreamTrack | undefined, announced: boolean): void {
    this.#track = track;
    this.#announced = announced;
    const isAvailable = this.#announced && this.#track !== undefined && this.#track.readyState === 'live';
    if (isAvailable === this.#isAvailable) return;
    this.#isAvailable = isAvailable;
    this.emit('isAvailableChanged', { isAvailable });
  }
}

import { TypedEventEmitter } from '../common/events.js';
import { CallingError } from './callingErrors.js';
import type { MediaStreamType, VideoDeviceInfo } from './deviceInfo.js';

export type LocalVideoStreamEvents = {
  /** The stream's track changed (a camera switch): renderers and calls pick up the new one. */
  sourceChanged: { stream: MediaStream };
};

/**
 * Local video: a camera (`new LocalVideoStream(camera)`) or a ready `MediaStream`, such as a
 * screen capture or a canvas (`new LocalVideoStream(stream, 'ScreenSharing')`). The camera is
 * opened on first use and closed by {@link dispose}.
 */
export class LocalVideoStream extends TypedEventEmitter<LocalVideoStreamEvents> {
  readonly id = crypto.randomUUID();
  readonly mediaStreamType: MediaStreamType;
  #source: VideoDeviceInfo | undefined;
  #stream: MediaStream | undefined;
  #opening: Promise<MediaStream> | undefined;

  constructor(source: VideoDeviceInfo | MediaStream, mediaStreamType?: MediaStreamType) {
    super();
    if (typeof MediaStream !== 'undefined' && source instanceof MediaStream) {
      if (source.getVideoTracks().length === 0) throw new TypeError('The MediaStream has no video track.');
      this.#stream = source;
      this.mediaStreamType = mediaStreamType ?? 'Video';
    } else if (source && typeof (source as VideoDeviceInfo).id === 'string') {
      this.#source = source as VideoDeviceInfo;
      this.mediaStreamType = mediaStreamType ?? 'Video';
    } else {
      throw new TypeError('Pass a camera (VideoDeviceInfo) or a MediaStream with a video track.');
    }
  }

  /** The camera this stream shows; `undefined` for a stream made from a MediaStream. */
  get source(): VideoDeviceInfo | undefined {
    return this.#source;
  }

  /** The stream, opening the camera if it is not open yet. */
  getMediaStream(): Promise<MediaStream> {
    if (this.#stream) return Promise.resolve(this.#stream);
    this.#opening ??= openCamera(this.#source!.id).then(
      (stream) => {
        this.#stream = stream;
        this.#opening = undefined;
        return stream;
      },
      (error: unknown) => {
        this.#opening = undefined;
        throw error;
      },
    );
    return this.#opening;
  }

  /** The video track, once the stream is open. */
  get track(): MediaStreamTrack | undefined {
    return this.#stream?.getVideoTracks()[0];
  }

  /** Shows another camera; calls using this stream switch with `replaceTrack`, no renegotiation. */
  async switchSource(source: VideoDeviceInfo): Promise<void> {
    if (!source || typeof source.id !== 'string') throw new TypeError('Pass a camera (VideoDeviceInfo).');
    if (!this.#source) throw CallingError.invalidState('switch the source of', 'a stream without a camera');
    const stream = await openCamera(source.id);
    const previous = this.#stream;
    this.#source = source;
    this.#stream = stream;
    this.emit('sourceChanged', { stream });
    previous?.getTracks().forEach((track) => track.stop());
  }

  /** Closes the camera (a stream given as a MediaStream stays the caller's to stop). */
  dispose(): void {
    if (this.#source) this.#stream?.getTracks().forEach((track) => track.stop());
    this.#stream = this.#source ? undefined : this.#stream;
  }
}

async function openCamera(deviceId: string): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia({ video: { deviceId: { exact: deviceId } }, audio: false });
  } catch (cause) {
    throw CallingError.deviceUnavailable('camera', cause);
  }
}

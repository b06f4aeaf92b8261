import { CallingError } from './callingErrors.js';
import type { LocalVideoStream } from './localVideoStream.js';
import type { RemoteVideoStream } from './remoteVideoStream.js';

export type ScalingMode = 'Stretch' | 'Crop' | 'Fit';

export interface CreateViewOptions {
  scalingMode?: ScalingMode;
  isMirrored?: boolean;
}

const OBJECT_FIT: Record<ScalingMode, string> = { Stretch: 'fill', Crop: 'cover', Fit: 'contain' };

/** One rendering of a video stream: `target` is the element to put in the page. */
export class VideoStreamRendererView {
  readonly target: HTMLElement;
  readonly #video: HTMLVideoElement;
  #scalingMode: ScalingMode;
  readonly #isMirrored: boolean;
  #disposed = false;
  readonly #cleanup: () => void;

  /** @internal */
  constructor(video: HTMLVideoElement, options: Required<CreateViewOptions>, cleanup: () => void) {
    this.#video = video;
    this.#scalingMode = options.scalingMode;
    this.#isMirrored = options.isMirrored;
    this.#cleanup = cleanup;
    const target = document.createElement('div');
    target.style.cssText = 'width:100%;height:100%;position:relative;overflow:hidden;';
    video.style.cssText = `width:100%;height:100%;display:block;object-fit:${OBJECT_FIT[options.scalingMode]};${
      options.isMirrored ? 'transform:scaleX(-1);' : ''
    }`;
    target.append(video);
    this.target = target;
  }

  get scalingMode(): ScalingMode {
    return this.#scalingMode;
  }

  get isMirrored(): boolean {
    return this.#isMirrored;
  }

  /** @internal The video element, for frame callbacks in tests and benchmarks. */
  get videoElement(): HTMLVideoElement {
    return this.#video;
  }

  async updateScalingMode(scalingMode: ScalingMode): Promise<void> {
    if (!(scalingMode in OBJECT_FIT)) throw new TypeError(`Unknown scaling mode: ${String(scalingMode)}.`);
    this.#scalingMode = scalingMode;
    this.#video.style.objectFit = OBJECT_FIT[scalingMode];
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#cleanup();
    this.#video.srcObject = null;
    this.target.remove();
  }
}

/**
 * Renders a local or remote video stream into `<video>` elements. A view follows its stream: a
 * camera switch or a remote stream becoming available again shows without a new view.
 */
export class VideoStreamRenderer {
  readonly #stream: LocalVideoStream | RemoteVideoStream;
  readonly #views = new Set<VideoStreamRendererView>();

  constructor(stream: LocalVideoStream | RemoteVideoStream) {
    if (!stream || typeof stream.on !== 'function') throw new TypeError('Pass a LocalVideoStream or RemoteVideoStream.');
    this.#stream = stream;
  }

  async createView(options: CreateViewOptions = {}): Promise<VideoStreamRendererView> {
    if (typeof document === 'undefined') throw CallingError.unsupported('Rendering video (a DOM)');
    const video = document.createElement('video');
    video.autoplay = true;
    video.muted = true; // Sound plays through the call's audio, not through video elements.
    video.playsInline = true;
    const show = async () => {
      const stream = 'getMediaStream' in this.#stream ? await this.#stream.getMediaStream() : undefined;
      if (video.srcObject !== stream) video.srcObject = stream ?? null;
      if (stream) void video.play().catch(() => undefined);
    };
    const stream = this.#stream;
    const local = 'switchSource' in stream;
    if (!local && !(stream as RemoteVideoStream).isAvailable) {
      throw new CallingError('StreamNotAvailable', 'The remote video stream is not available.');
    }
    const onChange = () => void show();
    if (local) (stream as LocalVideoStream).on('sourceChanged', onChange);
    else (stream as RemoteVideoStream).on('isAvailableChanged', onChange);
    await show();
    const view = new VideoStreamRendererView(
      video,
      { scalingMode: options.scalingMode ?? 'Crop', isMirrored: options.isMirrored ?? false },
      () => {
        if (local) (stream as LocalVideoStream).off('sourceChanged', onChange);
        else (stream as RemoteVideoStream).off('isAvailableChanged', onChange);
        this.#views.delete(view);
      },
    );
    this.#views.add(view);
    return view;
  }

  dispose(): void {
    for (const view of [...this.#views]) view.dispose();
  }
}

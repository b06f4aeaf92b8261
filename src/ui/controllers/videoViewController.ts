import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LocalVideoStream } from '../../calling/localVideoStream.js';
import type { RemoteVideoStream } from '../../calling/remoteVideoStream.js';
import { type CreateViewOptions, VideoStreamRenderer, type VideoStreamRendererView } from '../../calling/videoStreamRenderer.js';

/**
 * One rendered video in a host: the host says which stream should show now ({@link show}, from
 * `willUpdate`), the controller makes or drops the VideoStreamRenderer view and asks for an update
 * when it is ready. Nothing renders while the host is out of the page.
 */
export class VideoViewController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #stream: LocalVideoStream | RemoteVideoStream | undefined;
  #options: CreateViewOptions = {};
  #renderer: VideoStreamRenderer | undefined;
  #view: VideoStreamRendererView | undefined;
  #generation = 0;
  #connected = false;
  /** Why the last view could not be made (a camera that cannot be opened). */
  error: unknown;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** The view to put in the page, once it is ready. */
  get view(): VideoStreamRendererView | undefined {
    return this.#view;
  }

  /** Shows `stream` (or nothing); the same stream with the same options keeps its view. */
  show(stream: LocalVideoStream | RemoteVideoStream | undefined, options: CreateViewOptions = {}): void {
    if (stream === this.#stream && options.isMirrored === this.#options.isMirrored && options.scalingMode === this.#options.scalingMode) {
      return;
    }
    this.#stream = stream;
    this.#options = options;
    this.error = undefined;
    this.#release();
    if (this.#connected) this.#create();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#create();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#release();
  }

  #create(): void {
    const stream = this.#stream;
    if (!stream) return;
    const generation = ++this.#generation;
    const renderer = new VideoStreamRenderer(stream);
    renderer.createView(this.#options).then(
      (view) => {
        if (generation !== this.#generation) {
          renderer.dispose();
          return;
        }
        this.#renderer = renderer;
        this.#view = view;
        this.#host.requestUpdate();
      },
      (error: unknown) => {
        renderer.dispose();
        if (generation !== this.#generation) return;
        this.error = error;
        this.#host.requestUpdate();
      },
    );
  }

  #release(): void {
    this.#generation++;
    const hadView = this.#view !== undefined;
    this.#renderer?.dispose();
    this.#renderer = undefined;
    this.#view = undefined;
    if (hadView) this.#host.requestUpdate();
  }
}

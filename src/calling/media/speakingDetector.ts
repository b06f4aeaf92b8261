/**
 * Tells whether someone is speaking from the level of their audio track (WebAudio analyser, polled
 * ten times a second): speaking once the level stays over a threshold, silent after half a second
 * below it, so single clicks do not flicker the indicator.
 */
export class SpeakingDetector {
  readonly #analyser: AnalyserNode;
  readonly #source: MediaStreamAudioSourceNode;
  readonly #samples: Float32Array<ArrayBuffer>;
  readonly #timer: ReturnType<typeof setInterval>;
  #speaking = false;
  #loudPolls = 0;
  #quietPolls = 0;

  constructor(
    context: AudioContext,
    track: MediaStreamTrack,
    private readonly onChange: (speaking: boolean) => void,
    private readonly threshold = 0.01,
  ) {
    this.#source = context.createMediaStreamSource(new MediaStream([track]));
    this.#analyser = context.createAnalyser();
    this.#analyser.fftSize = 512;
    this.#samples = new Float32Array(this.#analyser.fftSize);
    this.#source.connect(this.#analyser);
    this.#timer = setInterval(() => this.#poll(), 100);
  }

  /** Root mean square of the latest samples, 0 (silence) to 1. */
  get level(): number {
    this.#analyser.getFloatTimeDomainData(this.#samples);
    let sum = 0;
    for (const sample of this.#samples) sum += sample * sample;
    return Math.sqrt(sum / this.#samples.length);
  }

  dispose(): void {
    clearInterval(this.#timer);
    this.#source.disconnect();
  }

  #poll(): void {
    const loud = this.level > this.threshold;
    this.#loudPolls = loud ? this.#loudPolls + 1 : 0;
    this.#quietPolls = loud ? 0 : this.#quietPolls + 1;
    if (!this.#speaking && this.#loudPolls >= 2) this.#set(true);
    else if (this.#speaking && this.#quietPolls >= 5) this.#set(false);
  }

  #set(speaking: boolean): void {
    this.#speaking = speaking;
    this.onChange(speaking);
  }
}

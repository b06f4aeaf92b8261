import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Call, ConnectionStats } from '../../calling/call.js';
import type { RemoteParticipant } from '../../calling/remoteParticipant.js';

/** How often the shown diagnostics are refreshed. */
const REFRESH_MS = 2000;

/**
 * Connection diagnostics for a host that shows them on request: while `call` is set and the host is
 * connected, reads `call.getConnectionStats()` now and every two seconds, and asks the host to update
 * with each result. Nothing runs while `call` is unset (the diagnostics are off).
 */
export class ConnectionStatsController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #call: Call | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #stats = new Map<RemoteParticipant, ConnectionStats>();
  #connected = false;
  #reading = false;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** The latest diagnostics of a participant, while they are on. */
  of(participant: RemoteParticipant): ConnectionStats | undefined {
    return this.#call ? this.#stats.get(participant) : undefined;
  }

  /** The call to read, or `undefined` to stop. */
  set call(call: Call | undefined) {
    if (call === this.#call) return;
    this.#call = call;
    this.#stats = new Map();
    this.#restart();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#restart();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#restart();
  }

  #restart(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (!this.#call || !this.#connected) return;
    void this.#read();
    this.#timer = setInterval(() => void this.#read(), REFRESH_MS);
  }

  async #read(): Promise<void> {
    const call = this.#call;
    if (!call || this.#reading) return;
    if (call.state === 'Disconnected') return this.#restartAfterEnd();
    this.#reading = true;
    try {
      const entries = await call.getConnectionStats();
      if (call !== this.#call) return;
      this.#stats = new Map(entries.map(({ participant, ...stats }) => [participant, stats]));
      this.#host.requestUpdate();
    } catch {
      // A connection closing while it is read: the next read has the rest.
    } finally {
      this.#reading = false;
    }
  }

  #restartAfterEnd(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

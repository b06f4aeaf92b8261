import type { AppendedEvent } from './eventLog.js';

/**
 * Live delivery: how the events a transaction appended to the log reach the service instances that
 * hold the recipients' sockets, once it has committed. One instance today (in process); the seam is
 * this interface, so a second instance could subscribe to the same log through another transport
 * (PostgreSQL LISTEN/NOTIFY, Redis) without the hub changing. Each announcement carries everything
 * a subscriber needs to write the frames: the event once, and each recipient's sequence number of it.
 *
 * Announcements are in log order, and only of committed events; a subscriber that misses some (a
 * second instance restarting) loses nothing: its sockets resume from the log.
 */
export interface LiveEvents {
  /** Announces events that have just committed, in log order. */
  announce(events: readonly AppendedEvent[]): void;
  /** Calls `listener` with every announcement from now on; returns the unsubscribe. */
  subscribe(listener: (events: readonly AppendedEvent[]) => void): () => void;
}

/** Live delivery within one process: announcements go to the subscribers synchronously. */
export class InProcessLiveEvents implements LiveEvents {
  readonly #listeners = new Set<(events: readonly AppendedEvent[]) => void>();

  announce(events: readonly AppendedEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener(events);
      } catch (error) {
        console.error('A live-event subscriber failed:', error);
      }
    }
  }

  subscribe(listener: (events: readonly AppendedEvent[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * A small typed event emitter. Each emitter declares an event map (event name to payload type), so
 * listeners are type-checked. A listener that throws is reported and does not stop the others.
 */
export type EventMap = Record<string, unknown>;
export type Listener<T> = (payload: T) => void;

export class TypedEventEmitter<Events extends EventMap> {
  #listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const wrapper: Listener<Events[K]> = (payload) => {
      this.off(event, wrapper);
      listener(payload);
    };
    this.on(event, wrapper);
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  protected removeAllListeners(): void {
    this.#listeners.clear();
  }
}

/** Reports without rethrowing: one failing listener must not break the emitter or its other listeners. */
function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else console.error('Uncaught error in an event listener:', error);
}

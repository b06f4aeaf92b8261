/**
 * The one way tests wait for a condition, in Node and in the browser: poll `check` until it gives a
 * truthy value. There is no speed assertion here: the timeout only stops a broken build from hanging
 * the run, and says what never happened.
 */

/** A generous bound, below the browser runner's 20 s per-test timeout so this message wins. */
export const UNTIL_TIMEOUT_MS = 15_000;

export interface UntilOptions {
  /** What is awaited, for the timeout message; a function is read only when the wait times out (so it can show the last state). */
  what: string | (() => string);
  /** Pause between checks; 20 ms by default. */
  intervalMs?: number;
  /** When to give up; {@link UNTIL_TIMEOUT_MS} by default. */
  timeoutMs?: number;
}

/**
 * Resolves with the first truthy value of `check()` (which may be async); rejects with
 * "Timed out … waiting for <what>" after the timeout. An error thrown by `check` rejects at once.
 * A string stands for `{ what }`.
 */
export async function until<T>(check: () => T | Promise<T>, options: UntilOptions | string): Promise<NonNullable<T>> {
  const { what, intervalMs = 20, timeoutMs = UNTIL_TIMEOUT_MS } = typeof options === 'string' ? { what: options } : options;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

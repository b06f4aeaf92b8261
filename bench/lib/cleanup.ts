/**
 * Everything a suite starts (service processes, demo servers, browsers, sockets) registers its stop
 * here. Suites stop their own resources in `finally` as usual; the runner calls {@link stopAll} after
 * every suite as well, so a suite that failed or ran past its time budget leaves nothing running
 * (closing its browser or server also unblocks whatever it was still waiting on).
 */
type Stop = () => unknown;

const running = new Map<number, { what: string; stop: Stop }>();
let next = 0;

/** Registers `stop`; returns a function that stops the resource now (once) and unregisters it. */
export function track(what: string, stop: Stop): () => Promise<void> {
  const id = next++;
  running.set(id, { what, stop });
  return async () => {
    const entry = running.get(id);
    if (!entry) return;
    running.delete(id);
    await entry.stop();
  };
}

/** Stops everything still registered, newest first; reports (does not throw) what failed to stop. */
export async function stopAll(timeoutMs = 15_000): Promise<string[]> {
  const entries = [...running.entries()].reverse();
  running.clear();
  const problems: string[] = [];
  for (const [, { what, stop }] of entries) {
    try {
      await withTimeout(Promise.resolve().then(stop), timeoutMs, `stopping ${what}`);
    } catch (error) {
      problems.push(`${what}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** How many resources are registered (for the runner's report of leftovers). */
export function runningCount(): number {
  return running.size;
}

/** Rejects with `what timed out` after `ms`; the timer never keeps the process alive. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${Math.round(ms / 1000)} s`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

import { AbortError, throwIfAborted } from './errors.js';

/**
 * Runs `task` while holding the named exclusive lock. In browsers this is the Web Locks API, so the
 * lock holds across every tab and worker of the origin; elsewhere (Node) a per-process queue.
 */
export async function withLock<T>(name: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  throwIfAborted(signal);
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks) {
    try {
      return (await locks.request(name, signal ? { mode: 'exclusive', signal } : { mode: 'exclusive' }, task)) as T;
    } catch (error) {
      // Waiting for the lock was cancelled: report it as the library's AbortError.
      if (signal?.aborted) throw new AbortError(undefined, { cause: error });
      throw error;
    }
  }
  return withLocalLock(name, async () => {
    throwIfAborted(signal);
    return task();
  });
}

const localQueues = new Map<string, Promise<unknown>>();

async function withLocalLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const previous = localQueues.get(name) ?? Promise.resolve();
  const run = previous.then(task, task);
  const tail = run.catch(() => undefined);
  localQueues.set(name, tail);
  try {
    return await run;
  } finally {
    if (localQueues.get(name) === tail) localQueues.delete(name);
  }
}

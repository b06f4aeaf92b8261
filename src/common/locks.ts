/**
 * Runs `task` while holding the named exclusive lock. In browsers this is the Web Locks API, so the
 * lock holds across every tab and worker of the origin; elsewhere (Node) a per-process queue.
 */
export async function withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks) return locks.request(name, { mode: 'exclusive' }, task) as Promise<T>;
  return withLocalLock(name, task);
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

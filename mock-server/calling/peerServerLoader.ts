import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { compileFunction } from 'node:vm';
import type { ExpressPeerServer as ExpressPeerServerType } from 'peer';

const require = createRequire(import.meta.url);

/** A private instance of the `peer` package whose background timers the service can stop. */
export interface LoadedPeerServer {
  ExpressPeerServer: typeof ExpressPeerServerType;
  /** Stops its timers for good: a closed service leaves nothing running and the process can exit. */
  stopTimers(): void;
}

/**
 * Loads `peer` with its own `setTimeout`/`clearTimeout`. The package re-arms two housekeeping
 * timers forever (broken-connection checks every 300 ms, message expiry) and offers no way to stop
 * them, so a service that closed would still keep Node alive. Each load gets timers that are
 * unref'd, tracked, and refused once stopped; the package's code is otherwise run unchanged.
 */
export function loadPeerServer(): LoadedPeerServer {
  const file = require.resolve('peer');
  const source = readFileSync(file, 'utf8');
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stopped = false;
  const ownSetTimeout = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = setTimeout(
      (...callbackArgs: unknown[]) => {
        timers.delete(timer);
        if (!stopped) callback(...callbackArgs);
      },
      ms,
      ...args,
    );
    timer.unref();
    if (stopped) clearTimeout(timer);
    else timers.add(timer);
    return timer;
  };
  const ownClearTimeout = (timer: ReturnType<typeof setTimeout> | undefined) => {
    if (timer) timers.delete(timer);
    clearTimeout(timer);
  };
  const module = { exports: {} as { ExpressPeerServer: typeof ExpressPeerServerType } };
  const run = compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname', 'setTimeout', 'clearTimeout'], {
    filename: file,
  });
  run(module.exports, createRequire(file), module, file, file.replace(/[/\\][^/\\]*$/, ''), ownSetTimeout, ownClearTimeout);
  return {
    ExpressPeerServer: module.exports.ExpressPeerServer,
    stopTimers() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

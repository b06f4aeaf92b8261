import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { track } from './cleanup.js';

/**
 * Starts a Node program in its own process (so servers and the clients measuring them do not share
 * an event loop) and waits for it to print a line matching `ready`; returns the match. The process
 * is registered with the bench's cleanup, so it is stopped even when the suite fails; a process that
 * does not start in time is killed.
 */
export async function startProcess(
  args: string[],
  ready: RegExp,
  timeoutMs = 30_000,
  nodeArgs: string[] = [],
): Promise<{ child: ChildProcess; match: RegExpMatchArray; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = track(`process ${args.join(' ')}`, () => stopChild(child));
  let output = '';
  try {
    const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start:\n${output}`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const found = output.match(ready);
        if (found) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          resolve(found);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`));
      });
    });
    child.stdout!.resume();
    return { child, match, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** SIGTERM, then SIGKILL if the process has not exited within 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Where the service keeps its data: the default SQLite data folder on disk, or `--memory`. */
export type Storage = 'disk' | 'memory';
export const STORAGES: readonly Storage[] = ['disk', 'memory'];
export const storageName = (storage: Storage): string => (storage === 'disk' ? 'on-disk SQLite (default)' : 'in memory (--memory)');

/** The service's heap and RSS after a forced collection, as it reports them (`--stats-on-signal`). */
export interface ServiceMemory {
  heapUsed: number;
  rss: number;
}

/**
 * The service on a free loopback port, on `storage` (disk: a fresh data folder in the temp dir,
 * removed when it stops); `connectionString` from what it prints. With `stats`, `memory()` asks
 * the service for a status line (SIGUSR2; taken after a forced GC) and waits for it. The collection
 * happens only when asked, never during a timed round: each forced full GC also throws away the
 * optimized code of the request path (V8 deoptimizes code whose embedded maps died), which a
 * baseline never pays.
 */
export async function startServiceProcess(options: { storage?: Storage; stats?: boolean; extraArgs?: string[] } = {}) {
  const storage = options.storage ?? 'memory';
  const dataDir = storage === 'disk' ? mkdtempSync(join(tmpdir(), 'bench-service-')) : undefined;
  const storageArgs = dataDir ? ['--data', dataDir] : ['--memory'];
  let started;
  try {
    started = await startProcess(
      ['mock-server/main.ts', ...storageArgs, '--port', '0', ...(options.stats ? ['--stats-on-signal'] : []), ...(options.extraArgs ?? [])],
      /endpoint=(\S+?);accesskey=\S+/,
      30_000,
      // BENCH_CPU_PROF=DIR: a CPU profile of each service process, written to DIR when it stops.
      [
        ...(options.stats ? ['--expose-gc'] : []),
        ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      ],
    );
  } catch (error) {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const waiting: ((memory: ServiceMemory) => void)[] = [];
  let buffered = '';
  started.child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('STATS ')) continue;
      const stats = JSON.parse(line.slice(6)) as ServiceMemory;
      for (const resolve of waiting.splice(0)) resolve({ heapUsed: stats.heapUsed, rss: stats.rss });
    }
  });
  const stop = async () => {
    await started.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    ...started,
    stop,
    storage,
    connectionString: started.match[0],
    endpoint: started.match[1]!,
    /** The service's memory now, after a forced GC (it prints a status line when asked); needs `stats`. */
    memory: (): Promise<ServiceMemory> => {
      if (!options.stats) return Promise.reject(new Error('memory() needs startServiceProcess({ stats: true }).'));
      const next = new Promise<ServiceMemory>((resolve) => waiting.push(resolve));
      started.child.kill('SIGUSR2');
      return next;
    },
  };
}

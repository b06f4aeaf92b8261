import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
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
): Promise<{ child: ChildProcess; match: RegExpMatchArray; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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

/** The service, in memory, on a free loopback port; `connectionString` from what it prints. */
export async function startServiceProcess(extraArgs: string[] = []) {
  const started = await startProcess(['mock-server/main.ts', '--memory', '--port', '0', ...extraArgs], /endpoint=(\S+?);accesskey=\S+/);
  return { ...started, connectionString: started.match[0], endpoint: started.match[1]! };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * Starts a Node program in its own process (so servers and the clients measuring them do not share
 * an event loop) and waits for it to print a line matching `ready`; returns the match.
 */
export async function startProcess(
  args: string[],
  ready: RegExp,
  timeoutMs = 30_000,
): Promise<{ child: ChildProcess; match: RegExpMatchArray; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
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
  return {
    child,
    match,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** The service, in memory, on a free loopback port; `connectionString` from what it prints. */
export async function startServiceProcess(extraArgs: string[] = []) {
  const started = await startProcess(['mock-server/main.ts', '--memory', '--port', '0', ...extraArgs], /endpoint=(\S+?);accesskey=\S+/);
  return { ...started, connectionString: started.match[0], endpoint: started.match[1]! };
}

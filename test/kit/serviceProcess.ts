import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** Service memory and sockets, as printed by `--stats-interval`. */
export interface ServiceStats {
  time: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  sockets: number;
}

/** The service running as a child process (`node --import tsx mock-server/main.ts`). */
export interface ServiceProcess {
  child: ChildProcess;
  endpoint: string;
  connectionString: string;
  accessKey: string;
  /** Status lines seen so far (with `--stats-interval`). */
  stats: ServiceStats[];
  /** Everything it printed, for failure messages. */
  output: string[];
  /** Resolves with the exit code or signal once it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

/**
 * Starts the service as its own process on a free port and waits until it prints its endpoint and
 * connection string. `nodeArgs` go to node (e.g. `--expose-gc`), `args` to the service.
 */
export async function startServiceProcess(args: string[], nodeArgs: string[] = [], timeoutMs = 30_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'mock-server/main.ts', '--port', '0', ...args], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const output: string[] = [];
  const stats: ServiceStats[] = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  const lines = createInterface({ input: child.stdout! });
  const started = new Promise<{ endpoint: string; connectionString: string }>((resolve, reject) => {
    let endpoint: string | undefined;
    let expectConnectionString = false;
    const timer = setTimeout(() => reject(new Error(`The service did not start in ${timeoutMs} ms:\n${output.join('')}`)), timeoutMs);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`The service exited (${code ?? signal}) before it started:\n${output.join('')}`));
    });
    lines.on('line', (line) => {
      if (line.startsWith('STATS ')) {
        stats.push(JSON.parse(line.slice(6)) as ServiceStats);
        return;
      }
      output.push(`${line}\n`);
      const listening = /listening on (\S+)/.exec(line);
      if (listening) endpoint = listening[1];
      if (expectConnectionString && endpoint) {
        clearTimeout(timer);
        resolve({ endpoint, connectionString: line.trim() });
      }
      expectConnectionString = line.startsWith('Connection string:');
    });
  });
  const { endpoint, connectionString } = await started;
  const accessKey = /accesskey=([^;]+)/i.exec(connectionString)![1]!;
  return {
    child,
    endpoint,
    connectionString,
    accessKey,
    stats,
    output,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

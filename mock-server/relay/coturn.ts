import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ConfigurationError } from '../http/errors.js';
import type { RelayConfiguration } from './relayCredentials.js';

export const COTURN_INSTALL_HINT = 'Install coturn (Debian/Ubuntu: sudo apt-get install -y coturn), which provides turnserver.';

export interface CoturnOptions {
  /** Interface coturn listens and relays on (default 127.0.0.1: loopback only). */
  host?: string;
  /** Its UDP and TCP port (default: a free one). */
  port?: number;
  /** The shared secret; default: read from or generated into `dataDir/turn-secret`, else random in memory. */
  secret?: string;
  dataDir?: string;
}

export interface RunningCoturn {
  relay: RelayConfiguration;
  url: string;
  port: number;
  pid: number;
  /** coturn's log file, for diagnosis. */
  logFile: string;
  close(): Promise<void>;
}

/** `turnserver` on PATH, or undefined. */
export function findTurnserver(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'turnserver');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The relay secret kept in the data folder (mode 0600), generated on first use. */
export function loadOrCreateTurnSecret(dataDir: string): string {
  const file = join(dataDir, 'turn-secret');
  mkdirSync(dataDir, { recursive: true });
  try {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret) return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'w' });
  return secret;
}

/** Reads a secret file as `--turn-secret-file` names it (coturn's static-auth-secret). */
export function readTurnSecretFile(file: string): string {
  const secret = readFileSync(file, 'utf8').trim();
  if (!secret) throw new ConfigurationError(`${file} is empty: it should hold coturn's static-auth-secret.`);
  return secret;
}

/**
 * Starts coturn as a child process with TURN REST credentials (static-auth-secret), no TLS, no CLI,
 * and loopback peers allowed (both browsers on one machine). Resolves once it accepts TCP on its
 * port; the child is killed with the parent.
 */
export async function startCoturn(options: CoturnOptions = {}): Promise<RunningCoturn> {
  const binary = findTurnserver();
  if (!binary) throw new ConfigurationError(`--turn needs coturn's turnserver on PATH. ${COTURN_INSTALL_HINT}`);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const secret = options.secret ?? (options.dataDir ? loadOrCreateTurnSecret(options.dataDir) : randomBytes(32).toString('base64url'));
  const dir = mkdtempSync(join(tmpdir(), 'coturn-'));
  const logFile = join(dir, 'turnserver.log');
  const args = [
    '-n',
    `--listening-ip=${host}`,
    `--relay-ip=${host}`,
    `--listening-port=${port}`,
    '--no-cli',
    '--allow-loopback-peers',
    '--fingerprint',
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    '--realm=open-communication',
    '--no-tls',
    '--no-dtls',
    '--no-multicast-peers',
    `--log-file=${logFile}`,
    '--simple-log',
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--userdb=${join(dir, 'turndb')}`,
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForListening(host, port, child, exited);
  } catch (error) {
    await stop();
    throw new ConfigurationError(`coturn did not start: ${(error as Error).message}${stderr ? `\n${stderr}` : ''}`);
  }
  const url = `turn:${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    relay: { urls: [`${url}?transport=udp`, `${url}?transport=tcp`], secret },
    url,
    port,
    pid: child.pid!,
    logFile,
    close: () => (closing ??= stop()),
  };
}

async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Tries TCP connects until one succeeds or coturn exits (no time limit: it either listens or dies). */
async function waitForListening(host: string, port: number, child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  let done = false;
  const died = exited.then((code) => {
    if (!done) throw new Error(`turnserver exited (code ${code}) before listening on ${host}:${port}`);
  });
  const attempt = (): Promise<boolean> =>
    new Promise((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  const poll = (async () => {
    while (child.exitCode === null) {
      if (await attempt()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  try {
    await Promise.race([poll, died]);
  } finally {
    done = true;
  }
}

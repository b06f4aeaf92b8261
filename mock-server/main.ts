import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { ConfigurationError } from './http/errors.js';
import { startStaticDemoServer } from './staticDemoServer.js';
import { readTurnSecretFile } from './relay/coturn.js';
import { startService } from './service.js';

const USAGE = `Usage: open-communication serve [--port N] [--host ADDR] [--data DIR | --memory] [--demo] [--rate-limits]
   (in this repository: npm run server -- [options])

  --port N      port to listen on (default 8080; 0 picks a free one)
  --host ADDR   interface to bind (default 127.0.0.1)
  --data DIR    data folder for the database and generated secrets (default .data)
  --memory      keep everything in memory; nothing is written to disk
  --demo        also serve the demo page (the production build in dist/demo) and its token route
  --dev         with --demo: serve the demo from its sources through Vite, reloading on changes
                (in this repository: npm run dev)
  --demo-dir DIR
                the built demo to serve (default dist/demo)
  --demo-origins URL,URL
                other page origins allowed to call the demo routes (the service's own always
                is), e.g. https://a.example,https://b.example
  --https       serve HTTPS with a self-signed certificate kept in the data folder
  --ice-servers JSON  ICE servers for calls, e.g. '[{"urls":"stun:stun.example.org:3478"}]'
                (default none: host candidates, right for one machine or a LAN)
  --turn        also start a TURN relay: coturn (turnserver on PATH; Debian: apt-get install -y coturn)
                on the --host interface, a free port (--turn-port N), its secret kept in the data folder
  --turn-url turn:HOST:PORT  --turn-secret-file FILE
                use an existing coturn (static-auth-secret in FILE) instead
  --rate-limits throttle identity and chat operations as ACS documents (429 with Retry-After)
  --stats-interval MS
                print a status line (memory, open sockets) as JSON every MS milliseconds
                (for load tests: run node with --expose-gc to measure after a collection)
  --stats-on-signal
                print the same line on each SIGUSR2 instead (a benchmark measures memory when it
                asks, without a forced collection every interval)`;

function parseCli() {
  try {
    const { values, positionals } = parseArgs({
      allowPositionals: true,
      options: {
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        data: { type: 'string' },
        memory: { type: 'boolean', default: false },
        demo: { type: 'boolean', default: false },
        dev: { type: 'boolean', default: false },
        'demo-dir': { type: 'string' },
        'demo-origins': { type: 'string' },
        https: { type: 'boolean', default: false },
        'ice-servers': { type: 'string' },
        'rate-limits': { type: 'boolean', default: false },
        turn: { type: 'boolean', default: false },
        'turn-port': { type: 'string' },
        'turn-url': { type: 'string' },
        'turn-secret-file': { type: 'string' },
        'stats-interval': { type: 'string' },
        'stats-on-signal': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
    // `serve` is the one command (the package's bin); without it the service starts all the same.
    if (positionals.length > 1 || (positionals.length === 1 && positionals[0] !== 'serve')) {
      throw new Error(`Unknown command "${positionals.join(' ')}": the command is serve`);
    }
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, not "${values.port}"`);
    if (values.memory && values.data) throw new Error('--memory and --data exclude each other');
    if ((values.dev || values['demo-dir']) && !values.demo) throw new Error('--dev and --demo-dir go with --demo');
    const statsInterval = values['stats-interval'] === undefined ? undefined : Number(values['stats-interval']);
    if (statsInterval !== undefined && !(Number.isInteger(statsInterval) && statsInterval >= 10)) {
      throw new Error(`--stats-interval must be an integer of at least 10 (ms), not "${values['stats-interval']}"`);
    }
    const demoOrigins = parseOrigins(values['demo-origins']);
    if (values.turn && values['turn-url']) throw new Error('--turn (start coturn) and --turn-url (an existing one) exclude each other');
    if (Boolean(values['turn-url']) !== Boolean(values['turn-secret-file']))
      throw new Error('--turn-url and --turn-secret-file go together');
    if (values['turn-url'] && !/^turns?:[^\s]+$/.test(values['turn-url']))
      throw new Error(`--turn-url takes turn:host:port, not "${values['turn-url']}"`);
    const turnPort = values['turn-port'] === undefined ? undefined : Number(values['turn-port']);
    if (turnPort !== undefined && !(values.turn && Number.isInteger(turnPort) && turnPort > 0 && turnPort < 65536)) {
      throw new Error('--turn-port goes with --turn and is 1-65535');
    }
    return { ...values, port, turnPort, iceServers: parseIceServers(values['ice-servers']), statsInterval, demoOrigins };
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

function parseOrigins(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((part) => {
    const origin = part.trim();
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || url.origin === 'null' || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') {
      throw new Error(`--demo-origins takes origins (scheme://host[:port]), not "${origin}"`);
    }
    return url.origin;
  });
}

function parseIceServers(text: string | undefined): { urls: string | string[]; username?: string; credential?: string }[] | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('--ice-servers must be JSON, e.g. \'[{"urls":"stun:host:3478"}]\'');
  }
  const valid =
    Array.isArray(value) &&
    value.every(
      (server) =>
        typeof server === 'object' &&
        server !== null &&
        (typeof server.urls === 'string' || (Array.isArray(server.urls) && server.urls.every((u: unknown) => typeof u === 'string'))),
    );
  if (!valid) throw new Error('--ice-servers must be an array of { urls, username?, credential? }');
  return value as { urls: string | string[] }[];
}

const args = parseCli();
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

const dataDir = args.memory ? undefined : resolve(args.data ?? '.data');
const turnUrl = args['turn-url'];
const turn = args.turn
  ? { host: args.host === '0.0.0.0' || args.host === '::' ? '127.0.0.1' : args.host, ...(args.turnPort ? { port: args.turnPort } : {}) }
  : undefined;
let relay: { urls: string[]; secret: string } | undefined;
try {
  relay = turnUrl ? { urls: [turnUrl], secret: readTurnSecretFile(resolve(args['turn-secret-file']!)) } : undefined;
} catch (error) {
  console.error(`--turn-secret-file: ${(error as Error).message}`);
  process.exit(2);
}
const serviceOptions = {
  port: args.port,
  host: args.host,
  dataDir,
  https: args.https,
  iceServers: args.iceServers,
  rateLimits: args['rate-limits'],
  demoOrigins: args.demoOrigins,
  ...(turn ? { turn } : {}),
  ...(relay ? { relay } : {}),
};
async function startDemo(): Promise<Awaited<ReturnType<typeof startService>>> {
  if (!args.dev) return startStaticDemoServer({ ...serviceOptions, ...(args['demo-dir'] ? { demoDir: resolve(args['demo-dir']) } : {}) });
  // Vite is a development dependency: only the repository's own `npm run dev` has it.
  const { startDemoServer } = await import('./demoServer.js');
  return startDemoServer({ ...serviceOptions, watch: true });
}

const service = await (args.demo ? startDemo() : startService(serviceOptions)).catch((error: NodeJS.ErrnoException) => {
  if (error instanceof ConfigurationError) {
    console.error(error.message);
    process.exit(2);
  }
  if (error.code === 'EADDRINUSE') {
    console.error(`Port ${args.port} is in use. Pick another with --port N (0 for any free port).`);
    process.exit(1);
  }
  throw error;
});

console.log(`Communication service listening on ${service.endpoint}`);
console.log(
  dataDir
    ? `Data folder: ${dataDir}${service.secretsCreated ? ' (new: secrets generated)' : ''}`
    : 'In-memory mode: nothing is kept after exit.',
);
console.log(`Connection string:\n  ${service.connectionString}`);
if (service.certificatePath) {
  console.log(`HTTPS certificate (self-signed; trust it in clients): ${service.certificatePath}`);
  console.log(`  Node clients: NODE_EXTRA_CA_CERTS=${service.certificatePath}`);
}
if (args.demo) console.log(`Demo page: ${service.endpoint}`);
if (service.coturn) console.log(`TURN relay (coturn, pid ${service.coturn.pid}): ${service.coturn.url}`);
else if (service.relay) console.log(`TURN relay: ${service.relay.urls.join(', ')}`);
if (args['rate-limits']) console.log('Rate limits: on (ACS service limits; 429 with Retry-After).');

/** One JSON status line: load tests and benchmarks read the service's own memory from here. */
function printStats(): void {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  const stats = {
    time: Date.now(),
    rss,
    heapUsed,
    heapTotal,
    external,
    sockets: service.realtime.connectionCount,
    bufferedBytes: service.realtime.bufferedBytes,
  };
  console.log(`STATS ${JSON.stringify(stats)}`);
}
if (args.statsInterval !== undefined) setInterval(printStats, args.statsInterval).unref();
if (args['stats-on-signal']) process.on('SIGUSR2', printStats);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void service.close().then(() => process.exit(0));
  });
}

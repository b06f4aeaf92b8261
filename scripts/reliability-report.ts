// `npm run reliability:report`: rewrites the figures block of RELIABILITY.md from the figures the
// reliability tests left in test-results/reliability/ on their last run (npm test, npm run load).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(process.cwd(), 'test-results', 'reliability');
const DOC = join(process.cwd(), 'RELIABILITY.md');
const START = '<!-- figures:start -->';
const END = '<!-- figures:end -->';

type Figures = Record<string, unknown> & { recordedAt?: string };

function read(name: string): Figures | undefined {
  const file = join(DIR, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Figures) : undefined;
}

const n = (value: unknown) => (typeof value === 'number' ? value.toLocaleString('en-US') : String(value ?? '–'));

function section(): string {
  if (!existsSync(DIR)) return '_No figures yet: run `npm test` (and `npm run load`)._';
  const lines: string[] = [];
  const fuzz = read('fuzz');
  if (fuzz) {
    const kinds = fuzz.byKind as Record<string, number>;
    const outcomes = fuzz.outcomes as Record<string, number>;
    const fivexx = Object.entries(outcomes)
      .filter(([status]) => /^5\d\d$/.test(status))
      .reduce((sum, [, count]) => sum + count, 0);
    lines.push(
      `- **Bad input (fuzz)**: ${n(fuzz.inputsTried)} generated inputs${typeof fuzz.routesRegistered === 'number' ? ` (HTTP routes fuzzed: ${n(fuzz.routesFuzzed)} of ${n(fuzz.routesRegistered)} registered)` : ''}: ${Object.entries(
        kinds,
      )
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(', ')}; 5xx answers: ${fivexx}.`,
      `  Outcomes: ${Object.entries(outcomes)
        .map(([k, v]) => `${k}: ${n(v)}`)
        .join(', ')}.`,
    );
  }
  const durability = read('durability');
  if (durability) {
    lines.push(
      `- **Durability**: ${n(durability.cycles)} SIGKILL cycles (${n(durability.kills)} kills); ${n(durability.sendsAcknowledged)} sends acknowledged (201) of ${n(durability.sendsAttempted)} attempted, ${n(durability.sendsFailedByKill)} cut off by a kill (${n(durability.inFlightCommitted)} of those committed anyway, each once); messages lost: ${n(durability.messagesLost)}; duplicates: ${n(durability.duplicates)}; integrity_check failures: ${n(durability.integrityFailures)}.`,
    );
  }
  const chaos = read('realtime-chaos');
  if (chaos) {
    const drops = chaos.drops as Record<string, number>;
    lines.push(
      `- **Real-time resume**: ${n(chaos.dropsInjected)} socket drops injected (${Object.entries(drops)
        .map(([k, v]) => `${k} ${v}`)
        .join(
          ', ',
        )}) across ${n(chaos.endpoints)} endpoints, ${n(chaos.socketsOpened)} sockets opened; ${n(chaos.messagesSent)} messages, ${n(chaos.eventsDelivered)} events delivered; lost: ${n(chaos.eventsLost)}, duplicates: ${n(chaos.duplicates)}, out of order: 0.`,
    );
  }
  for (const [name, label] of [
    ['load', 'Load (npm test)'],
    ['load-big', 'Load (npm run load)'],
  ] as const) {
    const load = read(name);
    if (!load) continue;
    const latency = load.latencyMs as Record<string, number>;
    const memory = load.memory as Record<string, number>;
    lines.push(
      `- **${label}**: ${n(load.clients)} real-time clients, ${n(load.messagesPerSecond)} messages/s for ${((load.durationMs as number) / 1000).toFixed(1)} s: ${n(load.messagesSent)} messages, ${n(load.eventsDelivered)} of ${n(load.eventsExpected)} events delivered; lost: ${n(load.eventsLost)}, duplicates: ${n(load.duplicates)}, dropped sockets: ${n(load.unexpectedCloses)}. Delivery latency p50 ${latency.p50} ms, p95 ${latency.p95} ms, **p99 ${latency.p99} ms**, max ${latency.max} ms. Service heap after GC ${memory.heapStartMB} → ${memory.heapEndMB} MB (trend ${memory.heapSlopeMBPerMin} MB/min), RSS ${memory.rssStartMB} → ${memory.rssEndMB} MB.`,
    );
  }
  const served = read('served-files');
  if (served) {
    lines.push(
      `- **Served files (npm start and npm run dev, plain and --https)**: ${n(served.requestsAttempted)} requests for the data folder, TLS key, sources and config under ${n(served.modes)} modes, with and without a foreign Origin; refused (404): ${n(served.refused)}; with CORS headers: ${n(served.withCorsHeaders)}.`,
    );
  }
  const realtimeLimits = read('realtime-limits');
  if (realtimeLimits) {
    lines.push(
      `- **Real-time memory bounds**: ${n(realtimeLimits.stuckSockets)} non-reading sockets resuming a log of ${n(realtimeLimits.retainedEventsPerSocket)} events of ~20 KB: at most ${n(realtimeLimits.maxQueuedBytesPerStuckSocket)} bytes queued on one socket (bound ${n(realtimeLimits.socketBound)}), ${n(realtimeLimits.maxQueuedBytesAllSockets)} on all; a live socket that stopped reading was closed 4408 after ${n(realtimeLimits.slowConsumerMessagesBeforeClose)} messages with ${n(realtimeLimits.slowConsumerMaxQueuedBytes)} bytes queued, and resumed without loss.`,
    );
  }
  const limits = read('rate-limits');
  if (limits) {
    lines.push(
      `- **Rate limits**: ${n(limits.throttledResponses)} throttled answers checked (429, Retry-After, nothing stored); client retries honouring Retry-After: ${n(limits.clientRetriesHonoured)}; typed ThrottlingErrors after the retry budget: ${n(limits.typedErrors)}.`,
    );
  }
  const dates = ['fuzz', 'durability', 'realtime-chaos', 'load', 'load-big', 'rate-limits']
    .map((name) => read(name)?.recordedAt)
    .filter((date): date is string => typeof date === 'string')
    .sort();
  if (dates.length)
    lines.push(
      '',
      `_Recorded ${dates[0]!.slice(0, 16).replace('T', ' ')} – ${dates.at(-1)!.slice(0, 16).replace('T', ' ')} UTC from test-results/reliability/ (${readdirSync(DIR).length} files)._`,
    );
  return lines.join('\n');
}

const doc = readFileSync(DOC, 'utf8');
const start = doc.indexOf(START);
const end = doc.indexOf(END);
if (start < 0 || end < start) {
  console.error(`RELIABILITY.md has no ${START} … ${END} block.`);
  process.exit(1);
}
writeFileSync(DOC, `${doc.slice(0, start + START.length)}\n${section()}\n${doc.slice(end)}`);
console.log('RELIABILITY.md figures updated.');

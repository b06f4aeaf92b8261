// `npm run load [-- --clients 200 --seconds 25 --rate 100 --thread-size 10]`: the big bounded load
// run (see loadRun.ts). Fails (exit 1) when an event was lost or duplicated, a socket dropped, or
// the service's heap grew over the run; prints the figures and keeps them for RELIABILITY.md.
import { parseArgs } from 'node:util';
import { recordFigures } from '../../test/kit/figures.js';
import { memoryStayedFlat, runLoad } from './loadRun.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '25' },
    rate: { type: 'string', default: '100' },
    'thread-size': { type: 'string', default: '10' },
  },
  strict: true,
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const threadSize = Number(values['thread-size']);
for (const [name, value, max] of [
  ['clients', clients, 2000],
  ['seconds', seconds, 600],
  ['rate', rate, 2000],
  ['thread-size', threadSize, 250],
] as const) {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    console.error(`--${name} must be an integer from 1 to ${max}`);
    process.exit(2);
  }
}

const result = await runLoad({
  clients,
  threadSize,
  messagesPerSecond: rate,
  durationMs: seconds * 1000,
  drainMs: 15_000,
  log: (line) => console.log(`  ${line}`),
});
const flat = memoryStayedFlat(result);
console.log(`
Load: ${result.clients} real-time clients in ${result.threads} threads, ${rate} messages/s for ${(result.durationMs / 1000).toFixed(1)} s
  messages sent        ${result.messagesSent} (${result.sendFailures} failed)
  events delivered     ${result.eventsDelivered} of ${result.eventsExpected} (lost ${result.eventsLost}, duplicated ${result.duplicates})
  unexpected closes    ${result.unexpectedCloses}
  delivery latency ms  p50 ${result.latencyMs.p50}  p95 ${result.latencyMs.p95}  p99 ${result.latencyMs.p99}  max ${result.latencyMs.max}
  service heap MB      ${result.memory.heapStartMB} → ${result.memory.heapEndMB} (peak ${result.memory.heapPeakMB}, trend ${result.memory.heapSlopeMBPerMin} MB/min)
  service RSS MB       ${result.memory.rssStartMB} → ${result.memory.rssEndMB} (peak ${result.memory.rssPeakMB})
  memory flat          ${flat.ok ? 'yes' : `NO: ${flat.why}`}`);
recordFigures('load-big', { ...result, messagesPerSecond: rate, memoryFlat: flat.ok });
const ok = result.eventsLost === 0 && result.duplicates === 0 && result.unexpectedCloses === 0 && result.sendFailures === 0 && flat.ok;
process.exit(ok ? 0 : 1);

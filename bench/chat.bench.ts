import WebSocket from 'ws';
import { type ChatRoom, openChatRoom } from './lib/chatRoom.js';
import type { Measurement } from './lib/results.js';
import { STORAGES, type Storage, startProcess, startServiceProcess, storageName } from './lib/processes.js';
import { percentile } from './lib/stats.js';

/** Messages per run, one at a time: with 2 receivers, 200 deliveries, enough for a p95. */
const MESSAGES = 100;
/**
 * Then this many more, unmeasured, before the same number is measured again warm: a service answers
 * its first thousand or so requests at up to twice the CPU of its steady state (V8 is still
 * optimising), and the bare server speeds up too.
 */
const WARM_UP = 1_000;

/** Latencies of the first messages after the start, and of as many once warmed up. */
interface Latencies {
  cold: number[];
  warm: number[];
}

/** Sends `MESSAGES`, `WARM_UP` and `MESSAGES` again, one at a time; `send` resolves with one message's latencies. */
async function coldAndWarm(send: (id: string) => Promise<number[]>): Promise<Latencies> {
  const result: Latencies = { cold: [], warm: [] };
  for (let i = 0; i < MESSAGES * 2 + WARM_UP; i++) {
    const latencies = await send(`m${i}`);
    if (i < MESSAGES) result.cold.push(...latencies);
    else if (i >= MESSAGES + WARM_UP) result.warm.push(...latencies);
  }
  return result;
}

/** Waits until every receiver has `id`; resolves with the latencies (ms) from `sentAt`. */
class Arrivals {
  readonly #pending = new Map<string, { left: number; sentAt: number; latencies: number[]; done: () => void }>();

  expect(id: string, receivers: number, sentAt: number): Promise<number[]> {
    return new Promise((resolve) => {
      const entry = { left: receivers, sentAt, latencies: [] as number[], done: () => resolve(entry.latencies) };
      this.#pending.set(id, entry);
    });
  }

  arrived(id: string): void {
    const entry = this.#pending.get(id);
    if (!entry) return;
    entry.latencies.push(performance.now() - entry.sentAt);
    if (--entry.left === 0) {
      this.#pending.delete(id);
      entry.done();
    }
  }
}

async function ours(storage: Storage, receivers: number): Promise<Latencies> {
  const service = await startServiceProcess({ storage });
  const arrivals = new Arrivals();
  let room: ChatRoom | undefined;
  try {
    room = await openChatRoom(service.connectionString, service.endpoint, receivers, (message) => arrivals.arrived(message));
    const thread = room.thread;
    return await coldAndWarm(async (id) => {
      const arrived = arrivals.expect(id, receivers, performance.now());
      await thread.sendMessage({ content: id });
      return arrived;
    });
  } finally {
    await room?.close();
    await service.stop();
  }
}

async function bareWs(receivers: number): Promise<Latencies> {
  const server = await startProcess(['bench/servers/bareWsBroadcast.ts'], /listening on (\d+)/);
  const sockets: WebSocket[] = [];
  try {
    const url = `ws://127.0.0.1:${server.match[1]}`;
    const connect = async () => {
      const socket = new WebSocket(url);
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      sockets.push(socket);
      return socket;
    };
    const sender = await connect();
    const arrivals = new Arrivals();
    for (let i = 0; i < receivers; i++) (await connect()).on('message', (data) => arrivals.arrived(JSON.parse(data.toString()).id));
    return await coldAndWarm((id) => {
      const arrived = arrivals.expect(id, receivers, performance.now());
      sender.send(JSON.stringify({ id, content: id }));
      return arrived;
    });
  } finally {
    for (const socket of sockets) socket.close();
    await server.stop();
  }
}

/** Chat send-to-receive latency (issue: chat), 2 and 50 receivers, on each storage, ours vs a bare ws broadcast. */
export async function chatLatency(): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const receivers of [2, 50]) {
    const bare = await bareWs(receivers);
    for (const storage of STORAGES) {
      const mine = await ours(storage, receivers);
      for (const p of [50, 95]) {
        measurements.push({
          suite: 'chat',
          metric: `send→receive latency p${p}, ${receivers} receivers, ${storageName(storage)}`,
          unit: 'ms',
          ours: percentile(mine.cold, p),
          baselines: [{ name: 'bare ws broadcast', value: percentile(bare.cold, p) }],
          note: `the first ${MESSAGES} messages after the start, one at a time: ${mine.cold.length} deliveries (ours), ${bare.cold.length} (bare); ours = REST send + stored event + WebSocket delivery`,
        });
      }
      measurements.push({
        suite: 'chat',
        metric: `send→receive latency p50, ${receivers} receivers, ${storageName(storage)}, warmed up`,
        unit: 'ms',
        ours: percentile(mine.warm, 50),
        baselines: [{ name: 'bare ws broadcast, warmed up', value: percentile(bare.warm, 50) }],
        note: `the same, ${MESSAGES} messages after ${MESSAGES + WARM_UP} others on each side: ${mine.warm.length} deliveries (ours), ${bare.warm.length} (bare)`,
      });
    }
  }
  return measurements;
}

import WebSocket from 'ws';
import { type ChatRoom, openChatRoom } from './lib/chatRoom.js';
import type { Measurement } from './lib/results.js';
import { STORAGES, type Storage, startProcess, startServiceProcess, storageName } from './lib/processes.js';
import { percentile } from './lib/stats.js';

/** Messages per run, one at a time: with 2 receivers, 200 deliveries, enough for a p95. */
const MESSAGES = 100;

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

async function ours(storage: Storage, receivers: number): Promise<number[]> {
  const service = await startServiceProcess({ storage });
  const arrivals = new Arrivals();
  let room: ChatRoom | undefined;
  try {
    room = await openChatRoom(service.connectionString, service.endpoint, receivers, (message) => arrivals.arrived(message));
    const latencies: number[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const id = `m${i}`;
      const sentAt = performance.now();
      const arrived = arrivals.expect(id, receivers, sentAt);
      await room.thread.sendMessage({ content: id });
      latencies.push(...(await arrived));
    }
    return latencies;
  } finally {
    await room?.close();
    await service.stop();
  }
}

async function bareWs(receivers: number): Promise<number[]> {
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
    const latencies: number[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const id = `m${i}`;
      const arrived = arrivals.expect(id, receivers, performance.now());
      sender.send(JSON.stringify({ id, content: id }));
      latencies.push(...(await arrived));
    }
    return latencies;
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
          ours: percentile(mine, p),
          baselines: [{ name: 'bare ws broadcast', value: percentile(bare, p) }],
          note: `${MESSAGES} messages, one at a time: ${mine.length} deliveries (ours), ${bare.length} (bare); ours = REST send + stored event + WebSocket delivery`,
        });
      }
    }
  }
  return measurements;
}

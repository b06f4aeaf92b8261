import WebSocket from 'ws';
import type { ChatThreadClient } from '../src/chat/chatThreadClient.js';
import { type ChatRoom, openChatRoom } from './lib/chatRoom.js';
import type { Measurement } from './lib/results.js';
import { startProcess, startServiceProcess } from './lib/processes.js';
import { median } from './lib/stats.js';

const RECEIVERS = 50;
const MESSAGES = 400;
const WARM_UP = 20;
/** Our sender's send requests in flight at once. */
const IN_FLIGHT = 4;
/** A run that has not delivered everything by then has lost events: a failure, not a slow result. */
const DELIVERY_TIMEOUT_MS = 40_000;
/** Rounds of (ours, bare), alternating. */
const ROUNDS = 3;

/** Counts deliveries; resolves `until(n)` once `n` have arrived. */
class Deliveries {
  count = 0;
  #waiting: { target: number; resolve: () => void } | undefined;

  arrived(): void {
    this.count++;
    if (this.#waiting && this.count >= this.#waiting.target) {
      this.#waiting.resolve();
      this.#waiting = undefined;
    }
  }

  until(target: number, what: string): Promise<void> {
    if (this.count >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${what}: ${this.count} of ${target} deliveries after ${DELIVERY_TIMEOUT_MS / 1000} s`)),
        DELIVERY_TIMEOUT_MS,
      );
      this.#waiting = {
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }
}

/** Sends `count` messages, `IN_FLIGHT` requests at a time. */
async function sendAll(thread: ChatThreadClient, count: number, prefix: string): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count) await thread.sendMessage({ content: `${prefix}${next++}` });
    }),
  );
}

/** Events per second delivered to `RECEIVERS` ChatClients, from the first send to the last delivery. */
async function ours(): Promise<number> {
  const service = await startServiceProcess();
  const deliveries = new Deliveries();
  let room: ChatRoom | undefined;
  try {
    room = await openChatRoom(service.connectionString, service.endpoint, RECEIVERS, () => deliveries.arrived());
    await sendAll(room.thread, WARM_UP, 'w');
    await deliveries.until(WARM_UP * RECEIVERS, 'ours, warm-up');
    const started = performance.now();
    await sendAll(room.thread, MESSAGES, 'm');
    await deliveries.until((WARM_UP + MESSAGES) * RECEIVERS, 'ours');
    return (MESSAGES * RECEIVERS) / ((performance.now() - started) / 1000);
  } finally {
    await room?.close();
    await service.stop();
  }
}

/** The same for a bare `ws` broadcast server, its sender writing every message at once. */
async function bareWs(): Promise<number> {
  const server = await startProcess(['bench/servers/bareWsBroadcast.ts'], /listening on (\d+)/);
  const sockets: WebSocket[] = [];
  try {
    const url = `ws://127.0.0.1:${server.match[1]}`;
    const connect = async () => {
      const socket = new WebSocket(url);
      sockets.push(socket);
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      return socket;
    };
    const sender = await connect();
    const deliveries = new Deliveries();
    for (let i = 0; i < RECEIVERS; i++) {
      // Parsed, as a client must to use an event.
      (await connect()).on('message', (data) => {
        JSON.parse(data.toString());
        deliveries.arrived();
      });
    }
    const blast = (count: number, prefix: string) => {
      for (let i = 0; i < count; i++) sender.send(JSON.stringify({ id: `${prefix}${i}`, content: `${prefix}${i}` }));
    };
    blast(WARM_UP, 'w');
    await deliveries.until(WARM_UP * RECEIVERS, 'bare ws, warm-up');
    const started = performance.now();
    blast(MESSAGES, 'm');
    await deliveries.until((WARM_UP + MESSAGES) * RECEIVERS, 'bare ws');
    return (MESSAGES * RECEIVERS) / ((performance.now() - started) / 1000);
  } finally {
    for (const socket of sockets) socket.terminate();
    await server.stop();
  }
}

/** Real-time fan-out throughput (issue: fan-out): events per second to 50 clients. */
export async function fanoutThroughput(): Promise<Measurement[]> {
  // Alternating rounds, median of each: other load on the machine hits both alike.
  const mineRuns: number[] = [];
  const bareRuns: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    mineRuns.push(await ours());
    bareRuns.push(await bareWs());
  }
  const mine = median(mineRuns);
  const bare = median(bareRuns);
  return [
    {
      suite: 'fanout',
      metric: `chat messages delivered to ${RECEIVERS} clients`,
      unit: 'events/s',
      higherIsBetter: true,
      ours: mine,
      baselines: [{ name: 'bare ws broadcast (sender writes all at once)', value: bare }],
      note: `median of ${ROUNDS} alternating rounds; ${MESSAGES} messages × ${RECEIVERS} receivers after ${WARM_UP} warm-up messages, first send to last delivery; ours: one sender's sendMessage with ${IN_FLIGHT} requests in flight, ${RECEIVERS} ChatClients on the real-time channel (service and clients in separate processes, as for the bare server; rate limits off, the service's default)`,
    },
  ];
}

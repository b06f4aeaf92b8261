import WebSocket from 'ws';
import type { ChatThreadClient } from '../src/chat/chatThreadClient.js';
import { openChatRoom } from './lib/chatRoom.js';
import type { Measurement } from './lib/results.js';
import { STORAGES, startProcess, startServiceProcess, storageName } from './lib/processes.js';
import { median } from './lib/stats.js';

/**
 * Receivers per run, messages per round (about the same number of deliveries in each), and the
 * messages sent before the timed rounds. The service reaches its steady state only after some
 * thousand requests (its CPU per message falls by half over the first 2,000 to 3,000, in memory as
 * on disk), so each side is warmed with about 100,000 deliveries; the bare server gets the same.
 */
const SIZES = [
  { receivers: 50, messages: 1_000, warmUp: 2_000 },
  { receivers: 250, messages: 200, warmUp: 400 },
] as const;
/** Messages to the first, small room. */
const WARM_UP = 20;
/** Our sender's send requests in flight at once. */
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 4);
/** A run that has not delivered everything by then has lost events: a failure, not a slow result. */
const DELIVERY_TIMEOUT_MS = 40_000;
/** Rounds of (ours, bare), alternating. */
const ROUNDS = 7;

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

/** Events per second: `messages` sent, from the first send to the last delivery to every receiver. */
async function timed(messages: number, receivers: number, deliveries: Deliveries, send: () => Promise<void> | void, what: string) {
  const target = deliveries.count + messages * receivers;
  const started = performance.now();
  await send();
  await deliveries.until(target, what);
  return (messages * receivers) / ((performance.now() - started) / 1000);
}

/** `receivers` sockets on a bare `ws` broadcast server, and a sender writing every message at once. */
async function bareRoom(url: string, receivers: number) {
  const sockets: WebSocket[] = [];
  const connect = async () => {
    const socket = new WebSocket(url);
    sockets.push(socket);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return socket;
  };
  const deliveries = new Deliveries();
  const sender = await connect();
  for (let i = 0; i < receivers; i++) {
    // Parsed, as a client must to use an event.
    (await connect()).on('message', (data) => {
      JSON.parse(data.toString());
      deliveries.arrived();
    });
  }
  const blast = (count: number, prefix: string) => {
    for (let i = 0; i < count; i++) sender.send(JSON.stringify({ id: `${prefix}${i}`, content: `${prefix}${i}` }));
  };
  return {
    deliveries,
    blast,
    close: () => {
      for (const socket of sockets) socket.terminate();
    },
  };
}

/**
 * Real-time fan-out throughput (issue: fan-out): chat messages delivered to 50 and 250 (the thread
 * limit) clients, on each storage, side by side with a bare ws broadcast to as many clients; and the
 * service's memory per connected receiver.
 */
export async function fanoutThroughput(): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  const bare = await startProcess(['bench/servers/bareWsBroadcast.ts'], /listening on (\d+)/);
  try {
    const url = `ws://127.0.0.1:${bare.match[1]}`;
    for (const storage of STORAGES) {
      const service = await startServiceProcess({ storage, stats: true });
      const perReceiver: { receivers: number; bytes: number }[] = [];
      try {
        // A first small room, so what the service allocates once (statements, code) is not counted per receiver.
        {
          const deliveries = new Deliveries();
          const room = await openChatRoom(service.connectionString, service.endpoint, 10, () => deliveries.arrived(), {
            senderReceives: true,
          });
          await timed(WARM_UP, 10, deliveries, () => sendAll(room.thread, WARM_UP, 'w'), 'ours, first room');
          await room.close();
        }
        for (const { receivers, messages, warmUp } of SIZES) {
          const deliveries = new Deliveries();
          const before = await service.memory();
          // The sender receives too: 250 receivers are a full thread (the ACS limit, sender included).
          const room = await openChatRoom(service.connectionString, service.endpoint, receivers, () => deliveries.arrived(), {
            senderReceives: true,
          });
          const baseline = await bareRoom(url, receivers);
          try {
            await timed(warmUp, receivers, deliveries, () => sendAll(room.thread, warmUp, 'w'), 'ours, warm-up');
            await timed(warmUp, receivers, baseline.deliveries, () => baseline.blast(warmUp, 'w'), 'bare ws, warm-up');
            // Alternating rounds, median of each: other load on the machine hits both alike.
            const mineRuns: number[] = [];
            const bareRuns: number[] = [];
            for (let round = 0; round < ROUNDS; round++) {
              mineRuns.push(await timed(messages, receivers, deliveries, () => sendAll(room.thread, messages, `m${round}-`), 'ours'));
              bareRuns.push(await timed(messages, receivers, baseline.deliveries, () => baseline.blast(messages, `m${round}-`), 'bare ws'));
            }
            const after = await service.memory();
            perReceiver.push({ receivers, bytes: (after.heapUsed - before.heapUsed) / receivers });
            measurements.push({
              suite: 'fanout',
              metric: `chat messages delivered to ${receivers} clients, ${storageName(storage)}`,
              unit: 'events/s',
              higherIsBetter: true,
              ours: median(mineRuns),
              baselines: [{ name: `bare ws broadcast to ${receivers} (sender writes all at once)`, value: median(bareRuns) }],
              note: `median of ${ROUNDS} alternating rounds; ${messages} messages × ${receivers} receivers after ${warmUp} warm-up messages, first send to last delivery; ours: one sender's sendMessage with ${IN_FLIGHT} requests in flight, ${receivers} ChatClients on the real-time channel (the sender's one of them) (service and clients in separate processes, as for the bare server; rate limits off, the service's default)`,
            });
          } finally {
            baseline.close();
            await room.close();
          }
        }
      } finally {
        await service.stop();
      }
      const [small, large] = perReceiver;
      if (small && large) {
        // Both include what a room costs once, whatever its size; the difference is what one more receiver costs.
        const marginal = (large.bytes * large.receivers - small.bytes * small.receivers) / (large.receivers - small.receivers);
        measurements.push({
          suite: 'fanout',
          metric: `service heap per receiver, ${large.receivers} receivers, ${storageName(storage)}`,
          unit: 'KB',
          ours: large.bytes / 1024,
          baselines: [{ name: `the same with ${small.receivers} receivers`, value: small.bytes / 1024 }],
          note: `the service's heap after a forced GC, with the receivers connected and the rounds above delivered, less the heap before they connected, over the receivers; a ratio at or below 1 is flat (a room's fixed cost is spread over more receivers); one more receiver costs ${Math.round(marginal / 102.4) / 10} KB`,
        });
      }
    }
  } finally {
    await bare.stop();
  }
  return measurements;
}

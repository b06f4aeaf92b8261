/**
 * Real-time resume under random drops: several receivers (one of them on two endpoints), several
 * senders bursting into two threads at once, and sockets dropped at random all along (abrupt
 * terminations, clean closes, and a newer socket of the same endpoint replacing an open one). Each
 * receiver reconnects as the client library does, with the last sequence number it saw. At the
 * end every endpoint must hold exactly the events the service stored for its user since it
 * started: all of them, in order, none twice, sequence numbers gapless across all its sockets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningService } from '../../mock-server/service.js';
import { withService } from '../kit/node.js';
import { recordFigures } from '../kit/figures.js';
import {
  type ChatUser,
  RealtimeTestClient,
  type TestEvent,
  chatUser,
  closeRealtimeClients,
  createThread,
  sendMessage,
} from '../kit/serverHelpers.js';

const MESSAGES_PER_SENDER = Number(process.env.CHAOS_MESSAGES ?? 120);

/** One client endpoint that keeps reconnecting from where it left off, as RealtimeChannel does. */
class ResumingEndpoint {
  readonly events: TestEvent[] = [];
  socket: RealtimeTestClient | undefined;
  sockets = 0;
  #lastSeq: number;
  #reconnecting: Promise<void> | undefined;

  constructor(
    readonly service: RunningService,
    readonly user: ChatUser,
    readonly endpointId: string,
    lastSeq: number,
  ) {
    this.#lastSeq = lastSeq;
  }

  get lastSeq(): number {
    return Math.max(this.#lastSeq, ...this.events.map((e) => e.seq ?? 0));
  }

  /** Opens a socket resuming after the newest event held; keeps what it receives. */
  connect(): Promise<void> {
    const socket = RealtimeTestClient.connect(this.service, { token: this.user.token, endpointId: this.endpointId, lastSeq: this.lastSeq });
    this.socket = socket;
    this.sockets++;
    let taken = 0;
    const take = () => {
      for (; taken < socket.frames.length; taken++) {
        const frame = socket.frames[taken]!;
        if (frame.type === 'event' && typeof frame.seq === 'number') this.events.push(frame as TestFrameEvent);
      }
    };
    socket.ws.on('message', () => queueMicrotask(take));
    return socket.waitFor((f) => f.type === 'ready', 'ready').then(() => take());
  }

  /** Drops the current socket (abruptly, cleanly, or by opening a replacement first) and resumes. */
  drop(kind: 'terminate' | 'close' | 'replace'): Promise<void> {
    if (this.#reconnecting) return this.#reconnecting;
    const old = this.socket;
    this.#reconnecting = (async () => {
      if (kind === 'replace') {
        // The newer socket takes over; the service closes the old one with 4409. Events the old
        // socket got after the new one's replay may arrive on both: the held events must stay
        // gapless, so the old socket's late frames are ignored from here on.
        old?.ws.removeAllListeners('message');
        await this.connect();
        await old?.waitForClose();
      } else {
        if (kind === 'terminate') await old?.terminate();
        else await old?.close();
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 30));
        await this.connect();
      }
    })().finally(() => (this.#reconnecting = undefined));
    return this.#reconnecting;
  }
}

type TestFrameEvent = TestEvent & { seq: number };

describe('real-time channel: random drops during bursts', () => {
  const service = withService();
  let senders: ChatUser[];
  let receivers: ChatUser[];
  let threads: string[];

  before(async () => {
    senders = await Promise.all([0, 1, 2].map(() => chatUser(service())));
    receivers = await Promise.all([0, 1, 2, 3].map(() => chatUser(service())));
    threads = [
      await createThread(
        service(),
        senders[0]!,
        [...senders, ...receivers].slice(1).map((u) => u.id),
        'All',
      ),
      await createThread(service(), senders[1]!, [senders[2]!.id, receivers[0]!.id, receivers[1]!.id], 'Some'),
    ];
  });

  after(async () => {
    await closeRealtimeClients();
  });

  test('every endpoint ends with every event, in order, exactly once', async () => {
    const seqOf = (userId: string) =>
      (service().db.prepare('SELECT last_seq FROM user_event_seq WHERE user_id = ?').get(userId) as { last_seq: number } | undefined)
        ?.last_seq ?? 0;
    const endpoints = receivers.map((user, i) => new ResumingEndpoint(service(), user, `chaos-${i}`, seqOf(user.id)));
    // The first receiver is also signed in on a second device.
    endpoints.push(new ResumingEndpoint(service(), receivers[0]!, 'chaos-0-tablet', seqOf(receivers[0]!.id)));
    const startSeq = new Map(endpoints.map((e) => [e, e.lastSeq]));
    await Promise.all(endpoints.map((e) => e.connect()));

    const drops = { terminate: 0, close: 0, replace: 0 };
    let sending = true;
    const chaos = (async () => {
      while (sending) {
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 40));
        const endpoint = endpoints[Math.floor(Math.random() * endpoints.length)]!;
        const roll = Math.random();
        const kind = roll < 0.6 ? 'terminate' : roll < 0.85 ? 'close' : 'replace';
        drops[kind]++;
        void endpoint.drop(kind);
      }
    })();

    const sent: string[] = [];
    await Promise.all(
      senders.map(async (sender, index) => {
        const mine = threads.filter((thread, t) => t === 0 || index > 0);
        for (let i = 0; i < MESSAGES_PER_SENDER; i++) {
          sent.push(await sendMessage(service(), sender, mine[i % mine.length]!, `s${index}-${i}`));
        }
      }),
    );
    sending = false;
    await chaos;
    // Settle: the last reconnects finish, then a sentinel per thread proves the tail arrived.
    await Promise.all(endpoints.map((e) => e.drop('close')));
    const sentinels = [
      await sendMessage(service(), senders[0]!, threads[0]!, 'sentinel'),
      await sendMessage(service(), senders[1]!, threads[1]!, 'sentinel'),
    ];
    for (const endpoint of endpoints) {
      const expected = endpoint.user === receivers[0] || endpoint.user === receivers[1] ? sentinels : sentinels.slice(0, 1);
      for (const id of expected)
        await endpoint.socket!.waitFor((f) => f.type === 'event' && (f as TestEvent).data.id === id, `sentinel at ${endpoint.endpointId}`);
    }

    let delivered = 0;
    for (const endpoint of endpoints) {
      const stored = service()
        .db.prepare("SELECT seq, name, json_extract(data, '$.id') AS id FROM events WHERE user_id = ? AND seq > ? ORDER BY seq")
        .all(endpoint.user.id, startSeq.get(endpoint)!) as { seq: number; name: string; id: string | null }[];
      const held = endpoint.events.map((e) => ({ seq: e.seq, name: e.name, id: (e.data.id as string | undefined) ?? null }));
      const seqs = held.map((e) => e.seq);
      assert.equal(new Set(seqs).size, seqs.length, `${endpoint.endpointId}: an event arrived twice`);
      assert.deepEqual(held, stored, `${endpoint.endpointId}: not every event, or not in order (${endpoint.sockets} sockets)`);
      delivered += held.length;
    }
    const total = drops.terminate + drops.close + drops.replace;
    assert.ok(total >= 10, `only ${total} drops injected`);
    recordFigures('realtime-chaos', {
      endpoints: endpoints.length,
      messagesSent: sent.length + sentinels.length,
      eventsDelivered: delivered,
      dropsInjected: total,
      drops,
      socketsOpened: endpoints.reduce((n, e) => n + e.sockets, 0),
      eventsLost: 0,
      duplicates: 0,
    });
  });
});

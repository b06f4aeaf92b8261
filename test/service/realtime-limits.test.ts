/**
 * Issue 11 (high): one chat user could make the service run out of memory by opening sockets with
 * `lastSeq=0` that never read: the whole retained log was queued on each at once. These tests hold
 * the service to bounds: a replay is paged as the socket drains, a live socket that falls behind is
 * closed (4408) and resumes without loss, sockets per user are capped (4429), and the retained log
 * is bounded in bytes as well as in events.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, before, describe, test } from 'node:test';
import type { RunningService } from '../../mock-server/service.js';
import { withService } from '../kit/node.js';
import { RealtimeCloseCode } from '../../src/common/realtimeProtocol.js';
import { recordFigures } from '../kit/figures.js';
import {
  type ChatUser,
  RealtimeTestClient,
  type TestEvent,
  type TestFrame,
  chatUser,
  closeRealtimeClients,
  createThread,
  sendMessage,
} from '../kit/serverHelpers.js';

const PAGE_BYTES = 64 * 1024;
const MAX_BUFFERED = 512 * 1024;
/** What one socket may hold: a replay page plus its last frame, or the live limit. */
const SOCKET_BOUND = MAX_BUFFERED + 32 * 1024;
const BIG = 20 * 1024;

/** Server-side sockets of the real-time path by endpoint id, seen from an extra `upgrade` listener. */
function observeServerSockets(service: RunningService): Map<string, Duplex> {
  const sockets = new Map<string, Duplex>();
  service.httpServer.on('upgrade', (req: { url?: string }, socket: Duplex) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/realtime') sockets.set(url.searchParams.get('endpointId') ?? '', socket);
  });
  return sockets;
}

/** A client whose socket stops reading as soon as it opens (the kernel buffers fill, then nothing). */
async function stuckClient(service: RunningService, user: ChatUser, endpointId: string, lastSeq?: number): Promise<RealtimeTestClient> {
  const client = RealtimeTestClient.connect(service, { token: user.token, endpointId, lastSeq });
  await new Promise<void>((resolve, reject) => {
    client.ws.once('open', () => {
      (client.ws as unknown as { _socket: Socket })._socket.pause();
      resolve();
    });
    client.ws.once('close', (code) => reject(new Error(`closed ${code} before open`)));
  });
  return client;
}

function resume(client: RealtimeTestClient): void {
  (client.ws as unknown as { _socket: Socket })._socket.resume();
}

const isReady = (frame: TestFrame) => frame.type === 'ready';

/** Asserts durable events numbered `from`…`to`, each once, in order (ephemeral ones ignored). */
function assertContiguous(frames: readonly TestFrame[], from: number, to: number): void {
  const seqs = frames.filter((f) => f.type === 'event' && f.seq !== undefined).map((f) => f.seq as number);
  assert.equal(seqs.length, to - from + 1, `expected seqs ${from}..${to}, got ${seqs.length} (first ${seqs[0]}, last ${seqs.at(-1)})`);
  seqs.forEach((seq, i) => assert.equal(seq, from + i, `seq #${i}`));
}

const messageIdsOf = (frames: readonly TestFrame[]): string[] =>
  frames.filter((f) => f.type === 'event' && f.name === 'chatMessageReceived').map((f) => (f as TestEvent).data.id!);

describe('real-time limits: sockets that do not read cannot make the service buffer the log', () => {
  const service = withService({
    realtime: { replayPageEvents: 20, replayPageBytes: PAGE_BYTES, maxBufferedBytesPerSocket: MAX_BUFFERED, maxSocketsPerUser: 8 },
  });
  let observed: Map<string, Duplex>;
  let a: ChatUser;
  let b: ChatUser;
  let threadId: string;
  const sent: string[] = [];

  before(async () => {
    observed = observeServerSockets(service());
    [a, b] = await Promise.all([chatUser(service()), chatUser(service())]);
    threadId = await createThread(service(), a, [b.id]);
    // About 6 MB of retained events for b: more than the kernel's socket buffers take.
    for (let i = 0; i < 300; i++) {
      sent.push(service().chat.sendMessage(a.id, threadId, { content: `${i} `.padEnd(BIG, 'x'), type: 'text' }).id);
    }
  });
  afterEach(() => closeRealtimeClients());

  test('six non-reading sockets from lastSeq 0 hold about a page each; a reader stays live; a resume gets every event once, in order', async () => {
    const stuck: RealtimeTestClient[] = [];
    for (let i = 0; i < 6; i++) stuck.push(await stuckClient(service(), b, `stuck-${i}`, 0));
    const reader = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'reader' });

    let maxSocket = 0;
    let maxTotal = 0;
    const sample = () => {
      for (let i = 0; i < 6; i++) maxSocket = Math.max(maxSocket, observed.get(`stuck-${i}`)!.writableLength);
      maxTotal = Math.max(maxTotal, service().realtime.bufferedBytes);
    };
    sample();
    const live: string[] = [];
    for (let i = 0; i < 50; i++) {
      live.push(await sendMessage(service(), a, threadId, `live ${i}`));
      sample();
    }
    // The reader got every live message while the stuck sockets sat there.
    await reader.waitForCount((f) => f.type === 'event' && f.name === 'chatMessageReceived', 50, 'the live messages');
    assert.deepEqual(messageIdsOf(reader.frames), live);
    sample();
    assert.ok(maxSocket <= SOCKET_BOUND, `a non-reading socket had ${maxSocket} bytes queued (bound ${SOCKET_BOUND})`);
    const stats = service()
      .realtime.socketStats()
      .filter((s) => s.endpointId.startsWith('stuck-'));
    assert.equal(stats.length, 6);
    assert.ok(
      stats.every((s) => s.replaying),
      'a stuck socket went live without reading its replay',
    );
    recordFigures('realtime-limits', {
      stuckSockets: 6,
      retainedEventsPerSocket: 301,
      maxQueuedBytesPerStuckSocket: maxSocket,
      maxQueuedBytesAllSockets: maxTotal,
      socketBound: SOCKET_BOUND,
    });
    assert.ok(maxTotal <= 6 * SOCKET_BOUND, `all sockets together had ${maxTotal} bytes queued`);

    // One of them reads again: it gets the whole log, the live messages published during its
    // replay after it, each once, in order, then ready.
    const resumed = stuck[0]!;
    resume(resumed);
    const ready = await resumed.waitFor(isReady, 'ready after the replay');
    const beforeReady = resumed.frames.slice(0, resumed.frames.indexOf(ready));
    assertContiguous(beforeReady, 1, ready.seq as number);
    assert.deepEqual(messageIdsOf(beforeReady), [...sent, ...live]);
    const after = await sendMessage(service(), a, threadId, 'after ready');
    await resumed.waitFor((f) => f.type === 'event' && (f as TestEvent).data.id === after, 'the message after ready');
    assertContiguous(resumed.frames, 1, (ready.seq as number) + 1);
  });

  test('a live socket that stops reading is closed with 4408 before it queues past the limit; resuming from its lastSeq loses nothing', async () => {
    const c = await chatUser(service());
    const thread = await createThread(service(), a, [c.id]);
    const slow = await RealtimeTestClient.ready(service(), { token: c.token, endpointId: 'slow' });
    (slow.ws as unknown as { _socket: Socket })._socket.pause();
    const server = observed.get('slow')!;
    const ids: string[] = [];
    let maxQueued = 0;
    // Until the service gives up on it (an upper bound on tries, so a failure cannot loop forever).
    const closesBefore = service().realtime.slowConsumerCloses;
    for (let i = 0; i < 2_000 && service().realtime.slowConsumerCloses === closesBefore; i++) {
      ids.push(await sendMessage(service(), a, thread, `${i} `.padEnd(BIG, 'y')));
      maxQueued = Math.max(maxQueued, server.writableLength);
    }
    assert.equal(service().realtime.slowConsumerCloses, closesBefore + 1, 'the slow socket was never closed');
    assert.ok(maxQueued <= SOCKET_BOUND, `the slow socket had ${maxQueued} bytes queued`);
    recordFigures('realtime-limits', { slowConsumerMessagesBeforeClose: ids.length, slowConsumerMaxQueuedBytes: maxQueued });
    for (let i = 0; i < 10; i++) ids.push(await sendMessage(service(), a, thread, `after close ${i}`));

    resume(slow);
    const closed = await slow.waitForClose();
    // The close frame is read if the client catches up within the grace period, else it is dropped.
    assert.ok([RealtimeCloseCode.SlowConsumer, 1006].includes(closed.code as 4408), `closed ${closed.code} ${closed.reason}`);
    const seen = slow.frames.filter((f) => f.type === 'event');
    const firstSeq = slow.readyFrame!.seq + 1;
    const again = await RealtimeTestClient.ready(service(), { token: c.token, endpointId: 'slow', lastSeq: slow.lastSeq });
    const all = [...slow.frames.filter((f) => f.type !== 'ready'), ...again.frames.filter((f) => f.type !== 'ready')];
    assertContiguous(all, firstSeq, again.readyFrame!.seq);
    assert.ok(seen.length < all.length, 'the resume brought nothing');
    assert.deepEqual(messageIdsOf(all), ids);
  });

  test('sockets per user are capped: the next is refused with 4429 and a reason; a reconnect of an endpoint still replaces it', async () => {
    const d = await chatUser(service());
    const open: RealtimeTestClient[] = [];
    for (let i = 0; i < 8; i++) open.push(await RealtimeTestClient.ready(service(), { token: d.token, endpointId: `cap-${i}` }));
    const refused = RealtimeTestClient.connect(service(), { token: d.token, endpointId: 'cap-8' });
    const closed = await refused.waitForClose();
    assert.equal(closed.code, 4429);
    assert.match(closed.reason, /too many connections.*limit 8/);
    assert.deepEqual(refused.frames, []);
    const replacement = await RealtimeTestClient.ready(service(), { token: d.token, endpointId: 'cap-3' });
    assert.equal((await open[3]!.waitForClose()).code, 4409);
    assert.equal(replacement.closeEvent, undefined);
    assert.equal(
      service()
        .realtime.socketStats()
        .filter((s) => s.userId === d.id).length,
      8,
    );
  });
});

describe('real-time limits: sockets the service closes cannot linger', () => {
  // A grace period far below ws's own 30 s close timeout: only the hub's drop ends these sockets.
  const service = withService({ realtime: { replayPageEvents: 20, replayPageBytes: PAGE_BYTES, maxSocketsPerUser: 2, closeGraceMs: 100 } });
  let a: ChatUser;
  let b: ChatUser;

  before(async () => {
    [a, b] = await Promise.all([chatUser(service()), chatUser(service())]);
    const threadId = await createThread(service(), a, [b.id]);
    for (let i = 0; i < 100; i++) service().chat.sendMessage(a.id, threadId, { content: `${i} `.padEnd(BIG, 'x'), type: 'text' });
  });
  afterEach(() => closeRealtimeClients());

  /** Polls a service-side condition (no wall-clock limit: the test's own timeout reports a hang). */
  async function until(what: string, check: () => boolean): Promise<void> {
    while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(check(), what);
  }

  test('non-reading sockets replaced or refused in a loop are dropped: the service holds no more than the cap', async () => {
    const dropsBefore = service().realtime.droppedSockets;
    // Each connect replays from 0 into a socket that never reads, then is replaced by the next one
    // (same endpoint id) or refused (over the cap of 2); none of them completes the close handshake.
    for (let i = 0; i < 12; i++) await stuckClient(service(), b, i % 3 === 0 ? 'same' : `other-${i}`, 0).catch(() => undefined);
    await until('every replaced or refused socket dropped', () => service().realtime.openSocketCount <= 2);
    assert.ok(service().realtime.droppedSockets - dropsBefore >= 10, `dropped ${service().realtime.droppedSockets - dropsBefore}`);
    assert.ok(service().realtime.bufferedBytes <= 2 * SOCKET_BOUND, `still queued: ${service().realtime.bufferedBytes} bytes`);
  });
});

describe('real-time limits: the retained log is bounded in bytes', () => {
  const BUDGET = 200_000;
  const service = withService({ realtime: { retainedBytesPerUser: BUDGET } });
  afterEach(() => closeRealtimeClients());

  test('past the per-user byte budget the oldest events are pruned; a resume from before them is ready with gap: true', async () => {
    const [a, b] = await Promise.all([chatUser(service()), chatUser(service())]);
    const thread = await createThread(service(), a, [b.id]);
    for (let i = 0; i < 60; i++) service().chat.sendMessage(a.id, thread, { content: `${i} `.padEnd(10_000, 'z'), type: 'text' });
    const { bytes, count, oldest } = service()
      .db.prepare('SELECT SUM(length(CAST(data AS BLOB))) AS bytes, COUNT(*) AS count, MIN(seq) AS oldest FROM events WHERE user_id = ?')
      .get(b.id) as { bytes: number; count: number; oldest: number };
    assert.ok(bytes <= BUDGET, `${bytes} bytes retained (budget ${BUDGET})`);
    assert.ok(count >= 15, `only ${count} events kept`);
    const { retained_bytes } = service().db.prepare('SELECT retained_bytes FROM user_event_seq WHERE user_id = ?').get(b.id) as {
      retained_bytes: number;
    };
    assert.equal(retained_bytes, bytes, 'the running total drifted from what is stored');

    const client = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'gap', lastSeq: 0 });
    assert.equal(client.readyFrame!.gap, true);
    assert.equal(client.readyFrame!.seq, 61);
    assertContiguous(client.frames, oldest, 61);
  });
});

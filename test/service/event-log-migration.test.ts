/**
 * A data folder written before the event log (schema 13: a stored copy of every event per
 * recipient, numbered per user) upgrades in place: each user's events keep their numbers, holes
 * (a deleted sender's events, pruned ones) stay holes, a resume from any number a client holds
 * replays exactly what followed it, and new events go on from each user's last number.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openDatabase } from '../../mock-server/storage/database.js';
import { withDataDir } from '../kit/node.js';
import { RealtimeTestClient, closeRealtimeClients, createThread, sendMessage } from '../kit/serverHelpers.js';

describe('storage migration 15: per-user event copies become the event log', () => {
  const data = withDataDir('oc-event-log-migration-');

  test('numbers, holes, contents and resumption survive the upgrade; new events continue each user’s numbers', async () => {
    // The service's own resource (from its secrets), then the database as schema 13 left it.
    const first = await data.start();
    const resource = /^8:acs:(.+)_/.exec(first.identities.createUser().id)![1]!;
    await first.close();
    for (const file of ['service.db', 'service.db-wal', 'service.db-shm']) rmSync(join(data.dir(), file), { force: true });
    const userId = () => `8:acs:${resource}_${randomUUID()}`;
    const a = userId();
    const b = userId();
    const c = userId(); // every event gone (its last one was a deleted sender's)
    const old = openDatabase(data.dir(), { schemaVersion: 13 });
    const now = Date.now();
    const insertUser = old.prepare('INSERT INTO users (id, created_at) VALUES (?, ?)');
    for (const id of [a, b, c]) insertUser.run(id, now);
    const insertEvent = old.prepare(
      'INSERT INTO events (user_id, seq, name, data, created_on, thread_id, message_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const message = (user: string, id: string, text: string) =>
      JSON.stringify({ threadId: '19:old@thread.v2', id, message: text, recipient: { rawId: user, communicationUser: { id: user } } });
    // A: 1, 2, (3 gone), 4, 5. B: (1-2 pruned), 3, 4, (5 gone: its newest). C: (1 gone).
    const events: [string, number, string][] = [
      [a, 1, message(a, 'm1', 'one')],
      [a, 2, message(a, 'm2', 'two')],
      [a, 4, message(a, 'm4', 'four')],
      [a, 5, message(a, 'm5', 'five')],
      [b, 3, message(b, 'm3', 'three')],
      [b, 4, message(b, 'm4', 'four')],
    ];
    for (const [user, seq, json] of events) {
      insertEvent.run(user, seq, 'chatMessageReceived', json, now, '19:old@thread.v2', JSON.parse(json).id);
    }
    const insertSeq = old.prepare('INSERT INTO user_event_seq (user_id, last_seq, retained_bytes) VALUES (?, ?, 0)');
    insertSeq.run(a, 5);
    insertSeq.run(b, 5);
    insertSeq.run(c, 1);
    old.close();

    const service = await data.start();
    try {
      assert.ok((service.db.pragma('user_version', { simple: true }) as number) >= 15, 'migrated past the event log');
      // The stored copies read as before, through the views.
      const stored = (user: string) =>
        service.db.prepare('SELECT seq, data FROM events WHERE user_id = ? ORDER BY seq').all(user) as { seq: number; data: string }[];
      for (const user of [a, b, c]) {
        assert.deepEqual(
          stored(user),
          events.filter(([u]) => u === user).map(([, seq, json]) => ({ seq, data: json })),
          `events of ${user}`,
        );
      }
      const lastSeq = (user: string) =>
        (service.db.prepare('SELECT last_seq FROM user_event_seq WHERE user_id = ?').get(user) as { last_seq: number }).last_seq;
      assert.deepEqual([lastSeq(a), lastSeq(b), lastSeq(c)], [5, 5, 1]);

      const tokenOf = async (user: string) => (await service.tokens.issue(user, ['chat'])).token;
      const replay = async (user: string, from: number) => {
        const client = await RealtimeTestClient.ready(service, { token: await tokenOf(user), endpointId: `e-${from}`, lastSeq: from });
        const result = { seqs: client.events.map((e) => e.seq), ids: client.events.map((e) => e.data.id), ready: client.readyFrame! };
        await client.close();
        return result;
      };
      const aFromZero = await replay(a, 0);
      assert.deepEqual(
        [aFromZero.seqs, aFromZero.ids, aFromZero.ready.seq, aFromZero.ready.gap],
        [[1, 2, 4, 5], ['m1', 'm2', 'm4', 'm5'], 5, false],
      );
      const fromTwo = await replay(a, 2);
      assert.deepEqual([fromTwo.seqs, fromTwo.ready.seq, fromTwo.ready.gap], [[4, 5], 5, false]);
      const fromThree = await replay(a, 3);
      assert.deepEqual([fromThree.seqs, fromThree.ready.gap], [[4, 5], false]);
      // B's first two were pruned: a resume from before them is told so.
      const bFromZero = await replay(b, 0);
      assert.deepEqual([bFromZero.seqs, bFromZero.ready.seq, bFromZero.ready.gap], [[3, 4], 5, true]);
      const bFromTwo = await replay(b, 2);
      assert.deepEqual([bFromTwo.seqs, bFromTwo.ready.gap], [[3, 4], false]);
      const cFromOne = await replay(c, 1);
      assert.deepEqual([cFromOne.seqs, cFromOne.ready.seq, cFromOne.ready.gap], [[], 1, false]);

      // New events go on from each user's number, live as well as stored.
      const users = await Promise.all([a, b, c].map(async (id) => ({ id, token: await tokenOf(id) })));
      const liveA = await RealtimeTestClient.ready(service, { token: users[0]!.token, endpointId: 'live', lastSeq: 5 });
      // A deletion makes the hub count every stream again from the log (here: A's, before its next event).
      service.identities.deleteUser(service.identities.createUser().id);
      const thread = await createThread(service, users[0]!, [b, c]);
      const sent = await sendMessage(service, users[0]!, thread, 'after the upgrade');
      await liveA.waitFor((f) => f.type === 'event' && f.seq === 7, 'the message, live');
      assert.deepEqual(
        liveA.events.map((e) => [e.seq, e.name]),
        [
          [6, 'chatThreadCreated'],
          [7, 'chatMessageReceived'],
        ],
      );
      const tail = (user: string) => stored(user).slice(-2);
      assert.deepEqual(
        tail(a).map((e) => e.seq),
        [6, 7],
      );
      assert.deepEqual(
        tail(b).map((e) => e.seq),
        [6, 7],
      );
      assert.deepEqual(
        tail(c).map((e) => e.seq),
        [2, 3],
      );
      const live = await replay(c, 1);
      assert.deepEqual([live.seqs, live.ids.at(-1)], [[2, 3], sent]);
    } finally {
      await closeRealtimeClients();
    }
  });
});

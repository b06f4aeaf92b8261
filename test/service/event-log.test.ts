/**
 * The event log stores an event once for all its recipients, numbers each user's copies by
 * counting, keeps a deleted sender's events as tombstones (numbered, never sent), deletes what no
 * recipient retains any more, and commits the sends of one turn of the event loop together, each
 * on its own (a refused one changes nothing).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { withService } from '../kit/node.js';
import {
  RealtimeTestClient,
  type TestEvent,
  adminRequest,
  chatUser,
  closeRealtimeClients,
  countRows,
  createThread,
  sendMessage,
  threadPath,
  userRequest,
} from '../kit/serverHelpers.js';

describe('event log: one stored event per change', () => {
  const service = withService({ realtime: { retainedEventsPerUser: 150 } });
  afterEach(() => closeRealtimeClients());

  test('a message to a thread of 20 is one row of the log, and each member numbers it in their own stream', async () => {
    const users = await Promise.all(Array.from({ length: 20 }, () => chatUser(service())));
    const thread = await createThread(
      service(),
      users[0]!,
      users.slice(1).map((u) => u.id),
    );
    const rowsBefore = countRows(service(), 'event_log');
    const id = await sendMessage(service(), users[0]!, thread, 'once');
    assert.equal(countRows(service(), 'event_log') - rowsBefore, 1);
    for (const user of users) {
      const copy = service()
        .db.prepare("SELECT seq, data FROM events WHERE user_id = ? AND json_extract(data, '$.id') = ?")
        .get(user.id, id) as { seq: number; data: string };
      assert.equal(copy.seq, 2, 'after chatThreadCreated');
      assert.equal(JSON.parse(copy.data).recipient.rawId, user.id, 'each copy names its own recipient');
    }
  });

  test('a deleted sender’s events stay numbered but are never sent; later numbers do not move', async () => {
    const [a, b] = await Promise.all([chatUser(service()), chatUser(service())]);
    const thread = await createThread(service(), a, [b.id]);
    await sendMessage(service(), a, thread, 'a one');
    await sendMessage(service(), b, thread, 'b secret');
    await sendMessage(service(), a, thread, 'a two');
    const before = await RealtimeTestClient.ready(service(), { token: a.token, endpointId: 'before', lastSeq: 0 });
    const numbers = new Map(before.events.map((e) => [e.data.message ?? e.name, e.seq]));
    await before.close();
    assert.equal((await adminRequest(service(), 'DELETE', `/identities/${encodeURIComponent(b.id)}`)).status, 204);

    const after = await RealtimeTestClient.ready(service(), { token: a.token, endpointId: 'after', lastSeq: 0 });
    assert.ok(!JSON.stringify(after.frames).includes('b secret'));
    assert.deepEqual(
      after.events.filter((e) => e.name === 'chatMessageReceived').map((e) => [e.seq, e.data.message]),
      [
        [numbers.get('a one'), 'a one'],
        [numbers.get('a two'), 'a two'],
      ],
    );
    assert.equal(after.readyFrame!.seq, numbers.get('a two'));
    // A resume from inside the hole goes on after it.
    const resumed = await RealtimeTestClient.ready(service(), { token: a.token, endpointId: 'hole', lastSeq: numbers.get('a one')! });
    assert.deepEqual(
      resumed.events.map((e) => e.seq),
      [numbers.get('a two')],
    );
  });

  test('events no member retains any more are deleted from the log', async () => {
    const [a, b] = await Promise.all([chatUser(service()), chatUser(service())]);
    const thread = await createThread(service(), a, [b.id]);
    for (let i = 0; i < 400; i++) service().chat.sendMessage(a.id, thread, { content: `n${i}`, type: 'text' });
    const kept = countRows(service(), 'event_log WHERE thread_id = ?', thread);
    assert.ok(kept <= 150 + 100 * 2, `${kept} events of the thread kept for members who retain 150 each`);
    for (const user of [a, b]) {
      const { count, newest } = service()
        .db.prepare('SELECT COUNT(*) AS count, MAX(seq) AS newest FROM events WHERE user_id = ?')
        .get(user.id) as { count: number; newest: number };
      assert.equal(newest, 401);
      assert.ok(count >= 150 && count < 250, `${count} retained for ${user.id}`);
    }
    const client = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'pruned', lastSeq: 0 });
    assert.equal(client.readyFrame!.gap, true);
    const seqs = client.events.map((e) => e.seq);
    assert.deepEqual(
      seqs,
      Array.from({ length: seqs.length }, (_, i) => 402 - seqs.length + i),
    );
  });

  test('an audience whose events are all pruned (the thread’s membership changed since) is dropped', async () => {
    const [a, b, c] = await Promise.all([chatUser(service()), chatUser(service()), chatUser(service())]);
    const thread = await createThread(service(), a, [b.id]);
    for (let i = 0; i < 5; i++) service().chat.sendMessage(a.id, thread, { content: `before ${i}`, type: 'text' });
    service().chat.addParticipants(a.id, thread, [{ rawId: c.id }]);
    for (let i = 0; i < 400; i++) service().chat.sendMessage(a.id, thread, { content: `after ${i}`, type: 'text' });
    const audiencesOf = (user: string) =>
      (service().db.prepare('SELECT audience FROM event_audiences WHERE user_id = ?').all(user) as { audience: number }[]).length;
    assert.equal(audiencesOf(a.id), 1, 'only the audience of the current members is left');
    assert.equal(audiencesOf(c.id), 1);
    assert.equal(
      countRows(
        service(),
        'event_audiences a WHERE NOT EXISTS (SELECT 1 FROM event_log l WHERE l.audience = a.audience) AND user_id = ?',
        a.id,
      ),
      0,
    );
    const client = await RealtimeTestClient.ready(service(), { token: a.token, endpointId: 'after-drop', lastSeq: 0 });
    assert.equal(client.readyFrame!.seq, 1 + 5 + 1 + 400);
    service().chat.sendMessage(a.id, thread, { content: 'still delivered', type: 'text' });
    await client.waitFor((f) => f.type === 'event' && (f as TestEvent).data.message === 'still delivered', 'the next message');
  });

  test('sends in one turn of the event loop commit together; a refused one changes nothing and the others stand', async () => {
    const [a, b, outsider] = await Promise.all([chatUser(service()), chatUser(service()), chatUser(service())]);
    const thread = await createThread(service(), a, [b.id]);
    const listen = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'burst' });
    const rowsBefore = countRows(service(), 'event_log');
    const sends = Array.from({ length: 12 }, (_, i) =>
      userRequest<{ id: string }>(service(), (i === 5 ? outsider : a).token, 'POST', threadPath(thread, '/messages'), {
        content: `burst ${i}`,
      }),
    );
    const answers = await Promise.all(sends);
    assert.deepEqual(
      answers.map((r) => r.status),
      answers.map((_, i) => (i === 5 ? 403 : 201)),
    );
    assert.equal(countRows(service(), 'event_log') - rowsBefore, 11);
    assert.equal(countRows(service(), "chat_messages WHERE thread_id = ? AND content LIKE '%burst 5%'", thread), 0);
    const ids = answers.filter((r) => r.status === 201).map((r) => r.body.id);
    for (const id of ids) await listen.waitFor((f) => f.type === 'event' && (f as TestEvent).data.id === id, id);
    const seqs = listen.events.map((e) => e.seq!);
    assert.deepEqual(
      seqs,
      Array.from({ length: 11 }, (_, i) => seqs[0]! + i),
    );
  });
});

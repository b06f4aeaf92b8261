/**
 * Durability: the service, as its own process on a data folder, is killed with SIGKILL in the middle
 * of a burst of sends from concurrent senders, then restarted on the same folder, many times over.
 * After each kill:
 * - the database passes `PRAGMA integrity_check` (checked on a copy of the files as the kill left
 *   them, before the restart recovers the WAL);
 * - every message whose send got a 201 is there, exactly once, with its content, sender and id;
 * - nothing is half-written: every stored message was sent by us (content unique per send), each
 *   has its `chatMessageReceived` event for every member, sequence ids are unique, and every
 *   user's event counter matches the newest event stored for it.
 *
 * DURABILITY_CYCLES raises the number of cycles (10 by default here).
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { type RunningService } from '../../mock-server/service.js';
import { withDataDir } from '../kit/node.js';
import { recordFigures } from '../kit/figures.js';
import { type ChatUser, adminRequest, chatUser, createThread, threadPath, userModel, userRequest } from '../kit/serverHelpers.js';
import { type ServiceProcess, startServiceProcess } from '../kit/serviceProcess.js';

const CYCLES = Number(process.env.DURABILITY_CYCLES ?? 10);
const SENDERS = 6;

/** What the HTTP helpers need of a service, for one running as a child process. */
function remote(proc: ServiceProcess): RunningService {
  return { endpoint: proc.endpoint, secrets: { accessKey: proc.accessKey } } as RunningService;
}

interface Acked {
  id: string;
  thread: string;
  sender: string;
  content: string;
}

/** Copies the database files as they are on disk and checks the copy. */
function integrityOfCopy(dataDir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'oc-durability-copy-'));
  try {
    for (const suffix of ['', '-wal', '-shm']) {
      const file = join(dataDir, `service.db${suffix}`);
      if (existsSync(file)) copyFileSync(file, join(copy, `service.db${suffix}`));
    }
    const db = new Database(join(copy, 'service.db'));
    try {
      return (db.pragma('integrity_check', { simple: true }) as string) ?? 'no answer';
    } finally {
      db.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

interface StoredMessage {
  id: string;
  type: string;
  sequenceId: string;
  content?: { message?: string };
  senderCommunicationIdentifier?: { rawId: string };
}

async function listAll(service: RunningService, user: ChatUser, thread: string): Promise<StoredMessage[]> {
  const all: StoredMessage[] = [];
  let path: string | undefined = `${threadPath(thread, '/messages')}?maxPageSize=200`;
  while (path) {
    const response: { status: number; text: string; body: { value: StoredMessage[]; nextLink?: string } } = await userRequest(
      service,
      user.token,
      'GET',
      path,
    );
    assert.equal(response.status, 200, response.text);
    all.push(...response.body.value);
    path = response.body.nextLink;
  }
  return all;
}

describe('durability: SIGKILL mid-burst, restart, nothing lost or half-written', () => {
  let dataDir: string;
  let proc: ServiceProcess | undefined;
  const users: ChatUser[] = [];
  const threads: { id: string; members: ChatUser[] }[] = [];
  const acked: Acked[] = [];
  const figures = {
    cycles: 0,
    kills: 0,
    sendsAttempted: 0,
    sendsAcknowledged: 0,
    sendsFailedByKill: 0,
    inFlightCommitted: 0,
    messagesLost: 0,
    duplicates: 0,
    integrityFailures: 0,
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'oc-durability-'));
    proc = await startServiceProcess(['--data', dataDir]);
    const service = remote(proc);
    for (let i = 0; i < SENDERS; i++) {
      const response = await adminRequest<{ identity: { id: string }; accessToken: { token: string } }>(service, 'POST', '/identities', {
        createTokenWithScopes: ['chat'],
      });
      assert.equal(response.status, 201, response.text);
      users.push({ id: response.body.identity.id, token: response.body.accessToken.token });
    }
    // One thread everyone writes to at once, and one per pair of senders.
    threads.push({
      id: await createThread(
        service,
        users[0]!,
        users.slice(1).map((u) => u.id),
        'Everyone',
      ),
      members: users,
    });
    for (let i = 0; i < SENDERS; i += 2) {
      const pair = [users[i]!, users[i + 1]!];
      threads.push({ id: await createThread(service, pair[0]!, [pair[1]!.id], `Pair ${i}`), members: pair });
    }
  });

  after(async () => {
    await proc?.kill();
    recordFigures('durability', figures);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test(`${CYCLES} cycles of burst, SIGKILL, restart: every acknowledged message exactly once, the database intact`, async () => {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      if (!proc) proc = await startServiceProcess(['--data', dataDir]);
      const service = remote(proc);
      let stop = false;
      const inFlight: Acked[] = [];
      const senders = users.map(async (user, index) => {
        for (let i = 0; !stop; i++) {
          const candidates = threads.filter((t) => t.members.includes(user));
          const thread = candidates[i % candidates.length]!;
          const content = `c${cycle}-u${index}-${i}`;
          const attempt: Acked = { id: '', thread: thread.id, sender: user.id, content };
          inFlight.push(attempt);
          figures.sendsAttempted++;
          try {
            const response = await userRequest<{ id: string }>(service, user.token, 'POST', threadPath(thread.id, '/messages'), {
              content,
            });
            if (response.status !== 201) throw new Error(`send answered ${response.status}: ${response.text}`);
            attempt.id = response.body.id;
            acked.push(attempt);
            figures.sendsAcknowledged++;
          } catch (error) {
            if (!stop) throw error;
            figures.sendsFailedByKill++;
            return;
          }
        }
      });
      // Kill at a random moment of the burst.
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 350));
      stop = true;
      proc.child.kill('SIGKILL');
      await Promise.all(senders);
      await proc.exited;
      proc = undefined;
      figures.kills++;

      const integrity = integrityOfCopy(dataDir);
      if (integrity !== 'ok') figures.integrityFailures++;
      assert.equal(integrity, 'ok', `cycle ${cycle}: integrity_check after SIGKILL`);

      proc = await startServiceProcess(['--data', dataDir]);
      const restarted = remote(proc);
      const sentContents = new Set(inFlight.map((a) => a.content));
      for (const thread of threads) {
        const stored = (await listAll(restarted, thread.members[0]!, thread.id)).filter((m) => m.type === 'text');
        const byContent = new Map<string, number>();
        for (const message of stored) {
          const content = message.content?.message ?? '';
          byContent.set(content, (byContent.get(content) ?? 0) + 1);
        }
        for (const [content, times] of byContent) {
          if (times > 1) figures.duplicates++;
          assert.equal(times, 1, `cycle ${cycle}: "${content}" stored ${times} times`);
        }
        for (const sent of acked.filter((a) => a.thread === thread.id)) {
          const found = stored.find((m) => m.id === sent.id);
          if (!found) figures.messagesLost++;
          assert.ok(found, `cycle ${cycle}: acknowledged message ${sent.id} ("${sent.content}") is missing`);
          assert.equal(found.content?.message, sent.content, `message ${sent.id} content`);
          assert.equal(found.senderCommunicationIdentifier?.rawId, sent.sender, `message ${sent.id} sender`);
        }
        // A send that was in flight at the kill may have committed (without its 201): count them.
        const ackedHere = new Set(acked.filter((a) => a.thread === thread.id).map((a) => a.id));
        for (const message of stored) {
          if (!ackedHere.has(message.id) && sentContents.has(message.content?.message ?? '')) figures.inFlightCommitted++;
        }
        const sequenceIds = stored.map((m) => m.sequenceId);
        assert.equal(new Set(sequenceIds).size, sequenceIds.length, `cycle ${cycle}: duplicate sequence ids`);
      }
      figures.cycles++;
    }
    await proc?.kill();
    proc = undefined;

    // The transaction boundaries held: every message has its event for every member, and every
    // user's event counter is the newest event stored for it.
    const db = new Database(join(dataDir, 'service.db'));
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const messages = db.prepare("SELECT thread_id, id FROM chat_messages WHERE type = 'text'").all() as {
        thread_id: string;
        id: string;
      }[];
      const eventCounts = new Map(
        (
          db
            .prepare(
              `SELECT json_extract(data, '$.threadId') AS thread, json_extract(data, '$.id') AS id, COUNT(*) AS n
               FROM events WHERE name = 'chatMessageReceived' GROUP BY thread, id`,
            )
            .all() as { thread: string; id: string; n: number }[]
        ).map((row) => [`${row.thread}|${row.id}`, row.n]),
      );
      // (Until events are pruned: the service keeps the newest 10,000 per user.)
      const pruned = (db.prepare('SELECT MAX(last_seq) AS n FROM user_event_seq').get() as { n: number }).n > 10_000;
      for (const message of pruned ? [] : messages) {
        const members = threads.find((t) => t.id === message.thread_id)!.members.length;
        assert.equal(eventCounts.get(`${message.thread_id}|${message.id}`) ?? 0, members, `events of message ${message.id}`);
      }
      const counters = db
        .prepare(
          'SELECT s.user_id, s.last_seq, MAX(e.seq) AS newest FROM user_event_seq s JOIN events e ON e.user_id = s.user_id GROUP BY s.user_id',
        )
        .all() as { user_id: string; last_seq: number; newest: number }[];
      for (const row of counters) assert.equal(row.last_seq, row.newest, `event counter of ${row.user_id}`);
      const contents = db.prepare("SELECT json_extract(content, '$.message') AS c FROM chat_messages WHERE type = 'text'").all() as {
        c: string;
      }[];
      const all = new Set(acked.map((a) => a.content));
      const unexpected = contents.filter((row) => !/^c\d+-u\d+-\d+$/.test(row.c));
      assert.deepEqual(unexpected, [], 'messages nobody sent');
      assert.ok(contents.length >= all.size, `${contents.length} stored, ${all.size} acknowledged`);
    } finally {
      db.close();
    }
    assert.equal(figures.messagesLost, 0);
    assert.ok(figures.sendsAcknowledged > CYCLES * SENDERS, `only ${figures.sendsAcknowledged} sends acknowledged`);
  });
});

describe('durability: a fast restart does not reuse message ids', () => {
  const data = withDataDir('oc-ids-');

  test('ids handed out faster than the clock (ahead of it) stay unique across a restart', async () => {
    let service = await data.start();
    const a = await chatUser(service);
    const b = await chatUser(service);
    const thread = await createThread(service, a, [b.id]);
    // Sent in one tight loop, ids (ms timestamps, kept increasing) run ahead of the clock.
    const ids: string[] = [];
    for (let i = 0; i < 2000; i++) ids.push(service.chat.sendMessage(a.id, thread, { content: `m${i}`, type: 'text' }).id);
    const newest = Number(ids.at(-1));
    assert.ok(newest > Date.now(), 'the loop did not get ahead of the clock; the test proves nothing');
    await service.close();
    service = await data.start();
    const response = await userRequest<{ id: string }>(service, a.token, 'POST', threadPath(thread, '/messages'), {
      content: 'after the restart',
    });
    assert.equal(response.status, 201, response.text);
    assert.ok(Number(response.body.id) > newest, `${response.body.id} is not after ${newest}`);
    const participants = await userRequest(service, a.token, 'POST', threadPath(thread, '/participants/:add'), {
      participants: [{ communicationIdentifier: userModel(b.id) }],
    });
    assert.equal(participants.status, 201, participants.text); // a system message: an id too
  });
});

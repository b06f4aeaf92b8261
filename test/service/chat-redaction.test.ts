/**
 * Issue 11 (low): deleting or editing a chat message, or deleting a thread, left the old text in
 * every recipient's stored events, replayed from `lastSeq=0` and readable in the database file.
 * After the change the old content is in nothing the service replays or keeps on disk; the events
 * themselves stay, so sequence numbers stay gapless.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { withService } from '../kit/node.js';
import {
  type ChatUser,
  RealtimeTestClient,
  type TestEvent,
  chatUser,
  closeRealtimeClients,
  createThread,
  sendMessage,
  threadPath,
  userRequest,
} from '../kit/serverHelpers.js';

const DELETED = 'DELETEME-password-hunter2';
const EDITED = 'EDITME-secret-swordfish';
const EDITED_METADATA = 'EDITME-metadata-tiger';
const IN_DELETED_THREAD = 'THREADME-secret-opensesame';
const DELETED_TOPIC = 'TOPIC-secret-xyzzy';
const KEPT = 'CONTROL-kept-message-marigold';

/** Whether any file of the database (the file itself, its WAL, its shared memory) holds `text`. */
function onDisk(dataDir: string, text: string): boolean {
  const needle = Buffer.from(text);
  return ['service.db', 'service.db-wal', 'service.db-shm', 'service.db-journal'].some((name) => {
    const file = join(dataDir, name);
    return existsSync(file) && readFileSync(file).includes(needle);
  });
}

describe('chat: edited and deleted content is gone from stored events and from the disk', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'redaction-'));
  const service = withService({ dataDir });
  let a: ChatUser;
  let b: ChatUser;

  before(async () => {
    [a, b] = await Promise.all([chatUser(service()), chatUser(service())]);
  });
  after(async () => {
    await closeRealtimeClients();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('after a delete, an edit and a thread delete: a replay from lastSeq 0 and the database files hold none of the old text', async () => {
    const thread = await createThread(service(), a, [b.id]);
    const deleted = await sendMessage(service(), a, thread, DELETED);
    const edited = (
      await userRequest<{ id: string }>(service(), a.token, 'POST', threadPath(thread, '/messages'), {
        content: EDITED,
        metadata: { note: EDITED_METADATA },
      })
    ).body.id;
    await sendMessage(service(), a, thread, KEPT);
    const doomed = await createThread(service(), a, [b.id], DELETED_TOPIC);
    await sendMessage(service(), a, doomed, IN_DELETED_THREAD);

    // Control: before, the texts are stored and replayed (so the checks below can see them).
    const beforeReplay = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'before', lastSeq: 0 });
    const beforeText = JSON.stringify(beforeReplay.frames);
    for (const secret of [DELETED, EDITED, EDITED_METADATA, IN_DELETED_THREAD, DELETED_TOPIC])
      assert.ok(beforeText.includes(secret), secret);
    await beforeReplay.close();

    assert.equal((await userRequest(service(), a.token, 'DELETE', threadPath(thread, `/messages/${deleted}`))).status, 204);
    const edit = await userRequest(service(), a.token, 'PATCH', threadPath(thread, `/messages/${edited}`), {
      content: 'now edited',
      metadata: { note: 'new note' },
    });
    assert.equal(edit.status, 204);
    assert.equal((await userRequest(service(), a.token, 'DELETE', threadPath(doomed))).status, 204);

    const replay = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'after', lastSeq: 0 });
    const ready = replay.readyFrame!;
    const events = replay.events;
    // Every event is still there, numbered without a gap: resuming stays exactly-once.
    assert.deepEqual(
      events.map((e) => e.seq),
      Array.from({ length: ready.seq }, (_, i) => i + 1),
    );
    const text = JSON.stringify(replay.frames);
    for (const secret of [DELETED, EDITED, EDITED_METADATA, IN_DELETED_THREAD, DELETED_TOPIC]) {
      assert.ok(!text.includes(secret), `the replay still holds ${secret}`);
    }
    assert.ok(text.includes(KEPT), 'a message nobody touched lost its text');
    const ofMessage = (id: string) => events.filter((e) => (e as TestEvent).data.id === id) as TestEvent[];
    // The edited message's earlier events carry its current content; the deleted one's carry none.
    assert.deepEqual(
      ofMessage(edited).map((e) => [e.name, e.data.message, e.data.metadata]),
      [
        ['chatMessageReceived', 'now edited', { note: 'new note' }],
        ['chatMessageEdited', 'now edited', { note: 'new note' }],
      ],
    );
    assert.deepEqual(
      ofMessage(deleted).map((e) => [e.name, e.data.message ?? '']),
      [
        ['chatMessageReceived', ''],
        ['chatMessageDeleted', ''],
      ],
    );

    // Nor is it anywhere in the files: not in the database, not in free pages, not in the WAL.
    service().db.pragma('wal_checkpoint(PASSIVE)');
    assert.ok(onDisk(dataDir, KEPT), 'the control text is not on disk: the check would prove nothing');
    for (const secret of [DELETED, EDITED, EDITED_METADATA, IN_DELETED_THREAD, DELETED_TOPIC]) {
      assert.ok(!onDisk(dataDir, secret), `${secret} is still in the database files`);
    }
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import { withService } from '../kit/node.js';
import { type ChatUser, chatUser, countRows } from '../kit/serverHelpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/official-chat-sdk-client.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The SDK's identifier kind for a communication user. */
const kind = (id: string) => ({ kind: 'communicationUser', communicationUserId: id });

interface SdkParticipant {
  id: { kind: string; communicationUserId?: string };
  displayName?: string;
}
interface SdkMessage {
  id: string;
  type: string;
  sequenceId: string;
  version: string;
  createdOn: string;
  content?: { message?: string; topic?: string; participants?: SdkParticipant[]; initiator?: unknown };
  sender?: unknown;
  senderDisplayName?: string;
  editedOn?: string;
  deletedOn?: string;
  metadata?: Record<string, string>;
}
interface SdkError {
  name: string;
  statusCode: number;
  code: string;
}
interface SdkResult {
  failed?: unknown;
  stack?: string;
  created: { chatThread: { id: string; topic: string; createdOn: string; createdBy: unknown }; invalidParticipants?: unknown };
  threadId: string;
  sent: { id: string }[];
  messages: SdkMessage[];
  pages: string[][];
  participantPages: number[];
  participantsBefore: SdkParticipant[];
  added: { invalidParticipants?: { code: string; target: string }[] };
  participantsAfter: SdkParticipant[];
  properties: { id: string; topic: string; createdOn: string; createdBy: unknown };
  withRetention: { retentionPolicy?: unknown };
  retentionRemoved: { retentionPolicy?: unknown };
  got: SdkMessage;
  edited: SdkMessage;
  deleted: SdkMessage;
  readReceipts: { sender: unknown; chatMessageId: string; readOn: string }[];
  typing: boolean;
  participantsFinal: SdkParticipant[];
  threads: { id: string; topic: string }[];
  messagesFinal: SdkMessage[];
  missingMessage: SdkError;
  deletedThreadId: string;
  deletedThread: SdkError;
}

/** Runs the fixture in a child process that trusts the service's certificate. */
function runFixture(args: string[], certificatePath: string): Promise<{ result: SdkResult; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', FIXTURE, ...args],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, NODE_EXTRA_CA_CERTS: certificatePath },
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        if (!line) {
          reject(new Error(`The fixture printed no result (${String(error)}):\n${stdout}\n${stderr}`));
          return;
        }
        resolve({ result: JSON.parse(line.slice('RESULT '.length)) as SdkResult, stderr });
      },
    );
  });
}

const byId = (participants: SdkParticipant[]) =>
  [...participants].sort((x, y) => String(x.id.communicationUserId).localeCompare(String(y.id.communicationUserId)));

describe('the official @azure/communication-chat SDK against the service (HTTPS)', () => {
  const service = withService({ https: true });
  let a: ChatUser;
  let b: ChatUser;
  let c: ChatUser;
  let unknownUser: string;
  let result: SdkResult;
  before(async () => {
    const { endpoint, certificatePath, secrets } = service();
    assert.match(endpoint, /^https:\/\/127\.0\.0\.1:\d+\/$/);
    assert.ok(certificatePath, 'no certificate path in HTTPS mode');
    a = await chatUser(service());
    b = await chatUser(service());
    c = await chatUser(service());
    unknownUser = `8:acs:${secrets.resourceId}_00000000-0000-4000-8000-00000000dead`;
    const run = await runFixture([endpoint, a.token, b.id, c.id, unknownUser], certificatePath);
    result = run.result;
    assert.equal(result.failed, undefined, `the SDK failed: ${JSON.stringify(result.failed)}\n${result.stack}\n${run.stderr}`);
  });

  test('createChatThread with participants', () => {
    const { chatThread, invalidParticipants } = result.created;
    assert.match(chatThread.id, /^19:[0-9a-f]{32}@thread\.v2$/);
    assert.equal(chatThread.topic, 'Created by the SDK');
    assert.deepEqual(chatThread.createdBy, kind(a.id));
    assert.equal(new Date(chatThread.createdOn).toISOString(), chatThread.createdOn);
    assert.equal(invalidParticipants, undefined);
    assert.deepEqual(byId(result.participantsBefore), byId([{ id: kind(a.id) }, { id: kind(b.id), displayName: 'Bea' }]));
    // The SDK sent a repeatability-request-id: the service recorded it for the creator.
    assert.equal(countRows(service(), 'chat_thread_idempotency WHERE creator = ? AND thread_id = ?', a.id, result.threadId), 1);
  });

  test('sendMessage and listMessages (newest first, paged through nextLink)', () => {
    const [first, second, third] = result.sent.map((s) => s.id);
    for (const id of [first, second, third]) assert.match(id!, /^\d+$/);
    const messages = result.messages;
    assert.deepEqual(
      messages.map((m) => [m.type, m.sequenceId, m.content?.message]),
      [
        ['text', '4', 'third'],
        ['html', '3', '<p>second</p>'],
        ['text', '2', 'Hello from the official SDK'],
        ['participantAdded', '1', undefined],
      ],
    );
    assert.deepEqual(
      messages.slice(0, 3).map((m) => m.id),
      [third, second, first],
    );
    const hello = messages[2]!;
    assert.deepEqual(hello.sender, kind(a.id));
    assert.equal(hello.senderDisplayName, 'Ann');
    assert.deepEqual(hello.metadata, { origin: 'sdk' });
    assert.equal(hello.version, first);
    assert.deepEqual(result.got, hello);
    const system = messages[3]!;
    assert.deepEqual(system.content!.initiator, kind(a.id));
    assert.deepEqual(byId(system.content!.participants!), byId([{ id: kind(a.id) }, { id: kind(b.id), displayName: 'Bea' }]));
    assert.equal(system.sender, undefined);
    // maxPageSize 2: the SDK followed the service's nextLink for the second page.
    assert.deepEqual(result.pages, [
      [third, second],
      [first, system.id],
    ]);
  });

  test('listParticipants and addParticipants (with an unknown user reported)', () => {
    assert.deepEqual(
      result.added.invalidParticipants!.map(({ code, target }) => ({ code, target })),
      [{ code: 'ParticipantNotFound', target: unknownUser }],
    );
    assert.deepEqual(
      byId(result.participantsAfter),
      byId([{ id: kind(a.id) }, { id: kind(b.id), displayName: 'Bea' }, { id: kind(c.id), displayName: 'Cy' }]),
    );
    assert.deepEqual(result.participantPages, [1, 1]);
    assert.deepEqual(byId(result.participantsFinal), byId([{ id: kind(a.id) }, { id: kind(b.id), displayName: 'Bea' }]));
  });

  test('updateTopic and getProperties', () => {
    assert.equal(result.properties.id, result.threadId);
    assert.equal(result.properties.topic, 'Renamed by the SDK');
    assert.deepEqual(result.properties.createdBy, kind(a.id));
    assert.equal(result.properties.createdOn, result.created.chatThread.createdOn);
    const topicMessage = result.messagesFinal.find((m) => m.type === 'topicUpdated');
    assert.equal(topicMessage?.content?.topic, 'Renamed by the SDK');
    assert.deepEqual(topicMessage?.content?.initiator, kind(a.id));
  });

  test('updateProperties with retentionPolicy null removes the policy: reads report kind none', () => {
    assert.deepEqual(result.withRetention.retentionPolicy, { kind: 'threadCreationDate', deleteThreadAfterDays: 30 });
    assert.deepEqual(result.retentionRemoved.retentionPolicy, { kind: 'none' });
    const row = service().db.prepare('SELECT retention_policy FROM chat_threads WHERE id = ?').get(result.threadId) as {
      retention_policy: string;
    };
    assert.deepEqual(JSON.parse(row.retention_policy), { kind: 'none' });
  });

  test('updateMessage, deleteMessage, read receipts, typing, removeParticipant, listChatThreads, errors', () => {
    const [, second, third] = result.sent.map((s) => s.id);
    assert.equal(result.edited.content?.message, 'third, edited');
    assert.ok(result.edited.editedOn, 'no editedOn');
    assert.notEqual(result.edited.version, third);
    assert.equal(result.deleted.id, second);
    assert.ok(result.deleted.deletedOn, 'no deletedOn');
    assert.equal(result.deleted.content, undefined);
    assert.deepEqual(
      result.readReceipts.map((r) => [r.sender, r.chatMessageId]),
      [[kind(a.id), result.sent[0]!.id]],
    );
    assert.equal(result.typing, true);
    assert.deepEqual(
      result.messagesFinal.map((m) => m.type),
      ['participantRemoved', 'topicUpdated', 'participantAdded', 'text', 'html', 'text', 'participantAdded'],
    );
    assert.deepEqual(
      result.threads.map((t) => [t.id, t.topic]),
      [[result.threadId, 'Renamed by the SDK']],
    );
    assert.deepEqual(result.missingMessage, { ...result.missingMessage, name: 'RestError', statusCode: 404, code: 'MessageNotFound' });
    assert.deepEqual(result.deletedThread, { ...result.deletedThread, name: 'RestError', statusCode: 404, code: 'ThreadNotFound' });
  });

  test('the service state matches what the SDK did', () => {
    const thread = service().db.prepare('SELECT topic, created_by FROM chat_threads WHERE id = ?').get(result.threadId);
    assert.deepEqual(thread, { topic: 'Renamed by the SDK', created_by: a.id });
    const participants = service()
      .db.prepare('SELECT raw_id, display_name FROM chat_participants WHERE thread_id = ? ORDER BY raw_id')
      .all(result.threadId);
    assert.deepEqual(
      participants,
      [
        { raw_id: a.id, display_name: null },
        { raw_id: b.id, display_name: 'Bea' },
      ].sort((x, y) => x.raw_id.localeCompare(y.raw_id)),
    );
    const stored = service()
      .db.prepare(
        'SELECT id, type, content, deleted_on IS NOT NULL AS deleted FROM chat_messages WHERE thread_id = ? AND sender IS NOT NULL ORDER BY sequence_id',
      )
      .all(result.threadId) as { id: string; type: string; content: string | null; deleted: number }[];
    assert.deepEqual(
      stored.map((m) => [m.id, m.type, m.content && (JSON.parse(m.content) as { message: string }).message, m.deleted]),
      [
        [result.sent[0]!.id, 'text', 'Hello from the official SDK', 0],
        [result.sent[1]!.id, 'html', null, 1],
        [result.sent[2]!.id, 'text', 'third, edited', 0],
      ],
    );
    assert.equal(countRows(service(), 'chat_read_receipts WHERE thread_id = ? AND raw_id = ?', result.threadId, a.id), 1);
    assert.equal(countRows(service(), 'chat_threads WHERE id = ?', result.deletedThreadId), 0);
    // B, a participant throughout, has every durable event of the thread stored for its channel.
    const names = (service().db.prepare('SELECT name FROM events WHERE user_id = ? ORDER BY seq').all(b.id) as { name: string }[]).map(
      (row) => row.name,
    );
    assert.deepEqual(names, [
      'chatThreadCreated',
      'chatMessageReceived',
      'chatMessageReceived',
      'chatMessageReceived',
      'participantsAdded',
      'chatThreadPropertiesUpdated', // topic
      'chatThreadPropertiesUpdated', // retention policy set
      'chatThreadPropertiesUpdated', // retention policy removed
      'chatMessageEdited',
      'chatMessageDeleted',
      'readReceiptReceived',
      'participantsRemoved',
    ]);
    // C was added, then removed: it saw that much and nothing after.
    const cNames = (service().db.prepare('SELECT name FROM events WHERE user_id = ? ORDER BY seq').all(c.id) as { name: string }[]).map(
      (row) => row.name,
    );
    assert.deepEqual(cNames, [
      'participantsAdded',
      'chatThreadPropertiesUpdated',
      'chatThreadPropertiesUpdated',
      'chatThreadPropertiesUpdated',
      'chatMessageEdited',
      'chatMessageDeleted',
      'readReceiptReceived',
      'participantsRemoved',
    ]);
  });
});

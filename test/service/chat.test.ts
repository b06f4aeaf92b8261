import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import type { RunningService } from '../../mock-server/service.js';
import { withService } from '../kit/node.js';
import {
  type ChatUser,
  type JsonResponse,
  adminRequest,
  assertError,
  chatUser,
  clockPast,
  countRows,
  createThread,
  forgeToken,
  sendMessage,
  stateSnapshot,
  threadPath,
  userModel,
  userRequest,
} from '../kit/serverHelpers.js';

interface WireId {
  rawId?: string;
  kind?: string;
  communicationUser?: { id: string };
  phoneNumber?: { value: string };
}

interface ThreadBody {
  id: string;
  topic: string;
  createdOn: string;
  createdByCommunicationIdentifier: WireId;
  metadata?: Record<string, string>;
  retentionPolicy?: unknown;
}

interface ThreadItem {
  id: string;
  topic: string;
  lastMessageReceivedOn: string;
}

interface ParticipantBody {
  communicationIdentifier: WireId;
  displayName?: string;
  shareHistoryTime?: string;
  metadata?: Record<string, string>;
}

interface MessageBody {
  id: string;
  type: string;
  sequenceId: string;
  version: string;
  content?: {
    message?: string;
    topic?: string;
    participants?: ParticipantBody[];
    initiatorCommunicationIdentifier?: WireId;
  };
  senderDisplayName?: string;
  createdOn: string;
  senderCommunicationIdentifier?: WireId;
  deletedOn?: string;
  editedOn?: string;
  metadata?: Record<string, string>;
}

interface ReceiptBody {
  senderCommunicationIdentifier: WireId;
  chatMessageId: string;
  readOn: string;
}

interface PageBody<T> {
  value: T[];
  nextLink?: string;
}

const THREAD_ID = /^19:[0-9a-f]{32}@thread\.v2$/;

/** The identifier model the service answers with for a communication user. */
function wire(rawId: string): WireId {
  return { rawId, kind: 'communicationUser', communicationUser: { id: rawId } };
}

function assertIso(value: unknown, what: string): void {
  assert.equal(typeof value, 'string', `${what} is not a string`);
  assert.equal(new Date(value as string).toISOString(), value, `${what} is not an ISO date-time`);
}

function ms(iso: string): number {
  return new Date(iso).getTime();
}

/** Follows nextLink from `path` to the last page; returns every page's body. */
async function allPages<T>(service: RunningService, token: string, path: string): Promise<PageBody<T>[]> {
  const pages: PageBody<T>[] = [];
  let next: string | undefined = path;
  while (next !== undefined) {
    const response: JsonResponse<PageBody<T>> = await userRequest<PageBody<T>>(service, token, 'GET', next);
    assert.equal(response.status, 200, response.text);
    pages.push(response.body);
    next = response.body.nextLink;
    assert.ok(pages.length < 100, 'nextLink never ends');
  }
  return pages;
}

async function listMessages(service: RunningService, user: ChatUser, threadId: string, query = ''): Promise<MessageBody[]> {
  const pages = await allPages<MessageBody>(service, user.token, threadPath(threadId, `/messages${query}`));
  return pages.flatMap((page) => page.value);
}

async function listParticipants(service: RunningService, user: ChatUser, threadId: string): Promise<ParticipantBody[]> {
  const pages = await allPages<ParticipantBody>(service, user.token, threadPath(threadId, '/participants'));
  return pages.flatMap((page) => page.value);
}

async function getMessage(service: RunningService, user: ChatUser, threadId: string, id: string): Promise<MessageBody> {
  const response = await userRequest<MessageBody>(service, user.token, 'GET', threadPath(threadId, `/messages/${id}`));
  assert.equal(response.status, 200, response.text);
  return response.body;
}

const rawIds = (participants: ParticipantBody[]): string[] => participants.map((p) => p.communicationIdentifier.rawId!).sort();

describe('chat threads', () => {
  const service = withService();

  test('create: 201 with chatThread, the creator added, unknown ids reported in invalidParticipants', async () => {
    const a = await chatUser(service());
    const b = await chatUser(service());
    const unknownUser = `8:acs:${service().secrets.resourceId}_00000000-0000-4000-8000-000000000000`;
    const response = await userRequest<{
      chatThread: ThreadBody;
      invalidParticipants?: { code: string; message: string; target: string }[];
    }>(service(), a.token, 'POST', '/chat/threads', {
      topic: 'Planning',
      participants: [
        { communicationIdentifier: userModel(b.id), displayName: 'Bea', metadata: { role: 'reviewer' } },
        { communicationIdentifier: userModel(unknownUser) },
        { communicationIdentifier: { rawId: '4:+14255550123', phoneNumber: { value: '+14255550123' } } },
      ],
      metadata: { project: 'p1' },
      retentionPolicy: { kind: 'threadCreationDate', deleteThreadAfterDays: 30 },
    });
    assert.equal(response.status, 201, response.text);
    assert.deepEqual(Object.keys(response.body).sort(), ['chatThread', 'invalidParticipants']);
    const { chatThread, invalidParticipants } = response.body;
    assert.match(chatThread.id, THREAD_ID);
    assertIso(chatThread.createdOn, 'createdOn');
    assert.deepEqual(chatThread, {
      id: chatThread.id,
      topic: 'Planning',
      createdOn: chatThread.createdOn,
      createdByCommunicationIdentifier: wire(a.id),
      metadata: { project: 'p1' },
      retentionPolicy: { kind: 'threadCreationDate', deleteThreadAfterDays: 30 },
    });
    assert.deepEqual(
      invalidParticipants!.map(({ code, target }) => ({ code, target })),
      [
        { code: 'ParticipantNotFound', target: unknownUser },
        { code: 'ParticipantNotFound', target: '4:+14255550123' },
      ],
    );
    for (const invalid of invalidParticipants!) assert.ok(invalid.message.length > 0, 'empty message');

    // The creator was added without being listed; the unknown ones were not.
    const participants = await listParticipants(service(), a, chatThread.id);
    assert.deepEqual(rawIds(participants), [a.id, b.id].sort());
    assert.deepEqual(
      participants.find((p) => p.communicationIdentifier.rawId === b.id),
      { communicationIdentifier: wire(b.id), displayName: 'Bea', metadata: { role: 'reviewer' } },
    );
    assert.deepEqual(
      participants.find((p) => p.communicationIdentifier.rawId === a.id),
      { communicationIdentifier: wire(a.id) },
    );

    // One participantAdded system message names both.
    const messages = await listMessages(service(), b, chatThread.id);
    assert.equal(messages.length, 1);
    const [system] = messages;
    assert.equal(system!.type, 'participantAdded');
    assert.equal(system!.sequenceId, '1');
    assert.equal(system!.senderCommunicationIdentifier, undefined);
    assert.deepEqual(system!.content!.initiatorCommunicationIdentifier, wire(a.id));
    assert.deepEqual(rawIds(system!.content!.participants!), [a.id, b.id].sort());

    // B, a participant, sees the same properties.
    const got = await userRequest<ThreadBody>(service(), b.token, 'GET', threadPath(chatThread.id));
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.body, chatThread);
    assert.equal(countRows(service(), 'chat_participants WHERE thread_id = ?', chatThread.id), 2);
  });

  test('create without participants: only the creator, no invalidParticipants member', async () => {
    const a = await chatUser(service());
    const response = await userRequest<{ chatThread: ThreadBody }>(service(), a.token, 'POST', '/chat/threads', {
      topic: 'Solo',
    });
    assert.equal(response.status, 201, response.text);
    assert.deepEqual(Object.keys(response.body), ['chatThread']);
    assert.deepEqual(Object.keys(response.body.chatThread).sort(), ['createdByCommunicationIdentifier', 'createdOn', 'id', 'topic']);
    assert.deepEqual(rawIds(await listParticipants(service(), a, response.body.chatThread.id)), [a.id]);
  });

  test('create with repeatability-request-id is idempotent per creator', async () => {
    const a = await chatUser(service());
    const b = await chatUser(service());
    const c = await chatUser(service());
    const key = randomUUID();
    const body = { topic: 'Once', participants: [{ communicationIdentifier: userModel(b.id) }] };
    const create = (user: ChatUser, id: string) =>
      userRequest<{ chatThread: ThreadBody }>(service(), user.token, 'POST', '/chat/threads', body, {
        headers: { 'repeatability-request-id': id },
      });
    const first = await create(a, key);
    assert.equal(first.status, 201, first.text);
    const snapshot = stateSnapshot(service());
    const second = await create(a, key);
    assert.equal(second.status, 201, second.text);
    assert.deepEqual(second.body.chatThread, first.body.chatThread);
    assert.deepEqual(stateSnapshot(service()), snapshot, 'a repeated create wrote something');
    assert.equal(countRows(service(), "chat_threads WHERE topic = 'Once'"), 1);

    const other = await create(a, randomUUID());
    assert.equal(other.status, 201, other.text);
    assert.notEqual(other.body.chatThread.id, first.body.chatThread.id);
    // The key is the creator's own: another user reusing it gets a thread of their own.
    const foreign = await create(c, key);
    assert.equal(foreign.status, 201, foreign.text);
    assert.notEqual(foreign.body.chatThread.id, first.body.chatThread.id);
    assert.deepEqual(foreign.body.chatThread.createdByCommunicationIdentifier, wire(c.id));
    assert.equal(countRows(service(), "chat_threads WHERE topic = 'Once'"), 3);
  });

  test("list threads: the caller's only, most recent activity first, paged with an absolute nextLink", async () => {
    const a = await chatUser(service());
    const stranger = await chatUser(service());
    const strangers = await createThread(service(), stranger, [], 'not yours');
    const ids: string[] = [];
    for (const topic of ['t1', 't2', 't3']) {
      ids.push(await createThread(service(), a, [], topic));
      await clockPast(Date.now());
    }
    const first = await userRequest<PageBody<ThreadItem>>(service(), a.token, 'GET', '/chat/threads?maxPageSize=2');
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(
      first.body.value.map((t) => t.id),
      [ids[2], ids[1]],
    );
    for (const item of first.body.value) {
      assert.deepEqual(Object.keys(item).sort(), ['id', 'lastMessageReceivedOn', 'topic']);
      assertIso(item.lastMessageReceivedOn, 'lastMessageReceivedOn');
    }
    assert.equal(first.body.value[0]!.topic, 't3');
    const link = new URL(first.body.nextLink!);
    assert.equal(link.origin, new URL(service().endpoint).origin);
    assert.equal(link.pathname, '/chat/threads');
    assert.equal(link.searchParams.get('maxPageSize'), '2');
    assert.equal(link.searchParams.get('api-version'), '2025-03-15');
    assert.ok(link.searchParams.get('continuationToken'), 'no continuationToken in nextLink');

    const second = await userRequest<PageBody<ThreadItem>>(service(), a.token, 'GET', first.body.nextLink!);
    assert.equal(second.status, 200, second.text);
    assert.deepEqual(
      second.body.value.map((t) => t.id),
      [ids[0]],
    );
    assert.equal(second.body.nextLink, undefined);
    assert.ok(![...first.body.value, ...second.body.value].some((t) => t.id === strangers), "another user's thread listed");

    // A message moves its thread to the front.
    await sendMessage(service(), a, ids[0]!, 'bump');
    const bumped = await userRequest<PageBody<ThreadItem>>(service(), a.token, 'GET', '/chat/threads');
    assert.deepEqual(
      bumped.body.value.map((t) => t.id),
      [ids[0], ids[2], ids[1]],
    );
    assert.equal(bumped.body.nextLink, undefined);

    // startTime: threads updated since then.
    const future = new Date(Date.now() + 60_000).toISOString();
    const none = await userRequest<PageBody<ThreadItem>>(service(), a.token, 'GET', `/chat/threads?startTime=${future}`);
    assert.equal(none.status, 200, none.text);
    assert.deepEqual(none.body, { value: [] });
    const past = new Date(Date.now() - 3_600_000).toISOString();
    const all = await userRequest<PageBody<ThreadItem>>(service(), a.token, 'GET', `/chat/threads?startTime=${past}`);
    assert.equal(all.body.value.length, 3);
  });

  test('get, update topic (topicUpdated system message) and metadata, then delete', async () => {
    const a = await chatUser(service());
    const b = await chatUser(service());
    const id = await createThread(service(), a, [b.id], 'Old topic');

    const unknown = await userRequest(service(), a.token, 'GET', threadPath('19:00000000000000000000000000000000@thread.v2'));
    assertError(unknown, 404, 'ThreadNotFound');

    const patch = await userRequest(service(), a.token, 'PATCH', threadPath(id), { topic: 'New topic' });
    assert.equal(patch.status, 204, patch.text);
    assert.equal(patch.text, '');
    const got = await userRequest<ThreadBody>(service(), b.token, 'GET', threadPath(id));
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body.topic, 'New topic');
    assert.equal(got.body.id, id);

    const [latest, ...rest] = await listMessages(service(), b, id);
    assert.equal(rest.length, 1);
    assert.equal(latest!.type, 'topicUpdated');
    assert.equal(latest!.sequenceId, '2');
    assert.deepEqual(latest!.content, { topic: 'New topic', initiatorCommunicationIdentifier: wire(a.id) });
    assert.equal(latest!.senderCommunicationIdentifier, undefined);

    // Metadata and the same topic again: no new system message.
    const meta = await userRequest(service(), a.token, 'PATCH', threadPath(id), {
      topic: 'New topic',
      metadata: { color: 'blue' },
      retentionPolicy: { kind: 'none' },
    });
    assert.equal(meta.status, 204, meta.text);
    const after1 = await userRequest<ThreadBody>(service(), a.token, 'GET', threadPath(id));
    assert.deepEqual(after1.body.metadata, { color: 'blue' });
    assert.deepEqual(after1.body.retentionPolicy, { kind: 'none' });
    assert.equal(after1.body.topic, 'New topic');
    assert.equal((await listMessages(service(), a, id)).length, 2);
    // null removes the retention policy; reads then report kind none, as ACS does.
    assert.equal((await userRequest(service(), a.token, 'PATCH', threadPath(id), { retentionPolicy: null })).status, 204);
    const after2 = await userRequest<ThreadBody>(service(), a.token, 'GET', threadPath(id));
    assert.deepEqual(after2.body.retentionPolicy, { kind: 'none' });
    assert.deepEqual(after2.body.metadata, { color: 'blue' });

    await sendMessage(service(), b, id, 'soon gone');
    const del = await userRequest(service(), a.token, 'DELETE', threadPath(id));
    assert.equal(del.status, 204, del.text);
    assertError(await userRequest(service(), a.token, 'GET', threadPath(id)), 404, 'ThreadNotFound');
    assertError(await userRequest(service(), b.token, 'GET', threadPath(id, '/messages')), 404, 'ThreadNotFound');
    assert.equal(countRows(service(), 'chat_threads WHERE id = ?', id), 0);
    assert.equal(countRows(service(), 'chat_participants WHERE thread_id = ?', id), 0);
    assert.equal(countRows(service(), 'chat_messages WHERE thread_id = ?', id), 0);
    const listed = await userRequest<PageBody<ThreadItem>>(service(), b.token, 'GET', '/chat/threads');
    assert.ok(!listed.body.value.some((t) => t.id === id), 'the deleted thread is still listed');
    // Deleting again is a 404.
    assertError(await userRequest(service(), a.token, 'DELETE', threadPath(id)), 404, 'ThreadNotFound');
  });
});

describe('chat messages', () => {
  const service = withService();
  let a: ChatUser;
  let b: ChatUser;
  before(async () => {
    a = await chatUser(service());
    b = await chatUser(service());
  });

  test('send: 201 with the id; get returns the whole message', async () => {
    const thread = await createThread(service(), a, [b.id]);
    const response = await userRequest<{ id: string }>(service(), a.token, 'POST', threadPath(thread, '/messages'), {
      content: 'Hello',
      senderDisplayName: 'Ann',
      metadata: { tag: 'greeting' },
    });
    assert.equal(response.status, 201, response.text);
    assert.deepEqual(Object.keys(response.body), ['id']);
    const { id } = response.body;
    assert.match(id, /^\d+$/);
    const message = await getMessage(service(), b, thread, id);
    assertIso(message.createdOn, 'createdOn');
    assert.deepEqual(message, {
      id,
      type: 'text',
      sequenceId: '2',
      version: id,
      createdOn: message.createdOn,
      content: { message: 'Hello' },
      senderCommunicationIdentifier: wire(a.id),
      senderDisplayName: 'Ann',
      metadata: { tag: 'greeting' },
    });

    const html = await userRequest<{ id: string }>(service(), b.token, 'POST', threadPath(thread, '/messages'), {
      content: '<b>bold</b>',
      type: 'html',
    });
    assert.equal(html.status, 201, html.text);
    const got = await getMessage(service(), a, thread, html.body.id);
    assert.equal(got.type, 'html');
    assert.equal(got.sequenceId, '3');
    assert.deepEqual(got.content, { message: '<b>bold</b>' });
    assert.ok(BigInt(html.body.id) > BigInt(id), 'message ids increase');

    assertError(await userRequest(service(), a.token, 'GET', threadPath(thread, '/messages/12345')), 404, 'MessageNotFound');
  });

  test('list: newest first, paged with maxPageSize and nextLink', async () => {
    const thread = await createThread(service(), a, [b.id]);
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push(await sendMessage(service(), i % 2 ? a : b, thread, `m${i}`));
    const pages = await allPages<MessageBody>(service(), a.token, threadPath(thread, '/messages?maxPageSize=2'));
    assert.deepEqual(
      pages.map((page) => page.value.map((m) => m.content?.message ?? m.type)),
      [
        ['m5', 'm4'],
        ['m3', 'm2'],
        ['m1', 'participantAdded'],
      ],
    );
    const all = pages.flatMap((page) => page.value);
    assert.deepEqual(
      all.map((m) => m.sequenceId),
      ['6', '5', '4', '3', '2', '1'],
    );
    assert.deepEqual(
      all.slice(0, 5).map((m) => m.id),
      [...ids].reverse(),
    );
    assert.deepEqual(
      all.slice(0, 5).map((m) => m.senderCommunicationIdentifier?.rawId),
      [a.id, b.id, a.id, b.id, a.id],
    );
    for (const page of pages.slice(0, 2)) {
      const link = new URL(page.nextLink!);
      assert.equal(link.pathname, threadPath(thread, '/messages'));
      assert.equal(link.searchParams.get('maxPageSize'), '2');
    }
    // Without maxPageSize: one page.
    const one = await userRequest<PageBody<MessageBody>>(service(), a.token, 'GET', threadPath(thread, '/messages'));
    assert.equal(one.body.value.length, 6);
    assert.equal(one.body.nextLink, undefined);
  });

  test('list with startTime: messages created, edited or deleted since then', async () => {
    const thread = await createThread(service(), a, [b.id]);
    const m1 = await sendMessage(service(), a, thread, 'before');
    const created1 = ms((await getMessage(service(), a, thread, m1)).createdOn);
    await clockPast(created1);
    const m2 = await sendMessage(service(), b, thread, 'after');
    const startTime = new Date(created1 + 1).toISOString();
    const listed = await listMessages(service(), a, thread, `?startTime=${encodeURIComponent(startTime)}`);
    assert.deepEqual(
      listed.map((m) => m.id),
      [m2],
    );

    // Editing the older message brings it into the window.
    const edit = await userRequest(service(), a.token, 'PATCH', threadPath(thread, `/messages/${m1}`), { content: 'edited' });
    assert.equal(edit.status, 204, edit.text);
    const again = await listMessages(service(), a, thread, `?startTime=${encodeURIComponent(startTime)}`);
    assert.deepEqual(
      again.map((m) => m.id),
      [m2, m1],
    );
    assert.equal(again[1]!.content?.message, 'edited');
  });

  test('update: content and metadata change, editedOn and version set', async () => {
    const thread = await createThread(service(), a, [b.id]);
    const id = await sendMessage(service(), a, thread, 'first draft');
    const original = await getMessage(service(), a, thread, id);
    await clockPast(ms(original.createdOn));
    const patch = await userRequest(service(), a.token, 'PATCH', threadPath(thread, `/messages/${id}`), {
      content: 'final',
      metadata: { v: '2' },
    });
    assert.equal(patch.status, 204, patch.text);
    assert.equal(patch.text, '');
    const edited = await getMessage(service(), b, thread, id);
    assert.deepEqual(edited.content, { message: 'final' });
    assert.deepEqual(edited.metadata, { v: '2' });
    assertIso(edited.editedOn, 'editedOn');
    assert.ok(ms(edited.editedOn!) > ms(original.createdOn), 'editedOn is not after createdOn');
    assert.equal(edited.createdOn, original.createdOn);
    assert.equal(edited.sequenceId, original.sequenceId);
    assert.notEqual(edited.version, original.version);
    assert.ok(BigInt(edited.version) > BigInt(original.version), 'version did not increase');
    assert.equal(edited.deletedOn, undefined);
  });

  test('delete: listed with deletedOn and without content; twice is fine; editing it then is a 404', async () => {
    const thread = await createThread(service(), a, [b.id]);
    const keep = await sendMessage(service(), a, thread, 'keep');
    const gone = await userRequest<{ id: string }>(service(), a.token, 'POST', threadPath(thread, '/messages'), {
      content: 'secret',
      metadata: { k: 'v' },
    });
    const id = gone.body.id;
    const del = await userRequest(service(), a.token, 'DELETE', threadPath(thread, `/messages/${id}`));
    assert.equal(del.status, 204, del.text);
    const deleted = await getMessage(service(), b, thread, id);
    assertIso(deleted.deletedOn, 'deletedOn');
    assert.equal('content' in deleted, false);
    assert.equal('metadata' in deleted, false);
    assert.deepEqual(deleted.senderCommunicationIdentifier, wire(a.id));
    const listed = await listMessages(service(), b, thread);
    const inList = listed.find((m) => m.id === id)!;
    assert.deepEqual(inList, deleted);
    assert.equal(listed.find((m) => m.id === keep)!.content?.message, 'keep');
    assert.equal(JSON.stringify(listed).includes('secret'), false);
    // Nothing of the content is left in storage either.
    const row = service().db.prepare('SELECT content, metadata FROM chat_messages WHERE id = ?').get(id);
    assert.deepEqual(row, { content: null, metadata: null });

    const again = await userRequest(service(), a.token, 'DELETE', threadPath(thread, `/messages/${id}`));
    assert.equal(again.status, 204, again.text);
    assert.equal((await getMessage(service(), a, thread, id)).deletedOn, deleted.deletedOn);
    const edit = await userRequest(service(), a.token, 'PATCH', threadPath(thread, `/messages/${id}`), { content: 'revive' });
    assertError(edit, 404, 'MessageNotFound');
    assert.equal((await getMessage(service(), a, thread, id)).content, undefined);
  });
});

describe('chat participants, history sharing, read receipts, typing', () => {
  const service = withService();
  let a: ChatUser;
  let b: ChatUser;
  before(async () => {
    a = await chatUser(service());
    b = await chatUser(service());
  });

  test('list participants: paged with maxPageSize and skip', async () => {
    const c = await chatUser(service());
    const thread = await createThread(service(), a, [b.id, c.id]);
    const pages = await allPages<ParticipantBody>(service(), a.token, threadPath(thread, '/participants?maxPageSize=1'));
    assert.equal(pages.length, 3);
    for (const page of pages) assert.equal(page.value.length, 1);
    assert.equal(new URL(pages[0]!.nextLink!).searchParams.get('skip'), '1');
    assert.equal(new URL(pages[1]!.nextLink!).searchParams.get('skip'), '2');
    assert.equal(pages[2]!.nextLink, undefined);
    assert.deepEqual(rawIds(pages.flatMap((p) => p.value)), [a.id, b.id, c.id].sort());
  });

  test('add: 201, participantAdded system message, invalidParticipants for unknown ids', async () => {
    const c = await chatUser(service());
    const thread = await createThread(service(), a, [b.id]);
    assertError(await userRequest(service(), c.token, 'GET', threadPath(thread)), 403, 'NotAParticipant');
    const add = await userRequest(service(), b.token, 'POST', threadPath(thread, '/participants/:add'), {
      participants: [{ communicationIdentifier: userModel(c.id), displayName: 'Cy' }],
    });
    assert.equal(add.status, 201, add.text);
    assert.deepEqual(add.body, {});
    assert.deepEqual(rawIds(await listParticipants(service(), a, thread)), [a.id, b.id, c.id].sort());
    const [latest] = await listMessages(service(), c, thread);
    assert.equal(latest!.type, 'participantAdded');
    assert.deepEqual(latest!.content, {
      participants: [{ communicationIdentifier: wire(c.id), displayName: 'Cy' }],
      initiatorCommunicationIdentifier: wire(b.id),
    });
    assert.equal((await userRequest(service(), c.token, 'GET', threadPath(thread))).status, 200);

    const missing = `8:acs:${service().secrets.resourceId}_11111111-1111-4111-8111-111111111111`;
    const before = countRows(service(), 'chat_messages WHERE thread_id = ?', thread);
    const partial = await userRequest<{ invalidParticipants: { code: string; target: string }[] }>(
      service(),
      a.token,
      'POST',
      threadPath(thread, '/participants/:add'),
      { participants: [{ communicationIdentifier: userModel(missing) }] },
    );
    assert.equal(partial.status, 201, partial.text);
    assert.deepEqual(
      partial.body.invalidParticipants.map(({ code, target }) => ({ code, target })),
      [{ code: 'ParticipantNotFound', target: missing }],
    );
    assert.equal(countRows(service(), 'chat_messages WHERE thread_id = ?', thread), before, 'no system message for nobody');
    assert.equal(countRows(service(), 'chat_participants WHERE thread_id = ?', thread), 3);
  });

  test('remove: 204, participantRemoved system message, the removed user loses access; twice is fine', async () => {
    const c = await chatUser(service());
    const thread = await createThread(service(), a, [b.id, c.id]);
    const remove = await userRequest(service(), a.token, 'POST', threadPath(thread, '/participants/:remove'), wire(c.id));
    assert.equal(remove.status, 204, remove.text);
    assert.deepEqual(rawIds(await listParticipants(service(), b, thread)), [a.id, b.id].sort());
    const [latest] = await listMessages(service(), b, thread);
    assert.equal(latest!.type, 'participantRemoved');
    assert.deepEqual(latest!.content, {
      participants: [{ communicationIdentifier: wire(c.id) }],
      initiatorCommunicationIdentifier: wire(a.id),
    });
    assertError(await userRequest(service(), c.token, 'GET', threadPath(thread, '/messages')), 403, 'NotAParticipant');
    const snapshot = stateSnapshot(service());
    const again = await userRequest(service(), a.token, 'POST', threadPath(thread, '/participants/:remove'), userModel(c.id));
    assert.equal(again.status, 204, again.text);
    assert.deepEqual(stateSnapshot(service()), snapshot);
  });

  test('shareHistoryTime hides older messages from a late joiner; without it the history is shared', async () => {
    const late = await chatUser(service());
    const full = await chatUser(service());
    const thread = await createThread(service(), a, [b.id]);
    const old1 = await sendMessage(service(), a, thread, 'old 1');
    const old2 = await sendMessage(service(), b, thread, 'old 2');
    const lastOld = ms((await getMessage(service(), a, thread, old2)).createdOn);
    await clockPast(lastOld);
    const shareFrom = new Date(lastOld + 1).toISOString();
    const add = await userRequest(service(), a.token, 'POST', threadPath(thread, '/participants/:add'), {
      participants: [
        { communicationIdentifier: userModel(late.id), shareHistoryTime: shareFrom },
        { communicationIdentifier: userModel(full.id) },
      ],
    });
    assert.equal(add.status, 201, add.text);
    const fresh = await sendMessage(service(), b, thread, 'new');

    const seenByLate = await listMessages(service(), late, thread);
    assert.deepEqual(
      seenByLate.map((m) => m.content?.message ?? m.type),
      ['new', 'participantAdded'],
    );
    assert.deepEqual(seenByLate.map((m) => m.id)[0], fresh);
    assertError(await userRequest(service(), late.token, 'GET', threadPath(thread, `/messages/${old1}`)), 404, 'MessageNotFound');
    assertError(
      await userRequest(service(), late.token, 'POST', threadPath(thread, '/readReceipts'), { chatMessageId: old2 }),
      404,
      'MessageNotFound',
    );
    const listedLate = (await listParticipants(service(), a, thread)).find((p) => p.communicationIdentifier.rawId === late.id);
    assert.equal(listedLate!.shareHistoryTime, shareFrom);

    const seenByFull = await listMessages(service(), full, thread);
    assert.deepEqual(
      seenByFull.map((m) => m.content?.message ?? m.type),
      ['new', 'participantAdded', 'old 2', 'old 1', 'participantAdded'],
    );
    assert.equal((await getMessage(service(), full, thread, old1)).content?.message, 'old 1');
  });

  test('re-adding someone already in the thread changes nothing: no rename, no history window moved, no system message', async () => {
    const late = await chatUser(service());
    const victim = await chatUser(service());
    const thread = await createThread(service(), a, [b.id]);
    const old = await sendMessage(service(), a, thread, 'before the late joiner');
    const lastOld = ms((await getMessage(service(), a, thread, old)).createdOn);
    await clockPast(lastOld);
    const shareFrom = new Date(lastOld + 1).toISOString();
    const add = await userRequest(service(), a.token, 'POST', threadPath(thread, '/participants/:add'), {
      participants: [
        { communicationIdentifier: userModel(late.id), displayName: 'Late', shareHistoryTime: shareFrom },
        { communicationIdentifier: userModel(victim.id), displayName: 'Vic', metadata: { team: 'blue' } },
      ],
    });
    assert.equal(add.status, 201, add.text);
    const snapshot = stateSnapshot(service());

    for (const [actor, participants] of [
      // The late joiner lifts their own history restriction.
      [late, [{ communicationIdentifier: userModel(late.id), displayName: 'Late', shareHistoryTime: new Date(0).toISOString() }]],
      [late, [{ communicationIdentifier: userModel(late.id) }]],
      // Any member renames another, rewrites their metadata, or hides the whole history from them.
      [b, [{ communicationIdentifier: userModel(victim.id), displayName: 'Chief Executive (verified)', metadata: { team: 'red' } }]],
      [b, [{ communicationIdentifier: userModel(victim.id), displayName: 'Vic', shareHistoryTime: '2100-01-01T00:00:00.000Z' }]],
    ] as const) {
      const again = await userRequest(service(), actor.token, 'POST', threadPath(thread, '/participants/:add'), { participants });
      assert.equal(again.status, 201, again.text);
      assert.deepEqual(again.body, {});
      assert.deepEqual(stateSnapshot(service()), snapshot, 'an existing participant was changed or announced');
    }
    assertError(await userRequest(service(), late.token, 'GET', threadPath(thread, `/messages/${old}`)), 404, 'MessageNotFound');
    const listed = await listParticipants(service(), a, thread);
    const lateListed = listed.find((p) => p.communicationIdentifier.rawId === late.id)!;
    assert.equal(lateListed.displayName, 'Late');
    assert.equal(lateListed.shareHistoryTime, shareFrom);
    const victimListed = listed.find((p) => p.communicationIdentifier.rawId === victim.id)!;
    assert.equal(victimListed.displayName, 'Vic');
    assert.deepEqual(victimListed.metadata, { team: 'blue' });
    assert.equal(victimListed.shareHistoryTime, undefined);

    // A mix adds the newcomer only, and the system message names only them.
    const newcomer = await chatUser(service());
    const mixed = await userRequest(service(), b.token, 'POST', threadPath(thread, '/participants/:add'), {
      participants: [
        { communicationIdentifier: userModel(victim.id), displayName: 'Chief Executive (verified)' },
        { communicationIdentifier: userModel(newcomer.id), displayName: 'New' },
      ],
    });
    assert.equal(mixed.status, 201, mixed.text);
    const [latest] = await listMessages(service(), a, thread);
    assert.equal(latest!.type, 'participantAdded');
    assert.deepEqual(latest!.content?.participants, [{ communicationIdentifier: wire(newcomer.id), displayName: 'New' }]);
    const afterMix = await listParticipants(service(), a, thread);
    assert.equal(afterMix.find((p) => p.communicationIdentifier.rawId === victim.id)!.displayName, 'Vic');
  });

  test('read receipts: send 200, one per reader (the latest), listed with sender, message and readOn', async () => {
    const thread = await createThread(service(), a, [b.id]);
    const m1 = await sendMessage(service(), a, thread, 'one');
    const m2 = await sendMessage(service(), a, thread, 'two');
    const r1 = await userRequest(service(), b.token, 'POST', threadPath(thread, '/readReceipts'), { chatMessageId: m1 });
    assert.equal(r1.status, 200, r1.text);
    assert.equal(r1.text, '');
    const list1 = await userRequest<PageBody<ReceiptBody>>(service(), a.token, 'GET', threadPath(thread, '/readReceipts'));
    assert.equal(list1.status, 200, list1.text);
    assert.equal(list1.body.value.length, 1);
    const [receipt] = list1.body.value;
    assertIso(receipt!.readOn, 'readOn');
    assert.deepEqual(receipt, { senderCommunicationIdentifier: wire(b.id), chatMessageId: m1, readOn: receipt!.readOn });

    assert.equal((await userRequest(service(), b.token, 'POST', threadPath(thread, '/readReceipts'), { chatMessageId: m2 })).status, 200);
    assert.equal((await userRequest(service(), a.token, 'POST', threadPath(thread, '/readReceipts'), { chatMessageId: m2 })).status, 200);
    const pages = await allPages<ReceiptBody>(service(), b.token, threadPath(thread, '/readReceipts?maxPageSize=1'));
    assert.equal(pages.length, 2);
    assert.equal(new URL(pages[0]!.nextLink!).searchParams.get('skip'), '1');
    const receipts = pages.flatMap((p) => p.value);
    assert.deepEqual(
      receipts.map((r) => [r.senderCommunicationIdentifier.rawId, r.chatMessageId]).sort(),
      [
        [a.id, m2],
        [b.id, m2],
      ].sort(),
    );
    assert.equal(countRows(service(), 'chat_read_receipts WHERE thread_id = ?', thread), 2);
    assertError(
      await userRequest(service(), b.token, 'POST', threadPath(thread, '/readReceipts'), { chatMessageId: '424242' }),
      404,
      'MessageNotFound',
    );
  });

  test('typing: 200 with or without a body, nothing stored', async () => {
    const thread = await createThread(service(), a, [b.id]);
    const snapshot = stateSnapshot(service());
    const bare = await userRequest(service(), a.token, 'POST', threadPath(thread, '/typing'));
    assert.equal(bare.status, 200, bare.text);
    const named = await userRequest(service(), b.token, 'POST', threadPath(thread, '/typing'), { senderDisplayName: 'Bea' });
    assert.equal(named.status, 200, named.text);
    assert.deepEqual(stateSnapshot(service()), snapshot);
  });
});

describe('chat authorisation', () => {
  const service = withService();
  let owner: ChatUser;
  let member: ChatUser;
  let outsider: ChatUser;
  let thread: string;
  let ownerMessage: string;
  let systemMessage: string;
  before(async () => {
    owner = await chatUser(service());
    member = await chatUser(service());
    outsider = await chatUser(service());
    thread = await createThread(service(), owner, [member.id]);
    ownerMessage = await sendMessage(service(), owner, thread, 'owner speaking');
    await userRequest(service(), member.token, 'POST', threadPath(thread, '/readReceipts'), { chatMessageId: ownerMessage });
    const listed = await userRequest<PageBody<MessageBody>>(service(), owner.token, 'GET', threadPath(thread, '/messages'));
    const system = listed.body.value.find((m) => m.type === 'participantAdded');
    assert.ok(system, 'no participantAdded message');
    systemMessage = system.id;
  });

  /** Every route on one thread, as [name, method, path, body]. */
  const threadRoutes = (): [string, string, string, unknown][] => [
    ['get thread', 'GET', threadPath(thread), undefined],
    ['update thread', 'PATCH', threadPath(thread), { topic: 'mine now' }],
    ['delete thread', 'DELETE', threadPath(thread), undefined],
    ['send message', 'POST', threadPath(thread, '/messages'), { content: 'hi' }],
    ['list messages', 'GET', threadPath(thread, '/messages'), undefined],
    ['get message', 'GET', threadPath(thread, `/messages/${ownerMessage}`), undefined],
    ['update message', 'PATCH', threadPath(thread, `/messages/${ownerMessage}`), { content: 'x' }],
    ['delete message', 'DELETE', threadPath(thread, `/messages/${ownerMessage}`), undefined],
    ['list participants', 'GET', threadPath(thread, '/participants'), undefined],
    [
      'add participants',
      'POST',
      threadPath(thread, '/participants/:add'),
      { participants: [{ communicationIdentifier: userModel(outsider.id) }] },
    ],
    ['remove participant', 'POST', threadPath(thread, '/participants/:remove'), userModel(member.id)],
    ['send read receipt', 'POST', threadPath(thread, '/readReceipts'), { chatMessageId: ownerMessage }],
    ['list read receipts', 'GET', threadPath(thread, '/readReceipts'), undefined],
    ['typing', 'POST', threadPath(thread, '/typing'), {}],
  ];

  test('a non-member gets 403 NotAParticipant on every thread route, and nothing changes', async () => {
    const snapshot = stateSnapshot(service());
    for (const [name, method, path, body] of threadRoutes()) {
      const response = await userRequest(service(), outsider.token, method, path, body);
      assert.equal(response.status, 403, `${name}: ${response.status} ${response.text}`);
      assertError(response, 403, 'NotAParticipant');
    }
    assert.deepEqual(stateSnapshot(service()), snapshot);
    const list = await userRequest<PageBody<ThreadItem>>(service(), outsider.token, 'GET', '/chat/threads');
    assert.deepEqual(list.body, { value: [] });
  });

  test('a voip-only token gets 403 InsufficientScope everywhere in chat', async () => {
    const voip = await service().tokens.issue(member.id, ['voip']);
    const snapshot = stateSnapshot(service());
    const routes: [string, string, string, unknown][] = [
      ['create thread', 'POST', '/chat/threads', { topic: 'no' }],
      ['list threads', 'GET', '/chat/threads', undefined],
      ...threadRoutes(),
    ];
    for (const [name, method, path, body] of routes) {
      const response = await userRequest(service(), voip.token, method, path, body);
      assert.equal(response.status, 403, `${name}: ${response.status} ${response.text}`);
      assertError(response, 403, 'InsufficientScope');
    }
    assert.deepEqual(stateSnapshot(service()), snapshot);
  });

  test('chat.join: cannot create, update or delete threads, but can send, list and add participants', async () => {
    const joiner = await chatUser(service(), ['chat.join']);
    const snapshot = stateSnapshot(service());
    assertError(await userRequest(service(), joiner.token, 'POST', '/chat/threads', { topic: 'mine' }), 403, 'InsufficientScope');
    assert.deepEqual(stateSnapshot(service()), snapshot);

    const joined = await createThread(service(), owner, [joiner.id]);
    const snapshot2 = stateSnapshot(service());
    assertError(await userRequest(service(), joiner.token, 'PATCH', threadPath(joined), { topic: 'x' }), 403, 'InsufficientScope');
    assertError(await userRequest(service(), joiner.token, 'DELETE', threadPath(joined)), 403, 'InsufficientScope');
    assert.deepEqual(stateSnapshot(service()), snapshot2);

    const id = await sendMessage(service(), joiner, joined, 'joined in');
    assert.equal((await getMessage(service(), owner, joined, id)).content?.message, 'joined in');
    const listed = await userRequest<PageBody<ThreadItem>>(service(), joiner.token, 'GET', '/chat/threads');
    assert.deepEqual(
      listed.body.value.map((t) => t.id),
      [joined],
    );
    const add = await userRequest(service(), joiner.token, 'POST', threadPath(joined, '/participants/:add'), {
      participants: [{ communicationIdentifier: userModel(member.id) }],
    });
    assert.equal(add.status, 201, add.text);

    // chat.join.limited may chat but not manage participants.
    const limited = await chatUser(service(), ['chat.join.limited']);
    await userRequest(service(), owner.token, 'POST', threadPath(joined, '/participants/:add'), {
      participants: [{ communicationIdentifier: userModel(limited.id) }],
    });
    await sendMessage(service(), limited, joined, 'limited but here');
    const snapshot3 = stateSnapshot(service());
    assertError(
      await userRequest(service(), limited.token, 'POST', threadPath(joined, '/participants/:add'), {
        participants: [{ communicationIdentifier: userModel(outsider.id) }],
      }),
      403,
      'InsufficientScope',
    );
    assertError(
      await userRequest(service(), limited.token, 'POST', threadPath(joined, '/participants/:remove'), userModel(member.id)),
      403,
      'InsufficientScope',
    );
    assert.deepEqual(stateSnapshot(service()), snapshot3);
  });

  test("editing or deleting someone else's message is 403 NotTheSender", async () => {
    const snapshot = stateSnapshot(service());
    const path = threadPath(thread, `/messages/${ownerMessage}`);
    assertError(await userRequest(service(), member.token, 'PATCH', path, { content: 'hijacked' }), 403, 'NotTheSender');
    assertError(await userRequest(service(), member.token, 'DELETE', path), 403, 'NotTheSender');
    assert.deepEqual(stateSnapshot(service()), snapshot);
    assert.equal((await getMessage(service(), member, thread, ownerMessage)).content?.message, 'owner speaking');
  });

  test('system messages cannot be edited or deleted, even by their initiator', async () => {
    const snapshot = stateSnapshot(service());
    const path = threadPath(thread, `/messages/${systemMessage}`);
    for (const user of [owner, member]) {
      assertError(await userRequest(service(), user.token, 'PATCH', path, { content: 'rewritten' }), 403, 'SystemMessage');
      assertError(await userRequest(service(), user.token, 'DELETE', path), 403, 'SystemMessage');
    }
    assert.deepEqual(stateSnapshot(service()), snapshot);
  });

  test('a missing, malformed, foreign, expired or revoked token is 401', async () => {
    const path = threadPath(thread, '/messages');
    const now = Math.floor(Date.now() / 1000);
    const secret = service().secrets.tokenSigningSecret;
    const claims = { sub: owner.id, acsScope: 'chat', gen: 0 };
    const expired = await forgeToken(secret, claims, { iat: now - 7200, exp: now - 60 });
    const foreign = await forgeToken(Buffer.alloc(32, 1).toString('base64'), claims, { iat: now, exp: now + 3600 });
    // Control: the same claims, in date and signed with the service's secret, are accepted.
    const live = await forgeToken(secret, claims, { iat: now - 60, exp: now + 3600 });
    assert.equal((await userRequest(service(), live, 'GET', path)).status, 200);

    const revokedUser = await chatUser(service());
    await userRequest(service(), owner.token, 'POST', threadPath(thread, '/participants/:add'), {
      participants: [{ communicationIdentifier: userModel(revokedUser.id) }],
    });
    assert.equal((await userRequest(service(), revokedUser.token, 'GET', path)).status, 200);
    const revoke = await adminRequest(service(), 'POST', `/identities/${encodeURIComponent(revokedUser.id)}/:revokeAccessTokens`);
    assert.equal(revoke.status, 204, revoke.text);

    const snapshot = stateSnapshot(service());
    const cases: [string, Record<string, string>, string][] = [
      ['no Authorization', {}, 'MissingToken'],
      ['Bearer with nothing', { authorization: 'Bearer ' }, 'MissingToken'],
      ['Basic scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 'MissingToken'],
      ['garbage token', { authorization: 'Bearer not-a-token' }, 'InvalidToken'],
      ['foreign signature', { authorization: `Bearer ${foreign}` }, 'InvalidToken'],
      ['expired', { authorization: `Bearer ${expired}` }, 'TokenExpired'],
      ['revoked', { authorization: `Bearer ${revokedUser.token}` }, 'TokenRevoked'],
    ];
    for (const [name, headers, code] of cases) {
      for (const [method, target, body] of [
        ['GET', path, undefined],
        ['POST', path, { content: 'sneaky' }],
        ['POST', '/chat/threads', { topic: 'sneaky' }],
      ] as const) {
        const response = await userRequest(service(), undefined, method, target, body, { headers });
        assert.equal(response.status, 401, `${name} ${method} ${target}: ${response.text}`);
        assertError(response, 401, code);
      }
    }
    assert.deepEqual(stateSnapshot(service()), snapshot);
  });
});

describe('deleting a user removes their chat content', () => {
  const service = withService();

  test('messages, participation, read receipts and stored events go; the others stay', async () => {
    const a = await chatUser(service());
    const b = await chatUser(service());
    const thread = await createThread(service(), a, [b.id]);
    const fromA = await sendMessage(service(), a, thread, 'from A');
    const fromB1 = await sendMessage(service(), b, thread, 'from B, private');
    const fromB2 = await sendMessage(service(), b, thread, 'from B again');
    await userRequest(service(), b.token, 'POST', threadPath(thread, '/readReceipts'), { chatMessageId: fromA });
    await userRequest(service(), a.token, 'POST', threadPath(thread, '/readReceipts'), { chatMessageId: fromB2 });
    assert.equal(countRows(service(), 'chat_messages WHERE sender = ?', b.id), 2);
    assert.ok(countRows(service(), 'events WHERE user_id = ?', b.id) > 0);
    const aEvents = countRows(service(), 'events WHERE user_id = ?', a.id);

    const response = await adminRequest(service(), 'DELETE', `/identities/${encodeURIComponent(b.id)}`);
    assert.equal(response.status, 204, response.text);

    // Through the API, as A sees it.
    const messages = await listMessages(service(), a, thread);
    assert.deepEqual(
      messages.map((m) => m.id).filter((id) => id === fromB1 || id === fromB2),
      [],
    );
    assert.ok(
      messages.some((m) => m.id === fromA),
      "A's message is gone",
    );
    assertError(await userRequest(service(), a.token, 'GET', threadPath(thread, `/messages/${fromB1}`)), 404, 'MessageNotFound');
    assert.deepEqual(rawIds(await listParticipants(service(), a, thread)), [a.id]);
    const receipts = await userRequest<PageBody<ReceiptBody>>(service(), a.token, 'GET', threadPath(thread, '/readReceipts'));
    assert.deepEqual(
      receipts.body.value.map((r) => r.senderCommunicationIdentifier.rawId),
      [a.id],
    );
    assertError(await userRequest(service(), b.token, 'GET', threadPath(thread)), 401, 'IdentityDeleted');

    // And in the database.
    assert.equal(countRows(service(), 'chat_messages WHERE sender = ?', b.id), 0);
    assert.equal(countRows(service(), 'chat_participants WHERE raw_id = ?', b.id), 0);
    assert.equal(countRows(service(), 'chat_read_receipts WHERE raw_id = ?', b.id), 0);
    assert.equal(countRows(service(), 'events WHERE user_id = ?', b.id), 0);
    assert.equal(countRows(service(), 'user_event_seq WHERE user_id = ?', b.id), 0);
    assert.equal(countRows(service(), 'users WHERE id = ?', b.id), 0);
    assert.equal(countRows(service(), 'chat_messages WHERE sender = ?', a.id), 1);
    assert.equal(countRows(service(), 'chat_read_receipts WHERE raw_id = ?', a.id), 1);
    // What B wrote does not survive in A's stored events either (they are replayed on reconnect).
    const stored = service().db.prepare('SELECT data FROM events WHERE user_id = ?').all(a.id) as { data: string }[];
    assert.ok(stored.length > 0 && stored.length < aEvents, `A has ${stored.length} of ${aEvents} events`);
    assert.equal(
      stored.some((row) => row.data.includes('from B')),
      false,
    );
    assert.ok(
      stored.some((row) => row.data.includes('from A')),
      "A's own message events are gone",
    );
  });
});

describe('chat bad input: 4xx JSON error, nothing written', () => {
  const service = withService();
  let a: ChatUser;
  let b: ChatUser;
  let thread: string;
  let message: string;
  before(async () => {
    a = await chatUser(service());
    b = await chatUser(service());
    thread = await createThread(service(), a, [b.id]);
    message = await sendMessage(service(), a, thread, 'original');
  });

  const KB28 = 28 * 1024;
  const participant = (id: string) => ({ communicationIdentifier: userModel(id) });
  const fakeUser = (i: number) => `8:acs:00000000-0000-0000-0000-000000000000_${String(i).padStart(12, '0')}`;

  /**
   * [name, method, path, body, expected status, expected code]. Paths and bodies that need the
   * users or thread made in before() are functions.
   */
  type Case = [string, string, () => string, unknown, number?, string?];
  const lazy = (make: () => unknown) => make;
  const threads = () => '/chat/threads';
  const one = () => threadPath(thread);
  const messages = () => threadPath(thread, '/messages');
  const theMessage = () => threadPath(thread, `/messages/${message}`);
  const participants = () => threadPath(thread, '/participants');
  const add = () => threadPath(thread, '/participants/:add');
  const remove = () => threadPath(thread, '/participants/:remove');
  const receipts = () => threadPath(thread, '/readReceipts');
  const typing = () => threadPath(thread, '/typing');

  const cases: Case[] = [
    // create thread
    ['create: malformed JSON', 'POST', threads, '{"topic": "x"', 400, 'InvalidJson'],
    ['create: a JSON array', 'POST', threads, '[]', 400, 'InvalidJson'],
    ['create: a JSON string', 'POST', threads, '"topic"', 400, 'InvalidJson'],
    ['create: empty body', 'POST', threads, '', 400, 'MissingBody'],
    ['create: no topic', 'POST', threads, {}, 400, 'ValidationError'],
    ['create: topic a number', 'POST', threads, { topic: 5 }, 400, 'ValidationError'],
    ['create: empty topic', 'POST', threads, { topic: '' }, 400, 'ValidationError'],
    ['create: blank topic', 'POST', threads, { topic: '   ' }, 400, 'ValidationError'],
    ['create: topic of 257 characters', 'POST', threads, { topic: 't'.repeat(257) }, 400, 'ValidationError'],
    ['create: unknown field', 'POST', threads, { topic: 'x', members: [] }, 400, 'ValidationError'],
    ['create: participants not an array', 'POST', threads, { topic: 'x', participants: 'all' }, 400, 'ValidationError'],
    ['create: participant not an object', 'POST', threads, { topic: 'x', participants: [5] }, 400, 'ValidationError'],
    [
      'create: participant without identifier',
      'POST',
      threads,
      { topic: 'x', participants: [{ displayName: 'n' }] },
      400,
      'ValidationError',
    ],
    [
      'create: identifier a string',
      'POST',
      threads,
      { topic: 'x', participants: [{ communicationIdentifier: 'x' }] },
      400,
      'ValidationError',
    ],
    ['create: identifier empty', 'POST', threads, { topic: 'x', participants: [{ communicationIdentifier: {} }] }, 400, 'ValidationError'],
    [
      'create: identifier rawId empty',
      'POST',
      threads,
      { topic: 'x', participants: [{ communicationIdentifier: { rawId: '' } }] },
      400,
      'ValidationError',
    ],
    [
      'create: identifier id a number',
      'POST',
      threads,
      { topic: 'x', participants: [{ communicationIdentifier: { communicationUser: { id: 5 } } }] },
      400,
      'ValidationError',
    ],
    [
      'create: identifier unknown member',
      'POST',
      threads,
      { topic: 'x', participants: [{ communicationIdentifier: { rawId: 'x', user: 'y' } }] },
      400,
      'ValidationError',
    ],
    [
      'create: identifier rawId too long',
      'POST',
      threads,
      { topic: 'x', participants: [{ communicationIdentifier: { rawId: 'x'.repeat(257) } }] },
      400,
      'ValidationError',
    ],
    [
      'create: participant unknown field',
      'POST',
      threads,
      lazy(() => ({ topic: 'x', participants: [{ ...participant(b.id), role: 'admin' }] })),
      400,
      'ValidationError',
    ],
    [
      'create: displayName a number',
      'POST',
      threads,
      lazy(() => ({ topic: 'x', participants: [{ ...participant(b.id), displayName: 1 }] })),
      400,
      'ValidationError',
    ],
    [
      'create: bad shareHistoryTime',
      'POST',
      threads,
      lazy(() => ({ topic: 'x', participants: [{ ...participant(b.id), shareHistoryTime: 'soon' }] })),
      400,
      'ValidationError',
    ],
    [
      'create: 251 participants',
      'POST',
      threads,
      { topic: 'x', participants: Array.from({ length: 251 }, (_, i) => participant(fakeUser(i))) },
      400,
      'ValidationError',
    ],
    ['create: metadata with a number', 'POST', threads, { topic: 'x', metadata: { n: 1 } }, 400, 'ValidationError'],
    ['create: metadata an array', 'POST', threads, { topic: 'x', metadata: ['a'] }, 400, 'ValidationError'],
    ['create: metadata a string', 'POST', threads, { topic: 'x', metadata: 'a=b' }, 400, 'ValidationError'],
    ['create: metadata over 4 KB', 'POST', threads, { topic: 'x', metadata: { big: 'm'.repeat(4 * 1024) } }, 400, 'ValidationError'],
    [
      'create: participant metadata with an object',
      'POST',
      threads,
      lazy(() => ({ topic: 'x', participants: [{ ...participant(b.id), metadata: { o: {} } }] })),
      400,
      'ValidationError',
    ],
    ['create: retentionPolicy a string', 'POST', threads, { topic: 'x', retentionPolicy: 'none' }, 400, 'ValidationError'],
    ['create: retentionPolicy unknown kind', 'POST', threads, { topic: 'x', retentionPolicy: { kind: 'forever' } }, 400, 'ValidationError'],
    ['create: retentionPolicy without kind', 'POST', threads, { topic: 'x', retentionPolicy: {} }, 400, 'ValidationError'],
    [
      'create: retention without days',
      'POST',
      threads,
      { topic: 'x', retentionPolicy: { kind: 'threadCreationDate' } },
      400,
      'ValidationError',
    ],
    [
      'create: retention 0 days',
      'POST',
      threads,
      { topic: 'x', retentionPolicy: { kind: 'threadCreationDate', deleteThreadAfterDays: 0 } },
      400,
      'ValidationError',
    ],
    [
      'create: retention 91 days',
      'POST',
      threads,
      { topic: 'x', retentionPolicy: { kind: 'threadCreationDate', deleteThreadAfterDays: 91 } },
      400,
      'ValidationError',
    ],
    [
      'create: retention 1.5 days',
      'POST',
      threads,
      { topic: 'x', retentionPolicy: { kind: 'threadCreationDate', deleteThreadAfterDays: 1.5 } },
      400,
      'ValidationError',
    ],
    [
      'create: retention days as a string',
      'POST',
      threads,
      { topic: 'x', retentionPolicy: { kind: 'threadCreationDate', deleteThreadAfterDays: '30' } },
      400,
      'ValidationError',
    ],
    [
      'create: retention none with days',
      'POST',
      threads,
      { topic: 'x', retentionPolicy: { kind: 'none', deleteThreadAfterDays: 3 } },
      400,
      'ValidationError',
    ],
    // list threads
    ['list threads: maxPageSize 0', 'GET', () => '/chat/threads?maxPageSize=0', undefined, 400, 'ValidationError'],
    ['list threads: maxPageSize 201', 'GET', () => '/chat/threads?maxPageSize=201', undefined, 400, 'ValidationError'],
    ['list threads: maxPageSize x', 'GET', () => '/chat/threads?maxPageSize=x', undefined, 400, 'ValidationError'],
    ['list threads: bad startTime', 'GET', () => '/chat/threads?startTime=yesterday', undefined, 400, 'ValidationError'],
    ['list threads: bad continuationToken', 'GET', () => '/chat/threads?continuationToken=abc', undefined, 400, 'ValidationError'],
    ['list threads: negative continuationToken', 'GET', () => '/chat/threads?continuationToken=-1', undefined, 400, 'ValidationError'],
    // update thread
    ['update thread: malformed JSON', 'PATCH', one, '{topic:1}', 400, 'InvalidJson'],
    ['update thread: empty body', 'PATCH', one, '', 400, 'MissingBody'],
    ['update thread: empty topic', 'PATCH', one, { topic: '' }, 400, 'ValidationError'],
    ['update thread: topic of 257', 'PATCH', one, { topic: 'x'.repeat(257) }, 400, 'ValidationError'],
    ['update thread: topic a number', 'PATCH', one, { topic: 42 }, 400, 'ValidationError'],
    ['update thread: unknown field', 'PATCH', one, { topic: 'ok', participants: [] }, 400, 'ValidationError'],
    ['update thread: bad metadata', 'PATCH', one, { metadata: { a: true } }, 400, 'ValidationError'],
    ['update thread: metadata over 4 KB', 'PATCH', one, { metadata: { a: 'x'.repeat(2100), b: 'y'.repeat(2100) } }, 400, 'ValidationError'],
    [
      'update thread: bad retentionPolicy',
      'PATCH',
      one,
      { retentionPolicy: { kind: 'threadCreationDate', deleteThreadAfterDays: -1 } },
      400,
      'ValidationError',
    ],
    // send message
    ['send: malformed JSON', 'POST', messages, '{"content":', 400, 'InvalidJson'],
    ['send: empty body', 'POST', messages, '', 400, 'MissingBody'],
    ['send: no content', 'POST', messages, { senderDisplayName: 'x' }, 400, 'ValidationError'],
    ['send: content a number', 'POST', messages, { content: 1 }, 400, 'ValidationError'],
    ['send: content an object', 'POST', messages, { content: { message: 'hi' } }, 400, 'ValidationError'],
    ['send: empty content', 'POST', messages, { content: '' }, 400, 'ValidationError'],
    ['send: blank content', 'POST', messages, { content: ' \n\t ' }, 400, 'ValidationError'],
    ['send: content 28 KB + 1 byte', 'POST', messages, { content: 'a'.repeat(KB28 + 1) }, 400, 'ValidationError'],
    [
      'send: multi-byte content over 28 KB in bytes',
      'POST',
      messages,
      { content: '€'.repeat(Math.ceil((KB28 + 1) / 3)) },
      400,
      'ValidationError',
    ],
    ['send: emoji content one byte over', 'POST', messages, { content: '😀'.repeat(KB28 / 4) + 'a' }, 400, 'ValidationError'],
    ['send: type topicUpdated', 'POST', messages, { content: 'x', type: 'topicUpdated' }, 400, 'ValidationError'],
    ['send: type participantAdded', 'POST', messages, { content: 'x', type: 'participantAdded' }, 400, 'ValidationError'],
    ['send: type a number', 'POST', messages, { content: 'x', type: 1 }, 400, 'ValidationError'],
    ['send: unknown type', 'POST', messages, { content: 'x', type: 'markdown' }, 400, 'ValidationError'],
    ['send: unknown field', 'POST', messages, { content: 'x', priority: 'high' }, 400, 'ValidationError'],
    ['send: senderDisplayName a number', 'POST', messages, { content: 'x', senderDisplayName: 7 }, 400, 'ValidationError'],
    ['send: senderDisplayName of 257', 'POST', messages, { content: 'x', senderDisplayName: 'n'.repeat(257) }, 400, 'ValidationError'],
    ['send: metadata with null value', 'POST', messages, { content: 'x', metadata: { a: null } }, 400, 'ValidationError'],
    ['send: metadata over 4 KB', 'POST', messages, { content: 'x', metadata: { a: 'x'.repeat(4100) } }, 400, 'ValidationError'],
    // list messages
    ['list messages: maxPageSize 0', 'GET', () => threadPath(thread, '/messages?maxPageSize=0'), undefined, 400, 'ValidationError'],
    ['list messages: maxPageSize 201', 'GET', () => threadPath(thread, '/messages?maxPageSize=201'), undefined, 400, 'ValidationError'],
    ['list messages: maxPageSize x', 'GET', () => threadPath(thread, '/messages?maxPageSize=x'), undefined, 400, 'ValidationError'],
    ['list messages: maxPageSize 1.5', 'GET', () => threadPath(thread, '/messages?maxPageSize=1.5'), undefined, 400, 'ValidationError'],
    ['list messages: maxPageSize -1', 'GET', () => threadPath(thread, '/messages?maxPageSize=-1'), undefined, 400, 'ValidationError'],
    ['list messages: bad startTime', 'GET', () => threadPath(thread, '/messages?startTime=not-a-date'), undefined, 400, 'ValidationError'],
    [
      'list messages: bad continuationToken',
      'GET',
      () => threadPath(thread, '/messages?continuationToken=abc'),
      undefined,
      400,
      'ValidationError',
    ],
    [
      'list messages: negative continuationToken',
      'GET',
      () => threadPath(thread, '/messages?continuationToken=-5'),
      undefined,
      400,
      'ValidationError',
    ],
    [
      'list messages: huge continuationToken',
      'GET',
      () => threadPath(thread, '/messages?continuationToken=1234567890123456'),
      undefined,
      400,
      'ValidationError',
    ],
    // update message
    ['update message: malformed JSON', 'PATCH', theMessage, '{', 400, 'InvalidJson'],
    ['update message: empty content', 'PATCH', theMessage, { content: '' }, 400, 'ValidationError'],
    ['update message: content a number', 'PATCH', theMessage, { content: 3 }, 400, 'ValidationError'],
    ['update message: content over 28 KB', 'PATCH', theMessage, { content: 'é'.repeat(KB28 / 2 + 1) }, 400, 'ValidationError'],
    ['update message: unknown field', 'PATCH', theMessage, { content: 'x', type: 'html' }, 400, 'ValidationError'],
    ['update message: bad metadata', 'PATCH', theMessage, { metadata: [] }, 400, 'ValidationError'],
    // participants
    ['list participants: maxPageSize 0', 'GET', () => `${participants()}?maxPageSize=0`, undefined, 400, 'ValidationError'],
    ['list participants: skip -1', 'GET', () => `${participants()}?skip=-1`, undefined, 400, 'ValidationError'],
    ['list participants: skip x', 'GET', () => `${participants()}?skip=x`, undefined, 400, 'ValidationError'],
    ['add: malformed JSON', 'POST', add, '{"participants":[', 400, 'InvalidJson'],
    ['add: empty body', 'POST', add, '', 400, 'MissingBody'],
    ['add: no participants', 'POST', add, {}, 400, 'ValidationError'],
    ['add: empty participants', 'POST', add, { participants: [] }, 400, 'ValidationError'],
    ['add: participants an object', 'POST', add, lazy(() => ({ participants: participant(b.id) })), 400, 'ValidationError'],
    ['add: unknown field', 'POST', add, lazy(() => ({ participants: [participant(b.id)], notify: true })), 400, 'ValidationError'],
    [
      'add: malformed identifier',
      'POST',
      add,
      { participants: [{ communicationIdentifier: { phoneNumber: { value: 5 } } }] },
      400,
      'ValidationError',
    ],
    [
      'add: one good, one malformed',
      'POST',
      add,
      lazy(() => ({ participants: [participant(b.id), { communicationIdentifier: null }] })),
      400,
      'ValidationError',
    ],
    [
      'add: 251 participants',
      'POST',
      add,
      { participants: Array.from({ length: 251 }, (_, i) => participant(fakeUser(i))) },
      400,
      'ValidationError',
    ],
    [
      'add: bad shareHistoryTime',
      'POST',
      add,
      lazy(() => ({ participants: [{ ...participant(b.id), shareHistoryTime: 12 }] })),
      400,
      'ValidationError',
    ],
    ['remove: malformed JSON', 'POST', remove, 'rawId=x', 400, 'InvalidJson'],
    ['remove: empty body', 'POST', remove, '', 400, 'MissingBody'],
    ['remove: empty identifier', 'POST', remove, {}, 400, 'ValidationError'],
    ['remove: unknown member', 'POST', remove, lazy(() => ({ communicationIdentifier: userModel(b.id) })), 400, 'ValidationError'],
    // read receipts and typing
    ['receipt: malformed JSON', 'POST', receipts, '{chatMessageId}', 400, 'InvalidJson'],
    ['receipt: no chatMessageId', 'POST', receipts, {}, 400, 'ValidationError'],
    ['receipt: chatMessageId a number', 'POST', receipts, { chatMessageId: 1 }, 400, 'ValidationError'],
    ['receipt: unknown field', 'POST', receipts, { chatMessageId: 'x', readOn: 'now' }, 400, 'ValidationError'],
    ['list receipts: maxPageSize 0', 'GET', () => threadPath(thread, '/readReceipts?maxPageSize=0'), undefined, 400, 'ValidationError'],
    ['list receipts: skip x', 'GET', () => threadPath(thread, '/readReceipts?skip=x'), undefined, 400, 'ValidationError'],
    ['typing: malformed JSON', 'POST', typing, '{', 400, 'InvalidJson'],
    ['typing: unknown field', 'POST', typing, { typing: true }, 400, 'ValidationError'],
    ['typing: senderDisplayName a number', 'POST', typing, { senderDisplayName: 1 }, 400, 'ValidationError'],
    // unknown routes and methods under /chat
    ['unknown route', 'GET', () => threadPath(thread, '/polls'), undefined, 404, 'RouteNotFound'],
    ['wrong method', 'PUT', one, { topic: 'x' }, 405, 'MethodNotAllowed'],
    ['bad percent-encoding in the thread id', 'GET', () => '/chat/threads/%E0%A4%A', undefined, 400, 'BadRequest'],
    [
      'a thread that does not exist',
      'POST',
      () => threadPath('19:ffffffffffffffffffffffffffffffff@thread.v2', '/messages'),
      { content: 'x' },
      404,
      'ThreadNotFound',
    ],
    ['a message that does not exist', 'PATCH', () => threadPath(thread, '/messages/999'), { content: 'x' }, 404, 'MessageNotFound'],
  ];

  for (const [name, method, path, body, status = 400, code] of cases) {
    test(name, async () => {
      const snapshot = stateSnapshot(service());
      const response = await userRequest(service(), a.token, method, path(), typeof body === 'function' ? body() : body);
      assertError(response, status, code);
      assert.deepEqual(stateSnapshot(service()), snapshot, 'the request changed stored state');
    });
  }

  test('missing api-version is 400 MissingApiVersionParameter on every route', async () => {
    const snapshot = stateSnapshot(service());
    for (const [method, path, body] of [
      ['POST', threads(), { topic: 'x' }],
      ['GET', threads(), undefined],
      ['GET', one(), undefined],
      ['PATCH', one(), { topic: 'y' }],
      ['DELETE', one(), undefined],
      ['POST', messages(), { content: 'x' }],
      ['GET', messages(), undefined],
      ['PATCH', theMessage(), { content: 'x' }],
      ['DELETE', theMessage(), undefined],
      ['POST', add(), { participants: [participant(b.id)] }],
      ['POST', receipts(), { chatMessageId: message }],
      ['POST', typing(), {}],
    ] as const) {
      const response = await userRequest(service(), a.token, method, path, body, { apiVersion: null });
      assertError(response, 400, 'MissingApiVersionParameter');
    }
    assert.deepEqual(stateSnapshot(service()), snapshot);
  });

  test('an api-version chat does not have is 400 UnsupportedApiVersion on every route, nothing written', async () => {
    const snapshot = stateSnapshot(service());
    for (const version of ['2099-01-01', '2021-04-05-preview6', '2023-10-01', 'x']) {
      for (const [method, path, body] of [
        ['POST', threads(), { topic: 'x' }],
        ['GET', threads(), undefined],
        ['PATCH', one(), { topic: 'y' }],
        ['DELETE', one(), undefined],
        ['POST', messages(), { content: 'x' }],
        ['PATCH', theMessage(), { content: 'x' }],
        ['DELETE', theMessage(), undefined],
        ['POST', add(), { participants: [participant(b.id)] }],
        ['POST', receipts(), { chatMessageId: message }],
        ['POST', typing(), {}],
      ] as const) {
        const response = await userRequest<{ error: { message: string } }>(service(), a.token, method, path, body, { apiVersion: version });
        assertError(response, 400, 'UnsupportedApiVersion');
        assert.match(response.body.error.message, new RegExp(`does not support the API version '${version}'\\.$`));
      }
    }
    assert.deepEqual(stateSnapshot(service()), snapshot);
  });

  test('every GA chat api-version is accepted: 2021-03-07, 2021-09-07, 2023-11-07, 2024-03-07, 2025-03-15', async () => {
    for (const version of ['2021-03-07', '2021-09-07', '2023-11-07', '2024-03-07', '2025-03-15']) {
      const created = await userRequest<{ chatThread: { id: string } }>(
        service(),
        a.token,
        'POST',
        threads(),
        { topic: version },
        { apiVersion: version },
      );
      assert.equal(created.status, 201, `${version}: ${created.text}`);
      const listed = await userRequest(service(), a.token, 'GET', threadPath(created.body.chatThread.id, '/messages'), undefined, {
        apiVersion: version,
      });
      assert.equal(listed.status, 200, `${version}: ${listed.text}`);
    }
  });

  test('limits hold at the boundary: 28 KB content, 256-character topic, 4 KB metadata are accepted', async () => {
    const exact = 'a'.repeat(KB28);
    const mixed = '€'.repeat((KB28 - 1) / 3) + 'a'; // 9557 × 3 bytes + 1 = 28672
    assert.equal(Buffer.byteLength(mixed), KB28);
    for (const content of [exact, mixed, '😀'.repeat(KB28 / 4)]) {
      const id = await sendMessage(service(), b, thread, content);
      assert.equal((await getMessage(service(), a, thread, id)).content?.message, content);
    }
    const topic = 't'.repeat(256);
    const response = await userRequest<{ chatThread: ThreadBody }>(service(), a.token, 'POST', '/chat/threads', {
      topic,
      metadata: { k: 'v'.repeat(4 * 1024 - 8) }, // {"k":"…"} is exactly 4 KB
    });
    assert.equal(response.status, 201, response.text);
    assert.equal(response.body.chatThread.topic, topic);
  });

  test('a bad repeatability-request-id is 400 and creates nothing', async () => {
    const snapshot = stateSnapshot(service());
    for (const bad of ['has space', 'x'.repeat(129), 'semi;colon']) {
      const response = await userRequest(
        service(),
        a.token,
        'POST',
        '/chat/threads',
        { topic: 'x' },
        {
          headers: { 'repeatability-request-id': bad },
        },
      );
      assertError(response, 400, 'ValidationError');
    }
    assert.deepEqual(stateSnapshot(service()), snapshot);
  });

  test('250 participants per thread: creating with 250 others plus the creator is refused, 249 is accepted', async () => {
    const users = Array.from({ length: 250 }, () => service().identities.createUser().id);
    const snapshot = stateSnapshot(service());
    const tooMany = await userRequest(service(), a.token, 'POST', '/chat/threads', {
      topic: 'crowd',
      participants: users.map(participant),
    });
    assertError(tooMany, 400, 'ValidationError');
    assert.deepEqual(stateSnapshot(service()), snapshot);

    const full = await userRequest<{ chatThread: ThreadBody }>(service(), a.token, 'POST', '/chat/threads', {
      topic: 'crowd',
      participants: users.slice(0, 249).map(participant),
    });
    assert.equal(full.status, 201, full.text);
    assert.equal(countRows(service(), 'chat_participants WHERE thread_id = ?', full.body.chatThread.id), 250);

    // The thread is full: one more is refused, and nothing changes.
    const snapshot2 = stateSnapshot(service());
    const one = await userRequest(service(), a.token, 'POST', threadPath(full.body.chatThread.id, '/participants/:add'), {
      participants: [participant(users[249]!)],
    });
    assertError(one, 400, 'ValidationError');
    assert.deepEqual(stateSnapshot(service()), snapshot2);
    // Re-adding someone already there does not count against the limit.
    const readd = await userRequest(service(), a.token, 'POST', threadPath(full.body.chatThread.id, '/participants/:add'), {
      participants: [{ ...participant(users[0]!), displayName: 'renamed' }],
    });
    assert.equal(readd.status, 201, readd.text);
  });

  test('adding past 250 in total is refused as a whole', async () => {
    const small = await createThread(service(), a, [b.id]);
    const users = Array.from({ length: 249 }, () => service().identities.createUser().id);
    const snapshot = stateSnapshot(service());
    const response = await userRequest(service(), b.token, 'POST', threadPath(small, '/participants/:add'), {
      participants: users.map(participant),
    });
    assertError(response, 400, 'ValidationError');
    assert.deepEqual(stateSnapshot(service()), snapshot);
    assert.equal(countRows(service(), 'chat_participants WHERE thread_id = ?', small), 2);
    const fits = await userRequest(service(), b.token, 'POST', threadPath(small, '/participants/:add'), {
      participants: users.slice(0, 248).map(participant),
    });
    assert.equal(fits.status, 201, fits.text);
    assert.equal(countRows(service(), 'chat_participants WHERE thread_id = ?', small), 250);
  });

  test('the service is still healthy and the original message untouched', async () => {
    const got = await getMessage(service(), b, thread, message);
    assert.deepEqual(got.content, { message: 'original' });
    assert.equal(got.editedOn, undefined);
    const thr = await userRequest<ThreadBody>(service(), a.token, 'GET', threadPath(thread));
    assert.equal(thr.body.topic, 'A thread');
  });
});

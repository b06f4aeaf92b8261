import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { type RunningService } from '../../mock-server/service.js';
import { withService, withDataDir } from '../kit/node.js';
import {
  type ChatUser,
  RealtimeTestClient,
  type TestEvent,
  type TestFrame,
  WAIT_MS,
  chatUser,
  clockPast,
  closeRealtimeClients,
  countRows,
  createThread,
  forgeToken,
  sendMessage,
  threadPath,
  userRequest,
} from '../kit/serverHelpers.js';

const isEvent = (name: string) => (frame: TestFrame) => frame.type === 'event' && frame.name === name;
const isMessage = (id: string) => (frame: TestFrame) =>
  frame.type === 'event' && frame.name === 'chatMessageReceived' && (frame as TestEvent).data.id === id;
const messageIds = (client: RealtimeTestClient): string[] =>
  client.events.filter((e) => e.name === 'chatMessageReceived').map((e) => e.data.id!);
const seqs = (frames: readonly { type: string; seq?: number }[]): (number | undefined)[] => frames.map((frame) => frame.seq);

/** The newest sequence number the service holds for a user. */
function storedSeq(service: RunningService, userId: string): number {
  const row = service.db.prepare('SELECT last_seq FROM user_event_seq WHERE user_id = ?').get(userId) as { last_seq: number } | undefined;
  return row?.last_seq ?? 0;
}

describe('real-time channel: refused connections', () => {
  const service = withService();
  let user: ChatUser;
  before(async () => {
    user = await chatUser(service(), ['chat', 'voip']);
  });
  afterEach(() => closeRealtimeClients());

  /** Connects, and expects the socket closed with `code` and a reason, and no frame at all. */
  async function expectRefused(params: Parameters<typeof RealtimeTestClient.connect>[1], code: number, reason?: RegExp): Promise<void> {
    const before = countRows(service(), 'events');
    const client = RealtimeTestClient.connect(service(), params);
    const closed = await client.waitForClose();
    assert.equal(closed.code, code, `closed with ${closed.code} (${closed.reason})`);
    assert.ok(closed.reason.length > 0, 'no close reason');
    if (reason) assert.match(closed.reason, reason);
    assert.deepEqual(client.frames, []);
    assert.equal(countRows(service(), 'events'), before);
  }

  test('control: a good token and endpoint id get ready', async () => {
    const client = await RealtimeTestClient.ready(service(), { token: user.token, endpointId: 'control' });
    assert.deepEqual(client.frames, [{ type: 'ready', endpointId: 'control', userId: user.id, seq: 0, gap: false }]);
    assert.equal(client.closeEvent, undefined);
  });

  test('no access_token: 4401', async () => {
    await expectRefused({ endpointId: 'e1' }, 4401);
  });

  test('a token in the URL query (the old form) is refused with 4401, even a good one', async () => {
    // In the URL only.
    await expectRefused({ endpointId: 'e1', extra: { access_token: user.token } }, 4401, /URL/);
    // In the URL as well as in the subprotocol: still refused, so no client keeps leaking it.
    await expectRefused({ token: user.token, endpointId: 'e1', extra: { access_token: user.token } }, 4401, /URL/);
  });

  test('the service selects only the protocol name, never echoing the token subprotocol', async () => {
    const client = await RealtimeTestClient.ready(service(), { token: user.token, endpointId: 'protocol' });
    assert.equal(client.ws.protocol, 'acs.realtime.v2');
  });

  test('a garbage or foreign token: 4401', async () => {
    await expectRefused({ token: 'not-a-token', endpointId: 'e1' }, 4401, /not valid/);
    const now = Math.floor(Date.now() / 1000);
    const foreign = await forgeToken(
      Buffer.alloc(32, 9).toString('base64'),
      { sub: user.id, acsScope: 'chat', gen: 0 },
      {
        iat: now,
        exp: now + 3600,
      },
    );
    await expectRefused({ token: foreign, endpointId: 'e1' }, 4401, /not valid/);
  });

  test('an expired token: 4401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await forgeToken(
      service().secrets.tokenSigningSecret,
      { sub: user.id, acsScope: 'chat', gen: 0 },
      { iat: now - 7200, exp: now - 60 },
    );
    await expectRefused({ token: expired, endpointId: 'e1' }, 4401, /expired/);
  });

  test('a revoked token: 4401', async () => {
    const victim = await chatUser(service());
    service().identities.revokeTokens(victim.id);
    await expectRefused({ token: victim.token, endpointId: 'e1' }, 4401, /revoked/);
  });

  test('a deleted user: 4401', async () => {
    const gone = await chatUser(service());
    assert.equal(service().identities.deleteUser(gone.id), true);
    await expectRefused({ token: gone.token, endpointId: 'e1' }, 4401, /deleted/);
  });

  test('a token with no scope the channel serves: 4403', async () => {
    const now = Math.floor(Date.now() / 1000);
    const scopeless = await forgeToken(
      service().secrets.tokenSigningSecret,
      { sub: user.id, acsScope: 'admin', gen: 0 },
      { iat: now, exp: now + 3600 },
    );
    await expectRefused({ token: scopeless, endpointId: 'e1' }, 4403, /scope/);
  });

  test('a missing or invalid endpointId: 4400', async () => {
    await expectRefused({ token: user.token }, 4400, /endpointId/);
    for (const endpointId of ['', 'has space', 'a'.repeat(65), 'tab/1', 'é']) {
      await expectRefused({ token: user.token, endpointId }, 4400, /endpointId/);
    }
  });

  test('a bad lastSeq: 4400', async () => {
    for (const lastSeq of ['x', '-1', '1.5', '9007199254740993', 'NaN']) {
      await expectRefused({ token: user.token, endpointId: 'e1', lastSeq }, 4400, /lastSeq/);
    }
  });

  test('an upgrade on another path is refused with a 404', async () => {
    const client = new RealtimeTestClient(`${service().endpoint.replace(/^http/, 'ws')}realtime-not`);
    const closed = await client.waitForClose();
    assert.notEqual(closed.code, 1000);
    assert.deepEqual(client.frames, []);
  });
});

describe('real-time channel: delivery', () => {
  const service = withService();
  let a: ChatUser;
  let b: ChatUser;
  before(async () => {
    a = await chatUser(service());
    b = await chatUser(service(), ['chat', 'voip']);
  });
  afterEach(() => closeRealtimeClients());

  test('ready carries the newest sequence number; events reach every endpoint of every participant', async () => {
    const a1 = await RealtimeTestClient.ready(service(), { token: a.token, endpointId: 'a-tab-1' });
    const a2 = await RealtimeTestClient.ready(service(), { token: a.token, endpointId: 'a-tab-2' });
    const b1 = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'b-phone' });
    const startA = storedSeq(service(), a.id);
    assert.equal(a1.readyFrame!.seq, startA);
    assert.equal(b1.readyFrame!.seq, storedSeq(service(), b.id));

    const thread = await createThread(service(), a, [b.id], 'Live');
    const id = await sendMessage(service(), a, thread, 'hello everyone');
    for (const client of [a1, a2, b1]) await client.waitFor(isMessage(id), 'the message');

    // The sender's own endpoints get it too, with the same sequence numbers on both.
    assert.deepEqual(
      a1.events.map((e) => [e.name, e.seq]),
      [
        ['chatThreadCreated', startA + 1],
        ['chatMessageReceived', startA + 2],
      ],
    );
    assert.deepEqual(a2.events, a1.events);
    assert.deepEqual(
      b1.events.map((e) => e.name),
      ['chatThreadCreated', 'chatMessageReceived'],
    );
    const received = b1.events[1]!;
    assert.equal(received.data.threadId, thread);
    assert.equal(received.data.message, 'hello everyone');
    assert.deepEqual(received.data.sender, { rawId: a.id, kind: 'communicationUser', communicationUser: { id: a.id } });
    // The same copy for every member: each client fills in its own recipient (ADDRESSED_EVENT_NAMES).
    assert.equal(received.data.recipient, undefined);
    assert.deepEqual(a1.events[1]!.data, received.data);
    assert.equal(storedSeq(service(), a.id), startA + 2);

    // A user outside the thread hears nothing.
    const c = await chatUser(service());
    const c1 = await RealtimeTestClient.ready(service(), { token: c.token, endpointId: 'c' });
    const id2 = await sendMessage(service(), b, thread, 'second');
    await a1.waitFor(isMessage(id2), 'the second message');
    assert.deepEqual(c1.events, []);
  });

  test('every kind of chat change is announced, in order', async () => {
    const thread = await createThread(service(), a, [b.id]);
    const b1 = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'b-kinds' });
    const c = await chatUser(service());
    const id = await sendMessage(service(), a, thread, 'draft');
    await userRequest(service(), a.token, 'PATCH', threadPath(thread, `/messages/${id}`), { content: 'final' });
    await userRequest(service(), b.token, 'POST', threadPath(thread, '/readReceipts'), { chatMessageId: id });
    await userRequest(service(), a.token, 'PATCH', threadPath(thread), { topic: 'Renamed' });
    await userRequest(service(), a.token, 'POST', threadPath(thread, '/participants/:add'), {
      participants: [{ communicationIdentifier: { communicationUser: { id: c.id } } }],
    });
    await userRequest(service(), a.token, 'POST', threadPath(thread, '/participants/:remove'), {
      communicationUser: { id: c.id },
    });
    await userRequest(service(), a.token, 'DELETE', threadPath(thread, `/messages/${id}`));
    await userRequest(service(), a.token, 'DELETE', threadPath(thread));
    await b1.waitFor(isEvent('chatThreadDeleted'), 'chatThreadDeleted');
    const names = b1.events.map((e) => e.name);
    assert.deepEqual(names, [
      'chatMessageReceived',
      'chatMessageEdited',
      'readReceiptReceived',
      'chatThreadPropertiesUpdated',
      'participantsAdded',
      'participantsRemoved',
      'chatMessageDeleted',
      'chatThreadDeleted',
    ]);
    const first = b1.readyFrame!.seq;
    assert.deepEqual(
      b1.events.map((e) => e.seq),
      names.map((_, i) => first + 1 + i),
    );
    assert.equal(b1.events[1]!.data.message, 'final');
    assert.equal((b1.events[3]!.data.properties as { topic: string }).topic, 'Renamed');
  });

  test('typing notifications are ephemeral: no seq, not stored, not replayed', async () => {
    const thread = await createThread(service(), a, [b.id]);
    const a1 = await RealtimeTestClient.ready(service(), { token: a.token, endpointId: 'a-typing' });
    const seqBefore = storedSeq(service(), a.id);
    const eventsBefore = countRows(service(), 'events');
    const typing = await userRequest(service(), b.token, 'POST', threadPath(thread, '/typing'), { senderDisplayName: 'Bea' });
    assert.equal(typing.status, 200, typing.text);
    const frame = (await a1.waitFor(isEvent('typingIndicatorReceived'), 'typing')) as TestEvent;
    assert.equal('seq' in frame, false);
    assert.equal(frame.data.threadId, thread);
    assert.equal(frame.data.senderDisplayName, 'Bea');
    assert.equal((frame.data.sender as { rawId: string }).rawId, b.id);
    assert.equal(storedSeq(service(), a.id), seqBefore);
    assert.equal(countRows(service(), 'events'), eventsBefore);
    assert.equal(countRows(service(), "events WHERE name = 'typingIndicatorReceived'"), 0);

    // A later durable event is numbered right after the earlier ones: typing took no number.
    const id = await sendMessage(service(), b, thread, 'typed it');
    const message = await a1.waitFor(isMessage(id), 'the message');
    assert.equal(message.seq, seqBefore + 1);

    // Replaying everything from 0 brings the durable events, never the typing one.
    const replay = await RealtimeTestClient.ready(service(), { token: a.token, endpointId: 'a-replay', lastSeq: 0 });
    assert.equal(replay.events.length, seqBefore + 1);
    assert.deepEqual(
      seqs(replay.events),
      Array.from({ length: seqBefore + 1 }, (_, i) => i + 1),
    );
    assert.equal(
      replay.events.some((e) => e.name === 'typingIndicatorReceived'),
      false,
    );
    assert.equal(replay.frames.at(-1)!.type, 'ready');
  });

  test('a late joiner is not told of edits or deletions of messages hidden from them', async () => {
    const late = await chatUser(service());
    const thread = await createThread(service(), a, [b.id]);
    const old = await sendMessage(service(), a, thread, 'before you came');
    const oldCreated = (await userRequest<{ createdOn: string }>(service(), a.token, 'GET', threadPath(thread, `/messages/${old}`))).body
      .createdOn;
    await clockPast(new Date(oldCreated).getTime());
    const add = await userRequest(service(), a.token, 'POST', threadPath(thread, '/participants/:add'), {
      participants: [
        {
          communicationIdentifier: { communicationUser: { id: late.id } },
          shareHistoryTime: new Date(new Date(oldCreated).getTime() + 1).toISOString(),
        },
      ],
    });
    assert.equal(add.status, 201, add.text);
    const lateSocket = await RealtimeTestClient.ready(service(), { token: late.token, endpointId: 'late' });
    const bSocket = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'b-late-test' });
    const edit = await userRequest(service(), a.token, 'PATCH', threadPath(thread, `/messages/${old}`), {
      content: 'edited secret',
    });
    assert.equal(edit.status, 204, edit.text);
    const del = await userRequest(service(), a.token, 'DELETE', threadPath(thread, `/messages/${old}`));
    assert.equal(del.status, 204, del.text);
    const sentinel = await sendMessage(service(), a, thread, 'visible to all');
    await lateSocket.waitFor(isMessage(sentinel), 'the sentinel');
    await bSocket.waitFor(isMessage(sentinel), 'the sentinel');
    // B, who can see the old message, heard of the edit and the deletion; the late joiner did not.
    assert.deepEqual(
      bSocket.events.map((e) => e.name),
      ['chatMessageEdited', 'chatMessageDeleted', 'chatMessageReceived'],
    );
    assert.deepEqual(
      lateSocket.events.map((e) => e.name),
      ['chatMessageReceived'],
    );
    const stored = service().db.prepare('SELECT data FROM events WHERE user_id = ?').all(late.id) as { data: string }[];
    assert.equal(
      stored.some((row) => row.data.includes('edited secret')),
      false,
    );
  });

  test('ping gets pong, and the socket stays usable', async () => {
    const a1 = await RealtimeTestClient.ready(service(), { token: a.token, endpointId: 'a-ping' });
    a1.send(JSON.stringify({ type: 'ping' }));
    await a1.waitFor((frame) => frame.type === 'pong', 'pong');
    assert.deepEqual(a1.frames.at(-1), { type: 'pong' });
    const thread = await createThread(service(), a, [], 'after ping');
    await a1.waitFor(isEvent('chatThreadCreated'), 'an event after the pong');
    assert.equal(a1.events[0]!.data.threadId, thread);
    assert.equal(a1.closeEvent, undefined);
  });

  test('a garbage frame closes that socket with 4400; the service and other sockets carry on', async () => {
    const other = await RealtimeTestClient.ready(service(), { token: a.token, endpointId: 'a-bystander' });
    for (const garbage of ['not json', '{"type":"subscribe"}', '[1,2]', 'null', Buffer.from([0xff, 0x00, 0x01])]) {
      const client = await RealtimeTestClient.ready(service(), { token: a.token, endpointId: 'a-garbage' });
      client.ws.send(garbage);
      const closed = await client.waitForClose();
      assert.equal(closed.code, 4400, `${String(garbage)}: closed with ${closed.code}`);
      assert.ok(closed.reason.length > 0, 'no close reason');
    }
    const thread = await createThread(service(), a, [], 'still up');
    const created = (await other.waitFor(isEvent('chatThreadCreated'), 'an event on the other socket')) as TestEvent;
    assert.equal(created.data.threadId, thread);
    assert.equal(other.closeEvent, undefined);
    const fresh = await RealtimeTestClient.ready(service(), { token: a.token, endpointId: 'a-garbage' });
    assert.equal(fresh.readyFrame!.seq, storedSeq(service(), a.id));
  });

  test('a reconnect with the same endpointId replaces the older socket (4409)', async () => {
    const old = await RealtimeTestClient.ready(service(), { token: a.token, endpointId: 'a-same' });
    const fresh = await RealtimeTestClient.ready(service(), { token: a.token, endpointId: 'a-same' });
    const closed = await old.waitForClose();
    assert.equal(closed.code, 4409);
    assert.match(closed.reason, /replaced/);
    const thread = await createThread(service(), a, [], 'who hears');
    await fresh.waitFor(isEvent('chatThreadCreated'), 'the event on the new socket');
    assert.equal(fresh.events[0]!.data.threadId, thread);
    assert.equal(old.events.length, 0);
    assert.equal(
      service()
        .realtime.endpointsOf(a.id)
        .filter((e) => e.endpointId === 'a-same').length,
      1,
    );
  });

  test('a socket is closed with 4401 when its token expires', async () => {
    const now = Math.floor(Date.now() / 1000);
    const shortLived = await forgeToken(
      service().secrets.tokenSigningSecret,
      { sub: a.id, acsScope: 'chat', gen: 0 },
      { iat: now, exp: now + 2 },
    );
    const client = await RealtimeTestClient.ready(service(), { token: shortLived, endpointId: 'a-short' });
    const closed = await client.waitForClose(WAIT_MS);
    assert.equal(closed.code, 4401);
    assert.match(closed.reason, /expired/);
  });
});

describe('real-time channel: resumption', () => {
  const service = withService();
  let a: ChatUser;
  let b: ChatUser;
  let thread: string;
  before(async () => {
    a = await chatUser(service());
    b = await chatUser(service());
    thread = await createThread(service(), a, [b.id], 'Resume');
  });
  afterEach(() => closeRealtimeClients());

  test('reconnecting with lastSeq gets exactly the missed events, in order, then ready, then live ones', async () => {
    const first = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'b-laptop' });
    const seen: string[] = [];
    for (let i = 1; i <= 3; i++) seen.push(await sendMessage(service(), a, thread, `seen ${i}`));
    await first.waitFor(isMessage(seen[2]!), 'the third message');
    assert.deepEqual(messageIds(first), seen);
    const lastSeq = first.lastSeq;
    await first.close();

    const missed: string[] = [];
    for (let i = 1; i <= 4; i++) missed.push(await sendMessage(service(), a, thread, `missed ${i}`));
    await userRequest(service(), a.token, 'PATCH', threadPath(thread), { topic: 'Renamed while away' });

    const second = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'b-laptop', lastSeq });
    assert.deepEqual(
      second.frames.map((f) => (f.type === 'event' ? f.name : f.type)),
      ['chatMessageReceived', 'chatMessageReceived', 'chatMessageReceived', 'chatMessageReceived', 'chatThreadPropertiesUpdated', 'ready'],
    );
    assert.deepEqual(messageIds(second), missed);
    assert.deepEqual(seqs(second.frames), [lastSeq + 1, lastSeq + 2, lastSeq + 3, lastSeq + 4, lastSeq + 5, lastSeq + 5]);
    assert.deepEqual(second.readyFrame, { type: 'ready', endpointId: 'b-laptop', userId: b.id, seq: lastSeq + 5, gap: false });
    assert.equal(second.events[0]!.data.message, 'missed 1');

    // Then live, numbered on.
    const live = await sendMessage(service(), a, thread, 'live again');
    const frame = await second.waitFor(isMessage(live), 'the live message');
    assert.equal(frame.seq, lastSeq + 6);
    assert.deepEqual(messageIds(second), [...missed, live]);

    // Resuming when nothing was missed: ready alone.
    const current = second.lastSeq;
    const third = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'b-tablet', lastSeq: current });
    assert.deepEqual(third.frames, [{ type: 'ready', endpointId: 'b-tablet', userId: b.id, seq: current, gap: false }]);
  });

  test('live delivery writes the bytes a replay writes, for every kind of event and any text', async () => {
    const live = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'b-bytes-live' });
    const from = live.lastSeq;
    const bytesThread = await createThread(service(), a, [b.id], 'Ålice & Bob 🎉');
    const sent = [
      await sendMessage(service(), a, bytesThread, 'plain'),
      await sendMessage(service(), a, bytesThread, 'Grüße, 你好, 🎉 "quoted" \\ back\nslash'),
    ];
    await userRequest(service(), a.token, 'PATCH', threadPath(bytesThread), { topic: 'Renamed: Ørsted' });
    const last = await sendMessage(service(), a, bytesThread, 'last');
    await live.waitFor(isMessage(last), 'the last message');
    const replayed = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'b-bytes-replay', lastSeq: from });
    const eventTexts = (client: RealtimeTestClient) => client.texts.filter((text) => text.startsWith('{"type":"event"'));
    assert.deepEqual(eventTexts(live), eventTexts(replayed));
    // Addressed events (messages) and shared ones (the thread's changes) both. An addressed event
    // goes out without its recipient, the same bytes for every member but the number: the client
    // fills in its own identifier.
    const names = live.events.map((e) => e.name);
    assert.ok(names.includes('chatThreadCreated') && names.includes('chatThreadPropertiesUpdated'), names.join());
    assert.deepEqual(messageIds(live), [...sent, last]);
    const messages = live.events.filter((e) => e.name === 'chatMessageReceived');
    for (const event of messages) assert.equal(event.data.recipient, undefined);
    const alice = await RealtimeTestClient.ready(service(), { token: a.token, endpointId: 'a-bytes-replay', lastSeq: 0 });
    const withoutSeq = (client: RealtimeTestClient) =>
      client.texts
        .filter((text) => text.includes('"name":"chatMessageReceived"'))
        .map((text) => text.replace(/^\{"type":"event","seq":\d+/, ''));
    const atAlice = new Set(withoutSeq(alice));
    for (const text of withoutSeq(live)) assert.ok(atAlice.has(text), 'the sender’s copy is the same bytes');
  });

  test('an older client (acs.realtime.v1) gets its recipient in every addressed copy, live and replayed', async () => {
    const older = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'b-v1', protocol: 'acs.realtime.v1' });
    const current = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'b-v2' });
    assert.equal(older.ws.protocol, 'acs.realtime.v1');
    const from = older.lastSeq;
    const v1Thread = await createThread(service(), a, [b.id], 'For an older client');
    const id = await sendMessage(service(), a, v1Thread, 'to both versions');
    const [live] = await Promise.all([
      older.waitFor(isMessage(id), 'the message (v1)'),
      current.waitFor(isMessage(id), 'the message (v2)'),
    ]);
    const bob = { rawId: b.id, kind: 'communicationUser', communicationUser: { id: b.id } };
    assert.deepEqual((live as TestEvent).data.recipient, bob);
    assert.equal(current.events.find((e) => e.data.id === id)!.data.recipient, undefined);
    const replayed = await RealtimeTestClient.ready(service(), {
      token: b.token,
      endpointId: 'b-v1-replay',
      lastSeq: from,
      protocol: 'acs.realtime.v1',
    });
    assert.deepEqual(replayed.events.find((e) => e.data.id === id)!.data.recipient, bob);
    // Apart from it, the same copy.
    const { recipient: _recipient, ...rest } = (live as TestEvent).data;
    assert.deepEqual(rest, current.events.find((e) => e.data.id === id)!.data);
  });

  test('a lastSeq ahead of the service (a reset data folder) is ready with gap: true, no events', async () => {
    const ahead = storedSeq(service(), b.id) + 1000;
    const client = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'b-ahead', lastSeq: ahead });
    assert.deepEqual(client.frames, [{ type: 'ready', endpointId: 'b-ahead', userId: b.id, seq: storedSeq(service(), b.id), gap: true }]);
  });

  test('a receiver dropped mid-burst of 100 messages resumes with each message exactly once, in order', async () => {
    const burstThread = await createThread(service(), a, [b.id], 'Burst');
    const receiver = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: 'b-burst' });
    const sent: string[] = [];
    let sendError: unknown;
    const sending = (async () => {
      for (let i = 0; i < 100; i++) sent.push(await sendMessage(service(), a, burstThread, `burst ${i}`));
    })().catch((error: unknown) => {
      sendError = error;
    });

    // Drop the socket abruptly once some of the burst has arrived, and reconnect at once, while
    // the sender carries on.
    await receiver.waitForCount(isEvent('chatMessageReceived'), 20, '20 burst messages');
    await receiver.terminate();
    const before = messageIds(receiver);
    assert.ok(before.length >= 20 && before.length < 100, `${before.length} arrived before the drop`);
    const resumed = RealtimeTestClient.connect(service(), { token: b.token, endpointId: 'b-burst', lastSeq: receiver.lastSeq });
    await sending;
    assert.equal(sendError, undefined);
    assert.equal(sent.length, 100);

    // A sentinel after the burst: once it arrives, every earlier frame has too.
    const sentinel = await sendMessage(service(), a, burstThread, 'sentinel');
    await resumed.waitFor(isMessage(sentinel), 'the sentinel');
    const after = messageIds(resumed);
    assert.equal(after.at(-1), sentinel);
    const all = [...before, ...after.slice(0, -1)];
    assert.equal(new Set(all).size, all.length, 'a message arrived twice');
    assert.deepEqual(all, sent);

    // Sequence numbers are gapless across the two sockets.
    const numbers = [...receiver.events, ...resumed.events].map((e) => e.seq!);
    assert.deepEqual(
      numbers,
      Array.from({ length: numbers.length }, (_, i) => numbers[0]! + i),
    );
    assert.equal(resumed.frames.filter((f) => f.type === 'ready').length, 1);
  });
  test('endpoints that go live while a burst is being delivered get each event once, gapless', async () => {
    // A send is answered before its event goes out, and under load delivery waits for the next
    // batch: a socket whose replay ends in between has read those events from the log already.
    const burstThread = await createThread(service(), a, [b.id], 'Joining a burst');
    let sending = true;
    const burst = (async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < 300) await sendMessage(service(), a, burstThread, `burst ${next++}`);
        }),
      );
    })().finally(() => (sending = false));
    const gapless = (socket: RealtimeTestClient) => {
      const numbers = socket.events.map((e) => e.seq!);
      assert.deepEqual(
        numbers,
        Array.from({ length: numbers.length }, (_, i) => numbers[0]! + i),
        'an event twice or a gap on one socket',
      );
    };
    const sockets: RealtimeTestClient[] = [];
    const open: RealtimeTestClient[] = [];
    while (sending) {
      // Resume from a little behind the newest event, so each socket replays some and then goes live.
      const lastSeq = Math.max(0, storedSeq(service(), b.id) - 3);
      const socket = await RealtimeTestClient.ready(service(), { token: b.token, endpointId: `b-join-${sockets.length}`, lastSeq });
      sockets.push(socket);
      open.push(socket);
      if (open.length > 8) {
        // Within the user's socket limit: the oldest has been live for a while; what it got is checked.
        const oldest = open.shift()!;
        await oldest.close();
        gapless(oldest);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await burst;
    const sentinel = await sendMessage(service(), a, burstThread, 'sentinel');
    for (const socket of open) {
      await socket.waitFor(isMessage(sentinel), 'the sentinel');
      gapless(socket);
    }
    assert.ok(sockets.length >= 5, `${sockets.length} sockets joined during the burst`);
  });
});

describe('real-time channel: events survive a restart', () => {
  const data = withDataDir('oc-realtime-');
  after(() => closeRealtimeClients());

  test('events published before a restart are replayed after it from lastSeq', async () => {
    const first = await data.start();
    const a = await chatUser(first);
    const b = await chatUser(first);
    const thread = await createThread(first, a, [b.id], 'Durable');
    const client = await RealtimeTestClient.ready(first, { token: b.token, endpointId: 'b-durable' });
    const lastSeq = client.lastSeq;
    assert.equal(lastSeq, 1);
    await client.close();
    const ids: string[] = [];
    for (const text of ['one', 'two', 'three']) ids.push(await sendMessage(first, a, thread, text));
    await first.close();

    const second = await data.start();
    // The token issued before the restart still works (the secrets persisted).
    const resumed = await RealtimeTestClient.ready(second, { token: b.token, endpointId: 'b-durable', lastSeq });
    assert.deepEqual(messageIds(resumed), ids);
    assert.deepEqual(
      resumed.events.map((e) => [e.seq, e.data.message]),
      [
        [2, 'one'],
        [3, 'two'],
        [4, 'three'],
      ],
    );
    assert.deepEqual(resumed.readyFrame, { type: 'ready', endpointId: 'b-durable', userId: b.id, seq: 4, gap: false });

    // Numbering goes on from where it was.
    const next = await sendMessage(second, a, thread, 'after restart');
    const frame = await resumed.waitFor(isMessage(next), 'the message after the restart');
    assert.equal(frame.seq, 5);
  });
});

import { expect } from '@esm-bundle/chai';
import { ChatClient } from '../../src/chat/chatClient.js';
import type { ChatThreadClient } from '../../src/chat/chatThreadClient.js';
import { CHAT_LIMITS } from '../../src/chat/validation.js';
import { AbortError, RestError } from '../../src/common/errors.js';
import { getIdentifierRawId } from '../../src/common/identifiers.js';
import { ChatEventRecorder, type TestUser, collect, createTestUser, identity, recordingFetch } from './chatTestHelpers.js';
import FakeTimers, { type Clock } from './fakeTimers.js';
import { rejectionOf } from './helpers.js';
import { testService } from './service.js';

const kindOf = (user: TestUser) => ({ kind: 'communicationUser', communicationUserId: user.user.communicationUserId });
const rawIdOf = (user: TestUser) => user.user.communicationUserId;

function expectRestError(error: unknown, statusCode: number, code?: string): void {
  expect(error).to.be.instanceOf(RestError);
  expect((error as RestError).statusCode).to.equal(statusCode);
  if (code !== undefined) expect((error as RestError).code).to.equal(code);
}

describe('ChatClient: two users in real time', () => {
  let endpoint: string;
  let alice: TestUser;
  let bob: TestUser;
  let aliceChat: ChatClient;
  /** Alice signed in a second time: another endpoint of the same user. */
  let aliceElsewhere: ChatClient;
  let bobChat: ChatClient;
  let aliceEvents: ChatEventRecorder;
  let aliceElsewhereEvents: ChatEventRecorder;
  let bobEvents: ChatEventRecorder;

  before(async () => {
    ({ endpoint } = await testService());
    [alice, bob] = await Promise.all([createTestUser(), createTestUser()]);
    aliceChat = new ChatClient(endpoint, alice.token);
    aliceElsewhere = new ChatClient(endpoint, alice.token);
    bobChat = new ChatClient(endpoint, bob.token);
    aliceEvents = new ChatEventRecorder(aliceChat);
    aliceElsewhereEvents = new ChatEventRecorder(aliceElsewhere);
    bobEvents = new ChatEventRecorder(bobChat);
    await Promise.all([
      aliceChat.startRealtimeNotifications(),
      aliceElsewhere.startRealtimeNotifications(),
      bobChat.startRealtimeNotifications(),
    ]);
  });

  after(async () => {
    await Promise.all([aliceChat, aliceElsewhere, bobChat].map((client) => client?.stopRealtimeNotifications()));
  });

  async function threadWithBob(topic: string): Promise<{ threadId: string; aliceThread: ChatThreadClient; bobThread: ChatThreadClient }> {
    const { chatThread } = await aliceChat.createChatThread({ topic }, { participants: [{ id: bob.user, displayName: 'Bob' }] });
    const threadId = chatThread!.id;
    return { threadId, aliceThread: aliceChat.getChatThreadClient(threadId), bobThread: bobChat.getChatThreadClient(threadId) };
  }

  it('connects every endpoint with its own endpoint id', () => {
    expect(aliceEvents.all('realTimeNotificationConnected')).to.have.length(1);
    expect(aliceChat.realtimeChannel!.state).to.equal('connected');
    expect(aliceChat.realtimeChannel!.endpointId).to.match(/^[0-9a-f]{32}$/);
    expect(aliceChat.realtimeChannel!.endpointId).not.to.equal(aliceElsewhere.realtimeChannel!.endpointId);
  });

  it('creates a thread, and the participant learns of it in real time', async () => {
    const before = Date.now();
    const result = await aliceChat.createChatThread(
      { topic: 'Lunch' },
      { participants: [{ id: bob.user, displayName: 'Bob' }], metadata: { place: 'canteen' } },
    );
    const thread = result.chatThread!;
    expect(result.invalidParticipants).to.equal(undefined);
    expect(thread.id).to.match(/^19:[0-9a-f]{32}@thread\.v2$/);
    expect(thread.topic).to.equal('Lunch');
    expect(thread.createdOn).to.be.instanceOf(Date);
    expect(thread.createdOn.getTime()).to.be.at.least(before - 60_000);
    expect(thread.createdBy).to.deep.equal(kindOf(alice));

    const created = await bobEvents.waitFor('chatThreadCreated', (event) => event.threadId === thread.id);
    expect(created.properties).to.deep.equal({ topic: 'Lunch', metadata: { place: 'canteen' } });
    expect(created.createdBy.id).to.deep.equal(kindOf(alice));
    expect(created.createdOn).to.be.instanceOf(Date);
    const names = created.participants.map((participant) => [getIdentifierRawId(participant.id), participant.displayName]);
    expect(names).to.deep.include.members([
      [rawIdOf(bob), 'Bob'],
      [rawIdOf(alice), ''],
    ]);

    const properties = await bobChat.getChatThreadClient(thread.id).getProperties();
    expect(properties).to.deep.include({ id: thread.id, topic: 'Lunch', metadata: { place: 'canteen' } });
    expect(properties.createdBy).to.deep.equal(kindOf(alice));
  });

  it("delivers messages both ways, to the other user and to the sender's other endpoint", async () => {
    const { threadId, aliceThread, bobThread } = await threadWithBob('both ways');
    const { id: fromAlice } = await aliceThread.sendMessage(
      { content: 'Hi Bob' },
      { senderDisplayName: 'Alice', metadata: { mood: 'good' } },
    );
    const atBob = await bobEvents.waitFor('chatMessageReceived', (event) => event.id === fromAlice);
    expect(atBob).to.deep.include({ threadId, message: 'Hi Bob', senderDisplayName: 'Alice', type: 'text', version: fromAlice });
    expect(atBob.metadata).to.deep.equal({ mood: 'good' });
    expect(atBob.sender).to.deep.equal(kindOf(alice));
    expect(atBob.recipient).to.deep.equal(kindOf(bob));
    expect(atBob.createdOn).to.be.instanceOf(Date);
    const elsewhere = await aliceElsewhereEvents.waitFor('chatMessageReceived', (event) => event.id === fromAlice);
    expect(elsewhere.recipient).to.deep.equal(kindOf(alice));

    const { id: fromBob } = await bobThread.sendMessage({ content: '<b>Hi</b> Alice' }, { type: 'html' });
    const atAlice = await aliceEvents.waitFor('chatMessageReceived', (event) => event.id === fromBob);
    expect(atAlice).to.deep.include({ message: '<b>Hi</b> Alice', type: 'html', senderDisplayName: '' });
    expect(atAlice.sender).to.deep.equal(kindOf(bob));
    await aliceElsewhereEvents.waitFor('chatMessageReceived', (event) => event.id === fromBob);

    const message = await bobThread.getMessage(fromAlice);
    expect(message).to.deep.include({ id: fromAlice, type: 'text', senderDisplayName: 'Alice', metadata: { mood: 'good' } });
    expect(message.content).to.deep.equal({ message: 'Hi Bob' });
    expect(message.sender).to.deep.equal(kindOf(alice));
    expect(message.createdOn).to.be.instanceOf(Date);
  });

  it('message events carry the sequenceId the message has in the thread, an edit keeping it', async () => {
    const { aliceThread, bobThread } = await threadWithBob('sequence ids');
    const { id } = await aliceThread.sendMessage({ content: 'numbered' });
    const received = await bobEvents.waitFor('chatMessageReceived', (event) => event.id === id);
    const listed = await bobThread.getMessage(id);
    expect(listed.sequenceId).to.match(/^\d+$/);
    expect(received.sequenceId).to.equal(listed.sequenceId);
    await aliceThread.updateMessage(id, { content: 'renumbered?' });
    expect((await bobEvents.waitFor('chatMessageEdited', (event) => event.id === id)).sequenceId).to.equal(listed.sequenceId);
    await aliceThread.deleteMessage(id);
    expect((await bobEvents.waitFor('chatMessageDeleted', (event) => event.id === id)).sequenceId).to.equal(listed.sequenceId);
  });

  it('announces edits and deletions to the other user, and reflects them in getMessage', async () => {
    const { threadId, aliceThread, bobThread } = await threadWithBob('edits');
    const { id } = await aliceThread.sendMessage({ content: 'first draft' });
    await aliceThread.updateMessage(id, { content: 'final text', metadata: { edited: 'yes' } });
    const edited = await bobEvents.waitFor('chatMessageEdited', (event) => event.id === id);
    expect(edited).to.deep.include({ threadId, message: 'final text' });
    expect(edited.metadata).to.deep.equal({ edited: 'yes' });
    expect(edited.editedOn).to.be.instanceOf(Date);
    const afterEdit = await bobThread.getMessage(id);
    expect(afterEdit.content?.message).to.equal('final text');
    expect(afterEdit.editedOn).to.be.instanceOf(Date);

    const notTheSender = await rejectionOf(bobThread.updateMessage(id, { content: 'hijack' }));
    expectRestError(notTheSender, 403);

    await aliceThread.deleteMessage(id);
    const deleted = await bobEvents.waitFor('chatMessageDeleted', (event) => event.id === id);
    expect(deleted.deletedOn).to.be.instanceOf(Date);
    expect(deleted.sender).to.deep.equal(kindOf(alice));
    const afterDelete = await bobThread.getMessage(id);
    expect(afterDelete.deletedOn).to.be.instanceOf(Date);
    expect(afterDelete.content).to.equal(undefined);
  });

  it('delivers typing notifications and read receipts to the other user', async () => {
    const { threadId, aliceThread, bobThread } = await threadWithBob('typing and receipts');
    expect(await bobThread.sendTypingNotification({ senderDisplayName: 'Bobby' })).to.equal(true);
    const typing = await aliceEvents.waitFor('typingIndicatorReceived', (event) => event.threadId === threadId);
    expect(typing.sender).to.deep.equal(kindOf(bob));
    expect(typing.senderDisplayName).to.equal('Bobby');
    expect(typing.receivedOn).to.be.instanceOf(Date);

    const { id } = await aliceThread.sendMessage({ content: 'read me' });
    await bobThread.sendReadReceipt({ chatMessageId: id });
    const receipt = await aliceEvents.waitFor('readReceiptReceived', (event) => event.threadId === threadId);
    expect(receipt.chatMessageId).to.equal(id);
    expect(receipt.sender).to.deep.equal(kindOf(bob));
    expect(receipt.readOn).to.be.instanceOf(Date);

    const receipts = await collect(aliceThread.listReadReceipts());
    expect(receipts).to.have.length(1);
    expect(receipts[0]!.sender).to.deep.equal(kindOf(bob));
    expect(receipts[0]!.chatMessageId).to.equal(id);
    expect(receipts[0]!.readOn).to.be.instanceOf(Date);
  });

  it('announces a topic update and records it as a system message', async () => {
    const { threadId, aliceThread, bobThread } = await threadWithBob('old topic');
    await aliceThread.updateTopic('new topic');
    const updated = await bobEvents.waitFor('chatThreadPropertiesUpdated', (event) => event.threadId === threadId);
    expect(updated.properties.topic).to.equal('new topic');
    expect(updated.updatedBy.id).to.deep.equal(kindOf(alice));
    expect(updated.updatedOn).to.be.instanceOf(Date);
    expect((await bobThread.getProperties()).topic).to.equal('new topic');

    const messages = await collect(bobThread.listMessages());
    const system = messages.find((message) => message.type === 'topicUpdated');
    expect(system?.content?.topic).to.equal('new topic');
    expect(system?.content?.initiator).to.deep.equal(kindOf(alice));
    expect(system?.sender).to.equal(undefined);
  });

  it('announces participants added and removed, and lists them', async () => {
    const carol = await createTestUser();
    const { threadId, aliceThread, bobThread } = await threadWithBob('roster');
    const ghost = { communicationUserId: `8:acs:00000000-0000-4000-8000-000000000000_${crypto.randomUUID()}` };
    const result = await aliceThread.addParticipants({
      participants: [{ id: carol.user, displayName: 'Carol', metadata: { role: 'guest' } }, { id: ghost }],
    });
    expect(result.invalidParticipants?.map((error) => error.target)).to.deep.equal([ghost.communicationUserId]);
    const added = await bobEvents.waitFor('participantsAdded', (event) => event.threadId === threadId);
    expect(added.participantsAdded.map((participant) => participant.id)).to.deep.equal([kindOf(carol)]);
    expect(added.participantsAdded[0]).to.deep.include({ displayName: 'Carol', metadata: { role: 'guest' } });
    expect(added.addedBy.id).to.deep.equal(kindOf(alice));

    const listed = await collect(bobThread.listParticipants());
    expect(listed.map((participant) => getIdentifierRawId(participant.id))).to.have.members([rawIdOf(alice), rawIdOf(bob), rawIdOf(carol)]);
    const carolListed = listed.find((participant) => getIdentifierRawId(participant.id) === rawIdOf(carol))!;
    expect(carolListed.id).to.deep.equal(kindOf(carol));
    expect(carolListed).to.deep.include({ displayName: 'Carol', metadata: { role: 'guest' } });

    await aliceThread.removeParticipant(carol.user);
    const removed = await bobEvents.waitFor('participantsRemoved', (event) => event.threadId === threadId);
    expect(removed.participantsRemoved.map((participant) => participant.id)).to.deep.equal([kindOf(carol)]);
    expect(removed.removedBy.id).to.deep.equal(kindOf(alice));
    const remaining = await collect(bobThread.listParticipants());
    expect(remaining.map((participant) => getIdentifierRawId(participant.id))).to.have.members([rawIdOf(alice), rawIdOf(bob)]);
  });

  it('lists messages newest first, page by page', async () => {
    const { aliceThread, bobThread } = await threadWithBob('paging');
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push((await aliceThread.sendMessage({ content: `message ${i}` })).id);

    const pages: string[][] = [];
    for await (const page of bobThread.listMessages().byPage({ maxPageSize: 2 })) {
      pages.push(page.filter((message) => message.type === 'text').map((message) => message.id));
      expect(page.length).to.be.at.most(2);
    }
    expect(pages.slice(0, 3)).to.deep.equal([[sent[4], sent[3]], [sent[2], sent[1]], [sent[0]]]);

    const all = await collect(bobThread.listMessages({ maxPageSize: 3 }));
    const sequence = all.map((message) => Number(message.sequenceId));
    expect(sequence).to.deep.equal([...sequence].sort((a, b) => b - a));
    expect(all.filter((message) => message.type === 'text').map((message) => message.id)).to.deep.equal([...sent].reverse());
    expect(all.at(-1)!.type).to.equal('participantAdded');
  });

  it("lists the user's threads by page and announces a deleted thread", async () => {
    const threads = await Promise.all([threadWithBob('t1'), threadWithBob('t2'), threadWithBob('t3')]);
    const pages: number[] = [];
    const ids: string[] = [];
    for await (const page of bobChat.listChatThreads().byPage({ maxPageSize: 2 })) {
      pages.push(page.length);
      ids.push(...page.map((thread) => thread.id));
    }
    expect(pages.every((size) => size <= 2)).to.equal(true);
    expect(pages.length).to.be.at.least(2);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(ids).to.include.members(threads.map((thread) => thread.threadId));
    const items = await collect(bobChat.listChatThreads({ maxPageSize: 1 }));
    expect(items.map((item) => item.id)).to.deep.equal(ids);
    expect(items[0]!.lastMessageReceivedOn).to.be.instanceOf(Date);

    const doomed = threads[0]!.threadId;
    await aliceChat.deleteChatThread(doomed);
    const deleted = await bobEvents.waitFor('chatThreadDeleted', (event) => event.threadId === doomed);
    expect(deleted.deletedBy.id).to.deep.equal(kindOf(alice));
    expect(deleted.deletedOn).to.be.instanceOf(Date);
    expectRestError(await rejectionOf(threads[0]!.bobThread.getProperties()), 404);
  });

  it('sends an idempotency token, generating one when none is given', async () => {
    const { fetch, requests } = recordingFetch();
    const client = new ChatClient(endpoint, alice.token, { fetch });
    const first = await client.createChatThread({ topic: 'once' }, { idempotencyToken: 'retry-1' });
    const again = await client.createChatThread({ topic: 'once' }, { idempotencyToken: 'retry-1' });
    expect(again.chatThread!.id).to.equal(first.chatThread!.id);
    await client.createChatThread({ topic: 'generated' });
    const tokens = requests.map((request) => request.headers.get('repeatability-request-id'));
    expect(tokens.slice(0, 2)).to.deep.equal(['retry-1', 'retry-1']);
    expect(tokens[2]).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requests[0]!.url.searchParams.get('api-version')).to.equal('2025-03-15');
    expect(requests[0]!.headers.get('authorization')).to.equal(`Bearer ${alice.token}`);
  });

  it('edits with a merge-patch request, as the official SDK does', async () => {
    const { fetch, requests } = recordingFetch();
    const thread = new ChatClient(endpoint, alice.token, { fetch }).getChatThreadClient((await threadWithBob('patch')).threadId);
    const { id } = await thread.sendMessage({ content: 'x' });
    await thread.updateMessage(id, { content: 'y' });
    const patch = requests.find((request) => request.method === 'PATCH')!;
    expect(patch.headers.get('content-type')).to.equal('application/merge-patch+json');
    expect(JSON.parse(patch.body!)).to.deep.equal({ content: 'y' });
  });
});

describe('ChatClient: access', () => {
  let endpoint: string;
  let alice: TestUser;

  before(async () => {
    ({ endpoint } = await testService());
    alice = await createTestUser();
  });

  it('refuses a non-member with RestError 403', async () => {
    const mallory = await createTestUser();
    const { chatThread } = await new ChatClient(endpoint, alice.token).createChatThread({ topic: 'private' });
    const intruder = new ChatClient(endpoint, mallory.token).getChatThreadClient(chatThread!.id);
    expectRestError(await rejectionOf(intruder.getProperties()), 403, 'NotAParticipant');
    expectRestError(await rejectionOf(intruder.sendMessage({ content: 'let me in' })), 403, 'NotAParticipant');
    expectRestError(await rejectionOf(collect(intruder.listMessages())), 403);
  });

  it('refuses a voip-only token with RestError 403', async () => {
    const caller = await createTestUser(['voip']);
    const client = new ChatClient(endpoint, caller.token);
    expectRestError(await rejectionOf(client.createChatThread({ topic: 'no chat scope' })), 403, 'InsufficientScope');
    expectRestError(await rejectionOf(collect(client.listChatThreads())), 403, 'InsufficientScope');
  });

  it("removes a deleted user's messages from the thread", async () => {
    const bob = await createTestUser();
    const aliceChat = new ChatClient(endpoint, alice.token);
    const { chatThread } = await aliceChat.createChatThread({ topic: 'forget me' }, { participants: [{ id: bob.user }] });
    const thread = aliceChat.getChatThreadClient(chatThread!.id);
    const bobThread = new ChatClient(endpoint, bob.token).getChatThreadClient(chatThread!.id);
    await bobThread.sendMessage({ content: 'bob 1' });
    await thread.sendMessage({ content: 'alice 1' });
    await bobThread.sendMessage({ content: 'bob 2' });
    const fromBob = (messages: { sender?: unknown }[]) =>
      messages.filter((message) => JSON.stringify(message.sender) === JSON.stringify(kindOf(bob)));
    expect(fromBob(await collect(thread.listMessages()))).to.have.length(2);

    await (await identity()).deleteUser(bob.user);
    const messages = await collect(thread.listMessages());
    expect(fromBob(messages)).to.have.length(0);
    expect(messages.filter((message) => message.type === 'text').map((message) => message.content?.message)).to.deep.equal(['alice 1']);
  });
});

describe('ChatThreadClient: typing notifications are throttled', () => {
  let clock: Clock | undefined;
  afterEach(() => clock?.uninstall());

  it('sends at most one typing notification per 8 s, a throttled call returning false without a request', async () => {
    const { endpoint } = await testService();
    const alice = await createTestUser();
    const { chatThread } = await new ChatClient(endpoint, alice.token).createChatThread({ topic: 'typing' });
    const { fetch, requests } = recordingFetch();
    const thread = new ChatClient(endpoint, alice.token, { fetch }).getChatThreadClient(chatThread!.id);
    const typingRequests = () => requests.filter((request) => request.url.pathname.endsWith('/typing')).length;
    clock = FakeTimers.install({ toFake: ['Date'], now: Date.now() });

    expect(await thread.sendTypingNotification()).to.equal(true);
    expect(typingRequests()).to.equal(1);
    clock.tick(7_999);
    expect(await thread.sendTypingNotification()).to.equal(false);
    expect(typingRequests()).to.equal(1);
    clock.tick(1);
    expect(await thread.sendTypingNotification({ senderDisplayName: 'Alice' })).to.equal(true);
    expect(typingRequests()).to.equal(2);
    // Sending a message ends the typing, so the next keystroke is announced at once.
    await thread.sendMessage({ content: 'done typing' });
    expect(await thread.sendTypingNotification()).to.equal(true);
    expect(typingRequests()).to.equal(3);
  });
});

describe('ChatThreadClient: a failed request leaves the typing throttle as it was', () => {
  it('a typing notification that fails does not count, and a message that fails does not reset the throttle', async () => {
    const { endpoint } = await testService();
    const alice = await createTestUser();
    const { chatThread } = await new ChatClient(endpoint, alice.token).createChatThread({ topic: 'typing failures' });
    const { fetch, requests } = recordingFetch();
    const thread = new ChatClient(endpoint, alice.token, { fetch }).getChatThreadClient(chatThread!.id);
    const typingRequests = () => requests.filter((request) => request.url.pathname.endsWith('/typing')).length;
    const aborted = AbortSignal.abort();

    expect(await rejectionOf(thread.sendTypingNotification({ abortSignal: aborted }))).to.be.instanceOf(AbortError);
    expect(await thread.sendTypingNotification()).to.equal(true);
    expect(typingRequests()).to.equal(1);
    expect(await rejectionOf(thread.sendMessage({ content: 'never sent' }, { abortSignal: aborted }))).to.be.instanceOf(AbortError);
    expect(await thread.sendTypingNotification()).to.equal(false);
    expect(typingRequests()).to.equal(1);
  });
});

describe('ChatClient: arguments are checked before any request', () => {
  it('throws TypeError or RangeError and sends nothing', async () => {
    const { endpoint } = await testService();
    const alice = await createTestUser();
    const { fetch, requests } = recordingFetch();
    const client = new ChatClient(endpoint, alice.token, { fetch });
    const thread = client.getChatThreadClient('19:00000000000000000000000000000000@thread.v2');

    expect(await rejectionOf(client.createChatThread({ topic: '' }))).to.be.instanceOf(TypeError);
    expect(await rejectionOf(client.createChatThread({ topic: '   ' }))).to.be.instanceOf(TypeError);
    expect(await rejectionOf(client.createChatThread({ topic: 'x'.repeat(257) }))).to.be.instanceOf(RangeError);
    expect(
      await rejectionOf(client.createChatThread({ topic: 't' }, { participants: [{ id: 'not an identifier' as never }] })),
    ).to.be.instanceOf(TypeError);
    expect(await rejectionOf(client.createChatThread({ topic: 't' }, { participants: [alice.user as never] }))).to.be.instanceOf(TypeError);
    expect(await rejectionOf(client.createThread({ topic: 't', members: [{ nope: true } as never] }))).to.be.instanceOf(TypeError);
    expect(await rejectionOf(thread.sendMessage({ content: '' }))).to.be.instanceOf(TypeError);
    expect(await rejectionOf(thread.sendMessage({ content: 'é'.repeat(14 * 1024 + 1) }))).to.be.instanceOf(RangeError);
    expect(await rejectionOf(thread.sendMessage({ content: 'x' }, { type: 'topicUpdated' as never }))).to.be.instanceOf(TypeError);
    expect(await rejectionOf(thread.addParticipants({ participants: [] }))).to.be.instanceOf(RangeError);
    expect(await rejectionOf(thread.addParticipants({ participants: [{ id: {} as never }] }))).to.be.instanceOf(TypeError);
    expect(await rejectionOf(thread.removeParticipant({} as never))).to.be.instanceOf(TypeError);
    expect(await rejectionOf(thread.sendReadReceipt({ chatMessageId: '' }))).to.be.instanceOf(TypeError);
    expect(await rejectionOf(thread.updateMessage('1', { content: '' }))).to.be.instanceOf(TypeError);
    expect(() => thread.listMessages({ maxPageSize: 0 })).to.throw(RangeError);
    expect(() => client.listChatThreads({ maxPageSize: 201 })).to.throw(RangeError);
    expect(() => client.getChatThreadClient('')).to.throw(TypeError);
    expect(() => new ChatClient(endpoint, 42 as never)).to.throw(TypeError);
    expect(requests).to.have.length(0);

    // Exactly at the limit is fine (28 KB of UTF-8): the service takes it.
    const { chatThread } = await client.createChatThread({ topic: 'limits' });
    const { id } = await client.getChatThreadClient(chatThread!.id).sendMessage({ content: 'é'.repeat(14 * 1024) });
    expect(id).to.be.a('string');
  });
});

describe('ChatClient: metadata is limited to 4 KB, as the service limits it', () => {
  it('throws RangeError before any request for metadata over 4 KB of JSON; exactly 4 KB is taken', async () => {
    const { endpoint } = await testService();
    const alice = await createTestUser();
    const { fetch, requests } = recordingFetch();
    const client = new ChatClient(endpoint, alice.token, { fetch });
    const thread = client.getChatThreadClient('19:00000000000000000000000000000000@thread.v2');
    // {"k":"…"} is 8 bytes around the value.
    const atLimit = { k: 'x'.repeat(CHAT_LIMITS.metadataBytes - 8) };
    const overLimit = { k: 'é'.repeat((CHAT_LIMITS.metadataBytes - 8) / 2) + 'x' };

    expect(await rejectionOf(client.createChatThread({ topic: 't' }, { metadata: overLimit }))).to.be.instanceOf(RangeError);
    expect(await rejectionOf(thread.updateProperties({ metadata: overLimit }))).to.be.instanceOf(RangeError);
    expect(await rejectionOf(thread.sendMessage({ content: 'x' }, { metadata: overLimit }))).to.be.instanceOf(RangeError);
    expect(await rejectionOf(thread.updateMessage('1', { metadata: overLimit }))).to.be.instanceOf(RangeError);
    expect(await rejectionOf(thread.addParticipants({ participants: [{ id: alice.user, metadata: overLimit }] }))).to.be.instanceOf(
      RangeError,
    );
    expect(requests).to.have.length(0);

    const { chatThread } = await client.createChatThread({ topic: 'metadata' }, { metadata: atLimit });
    const { id } = await client.getChatThreadClient(chatThread!.id).sendMessage({ content: 'x' }, { metadata: atLimit });
    expect((await client.getChatThreadClient(chatThread!.id).getMessage(id)).metadata).to.deep.equal(atLimit);
  });
});

describe('ChatClient: concept-page aliases', () => {
  it('createThread({ topic, members }) returns a thread client, and listMembers() gives userId and displayName', async () => {
    const { endpoint } = await testService();
    const [alice, bob, carol] = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
    const chat = new ChatClient(endpoint, alice.token);
    const thread = await chat.createThread({ topic: 'concept page', members: [bob.user, { user: carol.user, displayName: 'Carol' }] });
    await thread.sendMessage({ content: 'Hello from the concept page' });

    const members = await collect(thread.listMembers());
    expect(members.map((member) => member.userId)).to.deep.include.members([kindOf(alice), kindOf(bob), kindOf(carol)]);
    expect(
      members.find((member) => member.userId.kind === 'communicationUser' && member.userId.communicationUserId === rawIdOf(carol))
        ?.displayName,
    ).to.equal('Carol');
    const atBob = await collect(new ChatClient(endpoint, bob.token).getChatThreadClient(thread.threadId).listMessages());
    expect(atBob.find((message) => message.type === 'text')?.content?.message).to.equal('Hello from the concept page');
  });
});

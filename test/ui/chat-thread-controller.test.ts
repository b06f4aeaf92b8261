import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import type { ChatClient } from '../../src/chat/chatClient.js';
import { createIdentifierFromRawId } from '../../src/common/identifiers.js';
import { compareMessageIds, mergeMessages } from '../../src/ui/state/chatMessages.js';
import { ChatThreadController } from '../../src/ui/controllers/chatThreadController.js';
import { ChatThreadSource } from '../../src/ui/state/chatThreadSource.js';
import { TYPING_INDICATOR_TIMEOUT_MS } from '../../src/ui/state/typingTracker.js';
import { createTestUser } from '../browser/chatTestHelpers.js';
import FakeTimers from '../browser/fakeTimers.js';
import { ALICE, BOB, CAROL, type TwoUserThread, recordingChatClient, textMessage, twoUserThread } from './chatUiHelpers.js';
import { until } from '../kit/wait.js';

/** A minimal host: the controller bound to a client and thread, a render count to watch updates. */
class TestChatHost extends LitElement {
  readonly chat = new ChatThreadController(this);
  chatClient: ChatClient | undefined;
  threadId = '';
  userId = '';
  renders = 0;

  protected override willUpdate(): void {
    this.chat.bind({ chatClient: this.chatClient, threadId: this.threadId, userId: this.userId || undefined });
  }

  protected override render() {
    this.renders += 1;
    return html`${this.chat.state.messages.length}`;
  }
}
customElements.define('test-chat-host', TestChatHost);

const CHAT_EVENTS = [
  'chatMessageReceived',
  'chatMessageEdited',
  'chatMessageDeleted',
  'typingIndicatorReceived',
  'readReceiptReceived',
  'participantsAdded',
  'participantsRemoved',
  'chatThreadPropertiesUpdated',
  'chatThreadDeleted',
] as const;

function listenerCounts(client: ChatClient): number[] {
  return CHAT_EVENTS.map((name) => client.listenerCount(name));
}

async function host(client: ChatClient, threadId: string, userId = ''): Promise<TestChatHost> {
  const el = await fixture<TestChatHost>(
    html`<test-chat-host .chatClient=${client} .threadId=${threadId} .userId=${userId}></test-chat-host>`,
  );
  await until(() => el.chat.state.status === 'ready', 'the thread loads');
  return el;
}

const contents = (el: TestChatHost) =>
  el.chat.state.messages.filter((m) => m.type === 'text').map((m) => (m.deletedOn ? '(deleted)' : m.content?.message));

describe('ChatThreadController', () => {
  let chat: TwoUserThread;

  beforeEach(async () => {
    chat = await twoUserThread('Controller');
  });

  afterEach(async () => {
    await chat.close();
  });

  it('loads messages oldest first, with participants, topic and read receipts', async () => {
    const bobThread = chat.bob.client.getChatThreadClient(chat.threadId);
    const ids: string[] = [];
    for (const content of ['one', 'two', 'three']) ids.push((await bobThread.sendMessage({ content })).id);
    await bobThread.sendReadReceipt({ chatMessageId: ids[2]! });

    const el = await host(chat.alice.client, chat.threadId, chat.alice.user.communicationUserId);
    const { state } = el.chat;
    expect(contents(el)).to.deep.equal(['one', 'two', 'three']);
    expect(state.messages[0]!.type, 'the thread starts with the note that Alice added Bob').to.equal('participantAdded');
    expect(state.topic).to.equal('Controller');
    expect(state.participants.map((p) => p.displayName).sort()).to.deep.equal(['Alice', 'Bob']);
    expect(state.readReceipts.get(chat.bob.user.communicationUserId)?.chatMessageId).to.equal(ids[2]);
    expect(state.hasOlderMessages).to.equal(false);
  });

  it('follows messages received, edited and deleted in real time', async () => {
    const el = await host(chat.alice.client, chat.threadId);
    const bobThread = chat.bob.client.getChatThreadClient(chat.threadId);
    const { id } = await bobThread.sendMessage({ content: 'live' }, { senderDisplayName: 'Bob' });
    await until(() => contents(el).join() === 'live', 'the message arrives');
    expect(el.chat.state.userId, 'learned from the event').to.equal(chat.alice.user.communicationUserId);

    await bobThread.updateMessage(id, { content: 'live, edited' });
    await until(() => contents(el).join() === 'live, edited', 'the edit arrives');
    expect(el.chat.state.messages.at(-1)!.editedOn).to.be.instanceOf(Date);

    await bobThread.deleteMessage(id);
    await until(() => contents(el).join() === '(deleted)', 'the deletion arrives');
  });

  it('lists who else is typing, and drops them when their message arrives', async () => {
    const el = await host(chat.alice.client, chat.threadId, chat.alice.user.communicationUserId);
    const bobThread = chat.bob.client.getChatThreadClient(chat.threadId);
    await el.chat.sendTypingNotification();
    await bobThread.sendTypingNotification({ senderDisplayName: 'Bob' });
    await until(() => el.chat.state.typingUsers.length > 0, 'Bob shows as typing');
    expect(el.chat.state.typingUsers).to.deep.equal([{ rawId: chat.bob.user.communicationUserId, displayName: 'Bob' }]);
    await bobThread.sendMessage({ content: 'done typing' });
    await until(() => el.chat.state.typingUsers.length === 0, 'Bob stops typing when his message arrives');
  });

  it('sends, edits and deletes through the thread, one entry per message', async () => {
    const el = await host(chat.alice.client, chat.threadId, chat.alice.user.communicationUserId);
    const bob = await host(chat.bob.client, chat.threadId, chat.bob.user.communicationUserId);
    const sending = el.chat.sendMessage('from Alice');
    expect(el.chat.state.messages.at(-1)!.localStatus, 'shows at once').to.equal('sending');
    const id = await sending;
    await until(() => contents(bob).join() === 'from Alice', 'Bob gets it');
    await until(() => el.chat.state.messages.every((m) => m.localStatus === undefined), 'confirmed');
    expect(contents(el)).to.deep.equal(['from Alice']);
    expect(el.chat.state.messages.at(-1)!.id).to.equal(id);

    await el.chat.editMessage(id, 'from Alice, edited');
    await until(() => contents(bob).join() === 'from Alice, edited', 'Bob sees the edit');
    await el.chat.deleteMessage(id);
    await until(() => contents(bob).join() === '(deleted)', 'Bob sees the deletion');
  });

  it('marks read once per new message, and others see the receipt', async () => {
    const el = await host(chat.alice.client, chat.threadId, chat.alice.user.communicationUserId);
    const bob = await host(chat.bob.client, chat.threadId, chat.bob.user.communicationUserId);
    const id = await bob.chat.sendMessage('read me');
    await until(() => el.chat.state.messages.some((m) => m.id === id), 'Alice gets it');
    expect(await el.chat.markAsRead()).to.equal(true);
    expect(await el.chat.markAsRead(), 'nothing new to mark').to.equal(false);
    const alice = chat.alice.user.communicationUserId;
    await until(() => bob.chat.state.readReceipts.get(alice)?.chatMessageId === id, 'Bob sees the receipt');
  });

  it('follows participants, topic changes (with their notes) and deletion of the thread', async () => {
    const el = await host(chat.alice.client, chat.threadId, chat.alice.user.communicationUserId);
    const carol = await createTestUser(['chat']);
    const bobThread = chat.bob.client.getChatThreadClient(chat.threadId);
    await bobThread.addParticipants({ participants: [{ id: carol.user, displayName: 'Carol' }] });
    await until(() => el.chat.state.participants.length === 3, 'Carol joins');
    await until(() => el.chat.state.messages.filter((m) => m.type === 'participantAdded').length === 2, 'with a note');

    await bobThread.removeParticipant(carol.user);
    await until(() => el.chat.state.participants.length === 2, 'Carol leaves');
    await until(() => el.chat.state.messages.some((m) => m.type === 'participantRemoved'), 'with a note');

    await el.chat.updateTopic('New topic');
    expect(el.chat.state.topic, 'at once').to.equal('New topic');
    const bob = await host(chat.bob.client, chat.threadId);
    await bobThread.updateTopic('Newer topic');
    await until(() => el.chat.state.topic === 'Newer topic', 'the topic change arrives');
    await until(() => el.chat.state.messages.filter((m) => m.type === 'topicUpdated').length === 2, 'with notes');

    await chat.alice.client.deleteChatThread(chat.threadId);
    await until(() => bob.chat.state.status === 'deleted', 'Bob learns the thread is gone');
  });

  it('loads older pages on request', async () => {
    const bobThread = chat.bob.client.getChatThreadClient(chat.threadId);
    for (let i = 0; i < 7; i++) await bobThread.sendMessage({ content: `m${i}` });
    const source = new ChatThreadSource({ chatClient: chat.alice.client, threadId: chat.threadId, pageSize: 3 });
    source.retain();
    try {
      await source.loaded;
      expect(source.state.messages.map((m) => m.content?.message)).to.deep.equal(['m4', 'm5', 'm6']);
      expect(source.state.hasOlderMessages).to.equal(true);
      while (source.state.hasOlderMessages) await source.loadOlderMessages();
      expect(source.state.messages.filter((m) => m.type === 'text').map((m) => m.content?.message)).to.deep.equal([
        'm0',
        'm1',
        'm2',
        'm3',
        'm4',
        'm5',
        'm6',
      ]);
    } finally {
      source.release();
    }
  });

  it('unsubscribes from the client when the host disconnects, and subscribes again when it returns', async () => {
    const before = listenerCounts(chat.alice.client);
    const el = await host(chat.alice.client, chat.threadId);
    expect(listenerCounts(chat.alice.client)).to.deep.equal(before.map((n) => n + 1));
    const parent = el.parentElement!;
    el.remove();
    expect(listenerCounts(chat.alice.client)).to.deep.equal(before);

    const renders = el.renders;
    await chat.bob.client.getChatThreadClient(chat.threadId).sendMessage({ content: 'while away' });
    parent.append(el);
    expect(listenerCounts(chat.alice.client)).to.deep.equal(before.map((n) => n + 1));
    await until(() => contents(el).includes('while away'), 'reloads what it missed');
    expect(el.renders).to.be.greaterThan(renders);
  });

  it('rebinds when the thread changes', async () => {
    const el = await host(chat.alice.client, chat.threadId);
    const { chatThread } = await chat.alice.client.createChatThread({ topic: 'Other' });
    el.threadId = chatThread!.id;
    el.requestUpdate();
    await el.updateComplete;
    await until(() => el.chat.state.topic === 'Other', 'the other thread loads');
    expect(el.chat.state.threadId).to.equal(chatThread!.id);
  });
});

describe('ChatThreadSource without a service', () => {
  const typing = (source: ChatThreadSource, rawId: string, name: string) =>
    source.handleTypingIndicator({
      threadId: source.threadId,
      sender: createIdentifierFromRawId(rawId) as never,
      senderDisplayName: name,
      recipient: createIdentifierFromRawId('8:acs:test_alice') as never,
      version: '1',
      receivedOn: new Date(),
    });

  it('drops a typing user about 8 s after their last notification', () => {
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const source = new ChatThreadSource({ threadId: '19:t@thread.v2', userId: '8:acs:test_alice' });
      typing(source, BOB, 'Bob');
      clock.tick(TYPING_INDICATOR_TIMEOUT_MS / 2);
      typing(source, CAROL, 'Carol');
      expect(source.state.typingUsers.map((u) => u.displayName)).to.deep.equal(['Bob', 'Carol']);
      clock.tick(TYPING_INDICATOR_TIMEOUT_MS / 2 + 1);
      expect(source.state.typingUsers.map((u) => u.displayName)).to.deep.equal(['Carol']);
      typing(source, CAROL, 'Carol');
      clock.tick(TYPING_INDICATOR_TIMEOUT_MS - 1);
      expect(
        source.state.typingUsers.map((u) => u.displayName),
        'a new notification extends',
      ).to.deep.equal(['Carol']);
      clock.tick(2);
      expect(source.state.typingUsers).to.deep.equal([]);
    } finally {
      clock.uninstall();
    }
  });

  it('ignores events of other threads', () => {
    const source = new ChatThreadSource({ threadId: '19:t@thread.v2' });
    source.handleTypingIndicator({
      threadId: '19:other@thread.v2',
      sender: createIdentifierFromRawId(BOB) as never,
      senderDisplayName: 'Bob',
      recipient: createIdentifierFromRawId('8:acs:test_alice') as never,
      version: '1',
      receivedOn: new Date(),
    });
    expect(source.state.typingUsers).to.deep.equal([]);
  });

  it('orders by numeric message id and keeps the newest version of each message', () => {
    expect(compareMessageIds('999', '1000')).to.be.lessThan(0);
    expect(compareMessageIds('1000', '1000')).to.equal(0);
    const a = textMessage({ sender: BOB, content: 'a', id: '100' });
    const b = textMessage({ sender: BOB, content: 'b', id: '99' });
    const merged = mergeMessages([a], [b]);
    expect(merged.map((m) => m.id)).to.deep.equal(['99', '100']);
    const stale = { ...a, content: { message: 'stale' }, version: '50' };
    expect(mergeMessages(merged, [stale])).to.equal(merged);
    const newer = { ...a, content: { message: 'newer' }, version: '150' };
    expect(mergeMessages(merged, [newer])[1]!.content!.message).to.equal('newer');
  });

  it('takes a copy of the same version only when it brings the sequence id the kept one lacks', () => {
    const listed = textMessage({ sender: BOB, content: 'a', id: '200' });
    // A sent message confirmed by its response: no sequence id yet.
    const confirmed = { ...listed, sequenceId: '' };
    const completed = mergeMessages([confirmed], [listed]);
    expect(completed[0]!.sequenceId).to.equal(listed.sequenceId);
    expect(mergeMessages(completed, [confirmed])).to.equal(completed);
  });

  it('with the recording client: listens while in the page, not after; a real-time event reaches the thread', async () => {
    const { client, fake } = recordingChatClient({ messages: [textMessage({ sender: BOB, content: 'hi' })] });
    const el = await host(client, '19:t@thread.v2');
    expect(el.chat.state.userId, 'the client knows its user').to.equal(ALICE);
    expect(listenerCounts(client).every((n) => n === 1)).to.equal(true);
    fake.emitEvent('chatMessageReceived', {
      threadId: '19:t@thread.v2',
      id: '1800000000000',
      type: 'Text',
      version: '1800000000000',
      sequenceId: '2',
      message: 'live',
      metadata: {},
      sender: createIdentifierFromRawId(BOB) as never,
      senderDisplayName: 'Bob',
      recipient: createIdentifierFromRawId(ALICE) as never,
      createdOn: new Date(),
    });
    expect(contents(el)).to.deep.equal(['hi', 'live']);
    el.remove();
    expect(listenerCounts(client).every((n) => n === 0)).to.equal(true);
  });

  it('typing notifications go out at most once per 8 s, as ChatThreadClient throttles them', async () => {
    const clock = FakeTimers.install({ toFake: ['Date'], now: Date.now() });
    try {
      const { client, calls } = recordingChatClient({});
      const source = new ChatThreadSource({ chatClient: client, threadId: '19:t@thread.v2' });
      const typed = () => calls.filter((call) => call.method === 'sendTypingNotification').length;
      expect(await source.sendTypingNotification()).to.equal(true);
      clock.tick(7_999);
      expect(await source.sendTypingNotification(), 'throttled').to.equal(false);
      expect(typed()).to.equal(1);
      clock.tick(1);
      expect(await source.sendTypingNotification()).to.equal(true);
      expect(typed()).to.equal(2);
    } finally {
      clock.uninstall();
    }
  });
});

import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ChatMessageReadReceipt } from '../../src/chat/models.js';
import { createIdentifierFromRawId } from '../../src/common/identifiers.js';
import { ChatThreadSource } from '../../src/ui/state/chatThreadSource.js';
import '../../src/ui/message-thread/message-thread.js';
import type { AcsMessageThread } from '../../src/ui/message-thread/message-thread.js';
import {
  ALICE,
  BOB,
  CAROL,
  participant,
  received,
  recordingChatClient,
  sourceWith,
  systemMessage,
  textMessage,
  texts,
  twoUserThread,
} from './chatUiHelpers.js';
import { nextEvent } from './events.js';
import { themedFixture } from '../kit/ui.js';
import { until } from '../kit/wait.js';

const participants = [participant(ALICE, 'Alice'), participant(BOB, 'Bob')];

function receipt(rawId: string, chatMessageId: string): [string, ChatMessageReadReceipt] {
  return [rawId, { sender: createIdentifierFromRawId(rawId), chatMessageId, readOn: new Date() }];
}

function messageEl(el: AcsMessageThread, id: string): HTMLElement {
  return el.shadowRoot!.querySelector<HTMLElement>(`[data-message-id="${id}"]`)!;
}

describe('acs-message-thread', () => {
  it('renders own and others’ messages differently, with sender, avatar and time', async () => {
    const mine = textMessage({ sender: ALICE, content: 'Hi Bob', senderDisplayName: 'Alice' });
    const theirs = textMessage({ sender: BOB, content: 'Hi Alice', senderDisplayName: 'Bob' });
    const source = sourceWith({ userId: ALICE, participants, messages: [mine, theirs] });
    const el = await fixture<AcsMessageThread>(html`<acs-message-thread .source=${source}></acs-message-thread>`);

    const own = messageEl(el, mine.id);
    const other = messageEl(el, theirs.id);
    expect(own.getAttribute('part')).to.equal('message message--own');
    expect(other.getAttribute('part')).to.equal('message message--other');
    expect(own.querySelector('acs-avatar')).to.equal(null);
    expect(other.querySelector('acs-avatar')!.getAttribute('display-name')).to.equal('Bob');
    expect(other.querySelector('[part="sender"]')!.textContent).to.equal('Bob');
    expect(other.querySelector('[part="content"]')!.textContent).to.equal('Hi Alice');
    expect(other.querySelector('time')!.getAttribute('datetime')).to.equal(theirs.createdOn.toISOString());
    const ownBackground = getComputedStyle(own.querySelector('[part="bubble"]')!).backgroundColor;
    const otherBackground = getComputedStyle(other.querySelector('[part="bubble"]')!).backgroundColor;
    expect(ownBackground).not.to.equal(otherBackground);
    expect(own.getBoundingClientRect().right).to.be.greaterThan(other.getBoundingClientRect().right);
  });

  it('marks edited and deleted messages', async () => {
    const edited = textMessage({ sender: BOB, content: 'Fixed typo', editedOn: new Date() });
    const deleted = textMessage({ sender: BOB, content: '', deletedOn: new Date() });
    const source = sourceWith({ userId: ALICE, participants, messages: [edited, deleted] });
    const el = await fixture<AcsMessageThread>(html`<acs-message-thread .source=${source}></acs-message-thread>`);
    expect(messageEl(el, edited.id).querySelector('[part="edited"]')!.textContent).to.equal('Edited');
    expect(messageEl(el, deleted.id).querySelector('[part="content"]')!.textContent).to.equal('This message was deleted.');
    expect(messageEl(el, deleted.id).querySelector('[part="edited"]')).to.equal(null);
  });

  it('renders system messages as centered notes', async () => {
    const source = sourceWith({
      userId: ALICE,
      participants: [...participants, participant(CAROL, 'Carol')],
      messages: [
        systemMessage('participantAdded', { initiator: ALICE, participants: [participant(ALICE, 'Alice'), participant(BOB, 'Bob')] }),
        systemMessage('participantAdded', { initiator: BOB, participants: [participant(CAROL, 'Carol')] }),
        systemMessage('topicUpdated', { initiator: BOB, topic: 'Lunch' }),
        systemMessage('participantRemoved', { initiator: CAROL, participants: [participant(CAROL, 'Carol')] }),
      ],
    });
    const el = await fixture<AcsMessageThread>(html`<acs-message-thread .source=${source}></acs-message-thread>`);
    const notes = texts(el, '[part="system-message"]').map((text) => text.replace(/\s*\d{1,2}:\d{2}.*$/, ''));
    expect(notes).to.deep.equal(['You added Bob.', 'Bob added Carol.', 'Bob changed the topic to “Lunch”.', 'Carol left the chat.']);
    const note = el.shadowRoot!.querySelector('[part="system-message"]')!.getBoundingClientRect();
    const log = el.shadowRoot!.querySelector('[part="log"]')!.getBoundingClientRect();
    expect(Math.abs(note.left - log.left - (log.right - note.right))).to.be.lessThan(2);
  });

  it('separates days', async () => {
    const now = new Date();
    const yesterday = new Date(now.getTime() - 24 * 3600_000);
    const older = new Date(2020, 0, 15, 12);
    const source = sourceWith({
      userId: ALICE,
      participants,
      messages: [
        textMessage({ sender: BOB, content: 'old', createdOn: older }),
        textMessage({ sender: BOB, content: 'yesterday', createdOn: yesterday }),
        textMessage({ sender: BOB, content: 'today', createdOn: now }),
        textMessage({ sender: ALICE, content: 'today too', createdOn: now }),
      ],
    });
    const el = await fixture<AcsMessageThread>(html`<acs-message-thread .source=${source}></acs-message-thread>`);
    const days = texts(el, '[part="day-separator"]');
    expect(days).to.have.length(3);
    expect(days[0]).to.contain('2020');
    expect(days.slice(1)).to.deep.equal(['Yesterday', 'Today']);
  });

  it('shows Sent on the last own message, and Read once someone else’s receipt covers it', async () => {
    const first = textMessage({ sender: ALICE, content: 'one' });
    const last = textMessage({ sender: ALICE, content: 'two' });
    const source = sourceWith({ userId: ALICE, participants, messages: [first, last] });
    const el = await fixture<AcsMessageThread>(html`<acs-message-thread .source=${source}></acs-message-thread>`);
    expect(messageEl(el, first.id).querySelector('[part="status"]')).to.equal(null);
    expect(messageEl(el, last.id).querySelector('[part="status"]')!.textContent).to.equal('Sent');

    /** `reader` has read up to the last message (a receipt sent to Alice). */
    const readBy = (reader: string, senderDisplayName: string) =>
      source.handleReadReceipt({
        threadId: source.threadId,
        sender: createIdentifierFromRawId(reader) as never,
        senderDisplayName,
        recipient: createIdentifierFromRawId(ALICE) as never,
        chatMessageId: last.id,
        readOn: new Date(),
      });

    readBy(ALICE, 'Alice');
    await el.updateComplete;
    expect(messageEl(el, last.id).querySelector('[part="status"]')!.textContent, 'own receipts do not count').to.equal('Sent');

    readBy(BOB, 'Bob');
    await until(() => messageEl(el, last.id).querySelector('[part="status"]')?.textContent === 'Read', 'status turns Read');
  });

  it('counts a receipt for a later message as reading the earlier ones', async () => {
    const mine = textMessage({ sender: ALICE, content: 'question?' });
    const theirs = textMessage({ sender: BOB, content: 'answer' });
    const source = sourceWith({
      userId: ALICE,
      participants,
      messages: [mine, theirs],
      readReceipts: new Map([receipt(BOB, theirs.id)]),
    });
    const el = await fixture<AcsMessageThread>(html`<acs-message-thread .source=${source}></acs-message-thread>`);
    expect(messageEl(el, mine.id).querySelector('[part="status"]')!.textContent).to.equal('Read');
  });

  it('shows an empty state, a loading state and a load-older button', async () => {
    const empty = await fixture<AcsMessageThread>(html`<acs-message-thread .source=${sourceWith({})}></acs-message-thread>`);
    expect(texts(empty, '[part="empty"]')).to.deep.equal(['No messages yet.']);

    const loading = await fixture<AcsMessageThread>(
      html`<acs-message-thread .source=${sourceWith({ status: 'loading' })}></acs-message-thread>`,
    );
    expect(texts(loading, '[part="empty"]')).to.deep.equal(['Loading messages…']);

    const paged = await fixture<AcsMessageThread>(
      html`<acs-message-thread
        .source=${sourceWith({ hasOlderMessages: true, messages: [textMessage({ sender: BOB, content: 'x' })] })}
      ></acs-message-thread>`,
    );
    expect(texts(paged, '[part="load-older-button"]')).to.deep.equal(['Load older messages']);
  });

  it('is a polite log', async () => {
    const el = await fixture<AcsMessageThread>(html`<acs-message-thread .source=${sourceWith({})}></acs-message-thread>`);
    const log = el.shadowRoot!.querySelector('[part="log"]')!;
    expect(log.getAttribute('role')).to.equal('log');
    expect(log.getAttribute('aria-live')).to.equal('polite');
    expect(log.getAttribute('aria-label')).to.equal('Messages');
  });

  it('takes overridden strings', async () => {
    const el = await fixture<AcsMessageThread>(
      html`<acs-message-thread
        .source=${sourceWith({})}
        .strings=${{ noMessages: 'Rien ici.', messagesLabel: 'Messages du fil' }}
      ></acs-message-thread>`,
    );
    expect(texts(el, '[part="empty"]')).to.deep.equal(['Rien ici.']);
    expect(el.shadowRoot!.querySelector('[part="log"]')!.getAttribute('aria-label')).to.equal('Messages du fil');
  });

  it('stays at the bottom when messages arrive there, and not when the reader scrolled up', async () => {
    const messages = Array.from({ length: 40 }, (_, i) => textMessage({ sender: i % 2 ? ALICE : BOB, content: `message ${i}` }));
    const source = sourceWith({ userId: ALICE, participants, messages });
    const el = await fixture<AcsMessageThread>(html`<acs-message-thread style="height: 300px" .source=${source}></acs-message-thread>`);
    const log = el.shadowRoot!.querySelector<HTMLElement>('[part="log"]')!;
    const atBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < 2;
    expect(log.scrollHeight).to.be.greaterThan(log.clientHeight);
    await until(atBottom, 'starts at the newest message');

    received(source, BOB, 'arrives while at the bottom', '1800000000001');
    await el.updateComplete;
    await until(atBottom, 'stays at the bottom');

    log.scrollTop = 0;
    log.dispatchEvent(new Event('scroll'));
    received(source, BOB, 'arrives while scrolled up', '1800000000002');
    await el.updateComplete;
    expect(log.scrollTop).to.be.lessThan(50);
    expect(texts(el, '[part="jump-button"]')).to.deep.equal(['New messages']);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="jump-button"]')!.click();
    await el.updateComplete;
    expect(atBottom()).to.equal(true);
    expect(el.shadowRoot!.querySelector('[part="jump-button"]')).to.equal(null);
  });

  it('moves between messages with the arrow keys, one tab stop for the log', async () => {
    const messages = [
      textMessage({ sender: BOB, content: 'a' }),
      textMessage({ sender: ALICE, content: 'b' }),
      textMessage({ sender: BOB, content: 'c' }),
    ];
    const el = await fixture<AcsMessageThread>(
      html`<acs-message-thread .source=${sourceWith({ userId: ALICE, participants, messages })}></acs-message-thread>`,
    );
    const tabbable = [...el.shadowRoot!.querySelectorAll('[data-message-id][tabindex="0"]')];
    expect(tabbable.map((m) => m.getAttribute('data-message-id'))).to.deep.equal([messages[2]!.id]);
    messageEl(el, messages[2]!.id).focus();
    await sendKeys({ press: 'ArrowUp' });
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(messageEl(el, messages[1]!.id));
    await sendKeys({ press: 'Home' });
    expect(el.shadowRoot!.activeElement).to.equal(messageEl(el, messages[0]!.id));
    await sendKeys({ press: 'End' });
    expect(el.shadowRoot!.activeElement).to.equal(messageEl(el, messages[2]!.id));
  });

  it('asks to edit an own message with Enter, and to delete it with Delete', async () => {
    const mine = textMessage({ sender: ALICE, content: 'my words' });
    const theirs = textMessage({ sender: BOB, content: 'their words' });
    const { client, calls } = recordingChatClient({ participants, messages: [mine, theirs] });
    const source = new ChatThreadSource({ threadId: '19:test@thread.v2', chatClient: client, userId: ALICE });
    const el = await fixture<AcsMessageThread>(html`<acs-message-thread .source=${source}></acs-message-thread>`);
    await until(() => messageEl(el, theirs.id) !== null, 'the messages load');
    const own = messageEl(el, mine.id);
    expect(own.querySelector('[part="edit-button"]')).not.to.equal(null);
    expect(messageEl(el, theirs.id).querySelector('[part="edit-button"]')).to.equal(null);

    own.focus();
    const edit = nextEvent(el, 'acs-edit-request');
    await sendKeys({ press: 'Enter' });
    const editEvent = await edit;
    expect(editEvent.detail).to.deep.equal({ messageId: mine.id, content: 'my words' });
    expect(editEvent.bubbles && editEvent.composed).to.equal(true);

    const del = nextEvent(el, 'acs-delete-request');
    el.addEventListener('acs-delete-request', (event) => event.preventDefault(), { once: true });
    await sendKeys({ press: 'Delete' });
    const deleteEvent = await del;
    expect(deleteEvent.detail).to.deep.equal({ messageId: mine.id });
    expect(deleteEvent.cancelable).to.equal(true);
    expect(messageEl(el, mine.id).querySelector('[part="content"]')!.textContent, 'cancelled: not deleted').to.equal('my words');
    expect(calls.filter((call) => call.method === 'deleteMessage')).to.deep.equal([]);

    messageEl(el, mine.id).querySelector<HTMLButtonElement>('[part="delete-button"]')!.click();
    await until(() => calls.some((call) => call.method === 'deleteMessage'), 'the delete button deletes');
    expect(calls.find((call) => call.method === 'deleteMessage')!.args).to.deep.equal([mine.id]);
    await el.updateComplete;
    expect(messageEl(el, mine.id).querySelector('[part="content"]')!.textContent).to.equal('This message was deleted.');

    // Nothing happens on someone else's message.
    let asked = false;
    el.addEventListener('acs-edit-request', () => (asked = true));
    messageEl(el, theirs.id).focus();
    await sendKeys({ press: 'Enter' });
    expect(asked).to.equal(false);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible in the ${theme} theme`, async () => {
      const { client } = recordingChatClient({});
      const source = new ChatThreadSource({
        threadId: '19:test@thread.v2',
        chatClient: client,
        initialState: {
          status: 'ready',
          userId: ALICE,
          participants,
          hasOlderMessages: true,
          messages: [
            systemMessage('participantAdded', { initiator: ALICE, participants }),
            textMessage({ sender: BOB, content: 'Hello', senderDisplayName: 'Bob' }),
            textMessage({ sender: BOB, content: 'Edited', senderDisplayName: 'Bob', editedOn: new Date() }),
            textMessage({ sender: ALICE, content: 'Hi!' }),
            textMessage({ sender: BOB, content: '', deletedOn: new Date() }),
            textMessage({ sender: ALICE, content: 'Read this' }),
          ],
          readReceipts: new Map(),
        },
      });
      const el = await themedFixture<AcsMessageThread>(
        html`<acs-message-thread style="height: 400px" .source=${source}></acs-message-thread>`,
        theme,
      );
      await expect(el).to.be.accessible();
    });
  }

  describe('against the service', () => {
    it('loads the newest page, then older pages when scrolled to the top', async function () {
      this.timeout(60_000);
      const chat = await twoUserThread('Paging');
      try {
        const thread = chat.alice.client.getChatThreadClient(chat.threadId);
        for (let i = 0; i < 24; i++) await thread.sendMessage({ content: `message ${i}` }, { senderDisplayName: 'Alice' });
        const source = new ChatThreadSource({ chatClient: chat.bob.client, threadId: chat.threadId, pageSize: 10 });
        const el = await fixture<AcsMessageThread>(html`<acs-message-thread style="height: 240px" .source=${source}></acs-message-thread>`);
        const contents = () => texts(el, '[part="message message--other"] [part="content"]');
        await until(() => contents().length >= 10, 'first page shows');
        expect(contents().at(-1)).to.equal('message 23');
        const log = el.shadowRoot!.querySelector<HTMLElement>('[part="log"]')!;
        for (let round = 0; round < 10 && source.state.hasOlderMessages; round++) {
          const before = source.state.messages.length;
          log.scrollTop = 0;
          log.dispatchEvent(new Event('scroll'));
          await until(() => source.state.messages.length > before || !source.state.hasOlderMessages, 'an older page loads');
        }
        expect(source.state.hasOlderMessages).to.equal(false);
        expect(source.state.messages.filter((m) => m.type === 'text')).to.have.length(24);
        // Only the messages around the view are rendered: the oldest are there once scrolled to.
        log.scrollTop = 0;
        log.dispatchEvent(new Event('scroll'));
        await until(() => contents()[0] === 'message 0', 'the oldest message shows at the top');
        expect(texts(el, '[part="system-message"]')[0]).to.match(/^Alice added you\./);
      } finally {
        await chat.close();
      }
    });
  });
});

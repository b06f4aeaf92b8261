// The message thread renders only the items around its view: these pin down what must still hold
// for a long thread (what is in the DOM, keyboard moves, screen-reader order, older pages, the
// newest message).
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ChatThreadMessage } from '../../src/ui/state/chatMessages.js';
import { ChatThreadSource } from '../../src/ui/state/chatThreadSource.js';
import '../../src/ui/message-thread/message-thread.js';
import type { AcsMessageThread } from '../../src/ui/message-thread/message-thread.js';
import { ALICE, BOB, participant, received, recordingChatClient, sourceWith, textMessage } from './chatUiHelpers.js';
import { until } from '../kit/wait.js';

const participants = [participant(ALICE, 'Alice'), participant(BOB, 'Bob')];

/** Most message elements a thread of any length may have in the DOM at this size (a few views' worth). */
const BOUNDED = 120;

/** `count` messages, a minute apart up to now, alternating senders, of varied length. */
function longThread(count: number): ChatThreadMessage[] {
  const start = Date.now() - count * 60_000;
  return Array.from({ length: count }, (_, i) =>
    textMessage({
      sender: i % 3 ? BOB : ALICE,
      senderDisplayName: i % 3 ? 'Bob' : 'Alice',
      content: `message ${i}${' and more words'.repeat(i % 7)}`,
      createdOn: new Date(start + i * 60_000),
    }),
  );
}

function logOf(el: AcsMessageThread): HTMLElement {
  return el.shadowRoot!.querySelector<HTMLElement>('[part="log"]')!;
}

function messageElements(el: AcsMessageThread): HTMLElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>('[data-message-id]')];
}

function messageEl(el: AcsMessageThread, id: string): HTMLElement | null {
  return el.shadowRoot!.querySelector<HTMLElement>(`[data-message-id="${id}"]`);
}

/** True when the element is wholly inside the log's view. */
function inView(el: AcsMessageThread, element: Element | null): boolean {
  if (!element) return false;
  const log = logOf(el).getBoundingClientRect();
  const box = element.getBoundingClientRect();
  return box.top >= log.top - 1 && box.bottom <= log.bottom + 1;
}

/** True when the rendered items fill the log's view from edge to edge (no blank stretch). */
function viewCovered(el: AcsMessageThread): boolean {
  const log = logOf(el).getBoundingClientRect();
  const items = [...logOf(el).children].filter((child) => !child.className.startsWith('spacer') && child.className !== 'older');
  if (items.length === 0) return false;
  const first = items[0]!.getBoundingClientRect();
  const last = items[items.length - 1]!.getBoundingClientRect();
  // Within the log's padding and an item's margin of its edges.
  return first.top <= log.top + 32 && last.bottom >= log.bottom - 32;
}

function scrollLogTo(el: AcsMessageThread, top: number): void {
  const log = logOf(el);
  log.scrollTop = top;
  log.dispatchEvent(new Event('scroll'));
}

function atBottom(el: AcsMessageThread): boolean {
  const log = logOf(el);
  return log.scrollHeight - log.scrollTop - log.clientHeight < 2;
}

/** A thread of these messages (Alice's view), sized by `style`, in the page. */
function threadOf(messages: Parameters<typeof sourceWith>[0]['messages'], style: string): Promise<AcsMessageThread> {
  return fixture<AcsMessageThread>(
    html`<acs-message-thread style=${style} .source=${sourceWith({ userId: ALICE, participants, messages })}></acs-message-thread>`,
  );
}

describe('acs-message-thread with a long history', () => {
  it('keeps a bounded number of messages in the DOM for 10,000, the newest in view', async () => {
    const messages = longThread(10_000);
    const el = await threadOf(messages, 'height: 500px');
    await until(() => atBottom(el), 'starts at the newest message');
    const rendered = messageElements(el);
    expect(rendered.length).to.be.greaterThan(3);
    expect(rendered.length).to.be.lessThan(BOUNDED);
    expect(inView(el, messageEl(el, messages.at(-1)!.id)), 'the newest message is in view').to.equal(true);
    expect(viewCovered(el)).to.equal(true);
    // The rest of the thread is still there to scroll to.
    expect(logOf(el).scrollHeight).to.be.greaterThan(10_000 * 20);
  });

  it('starts with the newest message wholly in view on a narrow screen (sizes known before the avatars render)', async () => {
    const messages = longThread(500);
    const el = await threadOf(messages, 'height: 500px; width: 320px');
    await until(() => atBottom(el), 'starts at the newest message');
    // Everything inside has rendered (the avatars too): still at the bottom, the newest in view.
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    expect(atBottom(el)).to.equal(true);
    expect(inView(el, messageEl(el, messages.at(-1)!.id))).to.equal(true);
  });

  it('renders the messages wherever the reader scrolls, still bounded', async () => {
    const messages = longThread(10_000);
    const el = await threadOf(messages, 'height: 500px');
    await until(() => atBottom(el), 'starts at the newest message');
    for (const fraction of [0.5, 0.1, 0.9, 0]) {
      const log = logOf(el);
      scrollLogTo(el, fraction * (log.scrollHeight - log.clientHeight));
      await until(() => viewCovered(el), `messages fill the view at ${fraction}`);
      expect(messageElements(el).length).to.be.lessThan(BOUNDED);
    }
    await until(() => messageEl(el, messages[0]!.id) !== null, 'the oldest message renders at the top');
  });

  it('fills a view that grows, up the thread or at the newest', async () => {
    const messages = longThread(3_000);
    const el = await threadOf(messages, 'height: 300px');
    await until(() => atBottom(el), 'starts at the newest message');
    scrollLogTo(el, logOf(el).scrollHeight / 2);
    await until(() => viewCovered(el), 'messages fill the view');
    // Four times as tall, with no scroll: more than the rendered items around the old view.
    el.style.height = '1200px';
    await until(() => viewCovered(el), 'a taller view up the thread is filled');
    expect(messageElements(el).length).to.be.lessThan(BOUNDED);

    el.style.height = '300px';
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="jump-button"]')?.click();
    scrollLogTo(el, logOf(el).scrollHeight);
    await until(() => atBottom(el) && viewCovered(el), 'back at the newest');
    el.style.height = '1200px';
    await until(() => atBottom(el) && viewCovered(el), 'a taller view at the newest is filled');
    expect(inView(el, messageEl(el, messages.at(-1)!.id))).to.equal(true);
  });

  it('lists the rendered messages in thread order, as articles with their place in the thread', async () => {
    const messages = longThread(2_000);
    const el = await threadOf(messages, 'height: 500px');
    const log = logOf(el);
    scrollLogTo(el, log.scrollHeight / 3);
    await until(() => viewCovered(el), 'messages fill the view');
    const rendered = messageElements(el);
    expect(rendered.every((m) => m.getAttribute('role') === 'article')).to.equal(true);
    const positions = rendered.map((m) => Number(m.getAttribute('aria-posinset')));
    const first = positions[0]!;
    expect(first).to.be.greaterThan(1);
    expect(positions).to.deep.equal(positions.map((_, i) => first + i));
    expect(rendered.map((m) => m.dataset.messageId)).to.deep.equal(messages.slice(first - 1, first - 1 + rendered.length).map((m) => m.id));
    expect(rendered.every((m) => m.getAttribute('aria-setsize') === '2000')).to.equal(true);
    expect(log.getAttribute('role')).to.equal('log');
  });

  it('moves focus with the keyboard to messages outside the rendered ones', async () => {
    const messages = longThread(3_000);
    const el = await threadOf(messages, 'height: 400px');
    await until(() => atBottom(el), 'starts at the newest message');
    const newest = messages.at(-1)!;
    expect(messageEl(el, messages[0]!.id), 'the oldest is not rendered yet').to.equal(null);
    messageEl(el, newest.id)!.focus();

    await sendKeys({ press: 'Home' });
    await until(() => el.shadowRoot!.activeElement === messageEl(el, messages[0]!.id), 'Home focuses the oldest message');
    expect(inView(el, el.shadowRoot!.activeElement)).to.equal(true);
    expect(messageElements(el).length).to.be.lessThan(BOUNDED);

    await sendKeys({ press: 'End' });
    await until(() => el.shadowRoot!.activeElement === messageEl(el, newest.id), 'End focuses the newest message');
    expect(inView(el, el.shadowRoot!.activeElement)).to.equal(true);

    // Arrow Up, one message at a time, well past what was rendered at first.
    const rendered = new Set(messageElements(el).map((m) => m.dataset.messageId));
    const steps = rendered.size + 20;
    for (let i = 1; i <= steps; i++) {
      await sendKeys({ press: 'ArrowUp' });
      const expected = messages[messages.length - 1 - i]!.id;
      await until(() => el.shadowRoot!.activeElement === messageEl(el, expected), `ArrowUp ${i} focuses the message before`);
    }
    expect(rendered.has(messages[messages.length - 1 - steps]!.id), 'it was not rendered at first').to.equal(false);
    expect(inView(el, el.shadowRoot!.activeElement)).to.equal(true);
    expect(messageElements(el).length).to.be.lessThan(BOUNDED);

    await sendKeys({ press: 'ArrowDown' });
    const below = messages[messages.length - steps]!.id;
    await until(() => el.shadowRoot!.activeElement === messageEl(el, below), 'ArrowDown focuses the message after');
  });

  it('keeps the focus in the log when the focused message scrolls out, and goes back to it from there', async () => {
    const messages = longThread(3_000);
    const el = await threadOf(messages, 'height: 400px');
    await until(() => atBottom(el), 'starts at the newest message');
    const focusedId = messages.at(-2)!.id;
    messageEl(el, focusedId)!.focus();
    scrollLogTo(el, 0);
    await until(() => messageEl(el, focusedId) === null && viewCovered(el), 'the focused message leaves the DOM');
    expect(el.shadowRoot!.activeElement, 'the log holds the focus').to.equal(logOf(el));
    expect(logOf(el).getAttribute('tabindex'), 'and Tab can reach it').to.equal('0');

    await sendKeys({ press: 'ArrowDown' });
    await until(() => el.shadowRoot!.activeElement === messageEl(el, focusedId), 'the arrow keys go back to that message');
    expect(inView(el, el.shadowRoot!.activeElement)).to.equal(true);
    expect(logOf(el).getAttribute('tabindex')).to.equal('-1');
  });

  it('keeps the message in view in place while older pages load above it', async () => {
    const messages = longThread(600);
    const { client } = recordingChatClient({ participants, messages });
    const source = new ChatThreadSource({ threadId: '19:test@thread.v2', chatClient: client, userId: ALICE, pageSize: 100 });
    const el = await fixture<AcsMessageThread>(html`<acs-message-thread style="height: 400px" .source=${source}></acs-message-thread>`);
    await until(() => source.state.messages.length === 100 && atBottom(el), 'the newest page shows');
    const log = logOf(el);
    for (let page = 2; page <= 6; page++) {
      // Near the top, not at it: the message at the top of the view is the one to keep in place.
      scrollLogTo(el, 200);
      await until(() => viewCovered(el), 'messages fill the view');
      const top = log.getBoundingClientRect().top;
      const kept = messageElements(el).find((m) => m.getBoundingClientRect().bottom > top + 40)!;
      const before = kept.getBoundingClientRect().top;
      const loaded = source.loadOlderMessages();
      await loaded;
      await el.updateComplete;
      await until(() => source.state.messages.length === page * 100, `page ${page} loads`);
      await until(() => messageEl(el, kept.dataset.messageId!) !== null, 'the kept message is still rendered');
      const after = messageEl(el, kept.dataset.messageId!)!.getBoundingClientRect().top;
      expect(Math.abs(after - before), `page ${page}: the message stays where it was`).to.be.lessThan(2);
      expect(messageElements(el).length).to.be.lessThan(BOUNDED);
    }
  });

  it('jumps to the newest message from far up a long thread', async () => {
    const messages = longThread(10_000);
    const source = sourceWith({ userId: ALICE, participants, messages });
    const el = await fixture<AcsMessageThread>(html`<acs-message-thread style="height: 500px" .source=${source}></acs-message-thread>`);
    await until(() => atBottom(el), 'starts at the newest message');
    scrollLogTo(el, logOf(el).scrollHeight / 4);
    await until(() => viewCovered(el), 'messages fill the view');
    received(source, BOB, 'the newest one', '1900000000001');
    await el.updateComplete;
    expect(messageEl(el, '1900000000001'), 'not rendered while the reader is up the thread').to.equal(null);
    const jump = await until(() => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="jump-button"]'), 'the jump button shows');
    jump.click();
    await el.updateComplete;
    await until(() => inView(el, messageEl(el, '1900000000001')) && atBottom(el), 'the newest message is in view at the bottom');
    expect(el.shadowRoot!.querySelector('[part="jump-button"]')).to.equal(null);
    expect(viewCovered(el)).to.equal(true);
    expect(messageElements(el).length).to.be.lessThan(BOUNDED);
  });
});

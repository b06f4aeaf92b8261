import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { CHAT_LIMITS } from '../../src/chat/validation.js';
import { ChatThreadSource } from '../../src/ui/state/chatThreadSource.js';
import '../../src/ui/send-box/send-box.js';
import type { AcsSendBox } from '../../src/ui/send-box/send-box.js';
import { ALICE, BOB, participant, recordingChatClient, textMessage } from './chatUiHelpers.js';
import { nextEvent } from './events.js';
import { themedFixture } from '../kit/ui.js';
import { until } from '../kit/wait.js';

const participants = [participant(ALICE, 'Alice'), participant(BOB, 'Bob')];

function textarea(el: AcsSendBox): HTMLTextAreaElement {
  return el.shadowRoot!.querySelector('textarea')!;
}

async function boundSendBox(messages = [textMessage({ sender: ALICE, content: 'first' })]) {
  const recording = recordingChatClient({ participants, messages });
  const source = new ChatThreadSource({ threadId: '19:test@thread.v2', chatClient: recording.client, userId: ALICE });
  const el = await fixture<AcsSendBox>(html`<acs-send-box .source=${source}></acs-send-box>`);
  await until(() => source.state.status === 'ready', 'the thread loads');
  return { el, source, ...recording };
}

describe('acs-send-box', () => {
  it('sends with Enter: emits acs-message-send, clears the box, sends through the thread', async () => {
    const { el, calls, source } = await boundSendBox();
    textarea(el).focus();
    await sendKeys({ type: 'Hello there' });
    const sent = nextEvent(el, 'acs-message-send');
    await sendKeys({ press: 'Enter' });
    const event = await sent;
    expect(event.detail).to.deep.equal({ content: 'Hello there' });
    expect(event.bubbles && event.composed && event.cancelable).to.equal(true);
    await until(() => calls.some((call) => call.method === 'sendMessage'), 'the message is sent');
    expect(calls.find((call) => call.method === 'sendMessage')!.args[0]).to.deep.equal({ content: 'Hello there' });
    expect(textarea(el).value).to.equal('');
    expect(source.state.messages.at(-1)!.content!.message).to.equal('Hello there');
  });

  it('starts a new line with Shift+Enter instead of sending', async () => {
    const { el, calls } = await boundSendBox();
    let sent = false;
    el.addEventListener('acs-message-send', () => (sent = true));
    textarea(el).focus();
    await sendKeys({ type: 'line one' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'line two' });
    expect(textarea(el).value).to.equal('line one\nline two');
    expect(sent).to.equal(false);
    await sendKeys({ press: 'Enter' });
    await until(() => calls.some((call) => call.method === 'sendMessage'), 'Enter then sends');
    expect(calls.find((call) => call.method === 'sendMessage')!.args[0]).to.deep.equal({ content: 'line one\nline two' });
  });

  it('sends nothing when a listener cancels acs-message-send, and nothing when empty', async () => {
    const { el, calls } = await boundSendBox();
    el.addEventListener('acs-message-send', (event) => event.preventDefault());
    textarea(el).focus();
    await sendKeys({ press: 'Enter' });
    await sendKeys({ type: 'not this' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(calls.filter((call) => call.method === 'sendMessage')).to.deep.equal([]);
    expect(textarea(el).value, 'the draft stays').to.equal('not this');
  });

  it('edits the last own message with Arrow Up in an empty box; Escape cancels', async () => {
    const messages = [
      textMessage({ sender: ALICE, content: 'older of mine' }),
      textMessage({ sender: ALICE, content: 'newest of mine' }),
      textMessage({ sender: BOB, content: 'from Bob' }),
    ];
    const { el, calls } = await boundSendBox(messages);
    textarea(el).focus();
    await sendKeys({ press: 'ArrowUp' });
    await el.updateComplete;
    expect(el.editing).to.equal(true);
    expect(textarea(el).value).to.equal('newest of mine');
    expect(el.shadowRoot!.querySelector('[part="editing-banner"]')).not.to.equal(null);
    expect(textarea(el).getAttribute('aria-label')).to.equal('Edit message');

    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.editing).to.equal(false);
    expect(textarea(el).value).to.equal('');

    await sendKeys({ press: 'ArrowUp' });
    await el.updateComplete;
    await sendKeys({ type: ' (edited)' });
    const edited = nextEvent(el, 'acs-message-edit');
    await sendKeys({ press: 'Enter' });
    expect((await edited).detail).to.deep.equal({
      messageId: messages[1]!.id,
      content: 'newest of mine (edited)',
    });
    await until(() => calls.some((call) => call.method === 'updateMessage'), 'the edit is saved');
    expect(calls.find((call) => call.method === 'updateMessage')!.args).to.deep.equal([
      messages[1]!.id,
      { content: 'newest of mine (edited)' },
    ]);
    expect(el.editing).to.equal(false);
    expect(textarea(el).value).to.equal('');
  });

  it('moves the caret up (no editing) when the box has text', async () => {
    const { el } = await boundSendBox();
    textarea(el).focus();
    await sendKeys({ type: 'draft' });
    await sendKeys({ press: 'ArrowUp' });
    expect(el.editing).to.equal(false);
    expect(textarea(el).value).to.equal('draft');
  });

  it('announces typing while the user types', async () => {
    const { el, calls } = await boundSendBox();
    textarea(el).focus();
    await sendKeys({ type: 'h' });
    await until(() => calls.some((call) => call.method === 'sendTypingNotification'), 'a typing notification goes out');
  });

  it('shows the size near the limit and an error past 28 KB, and will not send then', async () => {
    const el = await fixture<AcsSendBox>(html`<acs-send-box></acs-send-box>`);
    const counter = () => el.shadowRoot!.querySelector<HTMLElement>('[part="counter"]')!;
    const send = () => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="send-button"]')!;
    el.value = 'short';
    await el.updateComplete;
    expect(getComputedStyle(counter()).display).to.equal('none');
    expect(send().disabled).to.equal(false);

    el.value = 'é'.repeat(CHAT_LIMITS.messageContentBytes / 2 - 10);
    await el.updateComplete;
    expect(counter().textContent!.trim()).to.equal(
      `${(CHAT_LIMITS.messageContentBytes - 20).toLocaleString()} / ${CHAT_LIMITS.messageContentBytes.toLocaleString()}`,
    );
    expect(counter().getAttribute('role')).to.equal(null);

    el.value = 'x'.repeat(CHAT_LIMITS.messageContentBytes + 1);
    await el.updateComplete;
    expect(counter().getAttribute('role')).to.equal('alert');
    expect(counter().textContent).to.contain('too long');
    expect(textarea(el).getAttribute('aria-invalid')).to.equal('true');
    expect(send().disabled).to.equal(true);
    let sent = false;
    el.addEventListener('acs-message-send', () => (sent = true));
    expect(await el.submit()).to.equal(false);
    expect(sent).to.equal(false);
  });

  it('emits its event without a thread, and does nothing when disabled', async () => {
    const el = await fixture<AcsSendBox>(html`<acs-send-box></acs-send-box>`);
    el.value = 'unbound';
    const sent = nextEvent(el, 'acs-message-send');
    expect(await el.submit()).to.equal(true);
    expect((await sent).detail.content).to.equal('unbound');

    el.disabled = true;
    el.value = 'blocked';
    await el.updateComplete;
    expect(textarea(el).disabled).to.equal(true);
    expect(el.shadowRoot!.querySelector<HTMLButtonElement>('[part="send-button"]')!.disabled).to.equal(true);
    expect(await el.submit()).to.equal(false);
  });

  it('takes overridden strings', async () => {
    const el = await fixture<AcsSendBox>(
      html`<acs-send-box .strings=${{ sendBoxPlaceholder: 'Écrire un message', sendButton: 'Envoyer' }}></acs-send-box>`,
    );
    expect(textarea(el).placeholder).to.equal('Écrire un message');
    expect(el.shadowRoot!.querySelector('[part="send-button"]')!.getAttribute('aria-label')).to.equal('Envoyer');
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible in the ${theme} theme, also while editing`, async () => {
      const el = await themedFixture<AcsSendBox>(html`<acs-send-box></acs-send-box>`, theme);
      await expect(el).to.be.accessible();
      el.editMessage('1', 'some text');
      await el.updateComplete;
      await expect(el).to.be.accessible();
    });
  }
});

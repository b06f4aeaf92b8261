import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/ui/chat-header/chat-header.js';
import type { AcsChatHeader } from '../../src/ui/chat-header/chat-header.js';
import { ChatThreadSource } from '../../src/ui/state/chatThreadSource.js';
import { ALICE, BOB, participant, recordingChatClient } from './chatUiHelpers.js';
import { nextEvent } from './events.js';
import { themedFixture } from '../kit/ui.js';
import { until } from '../kit/wait.js';

const part = (el: AcsChatHeader, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part="${name}"]`);

describe('acs-chat-header', () => {
  it('shows the topic and the participant count', async () => {
    const el = await fixture<AcsChatHeader>(html`<acs-chat-header topic="Lunch" participant-count="3"></acs-chat-header>`);
    expect(part(el, 'topic')!.textContent!.trim()).to.equal('Lunch');
    expect(part(el, 'participants-button')!.textContent!.trim()).to.equal('3 participants');
    el.participantCount = 1;
    el.topic = '';
    await el.updateComplete;
    expect(part(el, 'participants-button')!.textContent!.trim()).to.equal('1 participant');
    expect(part(el, 'topic')!.textContent!.trim()).to.equal('Untitled chat');
  });

  it('shows a chat-title instead of the topic when given; editing still edits the topic', async () => {
    const el = await fixture<AcsChatHeader>(html`<acs-chat-header topic=${'Ann & Bo'} chat-title="Bo"></acs-chat-header>`);
    expect(part(el, 'topic')!.textContent!.trim()).to.equal('Bo');
    expect(part(el, 'topic')!.getAttribute('aria-label')).to.equal('Topic: Bo. Edit topic');
    part(el, 'topic')!.click();
    await el.updateComplete;
    expect((part(el, 'topic-input') as HTMLInputElement).value).to.equal('Ann & Bo');
  });

  it('edits the topic by click; Enter saves and emits acs-topic-change', async () => {
    const el = await fixture<AcsChatHeader>(html`<acs-chat-header topic="Lunch"></acs-chat-header>`);
    part(el, 'topic')!.click();
    await el.updateComplete;
    const input = part(el, 'topic-input') as HTMLInputElement;
    expect(input.value).to.equal('Lunch');
    await until(() => el.shadowRoot!.activeElement === input, 'the field takes focus');
    await sendKeys({ type: 'Dinner' });
    const changed = nextEvent(el, 'acs-topic-change');
    await sendKeys({ press: 'Enter' });
    const event = await changed;
    expect(event.detail).to.deep.equal({ topic: 'Dinner' });
    expect(event.bubbles && event.composed).to.equal(true);
    await el.updateComplete;
    expect(part(el, 'topic-input')).to.equal(null);
    expect(part(el, 'topic')!.textContent!.trim()).to.equal('Dinner');
  });

  it('edits the topic with Enter on it; Escape cancels without an event', async () => {
    const el = await fixture<AcsChatHeader>(html`<acs-chat-header topic="Lunch"></acs-chat-header>`);
    let changed = false;
    el.addEventListener('acs-topic-change', () => (changed = true));
    part(el, 'topic')!.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    await until(() => el.shadowRoot!.activeElement === part(el, 'topic-input'), 'the field takes focus');
    await sendKeys({ type: 'Something else' });
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(part(el, 'topic-input')).to.equal(null);
    expect(part(el, 'topic')!.textContent!.trim()).to.equal('Lunch');
    expect(changed).to.equal(false);
    await until(() => el.shadowRoot!.activeElement === part(el, 'topic'), 'focus returns to the topic');
  });

  it('saves the topic of a bound thread', async () => {
    const { client, calls } = recordingChatClient({ topic: 'Lunch', participants: [participant(ALICE, 'Alice'), participant(BOB, 'Bob')] });
    const source = new ChatThreadSource({ chatClient: client, threadId: '19:t@thread.v2', userId: ALICE });
    const el = await fixture<AcsChatHeader>(html`<acs-chat-header .source=${source}></acs-chat-header>`);
    await until(() => part(el, 'topic')!.textContent!.trim() === 'Lunch', 'the topic loads');
    expect(part(el, 'participants-button')!.textContent!.trim()).to.equal('2 participants');
    part(el, 'topic')!.click();
    await el.updateComplete;
    await sendKeys({ type: 'Dinner' });
    await sendKeys({ press: 'Enter' });
    await until(() => calls.some((call) => call.method === 'updateTopic'), 'the topic is saved');
    expect(calls.find((call) => call.method === 'updateTopic')!.args[0]).to.equal('Dinner');
    expect(source.state.topic).to.equal('Dinner');
  });

  it('does not edit a read-only topic', async () => {
    const el = await fixture<AcsChatHeader>(html`<acs-chat-header topic="Fixed" topic-readonly></acs-chat-header>`);
    part(el, 'topic')!.click();
    await el.updateComplete;
    expect(part(el, 'topic-input')).to.equal(null);
  });

  it('toggles the participant list and emits acs-participants-toggle', async () => {
    const el = await fixture<AcsChatHeader>(html`<acs-chat-header participant-count="2"></acs-chat-header>`);
    const button = part(el, 'participants-button')!;
    expect(button.getAttribute('aria-pressed')).to.equal('false');
    const toggled = nextEvent(el, 'acs-participants-toggle');
    button.click();
    expect((await toggled).detail).to.deep.equal({ open: true });
    await el.updateComplete;
    expect(button.getAttribute('aria-pressed')).to.equal('true');
    expect(el.hasAttribute('participants-open')).to.equal(true);
  });

  it('takes overridden strings', async () => {
    const el = await fixture<AcsChatHeader>(
      html`<acs-chat-header
        participant-count="4"
        .strings=${{ participantCountMany: '{count} personnes', untitledChat: 'Sans titre' }}
      ></acs-chat-header>`,
    );
    expect(part(el, 'participants-button')!.textContent!.trim()).to.equal('4 personnes');
    expect(part(el, 'topic')!.textContent!.trim()).to.equal('Sans titre');
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible in the ${theme} theme, also while editing`, async () => {
      const el = await themedFixture<AcsChatHeader>(html`<acs-chat-header topic="Lunch" participant-count="2"></acs-chat-header>`, theme);
      await expect(el).to.be.accessible();
      part(el, 'topic')!.click();
      await el.updateComplete;
      await expect(el).to.be.accessible();
    });
  }
});

import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { ChatClient } from '../../src/chat/chatClient.js';
import { AzureCommunicationTokenCredential } from '../../src/common/credential.js';
import { RestError } from '../../src/common/errors.js';
import '../../src/ui/chat.js';
import type { AcsChat, ChatReadyDetail } from '../../src/ui/chat/chat.js';
import { applyTheme } from '../../src/ui/shared/theme.js';
import { createTestUser } from '../browser/chatTestHelpers.js';
import { type TwoUserThread, twoUserThread } from './chatUiHelpers.js';
import { nextEvent } from './events.js';
import { until } from '../kit/wait.js';

/** The shadow root of a component inside the composite. */
function inner(chat: AcsChat, tag: string): ShadowRoot {
  return chat.shadowRoot!.querySelector(tag)!.shadowRoot!;
}

function messageTexts(chat: AcsChat): string[] {
  return [...inner(chat, 'acs-message-thread').querySelectorAll('[part~="message"] [part="content"]')].map((el) => el.textContent!.trim());
}

function ownMessage(chat: AcsChat, content: string): HTMLElement | undefined {
  return [...inner(chat, 'acs-message-thread').querySelectorAll<HTMLElement>('[part~="message--own"]')].find(
    (el) => el.querySelector('[part="content"]')!.textContent!.trim() === content,
  );
}

function otherMessage(chat: AcsChat, content: string): HTMLElement | undefined {
  return [...inner(chat, 'acs-message-thread').querySelectorAll<HTMLElement>('[part~="message--other"]')].find(
    (el) => el.querySelector('[part="content"]')!.textContent!.trim() === content,
  );
}

function messageById(chat: AcsChat, id: string): HTMLElement | null {
  return inner(chat, 'acs-message-thread').querySelector<HTMLElement>(`[data-message-id="${id}"]`);
}

function typingText(chat: AcsChat): string {
  return inner(chat, 'acs-typing-indicator').querySelector('[part="base"]')!.textContent!.replace(/\s+/g, ' ').trim();
}

function sendBoxTextarea(chat: AcsChat): HTMLTextAreaElement {
  return inner(chat, 'acs-send-box').querySelector('textarea')!;
}

async function typeAndSend(chat: AcsChat, text: string): Promise<void> {
  sendBoxTextarea(chat).focus();
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
}

describe('acs-chat', () => {
  let chat: TwoUserThread;
  let alice: AcsChat;
  let bob: AcsChat;
  let ready: ChatReadyDetail[];

  beforeEach(async function () {
    this.timeout(30_000);
    chat = await twoUserThread('Team chat');
    ready = [];
    const onReady = (event: GlobalEventHandlersEventMap['acs-chat-ready']) => ready.push(event.detail);
    // Alice's composite makes its own client from endpoint + token; Bob's is given a ready client.
    const wrapper = await fixture<HTMLDivElement>(
      html`<div style="display: flex; gap: 8px">
        <acs-chat
          id="alice"
          style="--acs-chat-height: 420px; flex: 1"
          endpoint=${chat.endpoint}
          .token=${chat.alice.token}
          thread-id=${chat.threadId}
          display-name="Alice"
          @acs-chat-ready=${onReady}
        ></acs-chat>
        <acs-chat
          id="bob"
          style="--acs-chat-height: 420px; flex: 1"
          .chatClient=${chat.bob.client}
          thread-id=${chat.threadId}
          user-id=${chat.bob.user.communicationUserId}
          @acs-chat-ready=${onReady}
        ></acs-chat>
      </div>`,
    );
    alice = wrapper.querySelector<AcsChat>('#alice')!;
    bob = wrapper.querySelector<AcsChat>('#bob')!;
    await until(() => ready.length === 2, 'both chats are ready');
  });

  afterEach(async () => {
    await chat.close();
  });

  it('gets ready with the topic and participants, knowing its user from the token', async () => {
    const aliceReady = ready.find((detail) => detail.chatClient !== chat.bob.client)!;
    expect(aliceReady.threadId).to.equal(chat.threadId);
    expect(aliceReady.userId).to.equal(chat.alice.user.communicationUserId);
    expect(aliceReady.chatClient.realtimeChannel?.state).to.equal('connected');
    const header = inner(alice, 'acs-chat-header');
    expect(header.querySelector('[part="topic"]')!.textContent!.trim()).to.equal('Team chat');
    expect(header.querySelector('[part="participants-button"]')!.textContent!.trim()).to.equal('2 participants');
  });

  it('shows a message sent by one user in the other’s chat, in real time', async () => {
    await typeAndSend(alice, 'Hello Bob!');
    await until(() => otherMessage(bob, 'Hello Bob!') !== undefined, 'Bob sees Alice’s message');
    expect(otherMessage(bob, 'Hello Bob!')!.querySelector('[part="sender"]')!.textContent).to.equal('Alice');
    await until(() => ownMessage(alice, 'Hello Bob!') !== undefined, 'Alice sees it as her own');
    expect(
      messageTexts(alice).filter((text) => text === 'Hello Bob!'),
      'once',
    ).to.have.length(1);
  });

  it('shows the other user typing', async () => {
    sendBoxTextarea(alice).focus();
    await sendKeys({ type: 'I am wri' });
    await until(() => typingText(bob) === 'Alice is typing…', 'Bob sees Alice typing');
    expect(typingText(alice), 'nobody else types').to.equal('');
  });

  it('shows edits and deletions in the other user’s chat', async () => {
    await typeAndSend(alice, 'Frist!');
    await until(() => otherMessage(bob, 'Frist!') !== undefined, 'Bob gets the message');
    await until(() => ownMessage(alice, 'Frist!')?.dataset.messageId?.startsWith('pending-') === false, 'confirmed');

    // Arrow Up in the empty box edits the last own message.
    await sendKeys({ press: 'ArrowUp' });
    await until(() => sendBoxTextarea(alice).value === 'Frist!', 'the box takes the message');
    for (let i = 0; i < 5; i++) await sendKeys({ press: 'Backspace' });
    await sendKeys({ type: 'irst!' });
    await sendKeys({ press: 'Enter' });
    await until(() => otherMessage(bob, 'First!')?.querySelector('[part="edited"]') != null, 'Bob sees the edit, marked');

    const id = ownMessage(alice, 'First!')!.dataset.messageId!;
    messageById(alice, id)!.focus();
    await sendKeys({ press: 'Delete' });
    await until(
      () => messageById(bob, id)?.querySelector('[part="content"]')?.textContent?.trim() === 'This message was deleted.',
      'Bob sees the deletion',
    );
  });

  it('turns the status of an own message to Read when the other user has read it', async () => {
    await typeAndSend(alice, 'Please read');
    await until(() => ownMessage(alice, 'Please read')?.querySelector('[part="status"]') != null, 'shows a status');
    // Bob's chat shows the message at the bottom of a visible page, so it sends a read receipt.
    await until(() => otherMessage(bob, 'Please read') !== undefined, 'Bob sees it');
    await until(() => ownMessage(alice, 'Please read')?.querySelector('[part="status"]')?.textContent === 'Read', 'the status turns Read');
  });

  it('routes an edit request from the thread to the send box', async () => {
    await typeAndSend(alice, 'edit me');
    await until(() => ownMessage(alice, 'edit me')?.dataset.messageId?.startsWith('pending-') === false, 'confirmed');
    ownMessage(alice, 'edit me')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => sendBoxTextarea(alice).value === 'edit me', 'the send box edits the message');
    expect(sendBoxTextarea(alice).getAttribute('aria-label')).to.equal('Edit message');
    await sendKeys({ press: 'Escape' });
    await until(() => sendBoxTextarea(alice).value === '', 'Escape cancels');
  });

  it('toggles the participant list from the header', async () => {
    expect(alice.shadowRoot!.querySelector('acs-participant-list')).to.equal(null);
    inner(alice, 'acs-chat-header').querySelector<HTMLButtonElement>('[part="participants-button"]')!.click();
    await alice.updateComplete;
    expect(alice.participantsOpen).to.equal(true);
    await until(() => inner(alice, 'acs-participant-list')?.querySelectorAll('[part="name"]').length === 2, 'lists both');
    const names = [...inner(alice, 'acs-participant-list').querySelectorAll('[part="name"]')].map((el) => el.textContent!.trim());
    expect(names.sort()).to.deep.equal(['Alice (you)', 'Bob']);
  });

  it('changes the topic for everyone from the header', async () => {
    const header = inner(alice, 'acs-chat-header');
    header.querySelector<HTMLButtonElement>('[part="topic"]')!.click();
    await until(() => header.activeElement?.getAttribute('part') === 'topic-input', 'the topic field takes focus');
    await sendKeys({ type: 'Renamed' });
    await sendKeys({ press: 'Enter' });
    await until(
      () => inner(bob, 'acs-chat-header').querySelector('[part="topic"]')!.textContent!.trim() === 'Renamed',
      'Bob sees the new topic',
    );
    await until(
      () =>
        [...inner(bob, 'acs-message-thread').querySelectorAll('[part="system-message"]')].some((el) =>
          el.textContent!.includes('Alice changed the topic to “Renamed”.'),
        ),
      'with a note in the thread',
    );
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible in the ${theme} theme`, async () => {
      applyTheme(alice, theme);
      await typeAndSend(alice, 'Accessible?');
      await until(() => ownMessage(alice, 'Accessible?') !== undefined, 'the message shows');
      alice.participantsOpen = true;
      await alice.updateComplete;
      await expect(alice).to.be.accessible();
    });
  }
});

describe('acs-chat setup', () => {
  it('takes a CommunicationTokenCredential, strings, and stops its notifications when removed', async () => {
    const chat = await twoUserThread('Credential');
    try {
      const credential = new AzureCommunicationTokenCredential(chat.alice.token);
      const el = await fixture<AcsChat>(
        html`<acs-chat
          endpoint=${chat.endpoint}
          .token=${credential}
          thread-id=${chat.threadId}
          .strings=${{ sendBoxPlaceholder: 'Écrivez ici', noMessages: 'Rien encore.' }}
        ></acs-chat>`,
      );
      const { detail } = await nextEvent(el, 'acs-chat-ready');
      expect(detail.userId).to.equal(chat.alice.user.communicationUserId);
      expect(sendBoxTextarea(el).placeholder).to.equal('Écrivez ici');
      expect(detail.chatClient.realtimeChannel?.state).to.equal('connected');
      el.remove();
      await until(() => detail.chatClient.realtimeChannel?.state === 'disconnected', 'the channel closes');
    } finally {
      await chat.close();
    }
  });

  it('leaves a given client’s notifications to the page', async () => {
    const chat = await twoUserThread('Given');
    try {
      const el = await fixture<AcsChat>(html`<acs-chat .chatClient=${chat.bob.client} thread-id=${chat.threadId}></acs-chat>`);
      await nextEvent(el, 'acs-chat-ready');
      el.remove();
      expect(chat.bob.client.realtimeChannel?.state).to.equal('connected');
    } finally {
      await chat.close();
    }
  });

  it('emits acs-error for a thread the user is not in', async () => {
    const { endpoint } = await import('../browser/service.js').then((m) => m.testService());
    const stranger = await createTestUser(['chat']);
    const chat = await twoUserThread('Private');
    try {
      const client = new ChatClient(endpoint, stranger.token);
      const el = await fixture<AcsChat>(html`<acs-chat .chatClient=${client} thread-id=${chat.threadId}></acs-chat>`);
      const { detail } = await nextEvent(el, 'acs-error');
      expect(detail.error).to.be.instanceOf(RestError);
      expect((detail.error as RestError).statusCode).to.equal(403);
      await el.updateComplete;
      await until(() => inner(el, 'acs-message-thread').querySelector('[part="notice"]') !== null, 'shows why');
    } finally {
      await chat.close();
    }
  });
});

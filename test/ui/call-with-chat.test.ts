import { expect, fixture, html } from '@open-wc/testing';
import { ChatClient } from '../../src/chat/chatClient.js';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';
import '../../src/ui/call-with-chat/call-with-chat.js';
import type { AcsCallWithChat } from '../../src/ui/call-with-chat/call-with-chat.js';
import { applyTheme } from '../../src/ui/shared/theme.js';
import { testService } from '../browser/service.js';
import { nextEvent } from './events.js';

async function signedInUser() {
  const { endpoint, connectionString } = await testService();
  const { user, token } = await new CommunicationIdentityClient(connectionString).createUserAndToken(['chat', 'voip']);
  const chatClient = new ChatClient(endpoint, token);
  const { chatThread } = await chatClient.createChatThread({ topic: 'Call notes' });
  return { endpoint, token, userId: user.communicationUserId, chatClient, threadId: chatThread!.id };
}

describe('acs-call-with-chat', () => {
  it('shows the call and the thread side by side, and toggles the chat', async () => {
    const { endpoint, token, userId, chatClient, threadId } = await signedInUser();
    const el = await fixture<AcsCallWithChat>(
      html`<acs-call-with-chat
        .endpoint=${endpoint}
        .token=${token}
        .chatClient=${chatClient}
        thread-id=${threadId}
        user-id=${userId}
        display-name="Ada"
      ></acs-call-with-chat>`,
    );
    expect(el.callElement).to.not.equal(null);
    expect(el.chatElement?.threadId).to.equal(threadId);
    const toggled = nextEvent(el, 'acs-chat-toggle');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="toggle"]')!.click();
    expect((await toggled).detail).to.deep.equal({ open: false });
    await el.updateComplete;
    expect(el.chatElement).to.equal(null);
    expect(el.hasAttribute('chat-hidden')).to.equal(true);
    await el.callElement?.dispose();
  });

  it('says what to do without a thread, and is accessible in light and dark', async () => {
    const el = await fixture<AcsCallWithChat>(html`<acs-call-with-chat></acs-call-with-chat>`);
    expect(el.shadowRoot!.querySelector('.empty')?.textContent).to.contain('Pick or start a conversation');
    await expect(el).to.be.accessible();
    applyTheme(el, 'dark');
    await expect(el).to.be.accessible();
  });
});

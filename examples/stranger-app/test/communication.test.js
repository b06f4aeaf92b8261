// The app's communication panel against a real service: the testing kit's plugin runs one for the
// run, and these tests make users through it (the access key stays in the test runner's Node).
import { ChatClient } from 'open-communication/chat';
import { createTestUser, getTestService } from 'open-communication/testing/browser';
import { mountCommunication } from '../src/app.js';

/** Resolves when `condition()` is truthy, checking on every animation frame (mocha's timeout bounds it). */
async function until(condition) {
  while (!condition()) await new Promise((resolve) => requestAnimationFrame(resolve));
}

function assert(value, message) {
  if (!value) throw new Error(message);
}

/** The event's detail, or the composite's `acs-error` as a failure. */
function nextEvent(element, name) {
  return new Promise((resolve, reject) => {
    element.addEventListener(name, (event) => resolve(event.detail), { once: true });
    element.addEventListener('acs-error', (event) => reject(event.detail.error), { once: true });
  });
}

function messageTexts(chat) {
  const thread = chat.shadowRoot?.querySelector('acs-message-thread')?.shadowRoot;
  return [...(thread?.querySelectorAll('[part~="message"] [part="content"]') ?? [])].map((el) => el.textContent.trim());
}

describe('the communication panel', () => {
  let endpoint;
  let alice;
  let bob;
  let root;

  before(async () => {
    ({ endpoint } = await getTestService());
    alice = await createTestUser({ scopes: ['chat'], displayName: 'Alice' });
    bob = await createTestUser({ scopes: ['chat', 'voip'], displayName: 'Bob' });
  });

  beforeEach(() => {
    root = document.body.appendChild(document.createElement('div'));
  });

  afterEach(() => root.remove());

  it('gives the page no access key', async () => {
    const info = await getTestService();
    assert(JSON.stringify(info) === JSON.stringify({ endpoint }), JSON.stringify(info));
    assert(/^8:acs:/.test(alice.communicationUserId) && alice.expiresOn > new Date(), 'a user with a live token');
  });

  it("shows a message Alice sends to Bob's thread", async () => {
    const aliceChat = new ChatClient(endpoint, alice.token);
    const { chatThread } = await aliceChat.createChatThread(
      { topic: 'Hello Bob' },
      { participants: [{ id: bob.user, displayName: bob.displayName }] },
    );
    const { chat } = mountCommunication(root, { endpoint, token: bob.token, threadId: chatThread.id, displayName: 'Bob' });
    await nextEvent(chat, 'acs-chat-ready');
    await aliceChat.getChatThreadClient(chatThread.id).sendMessage({ content: 'Hi Bob, from the test' });
    await until(() => messageTexts(chat).includes('Hi Bob, from the test'));
  });

  it('signs Bob in for calls and shows his identity', async () => {
    const { call } = mountCommunication(root, { endpoint, token: bob.token, threadId: '', displayName: 'Bob' });
    const { callAgent } = await nextEvent(call, 'acs-call-ready');
    assert(callAgent, 'a call agent');
    await until(() => call.shadowRoot?.querySelector('[part~="identity"]')?.textContent.includes(bob.communicationUserId));
  });
});

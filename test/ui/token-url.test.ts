import { expect, fixture, html } from '@open-wc/testing';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';
import { ChatClient } from '../../src/chat/chatClient.js';
import '../../src/ui/chat/chat.js';
import '../../src/ui/call/call.js';
import type { AcsChat } from '../../src/ui/chat/chat.js';
import type { AcsCall } from '../../src/ui/call/call.js';
import { credentialFromTokenUrl } from '../../src/ui/shared/tokenUrl.js';
import { RestError } from '../../src/common/errors.js';
import { testService } from '../browser/service.js';

/**
 * Stands in for an application's token route: POST /app/token answers the signed-in user's fresh
 * token. The components only see the URL.
 */
function serveTokens(issue: () => Promise<string>): { calls: number; restore(): void } {
  const original = window.fetch;
  const state = {
    calls: 0,
    restore: () => (window.fetch = original),
  };
  window.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.pathname !== '/app/token') return original(input, init);
    state.calls++;
    if (init?.method !== 'POST') return new Response('{}', { status: 405 });
    return new Response(JSON.stringify({ token: await issue() }), { headers: { 'content-type': 'application/json' } });
  };
  return state;
}

describe('token-url: embedding with the page server’s token route', () => {
  it('<acs-chat token-url> gets its token from the URL and shows the thread', async () => {
    const { endpoint, connectionString } = await testService();
    const identity = new CommunicationIdentityClient(connectionString);
    const { user, token } = await identity.createUserAndToken(['chat']);
    const { chatThread } = await new ChatClient(endpoint, token).createChatThread({ topic: 'From a token URL' });
    const server = serveTokens(async () => (await identity.getToken(user, ['chat'])).token);
    try {
      const el = await fixture<AcsChat>(html`<acs-chat endpoint=${endpoint} token-url="/app/token" thread-id=${chatThread!.id}></acs-chat>`);
      const ready = await new Promise<CustomEvent>((resolve) => el.addEventListener('acs-chat-ready', (e) => resolve(e as CustomEvent), { once: true }));
      expect(ready.detail.userId).to.equal(user.communicationUserId);
      expect(server.calls).to.be.greaterThan(0);
    } finally {
      server.restore();
    }
  });

  it('<acs-call token-url> makes its call agent from the URL', async () => {
    const { endpoint, connectionString } = await testService();
    const identity = new CommunicationIdentityClient(connectionString);
    const user = await identity.createUser();
    const server = serveTokens(async () => (await identity.getToken(user, ['voip'])).token);
    try {
      const el = await fixture<AcsCall>(html`<acs-call endpoint=${endpoint} token-url="/app/token" display-name="Embedded"></acs-call>`);
      const agent = await el.whenReady();
      expect(agent?.userId).to.equal(user.communicationUserId);
      await el.dispose();
    } finally {
      server.restore();
    }
  });

  it('a token URL that answers without a token is a typed error', async () => {
    const server = serveTokens(async () => undefined as unknown as string);
    try {
      const error = await credentialFromTokenUrl('/app/token').getToken().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RestError);
      expect((error as RestError).code).to.equal('TokenUrlFailed');
    } finally {
      server.restore();
    }
  });
});

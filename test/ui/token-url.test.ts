import { expect, fixture, html, nextFrame } from '@open-wc/testing';
import { unsafeStatic, html as staticHtml } from 'lit/static-html.js';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';
import { ChatClient } from '../../src/chat/chatClient.js';
import '../../src/ui/chat/chat.js';
import '../../src/ui/call/call.js';
import '../../src/ui/call-with-chat/call-with-chat.js';
import type { AcsChat } from '../../src/ui/chat/chat.js';
import type { AcsCall } from '../../src/ui/call/call.js';
import { credentialFromTokenUrl } from '../../src/ui/shared/tokenUrl.js';
import { RestError } from '../../src/common/errors.js';
import FakeTimers from '../browser/fakeTimers.js';
import { testService } from '../browser/service.js';
import { nextEvent } from './events.js';

/**
 * Stands in for an application's token route: POST /app/token answers the signed-in user's fresh
 * token. The components only see the URL.
 */
function serveTokens(issue: () => Promise<string>): { calls: number; restore(): void } {
  return serveTokensAt('/app/token', issue);
}

function serveTokensAt(path: string, issue: () => Promise<string>): { calls: number; restore(): void } {
  const original = window.fetch;
  const state = {
    calls: 0,
    restore: () => (window.fetch = original),
  };
  window.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.pathname !== path) return original(input, init);
    state.calls++;
    if (init?.method !== 'POST') return new Response('{}', { status: 405 });
    return new Response(JSON.stringify({ token: await issue() }), { headers: { 'content-type': 'application/json' } });
  };
  return state;
}

/** An unsigned JWT that parses as a user access token expiring `lifetimeMs` after `now`. */
function unsignedToken(now: number, lifetimeMs: number): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  const claims = { sub: '8:acs:test_token-url', iat: Math.floor(now / 1000), exp: Math.floor((now + lifetimeMs) / 1000) };
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.signature`;
}

/** Waits, a frame at a time (real frames: the fake clock does not drive them), until `predicate` holds. */
async function framesUntil(predicate: () => boolean): Promise<void> {
  while (!predicate()) await nextFrame();
}

describe('token-url: the credential lives as long as the element', () => {
  for (const tag of ['acs-chat', 'acs-call', 'acs-call-with-chat'] as const) {
    it(`removing <${tag} token-url> disposes its credential: no refresh fetch after it left, a new one when it is back`, async () => {
      const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.now() });
      const server = serveTokensAt(`/app/${tag}-token`, async () => unsignedToken(clock.now, 30 * 60_000));
      try {
        // No endpoint: nothing connects, only the credential works (and refreshes in the background).
        const el = await fixture<HTMLElement>(staticHtml`<${unsafeStatic(tag)} token-url=${`/app/${tag}-token`}></${unsafeStatic(tag)}>`);
        await framesUntil(() => server.calls === 1 && clock.countTimers() > 0);
        const parent = el.parentElement!;
        el.remove();
        await Promise.resolve(); // the controller lets go once it knows the element left (not moved)
        await clock.tickAsync(60 * 60_000); // past the refresh time and the expiry
        expect(server.calls, 'token fetches after the element left').to.equal(1);

        parent.append(el);
        await framesUntil(() => server.calls === 2);
        el.remove();
      } finally {
        clock.uninstall();
        server.restore();
      }
    });
  }

  it('a new token-url disposes the credential of the old one', async () => {
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.now() });
    const first = serveTokensAt('/app/first-token', async () => unsignedToken(clock.now, 30 * 60_000));
    const second = serveTokensAt('/app/second-token', async () => unsignedToken(clock.now, 30 * 60_000));
    try {
      const el = await fixture<AcsChat>(html`<acs-chat token-url="/app/first-token"></acs-chat>`);
      await framesUntil(() => first.calls === 1 && clock.countTimers() > 0);
      el.tokenUrl = '/app/second-token';
      await el.updateComplete;
      await framesUntil(() => second.calls === 1);
      await clock.tickAsync(60 * 60_000);
      expect(first.calls, 'fetches from the old URL').to.equal(1);
      el.remove();
    } finally {
      clock.uninstall();
      second.restore();
      first.restore();
    }
  });
});

describe('token-url: embedding with the page server’s token route', () => {
  it('<acs-chat token-url> gets its token from the URL and shows the thread', async () => {
    const { endpoint, connectionString } = await testService();
    const identity = new CommunicationIdentityClient(connectionString);
    const { user, token } = await identity.createUserAndToken(['chat']);
    const { chatThread } = await new ChatClient(endpoint, token).createChatThread({ topic: 'From a token URL' });
    const server = serveTokens(async () => (await identity.getToken(user, ['chat'])).token);
    try {
      const el = await fixture<AcsChat>(
        html`<acs-chat endpoint=${endpoint} token-url="/app/token" thread-id=${chatThread!.id}></acs-chat>`,
      );
      const ready = await nextEvent(el, 'acs-chat-ready');
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
      const error = await credentialFromTokenUrl('/app/token')
        .getToken()
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RestError);
      expect((error as RestError).code).to.equal('TokenUrlFailed');
    } finally {
      server.restore();
    }
  });
});

/**
 * The standalone bundles as a page of another origin, with no build step, uses them: the page is
 * served by its own small server (another port, so another origin), loads
 * `<script type="module" src="SERVICE/sdk/ui.js">`, and embeds `<acs-chat>` and `<acs-call>` with a
 * `token-url` on its own server (which holds the access key). People are separate browser contexts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type RunningService, startService } from '../../mock-server/service.js';
import { buildSdk } from '../../scripts/build-sdk.js';
import { ChatClient } from '../../src/chat/chatClient.js';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';
import { launchBrowser, screenshot } from './browser.js';
import { type OtherOrigin, startOtherOrigin } from './otherOrigin.js';

describe('the /sdk/ bundles on a page of another origin', () => {
  let sdkDir: string;
  let service: RunningService;
  let page: OtherOrigin;
  let pageOrigin: string;
  let browser: Browser;
  let identity: CommunicationIdentityClient;
  const users: Record<string, string> = {};
  let threadId: string;

  before(async () => {
    sdkDir = mkdtempSync(join(tmpdir(), 'oc-sdk-'));
    await buildSdk(sdkDir);
    service = await startService({ sdkDir, calling: { ringTimeoutMs: 30_000 } });
    identity = new CommunicationIdentityClient(service.connectionString);
    for (const name of ['alice', 'bob']) users[name] = (await identity.createUser()).communicationUserId;
    const bobToken = (await identity.getToken({ communicationUserId: users.bob! }, ['chat'])).token;
    const chat = new ChatClient(service.endpoint, bobToken);
    const created = await chat.createChatThread({ topic: 'Embedded' }, { participants: [{ id: { communicationUserId: users.alice! } }] });
    threadId = created.chatThread!.id;
    await chat.getChatThreadClient(threadId).sendMessage({ content: 'Hello from the other origin' }, { senderDisplayName: 'Bob' });

    // The stranger's app: its own origin, its own token route, our bundle by URL.
    page = await startOtherOrigin(
      identity,
      () => users,
      (url) => {
        const who = url.searchParams.get('user') ?? '';
        const element =
          url.pathname === '/chat.html'
            ? `<acs-chat endpoint="${service.endpoint}" token-url="/token?user=${who}" thread-id="${threadId}" user-id="${users[who]}" display-name="${who}"></acs-chat>`
            : url.pathname === '/call.html'
              ? `<acs-call endpoint="${service.endpoint}" token-url="/token?user=${who}" display-name="${who}" callee="${url.searchParams.get('callee') ?? ''}"></acs-call>`
              : undefined;
        if (!element || !users[who]) return undefined;
        return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Stranger's app</title><link rel="icon" href="data:,">
        <script type="module" src="${service.endpoint}sdk/${url.searchParams.get('bundle') ?? 'ui'}.js"></script></head>
        <body><main>${element}</main></body></html>`;
      },
    );
    pageOrigin = page.origin;
    assert.notEqual(pageOrigin, new URL(service.endpoint).origin);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    page?.close();
    await service?.close();
    rmSync(sdkDir, { recursive: true, force: true });
  });

  /** A page of the stranger's app for one person, in a browser context of their own. */
  async function open(path: string): Promise<{ page: Page; errors: string[]; bareImports: string[] }> {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const errors: string[] = [];
    const bareImports: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    tab.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    tab.on('request', (request) => {
      const { origin, pathname } = new URL(request.url());
      if (request.resourceType() === 'script' && origin === new URL(service.endpoint).origin && !pathname.startsWith('/sdk/'))
        bareImports.push(pathname);
    });
    await tab.goto(`${pageOrigin}${path}`);
    return { page: tab, errors, bareImports };
  }

  test('the stable name is revalidated, the hashed files are immutable and compressed, for any origin', async () => {
    const entry = await fetch(new URL('/sdk/ui.js', service.endpoint), { headers: { origin: pageOrigin } });
    assert.equal(entry.status, 200);
    assert.equal(entry.headers.get('access-control-allow-origin'), '*');
    assert.equal(entry.headers.get('cache-control'), 'no-cache');
    const hashed = /from '\.\/([^']+)'/.exec(await entry.text())![1]!;
    const file = await fetch(new URL(`/sdk/${hashed}`, service.endpoint), { headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(file.status, 200);
    assert.match(file.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(file.headers.get('content-encoding'), 'br');
    assert.equal((await fetch(new URL('/sdk/../package.json', service.endpoint))).status, 404);
    assert.equal((await fetch(new URL('/sdk/manifest.json', service.endpoint))).status, 404);
  });

  test('<acs-chat> from /sdk/ui.js shows the thread’s messages', async () => {
    const { page: alice, errors, bareImports } = await open('/chat.html?user=alice');
    await alice.getByText('Hello from the other origin').waitFor({ timeout: 30_000 });
    await screenshot(alice, 'sdk-embed-chat');
    assert.deepEqual(bareImports, [], 'every module came from /sdk/');
    assert.deepEqual(errors, []);
  });

  test('a chat-only page (/sdk/ui-chat.js) shows the thread and never loads PeerJS', async () => {
    const { page: alice, errors } = await open('/chat.html?user=alice&bundle=ui-chat');
    const scripts = new Set<string>();
    alice.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.add(request.url());
    });
    await alice.reload();
    await alice.getByText('Hello from the other origin').waitFor({ timeout: 30_000 });
    const loaded = await Promise.all([...scripts].map(async (url) => (await fetch(url)).text()));
    assert.ok(loaded.length > 0);
    assert.deepEqual(loaded.filter((text) => /peerjs/i.test(text)).length, 0, 'a script with PeerJS in it was loaded');
    assert.deepEqual(errors, []);
  });

  test('<acs-call> from /sdk/ui.js calls a second page, which answers; both see video', async () => {
    const bob = await open('/call.html?user=bob');
    const alice = await open(`/call.html?user=alice&callee=${encodeURIComponent(users.bob!)}`);
    const start = alice.page.getByRole('button', { name: 'Start call', exact: true });
    await start.waitFor({ timeout: 30_000 });
    await screenshot(alice.page, 'sdk-embed-call-setup');
    await start.click();
    await bob.page.getByRole('button', { name: 'Accept with video' }).click({ timeout: 30_000 });
    await alice.page.locator('acs-call-controls').getByRole('button', { name: 'Turn camera on' }).click({ timeout: 30_000 });
    for (const side of [alice.page, bob.page]) {
      // A string, not a function: the test runner's transform would put helpers into a function's source.
      await side.waitForFunction(
        `(() => {
          const deep = (root) => [...root.querySelectorAll('video'), ...[...root.querySelectorAll('*')].flatMap((el) => (el.shadowRoot ? deep(el.shadowRoot) : []))];
          return deep(document).some((v) => v.muted !== undefined && v.readyState >= 2 && v.videoWidth > 0 && v.currentTime > 0.3 && !v.getRootNode().host?.hasAttribute('local'));
        })()`,
        undefined,
        { timeout: 30_000, polling: 200 },
      );
    }
    await screenshot(alice.page, 'sdk-embed-call-alice');
    await alice.page.locator('acs-call-controls').getByRole('button', { name: 'Leave' }).click();
    await bob.page.getByText(/ended/i).first().waitFor({ timeout: 30_000 });
    assert.deepEqual([...alice.errors, ...bob.errors], []);
    assert.deepEqual([...alice.bareImports, ...bob.bareImports], []);
  });
});

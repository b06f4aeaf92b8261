import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startDemoServer } from '../../mock-server/demoServer.js';
import type { RunningService } from '../../mock-server/service.js';
import { launchBrowser, screenshot } from './browser.js';

describe('demo page: sign-in and stored tokens, two users in two browser contexts', () => {
  let service: RunningService;
  let browser: Browser;

  before(async () => {
    service = await startDemoServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await service?.close();
  });

  test('a user signs in, reloads without any token request, and a second context is someone else', async () => {
    const alice = await browser.newContext();
    const page = await alice.newPage();
    const tokenRequests: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/demo/token')) tokenRequests.push(request.url());
    });

    await page.goto(service.endpoint);
    await page.getByLabel('Display name').fill('Alice');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#signed-in').waitFor({ state: 'visible' });
    const aliceId = await page.locator('#user-id').textContent();
    assert.match(aliceId ?? '', /^8:acs:[0-9a-f-]+_[0-9a-f-]+$/);
    assert.equal(await page.locator('#who').textContent(), 'Alice');
    assert.equal(await page.locator('#token-scopes').textContent(), 'chat, voip');
    assert.equal(tokenRequests.length, 1);
    assert.ok(service.identities.getUser(aliceId!), 'the service knows the new user');
    await screenshot(page, 'identity-1-signed-in');

    await page.reload();
    await page.locator('#signed-in').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#user-id').textContent(), aliceId);
    assert.match((await page.locator('#token-source').textContent()) ?? '', /token store/);
    assert.equal(tokenRequests.length, 1, 'a reload with a stored token makes no token request');
    await screenshot(page, 'identity-2-after-reload');

    const bob = await browser.newContext();
    const bobPage = await bob.newPage();
    await bobPage.goto(service.endpoint);
    await bobPage.getByLabel('Display name').fill('Bob');
    await bobPage.getByRole('button', { name: 'Sign in' }).click();
    await bobPage.locator('#signed-in').waitFor({ state: 'visible' });
    const bobId = await bobPage.locator('#user-id').textContent();
    assert.notEqual(bobId, aliceId, 'separate storage, separate identity');
    await screenshot(bobPage, 'identity-3-second-user');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#signed-out').waitFor({ state: 'visible' });
    await page.reload();
    await page.locator('#signed-out').waitFor({ state: 'visible' });
    await alice.close();
    await bob.close();
  });
});

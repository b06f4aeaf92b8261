import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot, withDemoAndBrowser } from './browser.js';

describe('demo page: sign-in and stored tokens, each user in a browser context of its own', () => {
  const { service, browser } = withDemoAndBrowser();

  /** A fresh context (its own storage) signed in as `name`, counting its token requests. */
  async function signIn(name: string): Promise<{ context: BrowserContext; page: Page; userId: string; tokenRequests: string[] }> {
    const context = await browser().newContext();
    const page = await context.newPage();
    const tokenRequests: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/demo/token')) tokenRequests.push(request.url());
    });
    await page.goto(service().endpoint);
    await page.getByLabel('Display name').fill(name);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#signed-in').waitFor({ state: 'visible' });
    const userId = (await page.locator('#user-id').textContent()) ?? '';
    return { context, page, userId, tokenRequests };
  }

  test('signing in makes a new user with a chat and voip token, in one token request', async () => {
    const alice = await signIn('Alice');
    assert.match(alice.userId, /^8:acs:[0-9a-f-]+_[0-9a-f-]+$/);
    assert.equal(await alice.page.locator('#who').textContent(), 'Alice');
    assert.equal(await alice.page.locator('#token-scopes').textContent(), 'chat, voip');
    assert.equal(alice.tokenRequests.length, 1);
    assert.ok(service().identities.getUser(alice.userId), 'the service knows the new user');
    await screenshot(alice.page, 'identity-1-signed-in');
    await alice.context.close();
  });

  test('a reload signs back in from the token store, without a token request', async () => {
    const alice = await signIn('Alice');
    await alice.page.reload();
    await alice.page.locator('#signed-in').waitFor({ state: 'visible' });
    assert.equal(await alice.page.locator('#user-id').textContent(), alice.userId);
    assert.match((await alice.page.locator('#token-source').textContent()) ?? '', /token store/);
    assert.equal(alice.tokenRequests.length, 1, 'a reload with a stored token makes no token request');
    await screenshot(alice.page, 'identity-2-after-reload');
    await alice.context.close();
  });

  test('a second browser context signing in is someone else', async () => {
    const alice = await signIn('Alice');
    const bob = await signIn('Bob');
    assert.notEqual(bob.userId, alice.userId, 'separate storage, separate identity');
    await screenshot(bob.page, 'identity-3-second-user');
    await alice.context.close();
    await bob.context.close();
  });

  test('after signing out, a reload stays signed out', async () => {
    const alice = await signIn('Alice');
    await alice.page.getByRole('button', { name: 'Sign out' }).click();
    await alice.page.locator('#signed-out').waitFor({ state: 'visible' });
    await alice.page.reload();
    await alice.page.locator('#signed-out').waitFor({ state: 'visible' });
    await alice.context.close();
  });
});

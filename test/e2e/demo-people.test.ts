/**
 * The demo app as two new people use it (issue 13): each signs in in a browser of their own (Bob
 * on a phone-sized screen), finds the other under People by name, chats and calls in one click.
 * Driven only by what a person sees: roles and accessible names.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot, withDemoAndBrowser } from './browser.js';

interface Person {
  context: BrowserContext;
  page: Page;
}

describe('demo app: people find each other by name', () => {
  const { service, browser } = withDemoAndBrowser({ demoRateLimits: { createsPerWindow: 1000 } });

  async function signIn(name: string, viewport: { width: number; height: number }): Promise<Person> {
    const context = await browser().newContext({ permissions: ['camera', 'microphone'], viewport });
    const page = await context.newPage();
    await page.goto(service().endpoint);
    await page.getByLabel('Display name').fill(name);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor();
    return { context, page };
  }

  test('Bob finds Alice under People, chats and calls her in one click; the conversation is titled by name', async () => {
    const alice = await signIn('Alice Example', { width: 1280, height: 800 });
    const bob = await signIn('Bob Phone', { width: 390, height: 844 });
    try {
      const people = bob.page.getByRole('list', { name: 'People' });
      await people.getByRole('listitem').filter({ hasText: 'Alice Example' }).waitFor();
      assert.match((await people.getByRole('listitem').filter({ hasText: 'Alice Example' }).textContent()) ?? '', /Online/);
      // Search narrows the list by name.
      await bob.page.getByLabel('Search people').fill('nobody-by-this-name');
      await bob.page.getByText('Nobody here is called “nobody-by-this-name”.').waitFor();
      await bob.page.getByLabel('Search people').fill('alice');
      await people.getByRole('listitem').filter({ hasText: 'Alice Example' }).waitFor();

      await bob.page.getByRole('button', { name: 'Chat with Alice Example' }).click();
      // Each side sees the conversation titled by the other person's name.
      await bob.page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: 'Alice Example' }).waitFor();
      await alice.page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: 'Bob Phone' }).waitFor();
      const box = bob.page.getByRole('textbox', { name: 'Message', exact: true }).and(bob.page.getByPlaceholder('Type a message'));
      await box.fill('Hi Alice, found you by name');
      await box.press('Enter');
      await alice.page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: 'Bob Phone' }).click();
      await alice.page.getByText('Hi Alice, found you by name').waitFor();
      // A second click opens the same conversation, no new one.
      await bob.page.getByRole('button', { name: 'Chat with Alice Example' }).click();
      assert.equal(await bob.page.getByRole('list', { name: 'Conversations' }).getByRole('button').count(), 1);
      await screenshot(bob.page, 'demo-people-1-chat-bob-390');
      await screenshot(alice.page, 'demo-people-2-chat-alice-1280');

      // One click calls; Alice's prompt names Bob.
      await bob.page.getByRole('button', { name: 'Call Alice Example', exact: true }).click();
      await alice.page.getByRole('alertdialog').filter({ hasText: 'Bob Phone' }).waitFor();
      await screenshot(alice.page, 'demo-people-3-ringing-alice');
      await alice.page.getByRole('button', { name: 'Decline' }).click();
    } finally {
      await alice.context.close();
      await bob.context.close();
    }
  });

  test('an invite link opened by someone signed in starts a chat, or a call, with its sender', async () => {
    const erin = await signIn('Erin Invites', { width: 1280, height: 800 });
    const finn = await signIn('Finn', { width: 390, height: 844 });
    try {
      const link = await erin.page.getByRole('textbox', { name: 'Your invite link' }).inputValue();
      assert.match(link, /\?chat=8%3Aacs%3A/);
      await finn.page.goto(link);
      await finn.page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: 'Erin Invites' }).waitFor();
      await erin.page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: 'Finn' }).waitFor();
      assert.doesNotMatch(finn.page.url(), /chat=/, 'the invite is used once');

      // The same link made to start a call: opening it rings Erin, and her prompt names Finn.
      await erin.page.getByRole('radio', { name: 'a call' }).check();
      const callLink = await erin.page.getByRole('textbox', { name: 'Your invite link' }).inputValue();
      assert.match(callLink, /\?call=8%3Aacs%3A/);
      await finn.page.goto(callLink);
      await erin.page.getByRole('alertdialog').filter({ hasText: 'Finn' }).waitFor();
      await screenshot(erin.page, 'demo-people-5-call-invite-ringing');
      await erin.page.getByRole('button', { name: 'Decline' }).click();
    } finally {
      await erin.context.close();
      await finn.context.close();
    }
  });

  test('a banner says when the connection to the service drops and when it is back', async () => {
    const dan = await signIn('Dan', { width: 390, height: 844 });
    try {
      const userId = (await dan.page.locator('#user-id').textContent()) ?? '';
      // The service drops Dan's real-time connection (as when his token is revoked); the page
      // gets a fresh token and reconnects by itself.
      service().realtime.closeUser(userId, 'test: connection dropped');
      await dan.page.getByRole('status').filter({ hasText: 'Connected again.' }).waitFor();
      await screenshot(dan.page, 'demo-people-4-reconnected-390');
      await dan.page.getByRole('status').filter({ hasText: 'Connected again.' }).waitFor({ state: 'hidden' });
    } finally {
      await dan.context.close();
    }
  });

  test('a chat with an identifier nobody has leaves nothing behind', async () => {
    const carol = await signIn('Carol', { width: 1280, height: 800 });
    try {
      await carol.page
        .getByLabel('Their identifier')
        .fill('8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000000');
      await carol.page.getByRole('button', { name: 'Start chat' }).click();
      await carol.page.getByRole('status').filter({ hasText: 'Nobody has that identifier on this service.' }).waitFor();
      assert.equal(await carol.page.getByRole('list', { name: 'Conversations' }).getByRole('button').count(), 0);
      await carol.page.reload();
      await carol.page.getByRole('status').filter({ hasText: 'Ready' }).waitFor();
      assert.equal(
        await carol.page.getByRole('list', { name: 'Conversations' }).getByRole('button').count(),
        0,
        'none after a reload either',
      );
    } finally {
      await carol.context.close();
    }
  });
});

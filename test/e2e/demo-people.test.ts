/**
 * The demo app as two new people use it (issue 13): each signs in in a browser of their own (Bob
 * on a phone-sized screen), finds the other under People by name, chats and calls in one click.
 * Driven only by what a person sees: roles and accessible names.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { screenshot, withDemoAndBrowser } from './browser.js';
import { assertSoundPage, consoleErrors } from './pageChecks.js';

interface Person {
  context: BrowserContext;
  page: Page;
  /** The page's console errors, from before it loaded. */
  errors: string[];
}

/** Waits until the element is on screen (scrolled into the viewport). */
async function inView(locator: Locator): Promise<void> {
  await locator.waitFor();
  await locator.page().waitForFunction(
    (element) => {
      const box = element!.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= innerHeight;
    },
    await locator.elementHandle(),
    { timeout: 10_000 },
  );
}

describe('demo app: people find each other by name', () => {
  const { service, browser } = withDemoAndBrowser({ demoRateLimits: { createsPerWindow: 1000 } });

  async function signIn(name: string, viewport: { width: number; height: number }): Promise<Person> {
    const context = await browser().newContext({ permissions: ['camera', 'microphone'], viewport });
    const page = await context.newPage();
    const errors = consoleErrors(page);
    await page.goto(service().endpoint);
    // Before sign-in only the sign-in card shows: none of the workspace, no endless "Connecting…".
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'People' }).isVisible(), false, 'the workspace shows before sign-in');
    assert.equal(await page.locator('text=/Connecting/ >> visible=true').count(), 0, 'a "Connecting…" shows before sign-in');
    await assertSoundPage(page, `${name}: sign-in`);
    await page.getByLabel('Display name').fill(name);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor();
    return { context, page, errors };
  }

  test('two people sign in, find each other by name, chat both ways, call with video and hang up: every screen sound, at 1280 and 390 px', async () => {
    const alice = await signIn('Alice Example', { width: 1280, height: 800 });
    const bob = await signIn('Bob & Co Phone', { width: 390, height: 844 });
    const errors = [...alice.errors, ...bob.errors];
    /** Each person's screen at this step: saved, and checked as a person would look at it. */
    const step = async (name: string) => {
      for (const [who, person] of [
        ['alice-1280', alice],
        ['bob-390', bob],
      ] as const) {
        await assertSoundPage(person.page, `${name} (${who})`);
        // Saved in both themes (the theme button, as a person would switch).
        for (const theme of ['light', 'dark'] as const) {
          const button = person.page.getByRole('button', { name: theme === 'dark' ? 'Dark theme' : 'Light theme' });
          if (await button.isVisible()) await button.click();
          await screenshot(person.page, `demo-journey-${name}-${who}-${theme}`);
        }
        await person.page.getByRole('button', { name: 'Light theme' }).click();
      }
    };
    try {
      await step('1-signed-in');
      const people = bob.page.getByRole('list', { name: 'People' });
      await people.getByRole('listitem').filter({ hasText: 'Alice Example' }).waitFor();
      assert.match((await people.getByRole('listitem').filter({ hasText: 'Alice Example' }).textContent()) ?? '', /Online/);
      // Search narrows the list by name.
      await bob.page.getByLabel('Search people').fill('nobody-by-this-name');
      await bob.page.getByText('Nobody here is called “nobody-by-this-name”.').waitFor();
      await bob.page.getByLabel('Search people').fill('alice');
      await people.getByRole('listitem').filter({ hasText: 'Alice Example' }).waitFor();
      await alice.page.getByRole('list', { name: 'People' }).getByRole('listitem').filter({ hasText: 'Bob & Co Phone' }).waitFor();
      await step('2-people');

      await bob.page.getByRole('button', { name: 'Chat with Alice Example' }).click();
      // On the phone the chat sits far below: the cursor goes to its message box, which comes into view.
      const bobsBox = bob.page.getByRole('textbox', { name: 'Message', exact: true }).and(bob.page.getByPlaceholder('Type a message'));
      await inView(bobsBox);
      await bob.page.waitForFunction(() => {
        let active: Element | null = document.activeElement;
        while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
        return active?.localName === 'textarea';
      });
      // Each side sees the conversation titled by the other person's name.
      await bob.page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: 'Alice Example' }).waitFor();
      await alice.page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: 'Bob & Co Phone' }).waitFor();
      const boxOf = (person: Person) =>
        person.page.getByRole('textbox', { name: 'Message', exact: true }).and(person.page.getByPlaceholder('Type a message'));
      await boxOf(bob).fill('Hi Alice, found you by name');
      await boxOf(bob).press('Enter');
      await alice.page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: 'Bob & Co Phone' }).click();
      await alice.page.getByText('Hi Alice, found you by name').waitFor();
      await boxOf(alice).fill('Hello Bob!');
      await boxOf(alice).press('Enter');
      await bob.page.getByText('Hello Bob!').waitFor();
      // The chat's header names the other person too (the topic names both; a name may have "&" in it).
      await bob.page.getByRole('button', { name: 'Topic: Alice Example. Edit topic' }).waitFor();
      assert.equal(
        (await alice.page.getByRole('button', { name: 'Topic: Bob & Co Phone. Edit topic' }).count()) +
          (await bob.page.getByRole('button', { name: 'Topic: Alice Example. Edit topic' }).count()),
        2,
        'each header shows the other name',
      );
      // A second click opens the same conversation, no new one.
      await bob.page.getByRole('button', { name: 'Chat with Alice Example' }).click();
      assert.equal(await bob.page.getByRole('list', { name: 'Conversations' }).getByRole('button').count(), 1);
      await step('3-chat');

      // One click calls with video; Alice's prompt names Bob.
      await bob.page.getByRole('button', { name: 'Video call Alice Example', exact: true }).click();
      // On the phone the call sits below the sidebar: calling brings it into view.
      await inView(bob.page.getByRole('toolbar', { name: 'Call controls' }));
      await alice.page.getByRole('alertdialog').filter({ hasText: 'Bob & Co Phone' }).waitFor();
      await step('4-ringing');
      await alice.page.getByRole('button', { name: 'Accept with video' }).click();
      // Each sees the other's video playing, on a tile named after them.
      for (const [person, other] of [
        [alice, 'Bob & Co Phone'],
        [bob, 'Alice Example'],
      ] as const) {
        const video = person.page.getByRole('group', { name: other, exact: true }).locator('video');
        await video.waitFor();
        await person.page.waitForFunction(
          (element) => !!element && (element as HTMLVideoElement).readyState >= 2 && (element as HTMLVideoElement).videoWidth > 0,
          await video.elementHandle(),
          { timeout: 30_000 },
        );
      }
      await step('5-in-call');
      // The People and Devices panels make room on the phone: nothing ends up under them.
      for (const panel of ['People', 'Devices']) {
        const toggle = bob.page.getByRole('toolbar', { name: 'Call controls' }).getByRole('button', { name: panel });
        await toggle.click();
        await bob.page.waitForTimeout(300);
        await assertSoundPage(bob.page, `the ${panel} panel open (bob-390)`);
        await screenshot(bob.page, `demo-journey-5-${panel.toLowerCase()}-panel-bob-390`);
        await toggle.click();
      }

      await bob.page.getByRole('button', { name: 'Leave' }).click();
      for (const person of [alice, bob]) await person.page.getByRole('status').filter({ hasText: 'Call ended' }).first().waitFor();
      await step('6-ended');
      assert.deepEqual(errors, [], 'no console errors on either page');
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
      // Someone not signed in yet is told who invited them, and what to do.
      const stranger = await browser().newContext({ viewport: { width: 390, height: 844 } });
      const gil = await stranger.newPage();
      await gil.goto(callLink);
      await gil.getByText('Erin Invites invited you to a call: sign in to start it.').waitFor();
      await gil.getByLabel('Display name').fill('   ');
      await gil.getByRole('button', { name: 'Sign in' }).click();
      await gil.getByRole('status').filter({ hasText: 'Type the name others will see, then sign in.' }).waitFor();
      await assertSoundPage(gil, 'invited, signed out');
      await screenshot(gil, 'demo-people-5-invited-signed-out');
      await stranger.close();

      await finn.page.goto(callLink);
      await erin.page.getByRole('alertdialog').filter({ hasText: 'Finn' }).waitFor();
      await screenshot(erin.page, 'demo-people-5-call-invite-ringing');
      await erin.page.getByRole('button', { name: 'Decline' }).click();

      // Erin calls back: on Finn's phone the prompt comes into view, naming her.
      await erin.page.getByRole('button', { name: 'Call Finn', exact: true }).click();
      const prompt = finn.page.getByRole('alertdialog').filter({ hasText: 'Erin Invites' });
      await inView(prompt);
      await assertSoundPage(finn.page, 'ringing on the phone');
      await screenshot(finn.page, 'demo-people-6-ringing-phone');
      await finn.page.getByRole('button', { name: 'Decline' }).click();
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

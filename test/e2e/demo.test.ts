import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot, withDemoAndBrowser } from './browser.js';
import { DEEP_QUERY, untilOnPage } from './pageChecks.js';

interface Person {
  context: BrowserContext;
  page: Page;
  userId: string;
}

describe('demo page end to end: two people, each in a browser context of their own', () => {
  // Every test signs in its own pair: more sign-ins than the default per-address demo limit.
  const { service, browser } = withDemoAndBrowser({ demoRateLimits: { createsPerWindow: 1000 } });

  async function signIn(name: string): Promise<Person> {
    const context = await browser().newContext({ permissions: ['camera', 'microphone', 'clipboard-read', 'clipboard-write'] });
    await context.addInitScript(DEEP_QUERY);
    const page = await context.newPage();
    await page.goto(service().endpoint);
    await page.getByLabel('Display name').fill(name);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#signed-in').waitFor({ state: 'visible' });
    await untilOnPage(page, 'the call agent', () => /ready/i.test(document.getElementById('status')?.textContent ?? ''));
    const userId = (await page.locator('#user-id').textContent()) ?? '';
    assert.match(userId, /^8:acs:/);
    return { context, page, userId };
  }

  /** Alice and Bob signed in; their contexts close after `steps`. */
  async function aliceAndBob(steps: (alice: Person, bob: Person) => Promise<void>): Promise<void> {
    const alice = await signIn('Alice');
    const bob = await signIn('Bob');
    try {
      await steps(alice, bob);
    } finally {
      await alice.context.close();
      await bob.context.close();
    }
  }

  const phoneNumberOf = async (person: Person) => {
    const number = (await person.page.locator('#phone-number').textContent()) ?? '';
    assert.match(number, /^\+1\d{10}$/);
    return number;
  };

  test('a chat started with someone’s identifier appears for them, and messages go both ways', () =>
    aliceAndBob(async (alice, bob) => {
      await screenshot(alice.page, 'demo-1-signed-in');
      await alice.page.getByLabel('Their identifier').fill(bob.userId);
      await alice.page.getByRole('button', { name: 'Start chat' }).click();
      await untilOnPage(bob.page, 'the conversation at Bob', () => document.querySelectorAll('#threads button').length === 1);
      const aliceBox = alice.page.locator('acs-send-box textarea');
      await aliceBox.fill('Hello Bob!');
      await aliceBox.press('Enter');
      await untilOnPage(bob.page, 'Alice’s message at Bob', () =>
        window.__deepAll('[part~="content"]').some((el) => el.textContent?.includes('Hello Bob!')),
      );
      const bobBox = bob.page.locator('acs-send-box textarea');
      await bobBox.fill('Hi Alice, call me?');
      await bobBox.press('Enter');
      await untilOnPage(alice.page, 'Bob’s reply at Alice', () =>
        window.__deepAll('[part~="content"]').some((el) => el.textContent?.includes('call me?')),
      );
      await screenshot(alice.page, 'demo-2-chat-alice');
      await screenshot(bob.page, 'demo-3-chat-bob');
    }));

  test('a video call: each sees the other’s video, a mute shows at the other side, a hang-up ends it for both', (t) =>
    aliceAndBob(async (alice, bob) => {
      // One call's life in steps: each needs the call the step before left.
      await t.test('Bob accepts Alice’s call with video and both see the other’s video playing', async () => {
        await alice.page.locator('acs-call input[name="callee"]').fill(bob.userId);
        await alice.page.locator('acs-call [part~="start-call-button"]').click();
        await untilOnPage(bob.page, 'the incoming call prompt', () => window.__deep('[role="alertdialog"]') !== null);
        await screenshot(bob.page, 'demo-4-incoming-call');
        await bob.page.getByRole('button', { name: 'Accept with video' }).click();
        await alice.page.locator('acs-call-controls [part~="camera"]').click();
        // A tile's video element has decoded frames and moves on.
        const remoteVideoPlaying = () =>
          window.__deepAll('acs-video-tile:not([local])').some((tile) => {
            const v = tile.shadowRoot?.querySelector('video');
            return !!v && v.readyState >= 2 && v.videoWidth > 0 && v.currentTime > 0.5;
          });
        await untilOnPage(alice.page, 'Bob’s video playing at Alice', remoteVideoPlaying);
        await untilOnPage(bob.page, 'Alice’s video playing at Bob', remoteVideoPlaying);
        await screenshot(alice.page, 'demo-5-call-alice');
        await screenshot(bob.page, 'demo-6-call-bob');
      });

      await t.test('Bob mutes: Alice’s tile for Bob shows the muted icon', async () => {
        await bob.page.locator('acs-call-controls [part~="microphone"]').click();
        await untilOnPage(alice.page, 'Bob shown muted at Alice', () =>
          window.__deepAll('acs-video-tile:not([local])').some((tile) => tile.shadowRoot?.querySelector('[part~="mute-icon"]')),
        );
        await screenshot(alice.page, 'demo-7-bob-muted');
      });

      await t.test('Alice hangs up: both see the ended screen in words', async () => {
        await alice.page.locator('acs-call-controls [part~="hang-up"]').click();
        await untilOnPage(bob.page, 'the call ending at Bob', () =>
          /ended/i.test(window.__deep('acs-call-status')?.shadowRoot?.textContent ?? ''),
        );
        await untilOnPage(alice.page, 'the call ending at Alice', () =>
          /ended/i.test(window.__deep('acs-call-status')?.shadowRoot?.textContent ?? ''),
        );
        await screenshot(bob.page, 'demo-8-ended');
      });
    }));

  test('dialling someone’s number rings them with the caller’s number shown', () =>
    aliceAndBob(async (alice, bob) => {
      const aliceNumber = await phoneNumberOf(alice);
      const dial = alice.page.locator('acs-dial-pad input');
      await dial.fill(await phoneNumberOf(bob));
      await dial.press('Enter');
      await untilOnPage(bob.page, 'the phone call ringing at Bob', () => window.__deep('[role="alertdialog"]') !== null);
      const prompt = await bob.page.evaluate(() => window.__deep('[role="alertdialog"]')?.textContent ?? '');
      assert.ok(prompt.includes(aliceNumber), `the prompt shows the caller's number (${prompt.trim()})`);
      await screenshot(bob.page, 'demo-9-phone-call');
      await bob.page.getByRole('button', { name: 'Decline' }).click();
    }));

  test('a text to someone’s number appears in their list, and the sender’s is marked delivered', () =>
    aliceAndBob(async (alice, bob) => {
      await alice.page.locator('#sms-to').fill(await phoneNumberOf(bob));
      await alice.page.locator('#sms-text').fill('Running late!');
      await alice.page.getByRole('button', { name: 'Send text' }).click();
      await untilOnPage(
        bob.page,
        'the text at Bob',
        () => document.getElementById('sms-list')?.textContent?.includes('Running late!') === true,
      );
      await untilOnPage(
        alice.page,
        'the delivery report at Alice',
        () => document.getElementById('sms-list')?.textContent?.includes('delivered') === true,
      );
      await screenshot(bob.page, 'demo-10-text');
      // The app keeps its texts: after a reload both still see them, the sender's still delivered.
      for (const [person, expected] of [
        [bob, 'Running late!'],
        [alice, 'delivered'],
      ] as const) {
        await person.page.reload();
        await untilOnPage(person.page, 'the signed-in page', () => /ready/i.test(document.getElementById('status')?.textContent ?? ''));
        const list = (await person.page.getByRole('list', { name: 'Text messages' }).textContent()) ?? '';
        assert.ok(list.includes('Running late!') && list.includes(expected), list);
      }
    }));

  test('a reload signs straight back in with the stored token', async () => {
    const bob = await signIn('Bob');
    await bob.page.reload();
    await bob.page.locator('#signed-in').waitFor({ state: 'visible' });
    assert.equal(await bob.page.locator('#user-id').textContent(), bob.userId);
    await bob.context.close();
  });
});

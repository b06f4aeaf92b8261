import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemoServer } from '../../mock-server/demoServer.js';
import type { RunningService } from '../../mock-server/service.js';
import { launchBrowser, screenshot } from './browser.js';

interface Person {
  context: BrowserContext;
  page: Page;
  userId: string;
}

/** Polls a page-side check (which may look inside shadow roots) until it holds. */
async function until(page: Page, what: string, check: () => boolean): Promise<void> {
  await page.waitForFunction(check, undefined, { timeout: 30_000, polling: 100 }).catch((error: Error) => {
    throw new Error(`Timed out waiting for ${what}: ${error.message}`);
  });
}

/** Finds an element through every open shadow root of the page. */
const DEEP_QUERY = `
  window.__deep = (selector, root = document) => {
    const found = root.querySelector(selector);
    if (found) return found;
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) {
        const inner = window.__deep(selector, el.shadowRoot);
        if (inner) return inner;
      }
    }
    return null;
  };
  window.__deepAll = (selector, root = document, out = []) => {
    out.push(...root.querySelectorAll(selector));
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) window.__deepAll(selector, el.shadowRoot, out);
    return out;
  };
`;

declare global {
  interface Window {
    __deep(selector: string): HTMLElement | null;
    __deepAll(selector: string): HTMLElement[];
  }
}

describe('demo page end to end: two people chat and call from two browser contexts', () => {
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

  async function signIn(name: string): Promise<Person> {
    const context = await browser.newContext({ permissions: ['camera', 'microphone', 'clipboard-read', 'clipboard-write'] });
    await context.addInitScript(DEEP_QUERY);
    const page = await context.newPage();
    await page.goto(service.endpoint);
    await page.getByLabel('Display name').fill(name);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#signed-in').waitFor({ state: 'visible' });
    await until(page, 'the call agent', () => /ready/i.test(document.getElementById('status')?.textContent ?? ''));
    const userId = (await page.locator('#user-id').textContent()) ?? '';
    assert.match(userId, /^8:acs:/);
    return { context, page, userId };
  }

  test('sign in, chat both ways, call with video, mute, hang up', async () => {
    const alice = await signIn('Alice');
    const bob = await signIn('Bob');
    await screenshot(alice.page, 'demo-1-signed-in');

    // Chat: Alice starts a conversation with Bob's identifier; it appears for Bob by itself.
    await alice.page.getByLabel('Their identifier').fill(bob.userId);
    await alice.page.getByRole('button', { name: 'Start chat' }).click();
    await until(bob.page, 'the conversation at Bob', () => document.querySelectorAll('#threads button').length === 1);
    const aliceBox = alice.page.locator('acs-send-box textarea');
    await aliceBox.fill('Hello Bob!');
    await aliceBox.press('Enter');
    await until(bob.page, 'Alice’s message at Bob', () => window.__deepAll('[part~="content"]').some((el) => el.textContent?.includes('Hello Bob!')));
    const bobBox = bob.page.locator('acs-send-box textarea');
    await bobBox.fill('Hi Alice, call me?');
    await bobBox.press('Enter');
    await until(alice.page, 'Bob’s reply at Alice', () => window.__deepAll('[part~="content"]').some((el) => el.textContent?.includes('call me?')));
    await screenshot(alice.page, 'demo-2-chat-alice');
    await screenshot(bob.page, 'demo-3-chat-bob');

    // Call: Alice calls Bob's identifier from the call form; Bob accepts with video.
    await alice.page.locator('acs-call input[name="callee"]').fill(bob.userId);
    await alice.page.locator('acs-call [part~="start-call-button"]').click();
    await until(bob.page, 'the incoming call prompt', () => window.__deep('[role="alertdialog"]') !== null);
    await screenshot(bob.page, 'demo-4-incoming-call');
    await bob.page.getByRole('button', { name: 'Accept with video' }).click();
    await alice.page.locator('acs-call-controls [part~="camera"]').click();

    // Both see the other's video playing: a tile's video element has decoded frames and moves on.
    const remoteVideoPlaying = () =>
      window.__deepAll('acs-video-tile:not([local])').some((tile) => {
        const v = tile.shadowRoot?.querySelector('video');
        return !!v && v.readyState >= 2 && v.videoWidth > 0 && v.currentTime > 0.5;
      });
    await until(alice.page, 'Bob’s video playing at Alice', remoteVideoPlaying);
    await until(bob.page, 'Alice’s video playing at Bob', remoteVideoPlaying);
    await screenshot(alice.page, 'demo-5-call-alice');
    await screenshot(bob.page, 'demo-6-call-bob');

    // Mute: Bob mutes; Alice's tile for Bob shows the muted icon.
    await bob.page.locator('acs-call-controls [part~="microphone"]').click();
    await until(alice.page, 'Bob shown muted at Alice', () =>
      window.__deepAll('acs-video-tile:not([local])').some((tile) => tile.shadowRoot?.querySelector('[part~="mute-icon"]')),
    );
    await screenshot(alice.page, 'demo-7-bob-muted');

    // Hang up: Alice leaves; both see the ended screen in words.
    await alice.page.locator('acs-call-controls [part~="hang-up"]').click();
    await until(bob.page, 'the call ending at Bob', () => /ended/i.test(window.__deep('acs-call-status')?.shadowRoot?.textContent ?? ''));
    await until(alice.page, 'the call ending at Alice', () => /ended/i.test(window.__deep('acs-call-status')?.shadowRoot?.textContent ?? ''));
    await screenshot(bob.page, 'demo-8-ended');

    // Phone: Alice dials Bob's number; Bob's prompt shows Alice's number as the caller; Bob declines.
    const aliceNumber = (await alice.page.locator('#phone-number').textContent()) ?? '';
    const bobNumber = (await bob.page.locator('#phone-number').textContent()) ?? '';
    assert.match(aliceNumber, /^\+1\d{10}$/);
    assert.match(bobNumber, /^\+1\d{10}$/);
    const dial = alice.page.locator('acs-dial-pad input');
    await dial.fill(bobNumber);
    await dial.press('Enter');
    await until(bob.page, 'the phone call ringing at Bob', () => window.__deep('[role="alertdialog"]') !== null);
    const prompt = await bob.page.evaluate(() => window.__deep('[role="alertdialog"]')?.textContent ?? '');
    assert.ok(prompt.includes(aliceNumber), `the prompt shows the caller's number (${prompt.trim()})`);
    await screenshot(bob.page, 'demo-9-phone-call');
    await bob.page.getByRole('button', { name: 'Decline' }).click();

    // Text: Alice texts Bob's number; it appears in Bob's list, and Alice's is marked delivered.
    await alice.page.locator('#sms-to').fill(bobNumber);
    await alice.page.locator('#sms-text').fill('Running late!');
    await alice.page.getByRole('button', { name: 'Send text' }).click();
    await until(bob.page, 'the text at Bob', () => document.getElementById('sms-list')?.textContent?.includes('Running late!') === true);
    await until(alice.page, 'the delivery report at Alice', () => document.getElementById('sms-list')?.textContent?.includes('delivered') === true);
    await screenshot(bob.page, 'demo-10-text');

    // A reload signs straight back in with the stored token.
    await bob.page.reload();
    await bob.page.locator('#signed-in').waitFor({ state: 'visible' });
    assert.equal(await bob.page.locator('#user-id').textContent(), bob.userId);
    await alice.context.close();
    await bob.context.close();
  });
});

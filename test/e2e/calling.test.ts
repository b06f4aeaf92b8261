import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startDemoServer } from '../../mock-server/demoServer.js';
import type { RunningService } from '../../mock-server/service.js';
import { launchBrowser, screenshot } from './browser.js';

type HarnessState = { call: string; endCode?: number; remote: { state: string; name?: string; video: boolean; muted: boolean }[]; framesDecoded: number };

async function until(page: Page, check: (state: HarnessState) => boolean, what: string): Promise<HarnessState> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const state = await page.evaluate(() => window.harness.state());
    if (check(state)) return state;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last state ${JSON.stringify(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('calling end to end: two users in two browser contexts', () => {
  let service: RunningService;
  let browser: Browser;

  before(async () => {
    service = await startDemoServer({ pageFolders: ['test/e2e/harness'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await service?.close();
  });

  test('they call, see and hear each other, and hang up', async () => {
    const open = async (name: string) => {
      const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
      const page = await context.newPage();
      await page.goto(new URL('/test/e2e/harness/calling.html', service.endpoint).href);
      await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
      const { userId } = await page.evaluate((n) => window.harness.signIn(n), name);
      return { context, page, userId };
    };
    const alice = await open('Alice');
    const bob = await open('Bob');
    assert.notEqual(alice.userId, bob.userId);

    await alice.page.evaluate((id) => window.harness.startCall(id, true), bob.userId);
    await bob.page.waitForFunction(() => window.harness.hasIncomingCall());
    await bob.page.evaluate(() => window.harness.accept(true));

    const aliceSees = await until(alice.page, (s) => s.call === 'Connected' && s.remote[0]?.state === 'Connected' && s.remote[0].video, 'Alice connected with Bob’s video');
    assert.equal(aliceSees.remote[0]!.name, 'Bob');
    await until(bob.page, (s) => s.call === 'Connected' && s.remote[0]?.video === true, 'Bob connected with Alice’s video');

    for (const side of [alice, bob]) await side.page.evaluate(() => window.harness.showRemoteVideo());
    await until(alice.page, (s) => s.framesDecoded >= 5, 'frames of Bob’s video decoded at Alice');
    await until(bob.page, (s) => s.framesDecoded >= 5, 'frames of Alice’s video decoded at Bob');
    await screenshot(alice.page, 'calling-1-alice-sees-bob');
    await screenshot(bob.page, 'calling-2-bob-sees-alice');

    // Hearing: the fake microphone beeps; each side must receive sound, not silence.
    assert.ok((await alice.page.evaluate(() => window.harness.remoteAudioLevel(3000))) > 0.01, 'Alice hears Bob');
    assert.ok((await bob.page.evaluate(() => window.harness.remoteAudioLevel(3000))) > 0.01, 'Bob hears Alice');

    await bob.page.evaluate(() => window.harness.mute());
    await until(alice.page, (s) => s.remote[0]?.muted === true, 'Alice sees Bob muted');

    await alice.page.evaluate(() => window.harness.hangUp());
    const bobEnd = await until(bob.page, (s) => s.call === 'Disconnected', 'the call ending at Bob');
    assert.equal(bobEnd.endCode, 0);
    await alice.context.close();
    await bob.context.close();
  });
});

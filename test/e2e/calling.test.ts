import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { until } from '../kit/wait.js';
import { screenshot, withDemoAndBrowser } from './browser.js';

type HarnessState = {
  call: string;
  endCode?: number;
  remote: { state: string; name?: string; video: boolean; muted: boolean }[];
  framesDecoded: number;
};

/** The harness state once `check` holds for it (polled through the page). */
function stateWhen(page: Page, check: (state: HarnessState) => boolean, what: string): Promise<HarnessState> {
  let last: HarnessState | undefined;
  return until(
    async () => {
      last = await page.evaluate(() => window.harness.state());
      return check(last) ? last : undefined;
    },
    { what: () => `${what}; last state ${JSON.stringify(last)}`, intervalMs: 100, timeoutMs: 30_000 },
  );
}

describe('calling end to end: two users in two browser contexts', () => {
  const { service, browser } = withDemoAndBrowser({ pageFolders: ['test/e2e/harness'] });

  test('a call between Alice and Bob, step by step', async (t) => {
    const open = async (name: string) => {
      const context = await browser().newContext({ permissions: ['camera', 'microphone'] });
      const page = await context.newPage();
      await page.goto(new URL('/test/e2e/harness/calling.html', service().endpoint).href);
      await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
      const { userId } = await page.evaluate((n) => window.harness.signIn(n), name);
      return { context, page, userId };
    };
    const alice = await open('Alice');
    const bob = await open('Bob');
    assert.notEqual(alice.userId, bob.userId);
    // One call's life: each step needs the call the step before left.
    try {
      await t.test('Bob accepts Alice’s video call and both are connected with the other’s video', async () => {
        await alice.page.evaluate((id) => window.harness.startCall(id, true), bob.userId);
        await bob.page.waitForFunction(() => window.harness.hasIncomingCall());
        await bob.page.evaluate(() => window.harness.accept(true));
        const aliceSees = await stateWhen(
          alice.page,
          (s) => s.call === 'Connected' && s.remote[0]?.state === 'Connected' && s.remote[0].video,
          'Alice connected with Bob’s video',
        );
        assert.equal(aliceSees.remote[0]!.name, 'Bob');
        await stateWhen(bob.page, (s) => s.call === 'Connected' && s.remote[0]?.video === true, 'Bob connected with Alice’s video');
      });

      await t.test('each side decodes frames of the other’s video', async () => {
        for (const side of [alice, bob]) await side.page.evaluate(() => window.harness.showRemoteVideo());
        await stateWhen(alice.page, (s) => s.framesDecoded >= 5, 'frames of Bob’s video decoded at Alice');
        await stateWhen(bob.page, (s) => s.framesDecoded >= 5, 'frames of Alice’s video decoded at Bob');
        await screenshot(alice.page, 'calling-1-alice-sees-bob');
        await screenshot(bob.page, 'calling-2-bob-sees-alice');
      });

      await t.test('each side hears the other: the fake microphone’s beep, not silence', async () => {
        assert.ok((await alice.page.evaluate(() => window.harness.remoteAudioLevel(3000))) > 0.01, 'Alice hears Bob');
        assert.ok((await bob.page.evaluate(() => window.harness.remoteAudioLevel(3000))) > 0.01, 'Bob hears Alice');
      });

      await t.test('Bob mutes and Alice sees him muted', async () => {
        await bob.page.evaluate(() => window.harness.mute());
        await stateWhen(alice.page, (s) => s.remote[0]?.muted === true, 'Alice sees Bob muted');
      });

      await t.test('Alice hangs up and the call ends at Bob with code 0', async () => {
        await alice.page.evaluate(() => window.harness.hangUp());
        const bobEnd = await stateWhen(bob.page, (s) => s.call === 'Disconnected', 'the call ending at Bob');
        assert.equal(bobEnd.endCode, 0);
      });
    } finally {
      await alice.context.close();
      await bob.context.close();
    }
  });
});

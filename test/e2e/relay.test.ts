/**
 * Calls across networks, on one machine: coturn (started by the service, `turn`) relays the media
 * of two browser contexts whose agents may only use relay candidates. Needs coturn's `turnserver`
 * on PATH (Debian: apt-get install -y coturn; `.ci/run` installs it).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { COTURN_INSTALL_HINT, findTurnserver } from '../../mock-server/relay/coturn.js';
import { issueRelayCredentials } from '../../mock-server/relay/relayCredentials.js';
import { until } from '../kit/wait.js';
import { withDemoAndBrowser } from './browser.js';

if (!findTurnserver()) throw new Error(`The relay tests need coturn's turnserver on PATH. ${COTURN_INSTALL_HINT}`);

/** Short-lived calling credentials, so a call of a few seconds outlives several of them. */
const CALLING_TTL_SECONDS = 4;

type RelayState = { call: string; remote: { state: string; video: boolean }[]; framesDecoded: number; relayRefreshes: number };

function stateWhen(page: Page, check: (state: RelayState) => boolean, what: string): Promise<RelayState> {
  let last: RelayState | undefined;
  return until(
    async () => {
      last = await page.evaluate(() => window.relayHarness.state());
      return check(last) ? last : undefined;
    },
    { what: () => `${what}; last state ${JSON.stringify(last)}`, intervalMs: 100 },
  );
}

describe('calls through a TURN relay (coturn started by the service)', () => {
  const { service, browser } = withDemoAndBrowser({ pageFolders: ['test/e2e/harness'], turn: { callingTtlSeconds: CALLING_TTL_SECONDS } });

  const open = async (name: string) => {
    const context = await browser().newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    await page.goto(new URL('/test/e2e/harness/relay.html', service().endpoint).href);
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
    const userId = await page.evaluate((n) => window.relayHarness.signIn(n), name);
    return { context, page, userId };
  };

  test('relay forced: both sides select a relay/relay pair and decode frames; credentials refresh mid-call without dropping media', async (t) => {
    const alice = await open('Alice');
    const bob = await open('Bob');
    try {
      await alice.page.evaluate((id) => window.relayHarness.startCall(id), bob.userId);
      await bob.page.waitForFunction(() => window.relayHarness.hasIncomingCall());
      await bob.page.evaluate(() => window.relayHarness.accept());
      for (const side of [alice, bob]) {
        await stateWhen(
          side.page,
          (s) => s.call === 'Connected' && s.remote[0]?.state === 'Connected' && s.remote[0].video,
          'connected with video',
        );
        await side.page.evaluate(() => window.relayHarness.showRemoteVideo());
      }
      const first = { alice: '', bob: '' };
      await t.test('the selected candidate pair is relay/relay on both sides, frames decoded', async () => {
        for (const [name, side] of [
          ['alice', alice],
          ['bob', bob],
        ] as const) {
          await stateWhen(side.page, (s) => s.framesDecoded >= 10, `${name} decodes frames`);
          const stats = await until(async () => {
            const value = await side.page.evaluate(() => window.relayHarness.stats());
            return value.path !== 'unknown' ? value : undefined;
          }, `${name}'s selected candidate pair`);
          assert.equal(stats.path, 'relayed');
          assert.equal(stats.localCandidateType, 'relay', name);
          assert.equal(stats.remoteCandidateType, 'relay', name);
          assert.ok(stats.framesDecoded! > 0, `${name} decoded ${stats.framesDecoded}`);
          assert.equal(typeof stats.roundTripTimeMs, 'number');
          assert.ok(stats.packetLossFraction! >= 0 && stats.packetLossFraction! <= 1);
          assert.deepEqual(await side.page.evaluate(() => window.relayHarness.mediaStatsPaths()), ['relayed'], `${name}'s MediaStats`);
          first[name] = stats.turnUsername!;
          assert.match(first[name], /^\d+:/);
        }
      });

      await t.test(
        `the call outlives several ${CALLING_TTL_SECONDS} s credentials: new ones reach the connection, frames keep coming`,
        async () => {
          const expiry = Number(first.alice.split(':')[0]) * 1000;
          for (const [name, side] of [
            ['alice', alice],
            ['bob', bob],
          ] as const) {
            await stateWhen(side.page, (s) => s.relayRefreshes >= 2, `${name} fetches relay credentials twice`);
            // Past the first credentials' expiry by now (two refreshes at 3/4 of 4 s each).
            assert.ok(Date.now() > expiry, 'the first credentials have expired');
            const before = (await side.page.evaluate(() => window.relayHarness.state())).framesDecoded;
            await stateWhen(
              side.page,
              (s) => s.framesDecoded >= before + 30,
              `${name} still decodes frames after the first credentials expired`,
            );
            const stats = await side.page.evaluate(() => window.relayHarness.stats());
            assert.equal(stats.connectionState, 'connected', name);
            assert.equal(stats.path, 'relayed', name);
            assert.notEqual(stats.turnUsername, first[name], `${name}'s connection has new credentials`);
            assert.ok(Number(stats.turnUsername!.split(':')[0]) > Number(first[name].split(':')[0]));
          }
        },
      );
    } finally {
      await alice.page.evaluate(() => window.relayHarness.hangUp()).catch(() => undefined);
      await alice.context.close();
      await bob.context.close();
    }
  });

  test('good credentials give a relay candidate; wrong or expired ones a 401 icecandidateerror and none', async () => {
    const probe = await open('Probe');
    try {
      const { iceServers } = await probe.page.evaluate(() => window.relayHarness.callingConfig());
      const good = await probe.page.evaluate((servers) => window.relayHarness.probeTurn(servers, false), iceServers);
      assert.ok(good.types.includes('relay'), `good credentials: ${JSON.stringify(good)}`);

      const wrong = iceServers.map((server) => ({ ...server, credential: 'not-the-credential' }));
      const refused = await probe.page.evaluate((servers) => window.relayHarness.probeTurn(servers, true), wrong);
      assert.deepEqual(refused.types, [], JSON.stringify(refused));
      assert.ok(refused.errorCodes.includes(401), JSON.stringify(refused));
      assert.notEqual(refused.state, 'failed');

      const relay = service().relay!;
      const [stale] = issueRelayCredentials(relay, { user: probe.userId, ttlSeconds: 60, now: Date.now() - 3600_000 }).iceServers;
      const expired = await probe.page.evaluate(
        (servers) => window.relayHarness.probeTurn(servers, true),
        [{ urls: stale!.urls, username: stale!.username, credential: stale!.credential }],
      );
      assert.deepEqual(expired.types, [], JSON.stringify(expired));
      assert.ok(expired.errorCodes.includes(401), JSON.stringify(expired));
    } finally {
      await probe.context.close();
    }
  });
});

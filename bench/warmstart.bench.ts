import type { Page } from 'playwright-core';
import { startBrowserBench } from './lib/browser.js';
import type { Measurement } from './lib/results.js';
import { percentile } from './lib/stats.js';
import type { WarmStartState } from './pages/warmstart.js';

const RUNS = 6;
const TOKEN_REQUEST = /\/demo\/token(\/|$|\?)/;

interface Sample extends WarmStartState {
  tokenRequests: number;
}

/** Reloads the page (optionally after emptying its storage) and waits for its call agent. */
async function load(page: Page, counter: { count: number }, emptyStorageFirst: boolean): Promise<Sample> {
  if (emptyStorageFirst) await page.evaluate(() => window.warmstart.clear());
  counter.count = 0;
  await page.reload();
  await page.locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 20_000 });
  const state = await page.evaluate(() => window.warmstart.state);
  return { ...state, tokenRequests: counter.count };
}

/**
 * Warm start (issue: warm start): a reload with the token in the token store to a ready call agent,
 * and the token requests it made (none), next to a cold start (empty storage: sign-in through the
 * demo token route, then the agent) in the same page.
 */
export async function warmStart(): Promise<Measurement[]> {
  const bench = await startBrowserBench();
  try {
    const context = await bench.browser.newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    const counter = { count: 0 };
    page.on('request', (request) => {
      if (TOKEN_REQUEST.test(new URL(request.url()).pathname)) counter.count++;
    });
    // The first load signs in and warms the dev server's module transforms and the HTTP cache.
    await page.goto(bench.url('/bench/pages/warmstart.html'));
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 30_000 });
    await load(page, counter, false);
    const cold: Sample[] = [];
    const warm: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      cold.push(await load(page, counter, true));
      warm.push(await load(page, counter, false));
    }
    await context.close();
    const wrongPath = [...cold.filter((s) => s.path !== 'cold'), ...warm.filter((s) => s.path !== 'warm')];
    if (wrongPath.length > 0) throw new Error(`A load took the wrong path: ${JSON.stringify(wrongPath)}`);
    const measurements: Measurement[] = [];
    const common = `${RUNS} reloads each, alternating, one page (same HTTP cache; the cold one after emptying the token store and the current-user key)`;
    const metrics = [
      {
        metric: 'reload → call agent ready',
        pick: (s: Sample) => s.readyMs,
        what: 'navigation start to CallClient.createCallAgent resolved (credential from store.createTokenRefresher), page served by the Vite dev server',
      },
      {
        metric: 'script start → call agent ready',
        pick: (s: Sample) => s.readyMs - s.scriptStartMs,
        what: 'the same without loading the page’s modules: token store open, token (stored or requested), agent',
      },
    ];
    for (const { metric, pick, what } of metrics) {
      for (const p of [50, 99]) {
        measurements.push({
          suite: 'warmstart',
          metric: `${metric} ${p === 50 ? 'p50' : 'max'}`,
          unit: 'ms',
          ours: percentile(warm.map(pick), p),
          baselines: [{ name: 'cold start (empty storage: sign-in request + agent)', value: percentile(cold.map(pick), p) }],
          note: `${p === 50 ? 'median' : 'the slowest'}; ${what}; ${common}`,
        });
      }
    }
    measurements.push({
      suite: 'warmstart',
      metric: 'token requests per reload (most of any run)',
      unit: 'requests',
      ours: Math.max(...warm.map((s) => s.tokenRequests)),
      baselines: [{ name: 'cold start (empty storage)', value: Math.max(...cold.map((s) => s.tokenRequests)) }],
      note: 'requests to /demo/token* seen by the browser (playwright page.on("request")) from reload to agent ready; a warm start must make none',
    });
    return measurements;
  } finally {
    await bench.stop();
  }
}

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startBrowserBench } from './lib/browser.js';
import type { Measurement } from './lib/results.js';
import { median, percentile } from './lib/stats.js';

const PAGE = 'bench/pages/render.html';
const OPERATIONS = ['initial', 'append', 'update'] as const;
type Operation = (typeof OPERATIONS)[number];
/** One value in ms, or the samples of several runs. */
type Timing = number | number[];
type Contender = Record<Operation, Timing>;
interface RenderResult {
  ours: Contender;
  bare: Contender;
  /** Main-thread work (change, update, style and layout), when the page reports it. */
  work?: { ours: Contender; bare: Contender };
  /** Our first render of a thread ten times as long (its baseline is ours.initial). */
  oursLarge: { initial: Timing; work?: Timing };
  /** How many runs a single value is the median of (when the page says). */
  runs?: number;
}

const WHAT: Record<Operation, string> = {
  initial: 'render a thread of 1,000 messages',
  append: 'append one message to 1,000',
  update: 'update one message of 1,000',
};

/**
 * Chat thread render (issue: render): the page bench/pages/render.html exposes
 * `window.renderBench.run()`, which times our message thread and a bare Lit list of the same
 * messages in one page. Missing page: the suite fails and says so (it does not skip).
 */
export async function threadRender(): Promise<Measurement[]> {
  if (!existsSync(resolve(import.meta.dirname, '..', PAGE))) {
    throw new Error(`${PAGE} is missing: the render benchmark page (window.renderBench.run()) has to be added before this suite can run.`);
  }
  const bench = await startBrowserBench();
  try {
    const context = await bench.browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(bench.url(`/${PAGE}`));
    await page
      .waitForFunction(() => typeof (window as RenderWindow).renderBench?.run === 'function', undefined, { timeout: 20_000 })
      .catch((error: unknown) => {
        throw new Error(
          `${PAGE} did not define window.renderBench.run ${errors.length ? `(page errors: ${errors.join('; ')})` : ''}: ${String(error)}`,
        );
      });
    const result = await page.evaluate(() => (window as RenderWindow).renderBench!.run());
    await context.close();
    check(result);
    const measurements: Measurement[] = [];
    for (const operation of OPERATIONS) {
      const ours = result.ours[operation];
      const bare = result.bare[operation];
      const samples = Array.isArray(ours) && Array.isArray(bare);
      const runs = samples ? ours.length : result.runs;
      const runsText = runs ? `${runs} runs after a warm-up` : 'as the page reports it';
      // The page may report samples (then median and max here) or one value per step (its median).
      for (const p of samples && ours.length > 1 ? [50, 99] : [50]) {
        const pick = (timing: Timing) => (Array.isArray(timing) ? (p === 50 ? median(timing) : percentile(timing, p)) : timing);
        measurements.push({
          suite: 'render',
          metric: `${WHAT[operation]} ${p === 50 ? 'p50' : 'max'}`,
          unit: 'ms',
          ours: pick(ours),
          baselines: [{ name: 'bare Lit list (LitElement + repeat, same messages)', value: pick(bare) }],
          note: `${p === 50 ? 'median' : 'the slowest'} of ${runsText}; ${PAGE} in headless Chromium: from the change (element added / message received / message edited) through the element's update to the next animation frame; ours is <acs-message-thread> fed by ChatThreadSource`,
        });
      }
    }
    const runsText = result.runs ? `${result.runs} runs after a warm-up` : 'the runs the page reports';
    const value = (timing: Timing) => (Array.isArray(timing) ? median(timing) : timing);
    // Work well under a frame shows above only as the wait for the next frame: the work itself.
    if (result.work) {
      for (const operation of OPERATIONS) {
        measurements.push({
          suite: 'render',
          metric: `${WHAT[operation]}, main-thread work p50`,
          unit: 'ms',
          ours: value(result.work.ours[operation]),
          baselines: [{ name: 'bare Lit list (LitElement + repeat, same messages)', value: value(result.work.bare[operation]) }],
          note: `median of ${runsText}; ${PAGE} in headless Chromium: from the change through the element's update and the style and layout it needs (forced by reading the layout), without the wait for the next frame; paint is not included`,
        });
      }
    }
    // Does the cost grow with history? Ours at 10,000 messages next to ours at 1,000.
    const rows: [string, Timing | undefined, Timing | undefined, string][] = [
      ['', result.oursLarge.initial, result.ours.initial, 'to the next animation frame, as the first row'],
      [', main-thread work', result.oursLarge.work, result.work?.ours.initial, 'main-thread work, as above'],
    ];
    for (const [what, large, small, how] of rows) {
      if (large === undefined || small === undefined) continue;
      measurements.push({
        suite: 'render',
        metric: `render a thread of 10,000 messages${what} p50`,
        unit: 'ms',
        ours: value(large),
        baselines: [{ name: 'ours, a thread of 1,000 messages', value: value(small) }],
        note: `median of ${runsText}; ${PAGE} in headless Chromium, ${how}: <acs-message-thread> with ten times the history; a ratio near 1 means the cost does not grow with the thread's length`,
      });
    }
    return measurements;
  } finally {
    await bench.stop();
  }
}

function check(result: unknown): asserts result is RenderResult {
  const isTiming = (value: unknown) =>
    (typeof value === 'number' && Number.isFinite(value)) ||
    (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' && Number.isFinite(v)));
  const ok = (contender: unknown) =>
    typeof contender === 'object' && contender !== null && OPERATIONS.every((op) => isTiming((contender as Record<string, unknown>)[op]));
  const value = result as Partial<RenderResult> | undefined;
  if (!value || !ok(value.ours) || !ok(value.bare) || !isTiming(value.oursLarge?.initial)) {
    throw new Error(
      `window.renderBench.run() returned ${JSON.stringify(result)}; expected { ours: { initial, append, update }, bare: { … }, oursLarge: { initial } } in ms`,
    );
  }
}

/** The page's API, typed here without a global declaration (the page may declare its own). */
type RenderWindow = Window & { renderBench?: { run(): Promise<unknown> } };

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemoServer } from '../../mock-server/demoServer.js';
import type { RunningService } from '../../mock-server/service.js';
import { launchBrowser } from '../../test/e2e/browser.js';
import { track } from './cleanup.js';

export interface BrowserBench {
  /** The service with the demo page (Vite serves the repository, so `/bench/pages/*.html` load). */
  service: RunningService;
  browser: Browser;
  /** Absolute URL of a path on the service. */
  url(path: string): string;
  /**
   * A bench page in a fresh browser context (camera and microphone allowed, nothing shared with
   * another contender), once it says it is ready (`body[data-ready="true"]`). Close the context after.
   */
  openPage(path: string): Promise<{ context: BrowserContext; page: Page }>;
  /** Closes the browser, then the service; also done by the runner if the suite fails. */
  stop(): Promise<void>;
}

/**
 * The demo server and headless Chromium (fake camera and microphone) for a browser benchmark, both
 * registered with the bench's cleanup.
 */
export async function startBrowserBench(options: { turn?: boolean } = {}): Promise<BrowserBench> {
  // Benchmarks sign in many pages from one address: the demo's per-address throttle is not measured here.
  const service = await startDemoServer({
    pageFolders: ['bench/pages'],
    demoRateLimits: { createsPerWindow: 100_000, refreshesPerWindow: 100_000 },
    ...(options.turn ? { turn: true } : {}),
  });
  const stopService = track('demo server', () => service.close());
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await stopService();
    throw error;
  }
  const stopBrowser = track('browser', () => browser.close());
  return {
    service,
    browser,
    url: (path) => new URL(path, service.endpoint).href,
    async openPage(path) {
      const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
      const page = await context.newPage();
      await page.goto(new URL(path, service.endpoint).href);
      await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
      return { context, page };
    },
    async stop() {
      await stopBrowser();
      await stopService();
    },
  };
}

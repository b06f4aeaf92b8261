import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { type Browser, type Page, chromium } from 'playwright-core';
import { startDemoServer } from '../../mock-server/demoServer.js';
import type { RunningService } from '../../mock-server/service.js';
import { CHROMIUM_ARGS, HOW_TO_GET_A_BROWSER, findBrowser } from '../../scripts/find-browser.mjs';

/** Launches the same headless Chromium the browser tests use (fake camera and microphone). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findBrowser();
  if (!executablePath) throw new Error(HOW_TO_GET_A_BROWSER);
  return chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS.filter((arg) => !arg.startsWith('--headless')),
  });
}

const ARTIFACTS = join(process.cwd(), 'test-results', 'screenshots');

/** Saves a screenshot of a step as a test artifact (test-results/screenshots/NAME.png). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * The demo server (with `options`) and a browser, started before the enclosing describe block's
 * tests and closed after them. Returns getters: call them inside a test or hook.
 */
export function withDemoAndBrowser(options: Parameters<typeof startDemoServer>[0] = {}): {
  service: () => RunningService;
  browser: () => Browser;
} {
  let service: RunningService | undefined;
  let browser: Browser | undefined;
  before(async () => {
    service = await startDemoServer(options);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await service?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('withDemoAndBrowser(): only there inside a test or hook');
    return value;
  };
  return { service: () => started(service), browser: () => started(browser) };
}

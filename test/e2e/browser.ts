import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
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

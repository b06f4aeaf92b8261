/**
 * The demo as `npm start` serves it: the production build (minified, Lit in production mode),
 * from the built files alone. Its elements must be defined and work, which a bundler drops when a
 * module that defines an element is wrongly declared free of side effects (package.json
 * `sideEffects`), and its console must stay quiet (no Lit dev-mode warning, no 404s).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { RunningService } from '../../mock-server/service.js';
import { startStaticDemoServer } from '../../mock-server/staticDemoServer.js';
import { launchBrowser, screenshot } from './browser.js';
import { buildDemo } from './buildDemo.js';

describe('the production build of the demo', () => {
  let demoDir: string;
  let service: RunningService;
  let browser: Browser;

  before(async () => {
    demoDir = await buildDemo();
    service = await startStaticDemoServer({ demoDir });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await service?.close();
    rmSync(demoDir, { recursive: true, force: true });
  });

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    test(`signs in and shows the call and chat at ${viewport.width}×${viewport.height}, with a quiet console`, async () => {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const noise: string[] = [];
      page.on('console', (message) => {
        if (['error', 'warning'].includes(message.type())) noise.push(`${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => noise.push(error.message));
      await page.goto(service.endpoint);
      await page.getByLabel('Display name').fill('Alice');
      await page.getByRole('button', { name: 'Sign in' }).click();
      // Rendered by <acs-call> inside <acs-call-with-chat>: only there when the elements are defined.
      await page.getByRole('heading', { name: 'Start a call' }).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Start call', exact: true }).waitFor();
      assert.ok(
        await page.evaluate(() => ['acs-call-with-chat', 'acs-call', 'acs-chat', 'acs-dial-pad'].every((tag) => customElements.get(tag))),
      );
      await screenshot(page, `production-demo-${viewport.width}`);
      assert.deepEqual(noise, []);
      await context.close();
    });
  }
});

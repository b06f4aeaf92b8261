/**
 * `examples/stranger-app` as our users would have it: copied outside the repository, installed
 * from a fresh `npm pack`, and its own `npm test` run: its component tests in headless Chromium
 * through web-test-runner with the testing kit's plugin (`open-communication/testing`).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestRunnerPlugin } from '@web/test-runner';
import { communicationServicePlugin } from '../../mock-server/testing.js';
import { findBrowser } from '../../scripts/find-browser.mjs';
import { NPM, ROOT, npmInstall, packTarball, run } from './packTarball.js';

// The kit types its plugin structurally (no dependency on @web/test-runner); it still fits WTR's type.
const _plugin: TestRunnerPlugin = communicationServicePlugin();

const EXAMPLE = join(ROOT, 'examples', 'stranger-app');

describe('examples/stranger-app, installed from the tarball', () => {
  let work: string;
  let app: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'oc-example-'));
    app = join(work, 'stranger-app');
    const { tarball } = packTarball(work);
    cpSync(EXAMPLE, app, {
      recursive: true,
      filter: (source) => !['node_modules', 'package-lock.json'].includes(basename(source)),
    });
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    manifest.dependencies['open-communication'] = `file:${tarball}`;
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
    npmInstall(app);
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("its own npm test passes: the kit's service and users, <acs-chat> and <acs-call> in Chromium", () => {
    const browser = findBrowser();
    assert.ok(browser, 'a Chromium for the example tests');
    const printed = run(NPM, ['test'], app, { ...process.env, CHROME_PATH: browser, CI: 'true' });
    assert.match(printed, /\b3 passed, 0 failed\b/, printed);
  });
});

/**
 * The browser the end-to-end tests and benchmarks launch resolves no name but loopback, so neither
 * a test nor Chromium's own background requests reach beyond this machine. `*.localhost` names are
 * the probe: Chromium would resolve them to loopback by itself, so only the host-resolver rule makes
 * them fail.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { launchBrowser } from './browser.js';

test('the launched browser resolves 127.0.0.1 and localhost, and no other name', async () => {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    const reach = (host: string) =>
      page.evaluate(
        ([name, p]) =>
          fetch(`http://${name}:${p}/`, { mode: 'no-cors' }).then(
            () => 'reached',
            () => 'not resolved',
          ),
        [host, port] as const,
      );
    assert.equal(await reach('127.0.0.1'), 'reached');
    assert.equal(await reach('localhost'), 'reached');
    assert.equal(await reach('resolver-check.localhost'), 'not resolved');
  } finally {
    await browser.close();
    server.close();
  }
});

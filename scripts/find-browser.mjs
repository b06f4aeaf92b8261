#!/usr/bin/env node
// Finds a Chromium-family browser for the browser and end-to-end tests, or says exactly how to get one.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Flags for headless runs with fake camera and microphone, and no traffic beyond this machine. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--autoplay-policy=no-user-gesture-required',
  // Chromium resolves update and account hosts of its own even with the flags above: every name but
  // loopback fails to resolve, so nothing leaves this machine (pages on 127.0.0.1 and localhost work).
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

function playwrightChromiums() {
  const cache = process.env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), '.cache', 'ms-playwright');
  if (!existsSync(cache)) return [];
  return readdirSync(cache)
    .filter((entry) => entry.startsWith('chromium'))
    .sort()
    .reverse()
    .flatMap((entry) => [
      join(cache, entry, 'chrome-linux64', 'chrome'),
      join(cache, entry, 'chrome-linux', 'chrome'),
      join(cache, entry, 'chrome-linux', 'headless_shell'),
    ]);
}

/** The first browser found: CHROME_PATH, Debian's chromium, an installed Chrome, a Playwright cache. */
export function findBrowser() {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/google-chrome',
    '/opt/google/chrome/chrome',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    ...playwrightChromiums(),
  ].filter(Boolean);
  return candidates.find((path) => existsSync(path));
}

export const HOW_TO_GET_A_BROWSER = `No Chromium or Chrome found for the browser tests.
Looked at: $CHROME_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome(-stable),
/opt/google/chrome/chrome, and Playwright's cache (~/.cache/ms-playwright).
Get one, then run the tests again:
  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y chromium
  or point at any Chrome/Chromium:  CHROME_PATH=/path/to/chrome npm test`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const found = findBrowser();
  if (!found) {
    console.error(HOW_TO_GET_A_BROWSER);
    process.exit(1);
  }
  if (!process.argv.includes('--check')) console.log(found);
}

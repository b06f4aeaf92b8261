// The app's component tests: headless Chromium, bare imports resolved from node_modules, and the
// testing kit's plugin running an in-memory communication service for the run.
import { chromeLauncher } from '@web/test-runner-chrome';
import { communicationServicePlugin } from 'open-communication/testing';

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Nothing but this machine: every other host name fails to resolve.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

export default {
  files: ['test/**/*.test.js'],
  nodeResolve: true,
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS },
    }),
  ],
  plugins: [communicationServicePlugin()],
  testFramework: { config: { timeout: 20000 } },
};

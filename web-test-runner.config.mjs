// Browser tests in headless Chromium. Run through `npm run test:browser`, which loads tsx so this
// config can start the TypeScript service in-process for the tests to talk to.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, HOW_TO_GET_A_BROWSER, findBrowser } from './scripts/find-browser.mjs';
import { startService } from './mock-server/service.ts';

const executablePath = findBrowser();
if (!executablePath) {
  console.error(HOW_TO_GET_A_BROWSER);
  process.exit(1);
}

let service;

/**
 * `sdp` (under peerjs's webrtc-adapter) is imported as an ES module but is a script that assigns
 * `module.exports`. Vite converts such files; here a wrapper gives it its default export.
 * (@rollup/plugin-commonjs through @web/dev-server-rollup is broken for plugin versions > 18.)
 */
function sdpAsEsModule() {
  return {
    name: 'sdp-as-es-module',
    transform(context) {
      if (context.path.endsWith('/node_modules/sdp/sdp.js')) {
        return { body: `const module = { exports: {} };\n${context.body}\nexport default module.exports;\n` };
      }
      return undefined;
    },
  };
}

/** Starts an in-memory service for the run and tells the tests where it is (GET /__service.json). */
function servicePlugin() {
  return {
    name: 'communication-service',
    async serverStart({ config }) {
      service = await startService({
        demo: true,
        // The test pages are served from the runner's origin, not the service's.
        demoOrigins: [
          `http://${config.hostname ?? 'localhost'}:${config.port}`,
          `http://localhost:${config.port}`,
          `http://127.0.0.1:${config.port}`,
        ],
        // Every test file signs in from the one browser: the per-address throttle is not under test here.
        demoRateLimits: { createsPerWindow: 10_000, refreshesPerWindow: 10_000 },
        calling: { ringTimeoutMs: 3000, endpointGraceMs: 1500 },
      });
    },
    async serverStop() {
      await service?.close();
    },
    serve(context) {
      if (context.path === '/__service.json') {
        return {
          body: JSON.stringify({ endpoint: service.endpoint, connectionString: service.connectionString }),
          type: 'application/json',
        };
      }
      return undefined;
    },
  };
}

export default {
  files: ['test/browser/**/*.test.ts', 'test/ui/**/*.test.ts', 'src/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  browsers: [chromeLauncher({ launchOptions: { executablePath, headless: true, args: CHROMIUM_ARGS } })],
  plugins: [
    servicePlugin(),
    sdpAsEsModule(),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
  ],
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 300000,
};

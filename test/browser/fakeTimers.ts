import type * as FakeTimersModule from '@sinonjs/fake-timers';

/**
 * `@sinonjs/fake-timers` for the browser tests. The package ships CommonJS only, which the test
 * runner's dev server serves unchanged, so `import FakeTimers from '@sinonjs/fake-timers'` fails in
 * the browser ("does not provide an export named 'default'"). Its one runtime dependency in a
 * browser is `require('@sinonjs/commons').global` (the Node-only `timers` and `perf_hooks` requires
 * are wrapped in try/catch), so this evaluates the package's own source with a minimal `require`.
 *
 * Use it as the package: `import FakeTimers from './fakeTimers.js'`.
 */
async function loadFakeTimers(): Promise<typeof FakeTimersModule> {
  const url = new URL('../../node_modules/@sinonjs/fake-timers/src/fake-timers-src.js', import.meta.url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not load @sinonjs/fake-timers from ${url.href}: ${response.status}`);
  const source = await response.text();
  const module = { exports: {} as Record<string, unknown> };
  const require = (name: string): unknown => {
    if (name === '@sinonjs/commons') return { global: globalThis };
    throw new Error(`Cannot find module '${name}' in the browser.`);
  };
  new Function('module', 'exports', 'require', `${source}\n//# sourceURL=${url.href}`)(module, module.exports, require);
  return module.exports as unknown as typeof FakeTimersModule;
}

const FakeTimers = await loadFakeTimers();
export default FakeTimers;
export type { Clock } from '@sinonjs/fake-timers';

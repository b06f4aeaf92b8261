import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import serveStatic from 'serve-static';
import { ConfigurationError } from './http/errors.js';
import { sendJson } from './http/respond.js';
import { type RunningService, type ServiceOptions, startService } from './service.js';

/**
 * The demo built for production (`npm run build` → dist/demo): minified, Lit in production mode,
 * served from the service as plain files. Only that folder is served (no dot-files, no listings);
 * anything else is a 404. This is what `npm start` runs; `npm run dev` runs Vite instead.
 */
export async function startStaticDemoServer(
  options: Omit<ServiceOptions, 'demo' | 'fallback'> & {
    /** The built demo (default: dist/demo beside the service's sources or compiled files). */
    demoDir?: string;
  } = {},
): Promise<RunningService> {
  const { demoDir = defaultDemoDir(), ...serviceOptions } = options;
  if (!demoDir || !existsSync(resolve(demoDir, 'index.html'))) {
    throw new ConfigurationError(
      `The demo is not built${demoDir ? ` (no ${resolve(demoDir, 'index.html')})` : ''}: run npm run build, or npm run dev for the dev server.`,
    );
  }
  const root = resolve(demoDir);
  if (serviceOptions.dataDir && !relative(root, resolve(serviceOptions.dataDir)).startsWith('..')) {
    throw new ConfigurationError(
      `The data folder ${serviceOptions.dataDir} is inside what the demo serves (${root}); choose one outside it.`,
    );
  }
  const files = serveStatic(root, { dotfiles: 'deny', index: ['index.html'], redirect: false, fallthrough: true });
  return startService({
    ...serviceOptions,
    demo: true,
    fallback(req, res) {
      files(req, res, () => sendJson(res, 404, { error: { code: 'NotFound', message: 'Not found.' } }));
    },
  });
}

/** dist/demo beside mock-server/ (sources) or dist/lib/mock-server/ (compiled). */
function defaultDemoDir(): string | undefined {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return [resolve(here, '..', 'dist', 'demo'), resolve(here, '..', '..', 'demo')].find((dir) => existsSync(resolve(dir, 'index.html')));
}

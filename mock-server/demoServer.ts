import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { publicFiles } from './http/publicFiles.js';
import { ConfigurationError } from './http/errors.js';
import { sendJson } from './http/respond.js';
import { type RunningService, type ServiceOptions, startService } from './service.js';

/** The repository root: Vite's root, and what the public folders are relative to. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The service plus the demo page: Vite runs as middleware on the service's own HTTP server, so the
 * page, the API, the real-time channel and signalling share one origin and one port.
 */
export async function startDemoServer(
  options: Omit<ServiceOptions, 'demo' | 'fallback'> & {
    /**
     * Reload pages when source files change (the developer's `npm start`). Tests and benchmarks
     * turn it off: an edit elsewhere in the tree must not reload a page in the middle of a run.
     */
    watch?: boolean;
    /**
     * More folders of pages to serve, relative to the repository root (the end-to-end harness and
     * benchmark pages). The demo page, `src/` and the dependencies are always served; nothing else.
     */
    pageFolders?: string[];
  } = {},
): Promise<RunningService> {
  const { watch = false, pageFolders = [], ...serviceOptions } = options;
  const served = publicFiles(ROOT, pageFolders);
  if (serviceOptions.dataDir && served.serves(serviceOptions.dataDir)) {
    throw new ConfigurationError(
      `The data folder ${serviceOptions.dataDir} is inside what the demo serves; choose one outside ${served.folders.join(', ')}.`,
    );
  }
  let viteMiddleware: ((req: IncomingMessage, res: ServerResponse, next: () => void) => void) | undefined = undefined;
  const service = await startService({
    ...serviceOptions,
    demo: true,
    fallback(req, res) {
      const { pathname } = new URL(req.url ?? '/', 'http://service.invalid');
      if (!served.allows(pathname)) {
        sendJson(res, 404, { error: { code: 'NotFound', message: 'Not found.' } });
        return;
      }
      if (!viteMiddleware) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('The demo page is starting; reload in a moment.');
        return;
      }
      viteMiddleware(req, res, () => sendJson(res, 404, { error: { code: 'NotFound', message: 'Not found.' } }));
    },
  });
  const { createServer } = await import('vite');
  const vite = await createServer({
    configFile: new URL('../vite.config.ts', import.meta.url).pathname,
    root: ROOT,
    server: {
      ...(watch
        ? { middlewareMode: true, hmr: { server: service.httpServer } }
        : { middlewareMode: true, hmr: false, ws: false, watch: null }),
      // `/@fs/` URLs reach only the folders served: never the data folder, the service or config.
      fs: { strict: true, allow: [...served.folders, ...served.files] },
    },
    // No single-page fallback: a path that is no file is a 404, not the demo page.
    appType: 'mpa',
    logLevel: 'warn',
  });
  viteMiddleware = vite.middlewares;
  const closeService = service.close;
  return {
    ...service,
    async close() {
      await vite.close();
      await closeService();
    },
  };
}

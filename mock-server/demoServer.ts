import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RunningService, type ServiceOptions, startService } from './service.js';

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
  } = {},
): Promise<RunningService> {
  const { watch = false, ...serviceOptions } = options;
  let viteMiddleware: ((req: IncomingMessage, res: ServerResponse, next: () => void) => void) | undefined =
    undefined;
  const service = await startService({
    ...serviceOptions,
    demo: true,
    fallback(req, res) {
      if (!viteMiddleware) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('The demo page is starting; reload in a moment.');
        return;
      }
      viteMiddleware(req, res, () => res.writeHead(404).end());
    },
  });
  const { createServer } = await import('vite');
  const vite = await createServer({
    configFile: new URL('../vite.config.ts', import.meta.url).pathname,
    root: new URL('..', import.meta.url).pathname,
    server: watch
      ? { middlewareMode: true, hmr: { server: service.httpServer } }
      : { middlewareMode: true, hmr: false, ws: false, watch: null },
    appType: 'spa',
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

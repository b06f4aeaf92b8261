import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendJson } from './respond.js';

/** Where the bundles are served. */
export const SDK_PATH = '/sdk/';

/**
 * The self-contained browser bundles built by `npm run build:sdk` (dist/sdk), served to pages of any
 * origin: `<script type="module" src="https://service/sdk/ui.js">`. The stable names (`ui.js`,
 * `ui-chat.js`, `ui-call.js`) are one-line modules re-exporting the content-hashed files, revalidated
 * on every load; the hashed files are cached for a year. Brotli or gzip, precompressed, by what the
 * browser accepts. Only files the build wrote are reachable: the request names a key of a table
 * built at start, never a path on disk.
 *
 * Public code, fetched as module scripts by other origins: these answers carry
 * `access-control-allow-origin: *` (no credentials are involved) and nothing else here does.
 */
export class SdkFiles {
  readonly #files = new Map<string, { path: string; type: string }>();
  readonly #stubs = new Map<string, { text: string; etag: string }>();
  readonly available: boolean;

  constructor(dir = defaultSdkDir()) {
    const manifestPath = dir ? join(dir, 'manifest.json') : undefined;
    this.available = manifestPath !== undefined && existsSync(manifestPath);
    if (!this.available || !dir) return;
    const manifest = JSON.parse(readFileSync(manifestPath!, 'utf8')) as Record<string, string>;
    for (const path of filesUnder(dir)) {
      if (!path.endsWith('.js')) continue;
      this.#files.set(relative(dir, path).split(sep).join('/'), { path, type: 'text/javascript; charset=utf-8' });
    }
    for (const [name, file] of Object.entries(manifest)) {
      if (this.#files.has(file)) this.#stubs.set(name, { text: `export * from './${file}';\n`, etag: `"${file}"` });
    }
  }

  /** The stable names served (`ui.js`, …). */
  get entries(): string[] {
    return [...this.#stubs.keys()];
  }

  /** Answers a GET or HEAD under /sdk/. */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('cross-origin-resource-policy', 'cross-origin');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendJson(res, 405, { error: { code: 'MethodNotAllowed', message: 'Allowed methods: GET, HEAD.' } });
      return;
    }
    const name = pathname.slice(SDK_PATH.length);
    const stub = this.#stubs.get(name);
    if (stub !== undefined) {
      const { text, etag } = stub;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag, 'cache-control': 'no-cache' }).end();
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-cache',
        etag,
        'content-length': Buffer.byteLength(text),
      });
      res.end(req.method === 'HEAD' ? undefined : text);
      return;
    }
    const file = this.#files.get(name);
    if (!file) {
      const message = this.available
        ? `No bundle ${name.slice(0, 200)}: the bundles are ${this.entries.join(', ')}.`
        : 'The browser bundles are not built: run npm run build.';
      sendJson(res, 404, { error: { code: 'NotFound', message } });
      return;
    }
    const accepted = String(req.headers['accept-encoding'] ?? '');
    const encoding = /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : undefined;
    const path = encoding ? `${file.path}.${encoding === 'br' ? 'br' : 'gz'}` : file.path;
    const body = readFileSync(existsSync(path) ? path : file.path);
    res.writeHead(200, {
      'content-type': file.type,
      'cache-control': 'public, max-age=31536000, immutable',
      vary: 'accept-encoding',
      ...(encoding && existsSync(path) ? { 'content-encoding': encoding } : {}),
      'content-length': body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

/** dist/sdk beside the service's sources (mock-server/) or its compiled files (dist/lib/mock-server/). */
function defaultSdkDir(): string | undefined {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return [join(here, '..', '..', 'dist', 'sdk'), join(here, '..', '..', '..', 'sdk')].find((dir) => existsSync(join(dir, 'manifest.json')));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

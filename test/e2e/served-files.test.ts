/**
 * What `npm start` serves: the demo page, the client code and its dependencies, and nothing else.
 * The service runs as its own process exactly as `npm start` runs it (`--demo`), with its data
 * folder inside the repository (where `.data` lives by default), and is asked for the secrets, the
 * database, the TLS key, the service's sources and the repository's config under every spelling
 * an attacker would try, with and without an Origin of another site.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { recordFigures } from '../kit/figures.js';
import { buildDemo } from './buildDemo.js';
import { type ServiceProcess, startServiceProcess } from '../kit/serviceProcess.js';

const ROOT = resolve(import.meta.dirname, '../..');
const EVIL = 'http://evil.example';
const figures = { requestsAttempted: 0, refused: 0, withCorsHeaders: 0, modes: 0 };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends the path exactly as written (fetch would normalise it), optionally from another origin. */
function get(endpoint: string, path: string, origin?: string, method = 'GET', host?: string): Promise<Answer> {
  const url = new URL(endpoint);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolvePromise, reject) => {
    const req = send(
      {
        host: url.hostname,
        port: url.port,
        path,
        method,
        headers: { ...(origin ? { origin } : {}), ...(host ? { host } : {}) },
        rejectUnauthorized: false, // the service's own self-signed certificate, on loopback
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Paths outside the public files, each as an attacker would spell it. */
function attackPaths(dataFolder: string): string[] {
  const data = `/${dataFolder}`;
  const encoded = `/%2e${dataFolder.slice(1)}`;
  return [
    `${data}/secrets.json`,
    `${data}/service.db`,
    `${data}/service.db-wal`,
    `${data}/service.db-shm`,
    `${data}/tls/key.pem`,
    `${data}/tls/cert.pem`,
    `${encoded}/secrets.json`,
    `${encoded}/service.db`,
    `/%252e${dataFolder.slice(1)}/secrets.json`,
    `${data}%2fsecrets.json`,
    `/src/..%2f${dataFolder}/secrets.json`,
    `/src/%2e%2e/${dataFolder}/secrets.json`,
    `/node_modules/../${dataFolder}/secrets.json`,
    `/@fs${ROOT}/${dataFolder}/secrets.json`,
    `/@fs${ROOT}/${dataFolder}/tls/key.pem`,
    `/@fs${ROOT}/package.json`,
    `/@fs/etc/passwd`,
    `/@id/__x00__${ROOT}/mock-server/secrets.ts?worker`,
    `/@id/__x00__${ROOT}/${dataFolder}/secrets.json`,
    `/@id/${ROOT}/mock-server/secrets.ts`,
    `//evil.example/${dataFolder}/secrets.json`,
    `${data}/secrets.json?import`,
    `${data}/secrets.json?raw`,
    '/.data/secrets.json',
    '/mock-server/service.ts',
    '/mock-server/secrets.ts',
    '/mock-server/main.ts',
    '/%6dock-server/secrets.ts',
    '/package.json',
    '/package-lock.json',
    '/tsconfig.json',
    '/vite.config.ts',
    '/eslint.config.js',
    '/web-test-runner.config.mjs',
    '/README.md',
    '/.git/config',
    '/.git/HEAD',
    '/.ci/run',
    '/.gitignore',
    '/node_modules/.package-lock.json',
    '/scripts/find-browser.mjs',
    '/test/kit/serverHelpers.ts',
    '/test/service/auth.test.ts',
    '/bench/run.ts',
    '/test/e2e/harness/calling.html',
  ];
}

/** The built demo for the production modes, made once for the file. */
let builtDemo: Promise<string> | undefined;
const demoBuild = (): Promise<string> => (builtDemo ??= buildDemo());

const MODES = [
  { name: 'npm start (the production build)', production: true, https: false },
  { name: 'npm start --https (the production build)', production: true, https: true },
  { name: 'npm run dev (Vite)', production: false, https: false },
  { name: 'npm run dev --https (Vite)', production: false, https: true },
];

for (const { name, production, https } of MODES) {
  /** A file of the page's code that the mode serves. */
  let code = '/src/demo/main.ts';
  describe(`${name} serves only the public files`, () => {
    let service: ServiceProcess;
    let dataDir: string;

    before(async () => {
      // A data folder inside the repository root, as the default `.data` is.
      dataDir = mkdtempSync(join(ROOT, '.data-served-test-'));
      const demo = production ? ['--demo', '--demo-dir', await demoBuild()] : ['--demo', '--dev'];
      service = await startServiceProcess([...demo, '--data', dataDir, ...(https ? ['--https'] : [])]);
      if (production) code = /src="(\/assets\/[^"]+\.js)"/.exec((await get(service.endpoint, '/')).body)![1]!;
      assert.ok(existsSync(join(dataDir, 'secrets.json')) && existsSync(join(dataDir, 'service.db')));
      if (https) assert.ok(existsSync(join(dataDir, 'tls', 'key.pem')));
    });

    after(async () => {
      await service?.kill();
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('the demo page and its client code are served (so the refusals below are not a dead server)', async () => {
      const page = await get(service.endpoint, '/');
      assert.equal(page.status, 200);
      assert.match(page.body, /<title>Open Communication/);
      const script = await get(service.endpoint, code);
      assert.equal(script.status, 200, code);
      if (production) {
        assert.ok(!script.body.includes('Lit is in dev mode'), 'Lit in production mode');
        // Minified: long lines (Lit's templates keep their own line breaks, so not one line).
        assert.ok(script.body.length / script.body.split('\n').length > 80, 'minified');
      }
    });

    test('the data folder, the sources and the config are 404, from this origin and from another', async () => {
      const served: string[] = [];
      for (const path of attackPaths(basename(dataDir))) {
        for (const origin of [undefined, EVIL]) {
          const answer = await get(service.endpoint, path, origin);
          figures.requestsAttempted++;
          if (answer.status === 404) figures.refused++;
          if (answer.headers['access-control-allow-origin'] !== undefined) figures.withCorsHeaders++;
          if (answer.status !== 404) served.push(`${path} (origin ${origin ?? 'none'}): ${answer.status}`);
          assert.equal(answer.headers['access-control-allow-origin'], undefined, `${path} carries CORS headers`);
          assert.ok(!answer.body.includes(service.accessKey), `${path} leaked the access key`);
        }
      }
      assert.deepEqual(served, [], 'paths that were not refused');
      figures.modes++;
      recordFigures('served-files', figures);
    });

    test('a rebound host name (DNS rebinding) gets 421 for the page and its code; the API still answers', async () => {
      const { port } = new URL(service.endpoint);
      for (const path of ['/', '/index.html', code]) {
        const answer = await get(service.endpoint, path, `http://evil.example:${port}`, 'GET', `evil.example:${port}`);
        assert.equal(answer.status, 421, path);
      }
      assert.equal((await get(service.endpoint, '/', undefined, 'GET', `localhost:${port}`)).status, 200);
      const api = await get(service.endpoint, '/chat/threads?api-version=2025-03-15', undefined, 'GET', `evil.example:${port}`);
      assert.equal(api.status, 401, 'the API needs a credential, whatever the host');
    });

    test('a path that is no file is a 404, not the demo page', async () => {
      const answer = await get(service.endpoint, '/src/no-such-file.ts');
      assert.equal(answer.status, 404);
    });

    test('static and dev-server responses carry no CORS headers; API routes do', async () => {
      for (const path of ['/', code, '/index.html']) {
        const answer = await get(service.endpoint, path, EVIL);
        assert.equal(answer.status, 200, path);
        assert.equal(answer.headers['access-control-allow-origin'], undefined, path);
      }
      const preflight = await get(service.endpoint, code, EVIL, 'OPTIONS');
      assert.equal(preflight.headers['access-control-allow-origin'], undefined, 'preflight on a file');
      const api = await get(service.endpoint, '/chat/threads?api-version=2025-03-15', EVIL);
      assert.equal(api.status, 401);
      assert.equal(api.headers['access-control-allow-origin'], EVIL);
      const apiPreflight = await get(service.endpoint, '/chat/threads', EVIL, 'OPTIONS');
      assert.equal(apiPreflight.status, 204);
      assert.equal(apiPreflight.headers['access-control-allow-origin'], EVIL);
    });
  });
}

after(async () => {
  if (builtDemo) rmSync(await builtDemo, { recursive: true, force: true });
});

describe('the demo server refuses a data folder inside what it serves', () => {
  test('--data under src/ does not start, and writes no secrets there', async () => {
    const inside = join(ROOT, 'src', `.data-refused-${process.pid}`);
    try {
      await assert.rejects(startServiceProcess(['--demo', '--dev', '--data', inside]), /inside what the demo serves/);
      assert.equal(existsSync(join(inside, 'secrets.json')), false);
    } finally {
      rmSync(inside, { recursive: true, force: true });
    }
  });
});

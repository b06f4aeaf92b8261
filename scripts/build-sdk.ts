// `npm run build:sdk`: the self-contained browser bundles the service serves at /sdk/ — every
// component (`ui.js`), one per composite (`ui-chat.js`, `ui-call.js`) and the clients alone
// (`client.js`) — for a page of any origin
// and any stack: `<script type="module" src="https://service/sdk/ui.js">`. Every dependency is
// inside (no bare imports), Lit in production mode, minified; files are named by content hash and
// precompressed (gzip, brotli); manifest.json maps the stable names to the hashed files.
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'vite';

const ROOT = resolve(import.meta.dirname, '..');
export const SDK_DIR = join(ROOT, 'dist', 'sdk');

/** Stable name → entry module. */
export const SDK_ENTRIES = {
  /** Every client (identity, chat, calling, SMS, phone numbers), no UI. */
  client: 'src/index.ts',
  ui: 'src/ui/index.ts',
  'ui-chat': 'src/ui/chat.ts',
  'ui-call': 'src/ui/calling.ts',
} as const;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

export async function buildSdk(outDir = SDK_DIR): Promise<Record<string, string>> {
  rmSync(outDir, { recursive: true, force: true });
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production'; // packages' production exports (Lit without dev warnings)
  let output;
  try {
    output = await build({
      configFile: false,
      mode: 'production',
      root: ROOT,
      logLevel: 'warn',
      build: {
        target: 'es2022',
        minify: true,
        outDir,
        emptyOutDir: true,
        copyPublicDir: false,
        modulePreload: false,
        reportCompressedSize: false,
        rollupOptions: {
          input: Object.fromEntries(Object.entries(SDK_ENTRIES).map(([name, file]) => [name, join(ROOT, file)])),
          preserveEntrySignatures: 'strict',
          output: { format: 'es', entryFileNames: '[name]-[hash].js', chunkFileNames: 'chunks/[name]-[hash].js' },
        },
      },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  const results = Array.isArray(output) ? output : [output];
  const manifest: Record<string, string> = {};
  for (const result of results) {
    if (!('output' in result)) continue;
    for (const chunk of result.output) {
      if (chunk.type === 'chunk' && chunk.isEntry) manifest[`${chunk.name}.js`] = chunk.fileName;
    }
  }
  for (const file of filesUnder(outDir)) {
    if (!file.endsWith('.js')) continue;
    const content = readFileSync(file);
    writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
    writeFileSync(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const manifest = await buildSdk();
  for (const [name, file] of Object.entries(manifest)) {
    const gzip = statSync(join(SDK_DIR, `${file}.gz`)).size;
    console.log(`${name.padEnd(12)} → ${relative(ROOT, join(SDK_DIR, file))} (${(gzip / 1024).toFixed(1)} KB gzip)`);
  }
}

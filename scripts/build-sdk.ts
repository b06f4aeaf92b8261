// `npm run build:sdk`: the self-contained browser bundles the service serves at /sdk/ — every
// component (`ui.js`), one per composite (`ui-chat.js`, `ui-call.js`) and the clients alone
// (`client.js`) — for a page of any origin
// and any stack: `<script type="module" src="https://service/sdk/ui.js">`. Every dependency is
// inside (no bare imports), Lit in production mode, minified; files are named by content hash and
// precompressed (gzip, brotli); manifest.json maps the stable names to the hashed files.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { filesUnder, productionBundle } from './productionBundle.js';

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

export async function buildSdk(outDir = SDK_DIR): Promise<Record<string, string>> {
  rmSync(outDir, { recursive: true, force: true });
  const chunks = await productionBundle({
    input: Object.fromEntries(Object.entries(SDK_ENTRIES).map(([name, file]) => [name, join(ROOT, file)])),
    outDir,
    logLevel: 'warn',
    output: { format: 'es', entryFileNames: '[name]-[hash].js', chunkFileNames: 'chunks/[name]-[hash].js' },
  });
  const manifest: Record<string, string> = {};
  for (const chunk of chunks) if (chunk.isEntry) manifest[`${chunk.name}.js`] = chunk.fileName;
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

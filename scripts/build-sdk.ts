// `npm run build:sdk`: the self-contained browser bundles the service serves at /sdk/ — every
// component (`ui.js`), one per composite (`ui-chat.js`, `ui-call.js`) and the clients alone
// (`client.js`) — for a page of any origin
// and any stack: `<script type="module" src="https://service/sdk/ui.js">`. Every dependency is
// inside (no bare imports), Lit in production mode, minified; files are named by content hash and
// precompressed (gzip, brotli); manifest.json maps the stable names to the hashed files.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Rollup } from 'vite';
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
  return (await writeSdk(outDir)).manifest;
}

/** Builds the bundles; also gives the chunks, for the sizes the command prints. */
async function writeSdk(outDir: string): Promise<{ manifest: Record<string, string>; chunks: Rollup.OutputChunk[] }> {
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
  return { manifest, chunks };
}

/**
 * What a page that loads one bundle downloads (gzip, as served): the entry with the chunks it
 * imports statically, and the chunks its `import()`s load later, as needed (the clients when a
 * component makes its own, PeerJS with the first call).
 */
function loadedBy(chunks: Rollup.OutputChunk[], outDir: string, entryFile: string): { upFront: number; lazy: number } {
  const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const gzip = (fileName: string) => statSync(join(outDir, `${fileName}.gz`)).size;
  const reach = (start: string[], via: (chunk: Rollup.OutputChunk) => string[]) => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const next of via(byFile.get(file)!)) visit(next);
    };
    for (const file of start) visit(file);
    return seen;
  };
  const upFront = reach([entryFile], (chunk) => chunk.imports);
  const all = reach([entryFile], (chunk) => [...chunk.imports, ...chunk.dynamicImports]);
  const sum = (files: Iterable<string>) => [...files].reduce((total, file) => total + gzip(file), 0);
  return { upFront: sum(upFront), lazy: sum([...all].filter((file) => !upFront.has(file))) };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { manifest, chunks } = await writeSdk(SDK_DIR);
  const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
  for (const [name, file] of Object.entries(manifest)) {
    const { upFront, lazy } = loadedBy(chunks, SDK_DIR, file);
    console.log(
      `${name.padEnd(12)} → ${relative(ROOT, join(SDK_DIR, file))}: loads ${kB(upFront)} gzip${lazy ? `, then up to ${kB(lazy)} as needed` : ''}`,
    );
  }
}

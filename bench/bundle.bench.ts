import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Plugin, type Rollup, build } from 'vite';
import { inProductionMode, outputChunks, productionBundle } from '../scripts/productionBundle.js';
import { type BundleBreakdown, type ChunkSize, chunkSizes, writeBreakdown } from './lib/bundleBreakdown.js';
import type { Measurement } from './lib/results.js';

const ROOT = resolve(import.meta.dirname, '..');
const VIRTUAL = 'virtual:bench-entry';

/** An entry point: a file of ours, or a one-line module re-exporting a package (a baseline). */
type Entry = { file: string } | { source: string };

interface Size {
  minified: number;
  gzip: number;
}

interface Bundle {
  /** Every JavaScript chunk, lazy ones included. */
  all: Size;
  /** The entry chunk and the chunks it imports statically: what loads before any `import()` runs. */
  upFront: Size;
  /** The stylesheets a page links (the demo page only). */
  css?: Size;
  chunks: ChunkSize[];
}

function total(chunks: ChunkSize[]): Size {
  return chunks.reduce((sum, chunk) => ({ minified: sum.minified + chunk.minified, gzip: sum.gzip + chunk.gzip }), {
    minified: 0,
    gzip: 0,
  });
}

function measured(chunks: ChunkSize[], what: string): Bundle {
  if (chunks.length === 0) throw new Error(`The build of ${what} wrote no JavaScript.`);
  return { all: total(chunks), upFront: total(chunks.filter((chunk) => chunk.upFront)), chunks };
}

/**
 * Builds one entry the way an application would get it: Vite's production build (Rolldown, minified,
 * target es2022, browser resolution), every dependency bundled, the entry's exports kept (so nothing
 * a user of the module could import is tree-shaken away), our Lit templates minified (as for /sdk/). Written to a temporary folder; the sizes are
 * sums over the JavaScript chunks, gzip at node:zlib's default level, chunk by chunk: all of them, and
 * those loaded up front (the entry and its static imports; not what an `import()` loads later).
 */
async function bundle(entry: Entry): Promise<Bundle> {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
  try {
    const plugins: Plugin[] =
      'source' in entry
        ? [
            {
              name: 'bench-entry',
              resolveId: (id) => (id === VIRTUAL ? `\0${VIRTUAL}` : undefined),
              load: (id) => (id === `\0${VIRTUAL}` ? entry.source : undefined),
            },
          ]
        : [];
    const chunks = await productionBundle({ input: 'source' in entry ? VIRTUAL : join(ROOT, entry.file), outDir, plugins });
    return measured(
      chunkSizes(chunks, (chunk) => chunk.isEntry),
      JSON.stringify(entry),
    );
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * The demo page as `npm run build` makes it (vite.config.ts, index.html): the scripts the built page
 * loads up front, the chunks it loads later, and its stylesheet.
 */
async function demoPage(): Promise<Bundle> {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-demo-'));
  try {
    const result = await inProductionMode(() =>
      build({
        configFile: join(ROOT, 'vite.config.ts'),
        root: ROOT,
        logLevel: 'silent',
        mode: 'production',
        build: { outDir, emptyOutDir: true, reportCompressedSize: false },
      }),
    );
    const outputs = (Array.isArray(result) ? result : [result]).flatMap((output) => ('output' in output ? output.output : []));
    const css = outputs
      .filter((file): file is Rollup.OutputAsset => file.type === 'asset' && file.fileName.endsWith('.css'))
      .reduce((sum, file) => ({ minified: sum.minified + Buffer.byteLength(file.source), gzip: sum.gzip + gzipSync(file.source).length }), {
        minified: 0,
        gzip: 0,
      });
    const page = measured(
      chunkSizes(outputChunks(result), (chunk) => chunk.isEntry && chunk.facadeModuleId === join(ROOT, 'index.html')),
      'index.html',
    );
    return { ...page, css };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

const BASELINES = {
  peerjs: { name: 'peerjs alone (its Peer class)', entry: { source: "export { Peer } from 'peerjs';" } },
  lit: { name: 'lit alone (the lit package entry)', entry: { source: "export * from 'lit';" } },
  litAndPeerjs: {
    name: 'lit + peerjs (one bundle)',
    entry: { source: "export * from 'lit';\nexport { Peer } from 'peerjs';" },
  },
  officialIdentity: {
    name: 'official @azure/communication-identity',
    entry: { source: "export * from '@azure/communication-identity';" },
  },
  officialChat: { name: 'official @azure/communication-chat', entry: { source: "export * from '@azure/communication-chat';" } },
} satisfies Record<string, { name: string; entry: Entry }>;

type BaselineKey = keyof typeof BASELINES;

/** Our entry points, each with its baselines (the first gives the ratio) and why those. */
const OURS: {
  name: string;
  /** A module of ours, or the demo page as built. */
  file: string;
  baselines: BaselineKey[];
  /** Baselines of the "up front" row, written for an entry with lazy chunks (default: `baselines`). */
  upFrontBaselines?: BaselineKey[];
  why: string;
  /** Its chunks and modules go to bench-results/bundle-modules.md. */
  breakdown?: boolean;
}[] = [
  {
    name: 'open-communication (the root entry: every client, no UI)',
    file: 'src/index.ts',
    baselines: ['officialIdentity', 'officialChat'],
    why: 'identity, chat, calling, SMS and phone numbers together; the official identity and chat SDKs for scale',
  },
  {
    name: 'identity',
    file: 'src/identity/index.ts',
    baselines: ['officialIdentity', 'lit'],
    why: 'the official SDK it re-implements is the baseline; lit, the size of a small browser library, is listed too',
  },
  {
    name: 'chat',
    file: 'src/chat/index.ts',
    baselines: ['officialChat', 'lit'],
    why: 'the official SDK it re-implements is the baseline; lit, the size of a small browser library, is listed too',
  },
  {
    name: 'sms',
    file: 'src/sms/index.ts',
    baselines: ['lit'],
    why: 'a small REST client: lit is the size reference of a small browser library',
  },
  {
    name: 'phone-numbers',
    file: 'src/phoneNumbers/index.ts',
    baselines: ['lit'],
    why: 'a small REST client: lit is the size reference of a small browser library',
  },
  {
    name: 'calling',
    file: 'src/calling/index.ts',
    baselines: ['peerjs'],
    upFrontBaselines: ['lit'],
    why: 'contains peerjs (loaded with the first call): the ratio shows what calling adds on top of it',
  },
  {
    name: 'ui (every component)',
    file: 'src/ui/index.ts',
    baselines: ['litAndPeerjs', 'lit'],
    upFrontBaselines: ['lit'],
    why: 'built on lit; the chat and calling clients the components drive load when a component makes its own (the calling engine also to list devices), peerjs with the first call',
    breakdown: true,
  },
  {
    name: 'ui/chat (the chat components, `<acs-chat>`)',
    file: 'src/ui/chat.ts',
    baselines: ['lit'],
    why: 'what a chat-only page loads: lit and the chat components up front, the chat client when `<acs-chat>` makes its own; no calling code, no peerjs',
    breakdown: true,
  },
  {
    name: 'ui/call (the calling components, `<acs-call>`, `<acs-call-with-chat>`)',
    file: 'src/ui/calling.ts',
    baselines: ['litAndPeerjs', 'lit'],
    upFrontBaselines: ['lit'],
    why: 'built on lit; the calling engine loads when a component makes an agent or lists devices, peerjs with the first call',
    breakdown: true,
  },
  {
    name: 'demo page (index.html as `npm run build` makes it)',
    file: 'index.html',
    baselines: ['litAndPeerjs', 'lit'],
    upFrontBaselines: ['lit'],
    why: 'the scripts the built demo page loads (src/demo/main.ts with the components it defines and the clients)',
    breakdown: true,
  },
];

const kB = (bytes: number) => bytes / 1000;

/**
 * Bundle size (issue: bundle) of each entry point, minified and gzipped, next to the official SDKs, peerjs
 * and lit; for an entry with lazy chunks also what loads up front. Writes bench-results/bundle-modules.md.
 */
export async function bundleSize(): Promise<Measurement[]> {
  const baselineSizes = new Map<BaselineKey, Size>();
  for (const key of Object.keys(BASELINES) as BaselineKey[]) baselineSizes.set(key, (await bundle(BASELINES[key].entry)).all);
  const baselinesOf = (keys: BaselineKey[], kind: keyof Size) =>
    keys.map((key) => ({ name: BASELINES[key].name, value: kB(baselineSizes.get(key)![kind]) }));
  const measurements: Measurement[] = [];
  const breakdowns: BundleBreakdown[] = [];
  const how =
    'Vite production build as /sdk/ is built (every dependency bundled, the exports kept, Lit templates minified), JS only, gzip level 6';
  for (const ours of OURS) {
    const demo = ours.file === 'index.html';
    const size = demo ? await demoPage() : await bundle({ file: ours.file });
    if (ours.breakdown) breakdowns.push({ name: `${ours.name} (${ours.file})`, chunks: size.chunks });
    const lazy = size.chunks.length > size.chunks.filter((chunk) => chunk.upFront).length;
    const label = `${ours.name} (${ours.file})`;
    const cssNote = size.css ? `; the page’s stylesheet adds ${kB(size.css.gzip).toFixed(2)} kB minified + gzip` : '';
    const source = demo ? 'Vite production build of the page (vite.config.ts, Lit templates minified), JS only, gzip level 6' : how;
    if (lazy) {
      measurements.push({
        suite: 'bundle',
        metric: `${label}, loaded up front, minified + gzip`,
        unit: 'kB',
        ours: kB(size.upFront.gzip),
        baselines: baselinesOf(ours.upFrontBaselines ?? ours.baselines, 'gzip'),
        note: `${source}; the entry chunk and what it imports statically, not the chunks an import() loads later (${kB(size.all.gzip - size.upFront.gzip).toFixed(2)} kB); ${ours.why}${cssNote}`,
      });
    }
    for (const kind of ['gzip', 'minified'] as const) {
      measurements.push({
        suite: 'bundle',
        metric: `${label}${lazy ? ', with lazy chunks' : ''}, ${kind === 'gzip' ? 'minified + gzip' : 'minified'}`,
        unit: 'kB',
        ours: kB(size.all[kind]),
        baselines: baselinesOf(ours.baselines, kind),
        note: `${source}${lazy ? ', every chunk' : ''}; ${ours.why}${kind === 'gzip' ? cssNote : ''}; chunks and modules in bench-results/bundle-modules.md`,
      });
    }
  }
  writeBreakdown(breakdowns);
  return measurements;
}

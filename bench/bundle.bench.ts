import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { filesUnder, productionBundle } from '../scripts/productionBundle.js';
import type { Measurement } from './lib/results.js';

const ROOT = resolve(import.meta.dirname, '..');
const VIRTUAL = 'virtual:bench-entry';

/** An entry point: a file of ours, or a one-line module re-exporting a package (a baseline). */
type Entry = { file: string } | { source: string };

interface Size {
  minified: number;
  gzip: number;
}

/**
 * Builds one entry the way an application would get it: Vite's production build (Rolldown, minified,
 * target es2022, browser resolution), every dependency bundled, the entry's exports kept (so nothing
 * a user of the module could import is tree-shaken away). Written to a temporary folder; the sizes are
 * the sum over the JavaScript files (all chunks), gzip at node:zlib's default level, file by file.
 */
async function bundle(entry: Entry): Promise<Size> {
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
    await productionBundle({ input: 'source' in entry ? VIRTUAL : join(ROOT, entry.file), outDir, plugins });
    const size: Size = { minified: 0, gzip: 0 };
    for (const file of filesUnder(outDir)) {
      if (!file.endsWith('.js')) continue;
      const bytes = readFileSync(file);
      size.minified += bytes.length;
      size.gzip += gzipSync(bytes).length;
    }
    if (size.minified === 0) throw new Error(`The build of ${JSON.stringify(entry)} wrote no JavaScript.`);
    return size;
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
const OURS: { name: string; file: string; baselines: BaselineKey[]; why: string }[] = [
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
    why: 'contains peerjs: the ratio shows what calling adds on top of it',
  },
  {
    name: 'ui',
    file: 'src/ui/index.ts',
    baselines: ['lit', 'litAndPeerjs'],
    why: 'built on lit, the ratio is over lit alone; the components also bundle the calling (with peerjs) and chat clients they drive, so lit + peerjs is listed too',
  },
  {
    name: 'ui/chat (chat components only)',
    file: 'src/ui/chat.ts',
    baselines: ['lit'],
    why: 'what a chat-only page loads: lit and the chat client, no peerjs',
  },
  {
    name: 'ui/call (calling components)',
    file: 'src/ui/calling.ts',
    baselines: ['litAndPeerjs'],
    why: 'built on lit and peerjs (peerjs loads with the first call)',
  },
  {
    name: 'demo',
    file: 'src/demo/main.ts',
    baselines: ['lit', 'peerjs'],
    why: 'the demo page’s script (index.html); compared with lit, with peerjs listed too',
  },
];

/** Bundle size (issue: bundle) of each entry point, minified and gzipped, next to peerjs and lit alone. */
export async function bundleSize(): Promise<Measurement[]> {
  const baselineSizes = new Map<BaselineKey, Size>();
  for (const key of Object.keys(BASELINES) as BaselineKey[]) baselineSizes.set(key, await bundle(BASELINES[key].entry));
  const measurements: Measurement[] = [];
  for (const ours of OURS) {
    const size = await bundle({ file: ours.file });
    for (const kind of ['gzip', 'minified'] as const) {
      measurements.push({
        suite: 'bundle',
        metric: `${ours.name} (${ours.file}), ${kind === 'gzip' ? 'minified + gzip' : 'minified'}`,
        unit: 'kB',
        ours: size[kind] / 1000,
        baselines: ours.baselines.map((key) => ({ name: BASELINES[key].name, value: baselineSizes.get(key)![kind] / 1000 })),
        note: `Vite production build of the entry with every dependency bundled and its exports kept, JS only, gzip level 6; ${ours.why}`,
      });
    }
  }
  return measurements;
}

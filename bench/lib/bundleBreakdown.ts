// What a bundle is made of: which chunks load up front and which later, and, chunk by chunk, how
// much each package and each of our folders adds. The bundle benchmark writes it for the UI entries
// and the demo page (bench-results/bundle-modules.md and .json), so one can see what an entry pulls
// in without a separate visualiser.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Rollup, minifySync } from 'vite';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ChunkSize {
  fileName: string;
  /** Loaded with the entry (the entry chunk and what it imports statically), or only when an `import()` runs. */
  upFront: boolean;
  minified: number;
  gzip: number;
  /** The chunk's modules grouped by {@link areaOf}, largest first. */
  areas: AreaSize[];
  modules: ModuleSize[];
}

export interface AreaSize {
  area: string;
  /** Estimated: the chunk's minified + gzip size shared out in proportion to each module's rendered length. */
  gzip: number;
  modules: number;
}

export interface ModuleSize {
  id: string;
  area: string;
  /** The module's code as the bundler rendered it into the chunk (tree-shaken, not yet minified). */
  rendered: number;
  /** That code minified on its own (an estimate: names shared across modules are not mangled). */
  minified: number;
  /** Estimated share of the chunk's minified + gzip size (in proportion to `rendered`). */
  gzip: number;
}

export interface BundleBreakdown {
  name: string;
  chunks: ChunkSize[];
}

/** A readable name for a module id: `src/…` for ours, the package for a dependency. */
function moduleName(id: string): string {
  const clean = id.replace(/^\0/, '').replace(/\?.*$/, '');
  const nodeModules = clean.lastIndexOf('/node_modules/');
  if (nodeModules >= 0) return clean.slice(nodeModules + '/node_modules/'.length);
  return clean.startsWith(ROOT) ? relative(ROOT, clean) : clean;
}

const LIT_PACKAGES = new Set(['lit', 'lit-html', 'lit-element', '@lit/reactive-element']);
const PEERJS_PACKAGES = new Set(['peerjs', 'peerjs-js-binarypack', 'webrtc-adapter', 'sdp', '@msgpack/msgpack', 'eventemitter3']);

/**
 * The area a module belongs to: a package (Lit's packages together, PeerJS with what it bundles),
 * one of our top-level folders (`src/chat`), or a UI folder (`src/ui/message-thread`).
 */
export function areaOf(id: string): string {
  const name = moduleName(id);
  if (id.includes('/node_modules/')) {
    const parts = name.split('/');
    const pkg = name.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
    if (LIT_PACKAGES.has(pkg)) return 'lit';
    if (PEERJS_PACKAGES.has(pkg)) return 'peerjs (with webrtc-adapter, sdp, msgpack)';
    return pkg;
  }
  const parts = name.split('/');
  if (parts[0] === 'src') return parts.slice(0, parts[1] === 'ui' && parts.length > 3 ? 3 : 2).join('/');
  return 'bundler helpers';
}

/** Sizes of every chunk of one build, each marked up front (reached from an entry by static imports) or lazy. */
export function chunkSizes(chunks: Rollup.OutputChunk[], isEntry: (chunk: Rollup.OutputChunk) => boolean): ChunkSize[] {
  const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const upFront = new Set<string>();
  const visit = (fileName: string): void => {
    if (upFront.has(fileName)) return;
    upFront.add(fileName);
    for (const imported of byFile.get(fileName)?.imports ?? []) visit(imported);
  };
  for (const chunk of chunks) if (isEntry(chunk)) visit(chunk.fileName);
  return chunks.map((chunk) => {
    const minified = Buffer.byteLength(chunk.code);
    const gzip = gzipSync(chunk.code).length;
    const rendered = Object.values(chunk.modules).reduce((sum, module) => sum + module.renderedLength, 0) || 1;
    const modules: ModuleSize[] = Object.entries(chunk.modules)
      .filter(([, module]) => module.renderedLength > 0)
      .map(([id, module]) => ({
        id: moduleName(id),
        area: areaOf(id),
        rendered: module.renderedLength,
        minified: minifiedAlone(module.code ?? ''),
        gzip: (gzip * module.renderedLength) / rendered,
      }))
      .sort((a, b) => b.rendered - a.rendered);
    const areas = new Map<string, AreaSize>();
    for (const module of modules) {
      const area = areas.get(module.area) ?? { area: module.area, gzip: 0, modules: 0 };
      area.gzip += module.gzip;
      area.modules += 1;
      areas.set(module.area, area);
    }
    return {
      fileName: chunk.fileName,
      upFront: upFront.has(chunk.fileName),
      minified,
      gzip,
      areas: [...areas.values()].sort((a, b) => b.gzip - a.gzip),
      modules,
    };
  });
}

function minifiedAlone(code: string): number {
  if (code === '') return 0;
  try {
    return Buffer.byteLength(minifySync('module.js', code, { module: true, compress: false, mangle: true }).code);
  } catch {
    return Buffer.byteLength(code);
  }
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`;

export function breakdownMarkdown(bundles: BundleBreakdown[]): string {
  const lines = [
    '# What each bundle is made of',
    '',
    'Written by `npm run bench -- bundle`. Per chunk: up front (the entry and what it imports statically) or lazy',
    '(loaded by an `import()`), its minified and minified + gzip size; then by area and by module. Area and module',
    'gzip figures are estimates: the chunk’s minified + gzip size shared out in proportion to each module’s rendered',
    'length. "minified alone" is the module’s code minified by itself (names shared across modules kept).',
    '',
  ];
  for (const bundle of bundles) {
    const upFront = bundle.chunks.filter((chunk) => chunk.upFront);
    const sum = (chunks: ChunkSize[], key: 'gzip' | 'minified') => chunks.reduce((total, chunk) => total + chunk[key], 0);
    lines.push(
      `## ${bundle.name}`,
      '',
      `Up front ${kB(sum(upFront, 'gzip'))} minified + gzip (${kB(sum(upFront, 'minified'))} minified); ` +
        `with lazy chunks ${kB(sum(bundle.chunks, 'gzip'))} (${kB(sum(bundle.chunks, 'minified'))}).`,
      '',
    );
    for (const chunk of [...bundle.chunks].sort((a, b) => Number(b.upFront) - Number(a.upFront) || b.gzip - a.gzip)) {
      lines.push(
        `### ${chunk.upFront ? 'up front' : 'lazy'}: ${chunk.fileName} — ${kB(chunk.gzip)} minified + gzip, ${kB(chunk.minified)} minified`,
        '',
        '| area | modules | minified + gzip (est.) | share |',
        '| --- | --- | --- | --- |',
        ...chunk.areas.map(
          (area) => `| ${area.area} | ${area.modules} | ${kB(area.gzip)} | ${((100 * area.gzip) / chunk.gzip).toFixed(1)} % |`,
        ),
        '',
        '<details><summary>modules</summary>',
        '',
        '| module | rendered | minified alone | minified + gzip (est.) |',
        '| --- | --- | --- | --- |',
        ...chunk.modules.map((module) => `| ${module.id} | ${kB(module.rendered)} | ${kB(module.minified)} | ${kB(module.gzip)} |`),
        '',
        '</details>',
        '',
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function writeBreakdown(bundles: BundleBreakdown[], folder = 'bench-results'): string[] {
  mkdirSync(folder, { recursive: true });
  const json = join(folder, 'bundle-modules.json');
  const markdown = join(folder, 'bundle-modules.md');
  const rounded = bundles.map((bundle) => ({
    ...bundle,
    chunks: bundle.chunks.map((chunk) => ({
      ...chunk,
      areas: chunk.areas.map((area) => ({ ...area, gzip: Math.round(area.gzip) })),
      modules: chunk.modules.map((module) => ({ ...module, gzip: Math.round(module.gzip) })),
    })),
  }));
  writeFileSync(json, `${JSON.stringify(rounded, null, 2)}\n`);
  writeFileSync(markdown, breakdownMarkdown(bundles));
  return [json, markdown];
}

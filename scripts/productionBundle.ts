// One way to bundle entries for browsers as an application would get them, shared by the /sdk/
// bundles (scripts/build-sdk.ts) and the bundle-size benchmark: Vite's production build (Rolldown,
// minified, target es2022, browser resolution), every dependency inside, the entries' exports kept,
// the text of our Lit templates minified (scripts/minifyLitTemplates.ts), and `import()` left plain
// (no Vite preload helper, see plainDynamicImports).
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Plugin, type Rollup, build } from 'vite';
import { minifyLitTemplates } from './minifyLitTemplates.js';

const ROOT = resolve(import.meta.dirname, '..');

/** The module Vite wraps every `import()` of a build in. */
const PRELOAD_HELPER = '\0vite/preload-helper.js';

/**
 * Vite wraps each `import()` in its preload helper (about 0.9 kB gzip per entry), which adds
 * `<link>` tags for the imported chunk's CSS and modulepreload dependencies, resolved against the
 * root of the page's origin, and dispatches `vite:preloadError` on the page's window when a chunk
 * fails. These bundles have no CSS, build with `modulePreload: false` (the helper always gets an
 * empty list) and run on pages of other origins, where that event belongs to the page's own build:
 * so the helper is replaced by one that just calls the import.
 */
function plainDynamicImports(): Plugin {
  return {
    name: 'plain-dynamic-imports',
    enforce: 'pre',
    resolveId: (id) => (id === PRELOAD_HELPER ? id : undefined),
    load: (id) => (id === PRELOAD_HELPER ? 'export const __vitePreload = (load) => load();' : undefined),
  };
}

export interface ProductionBundleOptions {
  /** Entry modules (absolute paths or a plugin's virtual ids), by chunk name or alone. */
  input: string | Record<string, string>;
  outDir: string;
  plugins?: Plugin[];
  /** Output naming, e.g. content hashes. */
  output?: Rollup.OutputOptions;
  logLevel?: 'warn' | 'silent';
}

export async function productionBundle(options: ProductionBundleOptions): Promise<Rollup.OutputChunk[]> {
  return inProductionMode(async () =>
    outputChunks(
      await build({
        configFile: false,
        mode: 'production',
        root: ROOT,
        logLevel: options.logLevel ?? 'silent',
        plugins: [minifyLitTemplates(), plainDynamicImports(), ...(options.plugins ?? [])],
        build: {
          target: 'es2022',
          minify: true,
          outDir: options.outDir,
          emptyOutDir: true,
          copyPublicDir: false,
          modulePreload: false,
          reportCompressedSize: false,
          rollupOptions: { input: options.input, preserveEntrySignatures: 'strict', ...(options.output ? { output: options.output } : {}) },
        },
      }),
    ),
  );
}

/**
 * Runs a Vite build with NODE_ENV=production. A Vite dev server started earlier in the same process
 * (the browser benchmarks) sets NODE_ENV=development, which would resolve packages' development
 * exports (Lit's dev build).
 */
export async function inProductionMode<T>(run: () => Promise<T>): Promise<T> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    return await run();
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

/** The JavaScript chunks of a build's output. */
export function outputChunks(result: Awaited<ReturnType<typeof build>>): Rollup.OutputChunk[] {
  return (Array.isArray(result) ? result : [result]).flatMap((output) =>
    'output' in output ? output.output.filter((chunk): chunk is Rollup.OutputChunk => chunk.type === 'chunk') : [],
  );
}

/** Every file below a folder. */
export function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((dirent) =>
    dirent.isDirectory() ? filesUnder(join(dirent.parentPath, dirent.name)) : [join(dirent.parentPath, dirent.name)],
  );
}

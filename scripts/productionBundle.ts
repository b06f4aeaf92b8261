// One way to bundle entries for browsers as an application would get them, shared by the /sdk/
// bundles (scripts/build-sdk.ts) and the bundle-size benchmark: Vite's production build (Rolldown,
// minified, target es2022, browser resolution), every dependency inside, the entries' exports kept,
// and the text of our Lit templates minified (scripts/minifyLitTemplates.ts).
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Plugin, type Rollup, build } from 'vite';
import { minifyLitTemplates } from './minifyLitTemplates.js';

const ROOT = resolve(import.meta.dirname, '..');

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
        plugins: [minifyLitTemplates(), ...(options.plugins ?? [])],
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

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** Builds the demo as `npm run build` does (Vite's production build of index.html) into a new temporary folder. */
export async function buildDemo(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'oc-demo-build-'));
  const { build } = await import('vite');
  await build({
    configFile: join(ROOT, 'vite.config.ts'),
    root: ROOT,
    logLevel: 'silent',
    mode: 'production',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

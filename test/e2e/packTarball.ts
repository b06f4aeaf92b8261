/**
 * The package as a stranger gets it, for the end-to-end tests that install it outside the
 * repository: build and `npm pack` into a folder, and run commands there.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs a command to completion and returns its output; on failure the error carries all of it. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

/** A packed tarball and the files it holds. */
export interface PackedTarball {
  /** Absolute path of the `.tgz`. */
  tarball: string;
  /** Paths inside the package, e.g. `dist/lib/src/index.js`. */
  files: string[];
}

/** Builds the package (what `prepack` does) and packs it into `destination`. */
export function packTarball(destination: string): PackedTarball {
  // prepack on its own, so that its output stays out of pack's JSON.
  run(NPM, ['run', 'prepack'], ROOT);
  const [packed] = JSON.parse(run(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], ROOT)) as {
    filename: string;
    files: { path: string }[];
  }[];
  return { tarball: join(destination, packed!.filename), files: packed!.files.map((f) => f.path) };
}

/** `npm install` in a project outside the repository, from the cache where it can. */
export function npmInstall(project: string): void {
  run(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline'], project);
}

#!/usr/bin/env node
// `npm start`: the service and the demo page as a user would deploy them — the compiled service and
// the production build of the demo. Builds first when the build is missing or older than a source,
// so a fresh clone needs only `npm install` and `npm start`. Extra arguments go to the service
// (`npm start -- --port 0 --memory`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const STAMP = join(ROOT, 'dist', '.built');
const SOURCES = [
  'src',
  'mock-server',
  'scripts/build-sdk.ts',
  'index.html',
  'vite.config.ts',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
];

/** The newest modification time of a file or anything under a folder. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
const stale = SOURCES.map((source) => join(ROOT, source)).filter((path) => existsSync(path) && newest(path) > built);
if (stale.length > 0) {
  console.log(
    built
      ? `Rebuilding: ${stale.map((path) => path.slice(ROOT.length + 1)).join(', ')} changed.`
      : 'Building the service and the demo (first start)…',
  );
  const build = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

const service = spawn(process.execPath, [join(ROOT, 'dist', 'lib', 'mock-server', 'main.js'), '--demo', ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => service.kill(signal));
service.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

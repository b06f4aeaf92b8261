/**
 * What the chat-only bundles are made of: `open-communication/ui/chat` (src/ui/chat.ts) bundled as an
 * application's bundler would, and the /sdk/ui-chat.js bundle, must reach no calling code and no
 * PeerJS, not even through a lazy `import()`: a chat page never needs them. The calling bundles
 * are checked the same way to show that the check finds PeerJS where it is.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Rollup } from 'vite';
import { SDK_ENTRIES } from '../../scripts/build-sdk.js';
import { productionBundle } from '../../scripts/productionBundle.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Modules a chat-only bundle must not contain. */
const CALLING = [/\/node_modules\/peerjs\//, /\/node_modules\/webrtc-adapter\//, /\/src\/calling\//];
/** A string in PeerJS's own code (its logger's prefix), should a module id ever be renamed. */
const PEERJS_MARKER = 'PeerJS: ';

/** Every chunk an entry can load: its own, what it imports statically, and what its `import()`s load. */
function reachable(chunks: Rollup.OutputChunk[], entryName: string): Rollup.OutputChunk[] {
  const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const entry = chunks.find((chunk) => chunk.isEntry && chunk.name === entryName);
  assert.ok(entry, `no entry chunk named ${entryName}`);
  const seen = new Map<string, Rollup.OutputChunk>();
  const visit = (chunk: Rollup.OutputChunk): void => {
    if (seen.has(chunk.fileName)) return;
    seen.set(chunk.fileName, chunk);
    for (const file of [...chunk.imports, ...chunk.dynamicImports]) {
      const next = byFile.get(file);
      if (next) visit(next);
    }
  };
  visit(entry);
  return [...seen.values()];
}

function callingModulesIn(chunks: Rollup.OutputChunk[]): string[] {
  const modules = chunks.flatMap((chunk) => Object.keys(chunk.modules));
  const found = modules.filter((id) => CALLING.some((pattern) => pattern.test(id)));
  if (chunks.some((chunk) => chunk.code.includes(PEERJS_MARKER))) found.push(`the string ${JSON.stringify(PEERJS_MARKER)}`);
  return found.map((id) => id.replace(`${ROOT}/`, ''));
}

describe('the chat-only bundles', () => {
  const folders: string[] = [];
  const build = async (input: string | Record<string, string>) => {
    const outDir = mkdtempSync(join(tmpdir(), 'oc-bundle-contents-'));
    folders.push(outDir);
    return productionBundle({ input, outDir });
  };
  let sdk: Rollup.OutputChunk[];

  before(async () => {
    sdk = await build(Object.fromEntries(Object.entries(SDK_ENTRIES).map(([name, file]) => [name, join(ROOT, file)])));
  });

  after(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  test('open-communication/ui/chat, bundled by an application, contains no calling code and no PeerJS', async () => {
    const chunks = await build({ chat: join(ROOT, 'src/ui/chat.ts') });
    assert.deepEqual(callingModulesIn(reachable(chunks, 'chat')), []);
  });

  test('/sdk/ui-chat.js reaches no calling code and no PeerJS, while /sdk/ui-call.js and /sdk/ui.js do load PeerJS', () => {
    assert.deepEqual(callingModulesIn(reachable(sdk, 'ui-chat')), []);
    for (const name of ['ui-call', 'ui']) {
      const found = callingModulesIn(reachable(sdk, name));
      assert.ok(
        found.some((id) => id.includes('node_modules/peerjs/')),
        `${name}: the check should find PeerJS (found ${found.length} calling modules)`,
      );
    }
  });
});

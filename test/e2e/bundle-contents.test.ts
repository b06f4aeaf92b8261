/**
 * What the chat-only bundles are made of: `open-communication/ui/chat` (src/ui/chat.ts) bundled as an
 * application's bundler would, and the /sdk/ui-chat.js bundle, must reach no calling code and no
 * PeerJS, not even through a lazy `import()`: a chat page never needs them. The calling bundles
 * are checked the same way to show that the check finds PeerJS where it is.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { transform } from 'lightningcss';
import ts from 'typescript';
import type { Rollup } from 'vite';
import { SDK_ENTRIES } from '../../scripts/build-sdk.js';
import { minifyCss, minifyTemplatesIn } from '../../scripts/minifyLitTemplates.js';
import { filesUnder, productionBundle } from '../../scripts/productionBundle.js';

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

/** The chunks an entry loads before any `import()` runs: its own and what it imports statically. */
function upFront(chunks: Rollup.OutputChunk[], entryName: string): Rollup.OutputChunk[] {
  const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const seen = new Map<string, Rollup.OutputChunk>();
  const visit = (chunk: Rollup.OutputChunk): void => {
    if (seen.has(chunk.fileName)) return;
    seen.set(chunk.fileName, chunk);
    for (const file of chunk.imports) visit(byFile.get(file)!);
  };
  visit(chunks.find((chunk) => chunk.isEntry && chunk.name === entryName)!);
  return [...seen.values()];
}

/** Which of `modules` (paths under the repository) the chunks contain. */
function modulesIn(chunks: Rollup.OutputChunk[], modules: string[]): string[] {
  const ids = new Set(chunks.flatMap((chunk) => Object.keys(chunk.modules)).map((id) => id.replace(`${ROOT}/`, '')));
  return modules.filter((module) => ids.has(module));
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

  test('the components load the clients they make with import(), not up front', async () => {
    const chatClient = ['src/chat/chatClient.ts', 'src/common/realtimeChannel.ts', 'src/common/http.ts', 'src/common/credential.ts'];
    const chat = await build({ chat: join(ROOT, 'src/ui/chat.ts') });
    assert.deepEqual(modulesIn(upFront(chat, 'chat'), chatClient), [], 'ui/chat up front');
    assert.deepEqual(modulesIn(reachable(chat, 'chat'), chatClient), chatClient, 'ui/chat, lazily');
    const engine = ['src/calling/callClient.ts', 'src/calling/callAgent.ts', 'src/calling/call.ts', ...chatClient];
    const ui = await build({ ui: join(ROOT, 'src/ui/index.ts') });
    assert.deepEqual(modulesIn(upFront(ui, 'ui'), engine), [], 'ui up front');
    assert.deepEqual(modulesIn(reachable(ui, 'ui'), engine), engine, 'ui, lazily');
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

describe('the Lit templates of the production bundles (scripts/minifyLitTemplates.ts)', () => {
  const uiModules = filesUnder(join(ROOT, 'src/ui')).filter((file) => file.endsWith('.ts'));

  /** The static pieces of a module's tagged templates, and the module with those pieces emptied. */
  function templates(source: string): { css: string[]; html: string[]; rest: string } {
    const file = ts.createSourceFile('module.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const found: { css: string[]; html: string[] } = { css: [], html: [] };
    const ranges: [number, number][] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && ['css', 'html', 'svg'].includes(node.tag.text)) {
        const template = node.template;
        const pieces = ts.isNoSubstitutionTemplateLiteral(template)
          ? [template]
          : [template.head, ...template.templateSpans.map((span) => span.literal)];
        for (const piece of pieces) {
          const start = piece.getStart(file) + 1;
          const end = piece.getEnd() - (ts.isTemplateTail(piece) || ts.isNoSubstitutionTemplateLiteral(piece) ? 1 : 2);
          found[node.tag.text === 'css' ? 'css' : 'html'].push(source.slice(start, end));
          ranges.push([start, end]);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    let rest = source;
    for (const [start, end] of ranges.sort((a, b) => b[0] - a[0])) rest = rest.slice(0, start) + rest.slice(end);
    return { ...found, rest };
  }

  // lightningcss (Vite's own CSS minifier, a dependency of vite) as the judge: both texts must
  // minify to the same stylesheet. It keeps whitespace after commas in declarations it does not
  // parse (those with var()), where CSS ignores it: that is set aside.
  const normalised = (text: string) =>
    transform({ filename: 'template.css', code: Buffer.from(text), minify: true })
      .code.toString()
      .replace(/,\s+/g, ',');

  test('every css template of the components is smaller and minifies to the same stylesheet', () => {
    let checked = 0;
    for (const path of uiModules) {
      const before = templates(readFileSync(path, 'utf8'));
      const after = templates(minifyTemplatesIn(readFileSync(path, 'utf8'), path));
      assert.equal(after.css.length, before.css.length, path);
      before.css.forEach((text, i) => {
        assert.ok(after.css[i]!.length < text.length, `${path}: css template ${i} got no smaller`);
        assert.equal(normalised(after.css[i]!), normalised(text), `${path}: css template ${i}`);
        checked += 1;
      });
    }
    assert.ok(checked >= 15, `only ${checked} css templates found`);
  });

  test('html templates change only in whitespace with line breaks, the code around them not at all', () => {
    for (const path of uiModules) {
      const source = readFileSync(path, 'utf8');
      const minified = minifyTemplatesIn(source, path);
      const before = templates(source);
      const after = templates(minified);
      assert.equal(after.rest, before.rest, path);
      assert.deepEqual(
        after.html,
        before.html.map((text) => text.replace(/\s*\n\s*/g, ' ')),
        path,
      );
      const parsed = ts.createSourceFile(path, minified, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS) as ts.SourceFile & {
        parseDiagnostics: ts.Diagnostic[];
      };
      assert.deepEqual(parsed.parseDiagnostics, [], path);
    }
  });

  test('the minifier keeps what CSS and HTML need and touches no other template', () => {
    assert.equal(
      minifyCss(`
      /* a comment */
      .a > .b,
      .c {
        width: calc(100% - 2rem);
        content: 'x, y;  z';
        font-family: 'Segoe UI', sans-serif;
      }
      @media (prefers-reduced-motion: reduce) {
        .a { animation: none; }
      }
    `),
      `.a > .b,.c{width:calc(100% - 2rem);content:'x, y;  z';font-family:'Segoe UI',sans-serif}@media (prefers-reduced-motion:reduce){.a{animation:none}}`,
    );
    const source = [
      'const a = html`<div>\n    ${x ? html`<b>\n  bold</b>` : nothing}\n  </div>`;',
      'const b = `plain\n    text`;',
      'const c = other`<i>\n  kept</i>`;',
    ].join('\n');
    assert.equal(
      minifyTemplatesIn(source),
      [
        'const a = html`<div> ${x ? html`<b> bold</b>` : nothing} </div>`;',
        'const b = `plain\n    text`;',
        'const c = other`<i>\n  kept</i>`;',
      ].join('\n'),
    );
  });
});

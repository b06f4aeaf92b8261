/**
 * Every snippet in the README runs, as the README says it runs. Each fenced block is marked with a
 * comment just before it, `<!-- snippet: KIND[; given: a, b] -->`, and an unmarked block fails the
 * first test. Kinds:
 * - `node`: a TypeScript module run in Node with its `open-communication/*` imports pointed at this
 *   repository's sources (the package test runs the same entries from the packed tarball); the
 *   `given` names are values the test provides (a service's connection string, a user's token…).
 * - `browser`: the same, in a page of another origin that maps `open-communication/*` to the
 *   service's standalone bundles (`/sdk/client.js`, `/sdk/ui.js`) with an import map.
 * - `html`: served as a page of another origin, its placeholders replaced by the `given` values.
 * - `commands`: each command is one this repository or the package really has.
 * - `layout`: each path it lists exists.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import ts from 'typescript';
import { type RunningService, startService } from '../../mock-server/service.js';
import { buildSdk } from '../../scripts/build-sdk.js';
import { ChatClient } from '../../src/chat/chatClient.js';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';
import { launchBrowser } from './browser.js';
import { type OtherOrigin, startOtherOrigin } from './otherOrigin.js';

const ROOT = resolve(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
  exports: Record<string, string | { default: string }>;
};

interface Snippet {
  kind: string;
  given: string[];
  code: string;
  line: number;
}

/** The README's fenced blocks with their markers; `kind` is '' for an unmarked block. */
function snippets(): Snippet[] {
  const lines = README.split('\n');
  const found: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('```')) continue;
    const end = lines.findIndex((line, j) => j > i && line.startsWith('```'));
    let previous = i - 1;
    while (previous >= 0 && lines[previous]!.trim() === '') previous--;
    const marker = /^<!-- snippet: (\w+)(?:; given: ([^>]*))? -->$/.exec(lines[previous] ?? '');
    found.push({
      kind: marker?.[1] ?? '',
      given: marker?.[2]?.split(',').map((name) => name.trim()) ?? [],
      code: lines.slice(i + 1, end).join('\n'),
      line: i + 1,
    });
    i = end;
  }
  return found;
}

const ALL = snippets();
const of = (kind: string) => ALL.filter((snippet) => snippet.kind === kind);

/** `open-communication/x` → this repository's source file behind that export. */
function sourceOf(specifier: string): string {
  const subpath = specifier === 'open-communication' ? '.' : `.${specifier.slice('open-communication'.length)}`;
  const target = PACKAGE.exports[subpath];
  assert.ok(target, `the package exports no ${specifier}`);
  const built = typeof target === 'string' ? target : target.default;
  return join(ROOT, built.replace(/^\.\/dist\/lib\//, '').replace(/\.js$/, '.ts'));
}

const run = promisify(execFile);

describe('the README’s snippets', () => {
  let service: RunningService;
  let sdkDir: string;
  let work: string;
  let identity: CommunicationIdentityClient;
  let page: OtherOrigin;
  let pageOrigin: string;
  let browser: Browser;
  const pages = new Map<string, string>();
  let threadId: string;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };

  before(async () => {
    sdkDir = mkdtempSync(join(tmpdir(), 'oc-readme-sdk-'));
    work = mkdtempSync(join(ROOT, '.readme-snippets-'));
    await buildSdk(sdkDir);
    service = await startService({ sdkDir });
    identity = new CommunicationIdentityClient(service.connectionString);
    const user = async () => {
      const { user: created, token } = await identity.createUserAndToken(['chat', 'voip']);
      return { id: created.communicationUserId, token };
    };
    [alice, bob] = await Promise.all([user(), user()]);
    const chat = new ChatClient(service.endpoint, bob.token);
    threadId = (await chat.createChatThread({ topic: 'README' }, { participants: [{ id: { communicationUserId: alice.id } }] })).chatThread!
      .id;
    await chat.getChatThreadClient(threadId).sendMessage({ content: 'Hello from the README' });

    // Another origin: serves the pages the browser snippets run in, and a token route.
    page = await startOtherOrigin(
      identity,
      () => ({ alice: alice.id, bob: bob.id, '': alice.id }),
      (url) => pages.get(url.pathname),
    );
    pageOrigin = page.origin;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    page?.close();
    await service?.close();
    rmSync(sdkDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  test('every code block in the README is marked with how this test runs it', () => {
    const unmarked = ALL.filter((snippet) => !['node', 'browser', 'html', 'commands', 'layout'].includes(snippet.kind));
    assert.deepEqual(
      unmarked.map((snippet) => `README.md:${snippet.line}`),
      [],
    );
    assert.ok(of('node').length >= 5 && of('browser').length >= 2, 'the snippets were found');
  });

  test('the commands are ones the repository and the package have', async () => {
    for (const { code } of of('commands')) {
      for (const line of code.split('\n')) {
        const command = line.replace(/#.*$/, '').trim();
        if (!command) continue;
        const [tool, verb, name, ...rest] = command.split(/\s+/);
        if (tool === 'npm' && verb === 'run') assert.ok(PACKAGE.scripts[name!], `npm run ${name}`);
        else if (tool === 'npm' && ['start', 'test'].includes(verb!)) assert.ok(PACKAGE.scripts[verb!], `npm ${verb}`);
        else if (tool === 'npm' && ['install', 'pack'].includes(verb!)) continue;
        else if (tool === 'npx') {
          assert.ok(PACKAGE.bin[verb!], `the package has no ${verb} command`);
          // The options parse (the command would start the service; --help stops after the check).
          await run(process.execPath, ['--import', 'tsx', 'mock-server/main.ts', name!, ...rest, '--help'], { cwd: ROOT });
        } else assert.fail(`README command no test knows: ${command}`);
      }
    }
  });

  test('the layout names folders and files that exist', () => {
    for (const { code } of of('layout')) {
      for (const line of code.split('\n')) {
        const paths = /^(\S+(?:, \S+)*)\s{2,}/.exec(line)?.[1]?.split(', ') ?? [];
        for (const path of paths) assert.ok(existsSync(join(ROOT, path)), `${path} (README layout) does not exist`);
      }
    }
  });

  for (const [index, snippet] of of('node').entries()) {
    test(`node snippet ${index + 1} (README.md:${snippet.line}) runs`, async () => {
      const given: Record<string, unknown> = {
        connectionString: service.connectionString,
        endpoint: service.endpoint,
        token: alice.token,
        bob: { communicationUserId: bob.id },
      };
      const imports = snippet.code.replace(
        /from '(open-communication[^']*)'/g,
        (_all, specifier: string) => `from '${sourceOf(specifier)}'`,
      );
      const prelude = snippet.given.map((name) => {
        assert.ok(name in given, `the test has no value for "${name}"`);
        return `const ${name} = ${JSON.stringify(given[name])};`;
      });
      // Imports first, as a module needs them; the given values after.
      const [importLines, body] = splitImports(imports);
      const file = join(work, `node-${index + 1}.ts`);
      writeFileSync(file, `${importLines}\n${prelude.join('\n')}\n${body}\nexport {};\n`);
      await run(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, timeout: 120_000 });
    });
  }

  /** Opens a page of the other origin; resolves with the errors it reported and what `window.__snippet` says. */
  async function openPage(path: string, html: string, until: string): Promise<{ errors: string[]; outcome: unknown }> {
    pages.set(path, html);
    const context = await browser.newContext();
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    tab.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await tab.goto(`${pageOrigin}${path}`);
    await tab.waitForFunction(until, undefined, { timeout: 60_000, polling: 100 }).catch((error: Error) => {
      throw new Error(`${error.message}\n${errors.join('\n')}`);
    });
    const outcome = await tab.evaluate('window.__snippet');
    await context.close();
    return { errors, outcome };
  }

  const importMap = () => {
    const client = `${service.endpoint}sdk/client.js`;
    const imports: Record<string, string> = { 'open-communication': client };
    for (const subpath of Object.keys(PACKAGE.exports)) {
      if (subpath === '.' || subpath === './package.json') continue;
      imports[`open-communication${subpath.slice(1)}`] = subpath.startsWith('./ui')
        ? `${service.endpoint}sdk/${subpath === './ui' ? 'ui' : subpath === './ui/chat' ? 'ui-chat' : 'ui-call'}.js`
        : client;
    }
    return `<script type="importmap">${JSON.stringify({ imports })}</script>`;
  };

  for (const [index, snippet] of of('browser').entries()) {
    test(`browser snippet ${index + 1} (README.md:${snippet.line}) runs in a page of another origin`, async () => {
      const js = ts.transpileModule(snippet.code, {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      }).outputText;
      const [importLines, body] = splitImports(js);
      // What the snippet is given: a user's credential and identifier, and Bob, who answers calls.
      const prelude = `
        import * as __oc from 'open-communication';
        const fetchFromMyServer = async () => (await (await fetch('/token', { method: 'POST' })).json()).token;
        const userId = ${JSON.stringify(alice.id)};
        const endpoint = ${JSON.stringify(service.endpoint)};
        const credential = new __oc.AzureCommunicationTokenCredential(${JSON.stringify(alice.token)});
        const bob = { communicationUserId: ${JSON.stringify(bob.id)} };
        const bobAgent = await new __oc.CallClient({ endpoint }).createCallAgent(${JSON.stringify(bob.token)}, { displayName: 'Bob' });
        bobAgent.on('incomingCall', ({ incomingCall }) => void incomingCall.accept());`;
      const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>README snippet</title><link rel="icon" href="data:,">
        ${importMap()}</head><body><script type="module">
        ${importLines}
        ${prelude}
        try {
          ${body}
          window.__snippet = 'done';
        } catch (error) {
          window.__snippet = 'failed: ' + (error?.stack ?? error);
        }
        </script></body></html>`;
      const { errors, outcome } = await openPage(`/browser-${index + 1}.html`, html, 'window.__snippet !== undefined');
      assert.equal(outcome, 'done');
      assert.deepEqual(errors, []);
    });
  }

  for (const [index, snippet] of of('html').entries()) {
    test(`html snippet ${index + 1} (README.md:${snippet.line}) shows the components on a page of another origin`, async () => {
      const given: Record<string, string> = { SERVICE: service.endpoint.replace(/\/$/, ''), TOKEN_URL: '/token', THREAD_ID: threadId };
      let html = snippet.code;
      for (const name of snippet.given) html = html.replaceAll(name, given[name] ?? assert.fail(`no value for ${name}`));
      const { errors } = await openPage(
        `/html-${index + 1}.html`,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>README snippet</title><link rel="icon" href="data:,"></head><body>${html}</body></html>`,
        `(() => {
          const deep = (root) => [root, ...[...root.querySelectorAll('*')].flatMap((el) => (el.shadowRoot ? deep(el.shadowRoot) : []))];
          return customElements.get('acs-call') && deep(document).some((root) => root.textContent?.includes('Hello from the README'));
        })()`,
      );
      assert.deepEqual(errors, []);
    });
  }
});

/** A module's leading import declarations, and the rest. */
function splitImports(code: string): [string, string] {
  const lines = code.split('\n');
  let last = -1;
  lines.forEach((line, index) => {
    if (/^import\s/.test(line)) last = index;
  });
  return [lines.slice(0, last + 1).join('\n'), lines.slice(last + 1).join('\n')];
}

/**
 * The package as a stranger gets it: `npm pack`, installed into a fresh project outside the
 * repository, used there with plain Node (no TypeScript loader): every entry imports, the service
 * starts from `open-communication/server` and from the CLI, the packaged clients create a user and
 * chat, the testing kit makes users in plain Node, and a TypeScript consumer type-checks against the
 * shipped declarations.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { ROOT, npmInstall, packTarball, run } from './packTarball.js';

const ENTRIES = [
  '',
  '/identity',
  '/chat',
  '/calling',
  '/sms',
  '/phone-numbers',
  '/ui',
  '/ui/chat',
  '/ui/call',
  '/server',
  '/testing',
  '/testing/browser',
];

/** Runs an ES module in the consumer project with plain Node and returns what it printed. */
function node(cwd: string, name: string, source: string): string {
  writeFileSync(join(cwd, name), source);
  return run(process.execPath, [name], cwd);
}

describe('the packed package, installed into a fresh project', () => {
  let work: string;
  let consumer: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'oc-package-'));
    consumer = join(work, 'consumer');
    const { tarball, files } = packTarball(work);
    run('mkdir', ['-p', consumer], work);
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({
        name: 'stranger-app',
        private: true,
        type: 'module',
        dependencies: { 'open-communication': `file:${tarball}` },
        allowScripts: { 'better-sqlite3': true },
      }),
    );
    npmInstall(consumer);
    writeFileSync(join(work, 'files.json'), JSON.stringify(files));
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('ships built JavaScript and types, no tests, sources or benchmarks', () => {
    const files = JSON.parse(readFileSync(join(work, 'files.json'), 'utf8')) as string[];
    assert.ok(files.includes('dist/lib/src/index.js') && files.includes('dist/lib/src/index.d.ts'), 'built entry and types');
    assert.ok(files.includes('bin/open-communication.js'));
    for (const kit of [
      'dist/lib/mock-server/testing.js',
      'dist/lib/mock-server/testing.d.ts',
      'dist/lib/src/testing/browser.js',
      'dist/lib/src/testing/browser.d.ts',
    ]) {
      assert.ok(files.includes(kit), `the testing kit ships ${kit}`);
    }
    const unwanted = files.filter(
      (f) => /(^|\/)(test|bench|examples)\//.test(f) || /\.test\.|(^|\/)src\/.*\.ts$/.test(f.replace(/\.d\.ts$/, '')),
    );
    assert.deepEqual(unwanted, []);
  });

  test('every entry imports in plain Node', () => {
    const printed = node(
      consumer,
      'imports.mjs',
      `for (const entry of ${JSON.stringify(ENTRIES)}) {
         const module = await import('open-communication' + entry);
         console.log(entry || '.', Object.keys(module).length);
       }`,
    );
    for (const entry of ENTRIES) assert.match(printed, new RegExp(`^${(entry || '.').replace(/\//g, '\\/')} [1-9]\\d*$`, 'm'), printed);
  });

  test('startService from open-communication/server: a user is created and chats with the packaged clients', () => {
    const printed = node(
      consumer,
      'chat.mjs',
      `import { startService } from 'open-communication/server';
       import { CommunicationIdentityClient } from 'open-communication/identity';
       import { ChatClient } from 'open-communication/chat';
       const service = await startService({ port: 0, memory: true });
       try {
         const identity = new CommunicationIdentityClient(service.connectionString);
         const alice = await identity.createUserAndToken(['chat']);
         const bob = await identity.createUser();
         const chat = new ChatClient(service.endpoint, alice.token);
         const { chatThread } = await chat.createChatThread({ topic: 'Packaged' }, { participants: [{ id: bob }] });
         const thread = chat.getChatThreadClient(chatThread.id);
         await thread.sendMessage({ content: 'hello from the tarball' });
         for await (const message of thread.listMessages()) if (message.type === 'text') console.log('message:', message.content.message);
       } finally {
         await service.close();
       }`,
    );
    assert.match(printed, /^message: hello from the tarball$/m);
  });

  test('the testing kit in plain Node: startTestService and createTestUser make a user that chats', () => {
    const printed = node(
      consumer,
      'testing.mjs',
      `import { startTestService, createTestUser } from 'open-communication/testing';
       import { ChatClient } from 'open-communication/chat';
       const service = await startTestService();
       try {
         const alice = await createTestUser(service, { scopes: ['chat'], displayName: 'Alice' });
         const bob = await createTestUser(service);
         console.log('alice:', alice.communicationUserId === alice.user.communicationUserId, alice.displayName, alice.expiresOn > new Date());
         const chat = new ChatClient(service.endpoint, alice.token);
         const { chatThread } = await chat.createChatThread({ topic: 'Kit' }, { participants: [{ id: bob.user }] });
         const bobs = new ChatClient(service.endpoint, bob.token).getChatThreadClient(chatThread.id);
         console.log('bob sees:', (await bobs.getProperties()).topic);
       } finally {
         await service.close();
       }`,
    );
    assert.match(printed, /^alice: true Alice true$/m);
    assert.match(printed, /^bob sees: Kit$/m);
  });

  test('the CLI serves from the installed package and prints the port it got', async () => {
    const child: ChildProcess = spawn(join(consumer, 'node_modules', '.bin', 'open-communication'), ['serve', '--port', '0', '--memory'], {
      cwd: consumer,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let endpoint: string | undefined;
      let connectionString: string | undefined;
      for await (const line of createInterface({ input: child.stdout! })) {
        endpoint ??= /listening on (\S+)/.exec(line)?.[1];
        if (line.trim().startsWith('endpoint=')) {
          connectionString = line.trim();
          break;
        }
      }
      assert.ok(endpoint && !endpoint.endsWith(':0/'), `endpoint ${endpoint}`);
      assert.ok(connectionString?.startsWith(`endpoint=${endpoint};accesskey=`), connectionString);
      const answer = await fetch(new URL('/identities?api-version=2023-10-01', endpoint), { method: 'POST', body: '{}' });
      assert.equal(answer.status, 401, 'a live service refuses an unsigned request');
      const bundle = await fetch(new URL('/sdk/ui.js', endpoint));
      assert.equal(bundle.status, 200, 'the packaged service serves the browser bundles');
      assert.match(await bundle.text(), /^export \* from '\.\/ui-[\w-]+\.js';/);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  test('a TypeScript consumer type-checks against the shipped declarations', () => {
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          lib: ['ES2023', 'DOM'],
          types: [],
          skipLibCheck: true,
        },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(
      join(consumer, 'consumer.ts'),
      `import type { CommunicationUserIdentifier } from 'open-communication';
       import { CommunicationIdentityClient } from 'open-communication/identity';
       import { ChatClient } from 'open-communication/chat';
       import { CallClient } from 'open-communication/calling';
       import { startService } from 'open-communication/server';
       import { createTestUser, communicationServicePlugin } from 'open-communication/testing';
       import { getTestService } from 'open-communication/testing/browser';
       export async function kit(): Promise<string> {
         const plugin = communicationServicePlugin({ calling: { ringTimeoutMs: 3000 } });
         const { endpoint } = await getTestService();
         const { user, expiresOn } = await createTestUser({ connectionString: endpoint }, { scopes: ['voip'] });
         // @ts-expect-error: scopes are the token scopes
         await createTestUser({ connectionString: endpoint }, { scopes: ['everything'] });
         return plugin.name + user.communicationUserId + expiresOn.toISOString();
       }
       export async function main(): Promise<string> {
         const service = await startService({ port: 0, memory: true });
         const identity = new CommunicationIdentityClient(service.connectionString);
         const { user, token } = await identity.createUserAndToken(['chat', 'voip']);
         const id: CommunicationUserIdentifier = user;
         const chat = new ChatClient(service.endpoint, token);
         // @ts-expect-error: a topic is a string (the declarations are real, not any)
         await chat.createChatThread({ topic: 42 });
         void new CallClient();
         await service.close();
         return id.communicationUserId;
       }`,
    );
    run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], consumer);
  });
});

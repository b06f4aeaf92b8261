/**
 * The testing kit's web-test-runner plugin on its own, without a browser: what its two paths answer
 * (no access key to pages, users with tokens, 400 for a bad request), and the sdp wrapper.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { ChatClient } from '../../src/chat/chatClient.js';
import { communicationServicePlugin } from '../../mock-server/testing.js';

function request(method: string, path: string, body?: string) {
  return { method, path, req: Readable.from(body === undefined ? [] : [body]) as unknown as IncomingMessage };
}

describe('communicationServicePlugin', () => {
  const plugin = communicationServicePlugin();

  before(() => plugin.serverStart());
  after(() => plugin.serverStop());

  test('service.json gives the endpoint and nothing else', async () => {
    const answer = await plugin.serve(request('GET', '/__open-communication/service.json'));
    assert.equal(answer?.type, 'application/json');
    const info = JSON.parse(answer!.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(info), ['endpoint']);
    assert.match(String(info.endpoint), /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.doesNotMatch(answer!.body, /accesskey/i);
  });

  test('users: a new user whose token works with the scopes asked for', async () => {
    const answer = await plugin.serve(
      request('POST', '/__open-communication/users', JSON.stringify({ scopes: ['chat'], displayName: 'Alice' })),
    );
    const alice = JSON.parse(answer!.body) as {
      user: { communicationUserId: string };
      communicationUserId: string;
      token: string;
      expiresOn: string;
      displayName: string;
    };
    assert.equal(alice.user.communicationUserId, alice.communicationUserId);
    assert.equal(alice.displayName, 'Alice');
    assert.ok(new Date(alice.expiresOn) > new Date());
    const { endpoint } = JSON.parse((await plugin.serve(request('GET', '/__open-communication/service.json')))!.body) as {
      endpoint: string;
    };
    const { chatThread } = await new ChatClient(endpoint, alice.token).createChatThread({ topic: 'Kit' });
    assert.equal(chatThread?.topic, 'Kit');
  });

  test('a bad body is a 400 with the reason, for Koa to answer', async () => {
    for (const body of [
      '{',
      '[]',
      JSON.stringify({ scopes: 'chat' }),
      JSON.stringify({ scopes: ['everything'] }),
      JSON.stringify({ displayName: 7 }),
    ]) {
      await assert.rejects(
        plugin.serve(request('POST', '/__open-communication/users', body)),
        (error: Error & { status?: number; expose?: boolean }) => {
          assert.equal(error.status, 400, `${body}: ${error.message}`);
          assert.equal(error.expose, true);
          return true;
        },
      );
    }
  });

  test('other paths and methods are left to the test runner', async () => {
    assert.equal(await plugin.serve(request('GET', '/test/chat.test.js')), undefined);
    assert.equal(await plugin.serve(request('GET', '/__open-communication/users')), undefined);
  });

  test("wraps sdp's CommonJS as an ES module, and nothing else", () => {
    const wrapped = plugin.transform({ ...request('GET', '/node_modules/sdp/sdp.js'), body: 'module.exports = { a: 1 };' });
    assert.match(wrapped!.body, /^const module = \{ exports: \{\} \};\nmodule\.exports = \{ a: 1 \};\nexport default module\.exports;\n$/);
    assert.equal(plugin.transform({ ...request('GET', '/node_modules/lit/index.js'), body: 'export {}' }), undefined);
  });
});

describe('communicationServicePlugin before serverStart', () => {
  test('says the service runs between serverStart and serverStop', async () => {
    await assert.rejects(
      communicationServicePlugin().serve(request('GET', '/__open-communication/service.json')),
      /between serverStart and serverStop/,
    );
  });
});

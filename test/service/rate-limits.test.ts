/**
 * Rate limits as the ACS "Service limits" page documents them, switched on by a service flag (off
 * by default): 429 `TooManyRequests` with `Retry-After`, per the documented scope (per user, per
 * thread, per user per thread, per resource); and the client library honouring `Retry-After`, then
 * giving up with a typed `ThrottlingError` after its retry budget.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ACS_RATE_LIMITS, type RateLimitRule, demoRateLimitRules } from '../../mock-server/http/rateLimits.js';
import { type RunningService, startService } from '../../mock-server/service.js';
import { withService } from '../kit/node.js';
import { ChatClient } from '../../src/chat/index.js';
import { AzureCommunicationTokenCredential } from '../../src/common/credential.js';
import { RestError, ThrottlingError } from '../../src/common/errors.js';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';
import { recordFigures } from '../kit/figures.js';
import {
  type ChatUser,
  adminRequest,
  assertError,
  chatUser,
  countRows,
  createThread,
  stateSnapshot,
  threadPath,
  userRequest,
} from '../kit/serverHelpers.js';

const figures = { throttledResponses: 0, clientRetriesHonoured: 0, typedErrors: 0 };
after(() => recordFigures('rate-limits', figures));

function send(service: RunningService, user: ChatUser, thread: string, content: string) {
  return userRequest<{ id: string }>(service, user.token, 'POST', threadPath(thread, '/messages'), { content });
}

describe('rate limits: off by default', () => {
  const service = withService();

  test('40 sends to one thread in a burst are all accepted', async () => {
    const a = await chatUser(service());
    const thread = await createThread(service(), a);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => send(service(), a, thread, `m${i}`)));
    assert.deepEqual(new Set(answers.map((r) => r.status)), new Set([201]));
  });
});

describe('rate limits: the documented ACS limits (rateLimits: true)', () => {
  const service = withService({ rateLimits: true });
  let a: ChatUser;
  let b: ChatUser;
  let outsider: ChatUser;
  before(async () => {
    a = await chatUser(service());
    b = await chatUser(service());
    outsider = await chatUser(service());
  });

  test('the table is the service-limits page: identity per 30 s, chat per 10 s and per minute', () => {
    const limit = (operation: string, scope: string, windowMs: number) =>
      ACS_RATE_LIMITS.find((r) => r.operation === operation && r.scope === scope && r.windowMs === windowMs)?.limit;
    assert.equal(limit('createIdentity', 'resource', 30_000), 1000);
    assert.equal(limit('deleteIdentity', 'resource', 30_000), 500);
    assert.equal(limit('issueAccessToken', 'resource', 30_000), 1000);
    assert.equal(limit('revokeAccessToken', 'resource', 30_000), 500);
    assert.equal(limit('createChatThread', 'user', 10_000), 10);
    assert.equal(limit('sendUpdateOrDeleteMessage', 'thread', 10_000), 10);
    assert.equal(limit('sendUpdateOrDeleteMessage', 'thread', 60_000), 30);
    assert.equal(limit('listChatMessages', 'userThread', 60_000), 200);
    assert.equal(limit('sendTypingIndicator', 'userThread', 10_000), 5);
  });

  test("the route table names the operations: each documented one is some route's, each route's is documented", async () => {
    const withDemo = await startService({ demo: true });
    try {
      const declared = new Set(
        withDemo.routes.flatMap((route) =>
          route.rateLimit
            ? [route.rateLimit.operation, ...(route.rateLimit.bodyVariant ? [route.rateLimit.bodyVariant.operation] : [])]
            : [],
        ),
      );
      const documented = new Set([...ACS_RATE_LIMITS, ...demoRateLimitRules()].map((rule) => rule.operation));
      assert.deepEqual(
        [...documented].filter((operation) => !declared.has(operation)),
        [],
        'limits no route counts against',
      );
      assert.deepEqual(
        [...declared].filter((operation) => !documented.has(operation)),
        [],
        'route operations without a limit',
      );
      // Thread budgets are found by the route's thread parameter: every chat route under a thread has one.
      const threadRoutes = withDemo.routes.filter((route) => route.template.startsWith('/chat/threads/{threadId}'));
      assert.deepEqual(
        threadRoutes.filter((route) => route.rateLimit?.threadParam !== 'threadId').map((r) => `${r.method} ${r.template}`),
        [],
      );
      // Calling control has no documented limits.
      assert.deepEqual(
        withDemo.routes.filter((route) => route.api === 'calling' && route.rateLimit).map((r) => r.template),
        [],
      );
    } finally {
      await withDemo.close();
    }
  });

  test('the 11th send to a thread within 10 s is 429 TooManyRequests with Retry-After; nothing stored', async () => {
    const thread = await createThread(service(), a, [b.id]);
    for (let i = 0; i < 10; i++) assert.equal((await send(service(), i % 2 ? b : a, thread, `m${i}`)).status, 201);
    const before = stateSnapshot(service());
    const refused = await send(service(), a, thread, 'one too many');
    assertError(refused, 429, 'TooManyRequests');
    figures.throttledResponses++;
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 10, `Retry-After: ${retryAfter}`);
    const retryAfterMs = Number(refused.headers.get('retry-after-ms'));
    assert.ok(
      retryAfterMs > 0 && retryAfterMs <= 10_000 && Math.ceil(retryAfterMs / 1000) === retryAfter,
      `retry-after-ms: ${retryAfterMs}`,
    );
    assert.deepEqual(stateSnapshot(service()), before, 'a throttled send changed state');
    // Per thread: another thread of the same users is not throttled.
    const other = await createThread(service(), a, [b.id]);
    assert.equal((await send(service(), a, other, 'elsewhere')).status, 201);
  });

  test('creating threads: 10 per user per 10 s; another user is not affected', async () => {
    const creator = await chatUser(service());
    for (let i = 0; i < 10; i++) await createThread(service(), creator);
    const refused = await userRequest(service(), creator.token, 'POST', '/chat/threads', { topic: 'eleventh' });
    assertError(refused, 429, 'TooManyRequests');
    figures.throttledResponses++;
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    await createThread(service(), await chatUser(service()));
  });

  test('refused requests of outsiders and bad tokens do not spend a thread’s budget', async () => {
    const thread = await createThread(service(), a, [b.id]);
    for (let i = 0; i < 15; i++) {
      assertError(await send(service(), outsider, thread, 'not a member'), 403, 'NotAParticipant');
      assertError(await userRequest(service(), 'garbage', 'POST', threadPath(thread, '/messages'), { content: 'x' }), 401);
    }
    for (let i = 0; i < 10; i++) assert.equal((await send(service(), a, thread, `m${i}`)).status, 201);
  });

  test('calling control and the demo routes are not throttled', async () => {
    const voip = await chatUser(service(), ['voip']);
    for (let i = 0; i < 60; i++) {
      const response = await userRequest(service(), voip.token, 'GET', '/calling/config', undefined, { apiVersion: '2026-11-01' });
      assert.equal(response.status, 200, response.text);
    }
  });
});

describe('rate limits: shorter windows, and the client library', () => {
  /** The documented operations with test-sized windows and limits. */
  const rules: RateLimitRule[] = [
    { operation: 'sendUpdateOrDeleteMessage', scope: 'thread', windowMs: 800, limit: 3 },
    { operation: 'listChatMessages', scope: 'userThread', windowMs: 60_000, limit: 2 },
    { operation: 'createIdentity', scope: 'resource', windowMs: 60_000, limit: 2 },
    { operation: 'createUserAndToken', scope: 'resource', windowMs: 60_000, limit: 100 },
  ];
  const service = withService({ rateLimits: { rules } });

  test('the identity routes are limited per resource (HMAC-authenticated calls count)', async () => {
    assert.equal((await adminRequest(service(), 'POST', '/identities', {})).status, 201);
    assert.equal((await adminRequest(service(), 'POST', '/identities', {})).status, 201);
    const users = countRows(service(), 'users');
    const refused = await adminRequest(service(), 'POST', '/identities', {});
    assertError(refused, 429, 'TooManyRequests');
    figures.throttledResponses++;
    assert.equal(countRows(service(), 'users'), users, 'a throttled create created a user');
    // With a token it is the createUserAndToken operation, which has its own budget.
    assert.equal((await adminRequest(service(), 'POST', '/identities', { createTokenWithScopes: ['chat'] })).status, 201);
  });

  test('ChatThreadClient waits out Retry-After and succeeds; each message stored once', async () => {
    const identity = new CommunicationIdentityClient(service().connectionString);
    const { user, token } = await identity.createUserAndToken(['chat']);
    const chat = new ChatClient(service().endpoint, new AzureCommunicationTokenCredential(token), {
      retryOptions: { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 5_000 },
    });
    const { chatThread } = await chat.createChatThread({ topic: 'Throttled' });
    const thread = chat.getChatThreadClient(chatThread!.id);
    const started = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await thread.sendMessage({ content: `c${i}` })).id);
    const elapsed = performance.now() - started;
    // 3 per 800 ms: the 4th waited for the window to end, as Retry-After said.
    assert.ok(elapsed >= 700, `six sends took only ${Math.round(elapsed)} ms: Retry-After was not honoured`);
    figures.clientRetriesHonoured++;
    const stored = (
      service()
        .db.prepare("SELECT id FROM chat_messages WHERE thread_id = ? AND type = 'text' ORDER BY sequence_id")
        .all(chatThread!.id) as { id: string }[]
    ).map((r) => r.id);
    assert.deepEqual(stored, ids);
    assert.equal(user.communicationUserId.startsWith('8:acs:'), true);
  });

  test('after its retry budget the client throws a ThrottlingError (TooManyRequests, 429)', async () => {
    const identity = new CommunicationIdentityClient(service().connectionString);
    const { token } = await identity.createUserAndToken(['chat']);
    const chat = new ChatClient(service().endpoint, token, { retryOptions: { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 } });
    const { chatThread } = await chat.createChatThread({ topic: 'Budget' });
    const thread = chat.getChatThreadClient(chatThread!.id);
    const pages = async () => {
      const all = [];
      for await (const message of thread.listMessages()) all.push(message);
      return all;
    };
    await pages();
    await pages();
    const error = await pages().then(
      () => assert.fail('the third listing within the minute was not throttled'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ThrottlingError, `not a ThrottlingError: ${String(error)}`);
    assert.ok(error instanceof RestError, 'a ThrottlingError is a RestError');
    assert.equal(error.code, 'TooManyRequests');
    assert.equal(error.statusCode, 429);
    assert.equal(error.attempts, 3);
    assert.ok(error.retryAfterInMs !== undefined && error.retryAfterInMs > 20, `retryAfterInMs: ${error.retryAfterInMs}`);
    figures.typedErrors++;

    // The identity client too (createUser: 2 per minute per resource, both used above).
    const noRetries = new CommunicationIdentityClient(service().connectionString, { retryOptions: { maxRetries: 0 } });
    const identityError = await noRetries.createUser().then(
      () => assert.fail('not throttled'),
      (e: unknown) => e,
    );
    assert.ok(identityError instanceof ThrottlingError, `not a ThrottlingError: ${String(identityError)}`);
    assert.equal(identityError.attempts, 1);
    figures.typedErrors++;
  });
});

/**
 * `open-communication/testing`: a kit for our users' own tests of pages that embed our components.
 * Runs in Node. Plain helpers for any runner (`startTestService`, `createTestUser`), and a
 * web-test-runner plugin (`communicationServicePlugin`) whose test pages use
 * `open-communication/testing/browser`.
 *
 * ```js
 * // web-test-runner.config.mjs
 * import { communicationServicePlugin } from 'open-communication/testing';
 * export default { nodeResolve: true, plugins: [communicationServicePlugin()] };
 * ```
 */
import type { IncomingMessage } from 'node:http';
import { CommunicationIdentityClient } from '../src/identity/communicationIdentityClient.js';
import { type CreateTestUserOptions, TEST_SERVICE_PATH, type TestServiceInfo, type TestUser } from '../src/testing/browser.js';
import { type CommunicationService, type StartServiceOptions, startService } from './server.js';

export { startService };
export type { CommunicationService, CreateTestUserOptions, StartServiceOptions, TestServiceInfo, TestUser };

/**
 * Starts a service for tests: on a free port (`port: 0`) and in memory (`memory: true`), unless
 * `options` say otherwise. Close it when the tests are done.
 *
 * ```ts
 * const service = await startTestService();
 * const alice = await createTestUser(service, { scopes: ['chat'] });
 * await service.close();
 * ```
 */
export function startTestService(options: StartServiceOptions = {}): Promise<CommunicationService> {
  const memory = options.data === undefined ? { memory: true } : {};
  return startService({ port: 0, ...memory, ...options });
}

/**
 * A new user on `service` and a token with `scopes` (default `['chat', 'voip']`), made with the
 * service's access key through `CommunicationIdentityClient`. Node only: the key never goes to a page.
 */
export async function createTestUser(
  service: Pick<CommunicationService, 'connectionString'>,
  options: CreateTestUserOptions = {},
): Promise<TestUser> {
  const { scopes = ['chat', 'voip'], displayName } = options;
  const identity = new CommunicationIdentityClient(service.connectionString);
  const { user, token, expiresOn } = await identity.createUserAndToken(scopes);
  return {
    user,
    communicationUserId: user.communicationUserId,
    token,
    expiresOn,
    ...(displayName === undefined ? {} : { displayName }),
  };
}

/**
 * The part of a web-test-runner (dev server) request the plugin reads: a structural stand-in for
 * Koa's `Context`, so that the kit has no dependency on `@web/test-runner`.
 */
export interface TestRunnerRequestContext {
  path: string;
  method: string;
  req: IncomingMessage;
  body?: unknown;
}

/** What the plugin's `serve` answers (web-test-runner's `ServeResult`). */
export interface TestRunnerServeResult {
  body: string;
  type?: string;
  headers?: Record<string, string>;
}

/** A web-test-runner plugin, structurally (assignable to `TestRunnerPlugin` of `@web/test-runner`). */
export interface CommunicationServicePlugin {
  readonly name: string;
  /** Starts the in-memory service when the test runner's server starts. */
  serverStart(): Promise<void>;
  /** Closes the service. */
  serverStop(): Promise<void>;
  /** Answers `GET /__open-communication/service.json` and `POST /__open-communication/users`. */
  serve(context: TestRunnerRequestContext): Promise<TestRunnerServeResult | undefined>;
  /** Gives `sdp` (a CommonJS module under peerjs) an ES default export, so `nodeResolve` can load calling. */
  transform(context: TestRunnerRequestContext): { body: string } | undefined;
}

/** A request error that Koa answers with its status and message. */
function badRequest(message: string): Error {
  return Object.assign(new Error(message), { status: 400, expose: true });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('The body is not JSON.');
  }
}

function userOptions(body: unknown): CreateTestUserOptions {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The body is a JSON object.');
  const { scopes, displayName } = body as Record<string, unknown>;
  if (scopes !== undefined && !(Array.isArray(scopes) && scopes.every((scope) => typeof scope === 'string'))) {
    throw badRequest('"scopes" is an array of token scopes.');
  }
  if (displayName !== undefined && typeof displayName !== 'string') throw badRequest('"displayName" is a string.');
  return {
    ...(scopes === undefined ? {} : { scopes: scopes as CreateTestUserOptions['scopes'] }),
    ...(displayName === undefined ? {} : { displayName }),
  };
}

/**
 * A web-test-runner plugin: runs an in-memory service (`startTestService(options)`) for the
 * test run, and lets test pages reach it through the runner's own origin with
 * `open-communication/testing/browser`:
 * - `GET /__open-communication/service.json` → `{ endpoint }` (no access key),
 * - `POST /__open-communication/users` with `{ scopes?, displayName? }` → a new user and its token.
 *
 * It also wraps peerjs's CommonJS `sdp` dependency as an ES module, so that
 * `nodeResolve: true` loads `open-communication/calling` and `<acs-call>` without more plugins.
 */
export function communicationServicePlugin(options: StartServiceOptions = {}): CommunicationServicePlugin {
  let running: CommunicationService | undefined;
  const service = (): CommunicationService => {
    if (!running) throw new Error('communicationServicePlugin(): the service runs between serverStart and serverStop.');
    return running;
  };
  return {
    name: 'open-communication-service',
    async serverStart() {
      running = await startTestService(options);
    },
    async serverStop() {
      const stopping = running;
      running = undefined;
      await stopping?.close();
    },
    async serve(context) {
      if (!context.path.startsWith(`${TEST_SERVICE_PATH}/`)) return undefined;
      const json = (value: unknown): TestRunnerServeResult => ({
        body: JSON.stringify(value),
        type: 'application/json',
        headers: { 'cache-control': 'no-store' },
      });
      if (context.path === `${TEST_SERVICE_PATH}/service.json` && context.method === 'GET') {
        const info: TestServiceInfo = { endpoint: service().endpoint };
        return json(info);
      }
      if (context.path === `${TEST_SERVICE_PATH}/users` && context.method === 'POST') {
        const request = userOptions(await readJson(context.req));
        try {
          return json(await createTestUser(service(), request));
        } catch (error) {
          if (error instanceof TypeError || error instanceof RangeError) throw badRequest(error.message);
          throw error;
        }
      }
      return undefined;
    },
    transform(context) {
      if (!context.path.endsWith('/node_modules/sdp/sdp.js')) return undefined;
      return { body: `const module = { exports: {} };\n${String(context.body)}\nexport default module.exports;\n` };
    },
  };
}

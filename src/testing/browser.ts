/**
 * `open-communication/testing/browser`: the test page's side of the testing kit. Runs in the
 * browser (no Node imports) and talks to the web-test-runner plugin of `open-communication/testing`
 * (`communicationServicePlugin()`), which runs the service and keeps its access key in Node.
 *
 * ```js
 * import { getTestService, createTestUser } from 'open-communication/testing/browser';
 * const { endpoint } = await getTestService();
 * const alice = await createTestUser({ scopes: ['chat'], displayName: 'Alice' });
 * ```
 */
import type { CommunicationUserIdentifier } from '../common/identifiers.js';
import type { TokenScope } from '../identity/communicationIdentityClient.js';

/** Where the plugin answers on the test runner's own origin. */
export const TEST_SERVICE_PATH = '/__open-communication';

/** The running test service as a test page sees it: where it is, never its access key. */
export interface TestServiceInfo {
  /** The service's endpoint, e.g. `http://127.0.0.1:PORT/`: what clients and components take. */
  endpoint: string;
}

/** What a new test user gets. */
export interface CreateTestUserOptions {
  /** The token's scopes (default `['chat', 'voip']`). */
  scopes?: TokenScope[];
  /** Handed back as `displayName`, for `display-name` attributes and chat participants (identities have no name). */
  displayName?: string;
}

/** A new user on the test service and an access token for it. */
export interface TestUser {
  /** The user's identifier, as the clients take it (`{ communicationUserId }`). */
  user: CommunicationUserIdentifier;
  /** The raw id, `8:acs:…`. */
  communicationUserId: string;
  /** An access token with the requested scopes. */
  token: string;
  /** When the token expires. */
  expiresOn: Date;
  /** The display name that was asked for, if any. */
  displayName?: string;
}

async function answer<T>(response: Response): Promise<T> {
  if (!response.ok) {
    throw new Error(
      `${response.url}: ${response.status} ${await response.text()}. Is communicationServicePlugin() from ` +
        `'open-communication/testing' in the web-test-runner config's plugins?`,
    );
  }
  return (await response.json()) as T;
}

/** The test service's endpoint (from `GET /__open-communication/service.json`). */
export async function getTestService(): Promise<TestServiceInfo> {
  return answer<TestServiceInfo>(await fetch(`${TEST_SERVICE_PATH}/service.json`));
}

/**
 * A new user with a token (from `POST /__open-communication/users`): the plugin creates it with
 * the service's access key, which stays in Node.
 */
export async function createTestUser(options: CreateTestUserOptions = {}): Promise<TestUser> {
  const created = await answer<Omit<TestUser, 'expiresOn'> & { expiresOn: string }>(
    await fetch(`${TEST_SERVICE_PATH}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(options),
    }),
  );
  return { ...created, expiresOn: new Date(created.expiresOn) };
}

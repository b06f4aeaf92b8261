// Warm start: on every load this page gets a ready call agent for "its" user. With a token in the
// token store (IndexedDB) it signs straight back in: AzureCommunicationTokenCredential reads the
// stored token through store.createTokenRefresher, so no token request is made. With empty storage
// (the cold start, the baseline) it signs in once through the demo token route and stores the token.
// Either way the agent is made the same way; the driver times the load and counts token requests.
import { CallClient } from '../../src/calling/callClient.js';
import { AzureCommunicationTokenCredential } from '../../src/common/credential.js';
import { type TokenFetcher, TokenStore } from '../../src/identity/tokenStore.js';

const DATABASE = 'bench-warmstart';
const CURRENT_USER = 'bench-warmstart-user';
const SCOPES = ['chat', 'voip'] as const;

export interface WarmStartState {
  /** `warm`: the stored token was used; `cold`: the page signed in through the demo token route. */
  path: 'warm' | 'cold';
  /** ms since the navigation started (performance.now()) when the module began to run. */
  scriptStartMs: number;
  /** ms since the navigation started when the call agent was ready. */
  readyMs: number;
}

const scriptStartMs = performance.now();

async function postToken(
  path: string,
  token?: string,
): Promise<{ user: { communicationUserId: string }; token: string; expiresOn: string }> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: '{}',
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

const store = await TokenStore.open({ databaseName: DATABASE });
let userId = localStorage.getItem(CURRENT_USER);
let path: WarmStartState['path'] = 'warm';
if (!userId || !(await store.getValidToken(userId, [...SCOPES]))) {
  path = 'cold';
  const issued = await postToken('/demo/token');
  userId = issued.user.communicationUserId;
  await store.put({ userId, token: issued.token, expiresOn: Date.parse(issued.expiresOn), scopes: [...SCOPES] });
  localStorage.setItem(CURRENT_USER, userId);
}
const user = userId;
/** Only called when the stored token is missing or due: a warm start must never get here. */
const fetchToken: TokenFetcher = async () => (await postToken('/demo/token/refresh', (await store.get(user))?.token)).token;
const credential = new AzureCommunicationTokenCredential({
  refreshProactively: true,
  tokenRefresher: store.createTokenRefresher(user, [...SCOPES], fetchToken),
});
await new CallClient().createCallAgent(credential, { displayName: 'Warm start' });

const warmstart = {
  state: { path, scriptStartMs, readyMs: performance.now() } as WarmStartState,
  /** Empties this page's storage (the token store's records and the current user): the next load is cold. */
  async clear(): Promise<void> {
    await store.clear();
    localStorage.removeItem(CURRENT_USER);
  },
};

declare global {
  interface Window {
    warmstart: typeof warmstart;
  }
}
window.warmstart = warmstart;
document.body.dataset.ready = 'true';

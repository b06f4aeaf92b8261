import { AzureCommunicationTokenCredential } from '../common/credential.js';
import { RestError } from '../common/errors.js';
import type { StoredToken, TokenFetcher, TokenStore } from '../identity/tokenStore.js';

/**
 * The demo's sign-in: a user and a token from the service's demo token route (standing in for an
 * application's own trusted server), kept in the token store so a reload signs straight back in.
 */
export const DEMO_SCOPES = ['chat', 'voip'] as const;
const CURRENT_USER_KEY = 'acs-demo-current-user';

interface DemoTokenResponse {
  user: { communicationUserId: string };
  token: string;
  expiresOn: string;
}

export interface DemoSession {
  record: StoredToken;
  credential: AzureCommunicationTokenCredential;
  /** Where the current token came from: the store (no request) or the service. */
  source: 'store' | 'service';
}

async function postJson(url: string, token?: string): Promise<DemoTokenResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: '{}',
  });
  const body = (await response.json().catch(() => undefined)) as
    (DemoTokenResponse & { error?: { code: string; message: string } }) | undefined;
  if (!response.ok || !body) {
    throw new RestError(body?.error?.code ?? `Http${response.status}`, body?.error?.message ?? response.statusText, {
      statusCode: response.status,
    });
  }
  return body;
}

export class DemoSessions {
  constructor(
    private readonly store: TokenStore,
    private readonly endpoint: string,
  ) {}

  /** The user this browser signed in as last, if the store still has a usable token for it. */
  async resume(): Promise<DemoSession | undefined> {
    const userId = localStorage.getItem(CURRENT_USER_KEY);
    if (!userId) return undefined;
    const record = await this.store.get(userId);
    if (!record || record.expiresOn <= Date.now()) return undefined;
    const fetcher = this.#fetcher(userId);
    const fresh = await this.store.getOrRefresh(userId, [...DEMO_SCOPES], fetcher);
    const source = fresh.token === record.token ? 'store' : 'service';
    return { record: fresh, credential: this.#credential(userId, fetcher, fresh.token), source };
  }

  async signIn(displayName: string): Promise<DemoSession> {
    const issued = await postJson(new URL('demo/token', this.endpoint).href);
    const userId = issued.user.communicationUserId;
    const record = await this.store.put({
      userId,
      token: issued.token,
      expiresOn: Date.parse(issued.expiresOn),
      scopes: [...DEMO_SCOPES],
      displayName,
    });
    localStorage.setItem(CURRENT_USER_KEY, userId);
    return { record, credential: this.#credential(userId, this.#fetcher(userId), record.token), source: 'service' };
  }

  async signOut(session: DemoSession): Promise<void> {
    session.credential.dispose();
    await this.store.delete(session.record.userId);
    localStorage.removeItem(CURRENT_USER_KEY);
  }

  /** Refreshes with the user's current token: the demo route only re-issues to its holder. */
  #fetcher(userId: string): TokenFetcher {
    return async () => {
      const current = await this.store.get(userId);
      return (await postJson(new URL('demo/token/refresh', this.endpoint).href, current?.token)).token;
    };
  }

  #credential(userId: string, fetcher: TokenFetcher, token: string): AzureCommunicationTokenCredential {
    return new AzureCommunicationTokenCredential({
      token,
      refreshProactively: true,
      tokenRefresher: this.store.createTokenRefresher(userId, [...DEMO_SCOPES], fetcher),
    });
  }
}

/**
 * A second browsing context for the TokenStore tests: a module worker has its own IndexedDB
 * connection and shares the origin's Web Locks, as another tab does. It runs one `getOrRefresh` per
 * message with a slow counting fetcher and answers with the token and how often it fetched.
 */
import { TokenStore } from '../../src/identity/tokenStore.js';
import type { TokenScope } from '../../src/identity/communicationIdentityClient.js';
import { testJwt } from './helpers.js';

export interface WorkerRefreshRequest {
  databaseName: string;
  userId: string;
  scopes: TokenScope[];
  fetchDelayMs: number;
  lifetimeMs: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'refreshed'; token: string; fetches: number }
  | { type: 'failed'; message: string };

function reply(message: WorkerMessage): void {
  self.postMessage(message);
}

self.addEventListener('message', (event: MessageEvent<WorkerRefreshRequest>) => {
  void (async () => {
    const { databaseName, userId, scopes, fetchDelayMs, lifetimeMs } = event.data;
    const store = await TokenStore.open({ databaseName });
    let fetches = 0;
    try {
      const stored = await store.getOrRefresh(userId, scopes, async () => {
        fetches++;
        await new Promise((resolve) => setTimeout(resolve, fetchDelayMs));
        return testJwt(Date.now() + lifetimeMs);
      });
      reply({ type: 'refreshed', token: stored.token, fetches });
    } catch (error) {
      reply({ type: 'failed', message: String(error) });
    } finally {
      store.close();
    }
  })();
});

reply({ type: 'ready' });

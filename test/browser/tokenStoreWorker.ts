/**
 * A second browsing context for the TokenStore tests: a module worker has its own IndexedDB
 * connection and shares the origin's Web Locks, as another tab does. It runs one `getOrRefresh` per
 * message and reports each step (started, fetching, refreshed), so a test can see how the two
 * contexts' refreshes interleaved.
 */
import { TokenStore } from '../../src/identity/tokenStore.js';
import type { TokenScope } from '../../src/identity/communicationIdentityClient.js';
import { testJwt } from './helpers.js';

export interface WorkerRefreshRequest {
  databaseName: string;
  userId: string;
  scopes: TokenScope[];
  lifetimeMs: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  /** `getOrRefresh` was called. */
  | { type: 'started' }
  /** Its fetcher was called: this context fetches a token itself. */
  | { type: 'fetching' }
  | { type: 'refreshed'; token: string; fetches: number }
  | { type: 'failed'; message: string };

function reply(message: WorkerMessage): void {
  self.postMessage(message);
}

self.addEventListener('message', (event: MessageEvent<WorkerRefreshRequest>) => {
  void (async () => {
    const { databaseName, userId, scopes, lifetimeMs } = event.data;
    const store = await TokenStore.open({ databaseName });
    let fetches = 0;
    try {
      reply({ type: 'started' });
      const stored = await store.getOrRefresh(userId, scopes, async () => {
        fetches++;
        reply({ type: 'fetching' });
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

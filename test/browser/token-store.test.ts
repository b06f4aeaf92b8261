import { expect } from '@esm-bundle/chai';
import { AzureCommunicationTokenCredential } from '../../src/common/credential.js';
import { AbortError, TokenCredentialError } from '../../src/common/errors.js';
import { type StoredToken, type TokenFetcher, TokenStore } from '../../src/identity/tokenStore.js';
import { HOUR, MINUTE, rejectionOf, testJwt } from './helpers.js';
import { testService } from './service.js';
import { until } from '../kit/wait.js';
import type { WorkerMessage, WorkerRefreshRequest } from './tokenStoreWorker.js';

const ALICE = '8:acs:00000000-0000-4000-8000-000000000001_00000000-0000-4000-8000-0000000000a1';
const BOB = '8:acs:00000000-0000-4000-8000-000000000001_00000000-0000-4000-8000-0000000000b0';

/** A record whose token and `expiresOn` agree (to the second). */
function record(userId: string, lifetimeMs: number, extra: Partial<StoredToken> = {}): Omit<StoredToken, 'updatedAt'> {
  const expiresOn = Math.floor((Date.now() + lifetimeMs) / 1000) * 1000;
  return { userId, token: testJwt(expiresOn), expiresOn, scopes: ['chat', 'voip'], ...extra };
}

/** A fetcher that counts its calls and hands out `lifetimeMs` tokens, optionally after a pause. */
function countingFetcher(lifetimeMs = HOUR, delayMs = 0) {
  const tokens: string[] = [];
  const fetcher: TokenFetcher = async () => {
    tokens.push('');
    const index = tokens.length - 1;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const token = testJwt(Date.now() + lifetimeMs);
    tokens[index] = token;
    return token;
  };
  return {
    fetcher,
    tokens,
    get count() {
      return tokens.length;
    },
  };
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    request.onblocked = () => resolve();
  });
}

describe('TokenStore', () => {
  let databaseName: string;
  let opened: TokenStore[];

  async function open(): Promise<TokenStore> {
    const store = await TokenStore.open({ databaseName });
    opened.push(store);
    return store;
  }

  beforeEach(() => {
    databaseName = `test-${crypto.randomUUID()}`;
    opened = [];
  });

  afterEach(async () => {
    for (const store of opened) store.close();
    await deleteDatabase(databaseName);
  });

  describe('records', () => {
    it('get of a user with no record is undefined, and an empty store lists nothing', async () => {
      const store = await open();
      expect(await store.get(ALICE)).to.equal(undefined);
      expect(await store.list()).to.deep.equal([]);
    });

    it('put answers with the written record (updatedAt added), and get returns it', async () => {
      const store = await open();
      const alice = record(ALICE, HOUR, { displayName: 'Alice' });
      const written = await store.put(alice);
      expect(written).to.include({ userId: ALICE, token: alice.token, expiresOn: alice.expiresOn, displayName: 'Alice' });
      expect(written.updatedAt).to.be.a('number');
      expect(await store.get(ALICE)).to.deep.equal(written);
    });

    it('list returns every user’s record as written, displayName only where given', async () => {
      const store = await open();
      await store.put(record(ALICE, HOUR, { displayName: 'Alice' }));
      const bob = await store.put(record(BOB, 2 * HOUR, { scopes: ['chat'] }));
      expect(bob).not.to.have.property('displayName');
      const listed = await store.list();
      expect(listed.map((entry) => entry.userId).sort()).to.deep.equal([ALICE, BOB].sort());
      expect(listed.find((entry) => entry.userId === BOB)).to.deep.equal(bob);
    });

    it('delete removes that user’s record only', async () => {
      const store = await open();
      await store.put(record(ALICE, HOUR));
      await store.put(record(BOB, HOUR));
      await store.delete(ALICE);
      expect(await store.get(ALICE)).to.equal(undefined);
      expect((await store.list()).map((entry) => entry.userId)).to.deep.equal([BOB]);
    });

    it('clear removes every record', async () => {
      const store = await open();
      await store.put(record(ALICE, HOUR));
      await store.put(record(BOB, HOUR));
      await store.clear();
      expect(await store.list()).to.deep.equal([]);
    });

    it('refuses malformed records with TypeError', async () => {
      const store = await open();
      const good = record(ALICE, HOUR);
      for (const bad of [
        { ...good, userId: '' },
        { ...good, token: '' },
        { ...good, expiresOn: Number.NaN },
        { ...good, scopes: 'chat' },
      ]) {
        expect(await rejectionOf(store.put(bad as never))).to.be.instanceOf(TypeError);
      }
      expect(await store.list()).to.deep.equal([]);
    });

    it('survives a reload: a new TokenStore on the same database finds the record', async () => {
      const first = await open();
      const written = await first.put(record(ALICE, HOUR, { displayName: 'Alice' }));
      first.close();
      const second = await open();
      expect(await second.get(ALICE)).to.deep.equal(written);
      expect(await second.list()).to.have.length(1);
    });

    it('keeps databases apart by name', async () => {
      const store = await open();
      await store.put(record(ALICE, HOUR));
      const otherName = `test-${crypto.randomUUID()}`;
      const other = await TokenStore.open({ databaseName: otherName });
      try {
        expect(await other.get(ALICE)).to.equal(undefined);
      } finally {
        other.close();
        await deleteDatabase(otherName);
      }
    });

    it('keeps the newer token when an older one is written over it, while displayName updates apply', async () => {
      const store = await open();
      const newer = record(ALICE, 2 * HOUR, { displayName: 'Alice' });
      await store.put(newer);
      const older = record(ALICE, HOUR, { displayName: 'Alice Liddell' });
      const merged = await store.put(older);
      expect(merged).to.include({ token: newer.token, expiresOn: newer.expiresOn, displayName: 'Alice Liddell' });
      expect(await store.get(ALICE)).to.deep.equal(merged);

      // A later token does replace it, and a write without a displayName keeps the stored one.
      const latest = record(ALICE, 3 * HOUR);
      const replaced = await store.put(latest);
      expect(replaced).to.include({ token: latest.token, expiresOn: latest.expiresOn, displayName: 'Alice Liddell' });
    });
  });

  describe('getValidToken', () => {
    it('returns the record only while it is valid for the scopes asked for', async () => {
      const store = await open();
      const alice = await store.put(record(ALICE, HOUR));
      expect(await store.getValidToken(ALICE, ['chat'])).to.deep.equal(alice);
      expect(await store.getValidToken(ALICE, ['chat', 'voip'])).to.deep.equal(alice);
      expect(await store.getValidToken(ALICE, ['chat', 'voip.join'])).to.equal(undefined);
      expect(await store.getValidToken(BOB, ['chat'])).to.equal(undefined);
    });

    it('returns undefined for an expired record', async () => {
      const store = await open();
      await store.put(record(ALICE, -MINUTE));
      expect(await store.getValidToken(ALICE, ['chat'])).to.equal(undefined);
      expect(await store.getValidToken(ALICE, ['chat'], { minValidityMs: 0 })).to.equal(undefined);
    });

    it('returns undefined for a record with less than minValidityMs left', async () => {
      const store = await open();
      const alice = await store.put(record(ALICE, 10 * MINUTE));
      // The default asks for 15 minutes.
      expect(await store.getValidToken(ALICE, ['chat'])).to.equal(undefined);
      expect(await store.getValidToken(ALICE, ['chat'], { minValidityMs: 5 * MINUTE })).to.deep.equal(alice);
      await store.put(record(BOB, 30 * MINUTE));
      expect(await store.getValidToken(BOB, ['chat'], { minValidityMs: 45 * MINUTE })).to.equal(undefined);
      expect((await store.getValidToken(BOB, ['chat']))?.userId).to.equal(BOB);
    });
  });

  describe('getOrRefresh', () => {
    it('returns a valid stored token without calling the fetcher', async () => {
      const store = await open();
      const alice = await store.put(record(ALICE, HOUR));
      const fetch = countingFetcher();
      expect(await store.getOrRefresh(ALICE, ['chat'], fetch.fetcher)).to.deep.equal(alice);
      expect(fetch.count).to.equal(0);
    });

    it('fetches when nothing is stored and writes the result back', async () => {
      const store = await open();
      const fetch = countingFetcher();
      const fresh = await store.getOrRefresh(ALICE, ['chat', 'voip'], fetch.fetcher, { displayName: 'Alice' });
      expect(fetch.count).to.equal(1);
      expect(fresh).to.include({ userId: ALICE, token: fetch.tokens[0], displayName: 'Alice' });
      expect(fresh.scopes).to.deep.equal(['chat', 'voip']);
      expect(fresh.expiresOn).to.be.closeTo(Date.now() + HOUR, MINUTE);
      expect(await store.get(ALICE)).to.deep.equal(fresh);
      // Next time it comes from the store.
      expect(await store.getOrRefresh(ALICE, ['chat'], fetch.fetcher)).to.deep.equal(fresh);
      expect(fetch.count).to.equal(1);
    });

    it('fetches when the stored token has expired, and replaces it', async () => {
      const store = await open();
      const stale = await store.put(record(ALICE, -MINUTE, { displayName: 'Alice' }));
      const fetch = countingFetcher();
      const fresh = await store.getOrRefresh(ALICE, ['chat'], fetch.fetcher);
      expect(fetch.count).to.equal(1);
      expect(fresh.token).to.equal(fetch.tokens[0]);
      expect(fresh.token).not.to.equal(stale.token);
      expect(fresh.displayName).to.equal('Alice');
      expect((await store.get(ALICE))?.token).to.equal(fetch.tokens[0]);
    });

    it('takes expiresOn and scopes from a fetcher that returns them', async () => {
      const store = await open();
      const expiresOn = new Date(Math.floor((Date.now() + 2 * HOUR) / 1000) * 1000);
      const token = testJwt(Date.now() + 3 * HOUR);
      const fresh = await store.getOrRefresh(ALICE, ['chat'], async () => ({
        token,
        expiresOn,
        scopes: ['chat', 'voip'],
      }));
      expect(fresh).to.include({ token, expiresOn: expiresOn.getTime() });
      expect(fresh.scopes).to.deep.equal(['chat', 'voip']);
    });

    it('rejects an already-expired token from the fetcher with TokenExpired and writes nothing', async () => {
      const store = await open();
      const fetch = countingFetcher(-MINUTE);
      const error = await rejectionOf(store.getOrRefresh(ALICE, ['chat'], fetch.fetcher));
      expect(error).to.be.instanceOf(TokenCredentialError);
      expect((error as TokenCredentialError).code).to.equal('TokenExpired');
      expect(fetch.count).to.equal(1);
      expect(await store.get(ALICE)).to.equal(undefined);

      // Nor is an expired stored record touched.
      const stale = await store.put(record(BOB, -HOUR));
      const explicit = await rejectionOf(
        store.getOrRefresh(BOB, ['chat'], async () => ({ token: testJwt(Date.now() + HOUR), expiresOn: Date.now() - 1 })),
      );
      expect((explicit as TokenCredentialError).code).to.equal('TokenExpired');
      expect(await store.get(BOB)).to.deep.equal(stale);
    });

    it('honours abortSignal: an aborted call fetches nothing, and a wait for the lock can be cancelled', async () => {
      const store = await open();
      const fetch = countingFetcher(HOUR, 50);
      const aborted = new AbortController();
      aborted.abort();
      expect(await rejectionOf(store.getOrRefresh(ALICE, ['chat'], fetch.fetcher, { abortSignal: aborted.signal }))).to.be.instanceOf(
        AbortError,
      );
      expect(fetch.count).to.equal(0);

      const holder = store.getOrRefresh(ALICE, ['chat'], fetch.fetcher); // holds the lock for ~50 ms
      const waiting = new AbortController();
      const waiter = store.getOrRefresh(BOB, ['chat'], fetch.fetcher, { abortSignal: waiting.signal });
      const sameUser = new AbortController();
      const queued = store.getOrRefresh(ALICE, ['chat'], fetch.fetcher, { abortSignal: sameUser.signal });
      sameUser.abort();
      expect(await rejectionOf(queued)).to.be.instanceOf(AbortError);
      await holder;
      await waiter;
      expect(fetch.count).to.equal(2, 'one fetch for Alice, one for Bob; the cancelled wait fetched nothing');
    });

    it('fetches once when two tabs refresh the same user at the same time', async () => {
      const tabA = await open();
      const tabB = await open();
      const fetch = countingFetcher(HOUR, 50);
      const [a, b] = await Promise.all([
        tabA.getOrRefresh(ALICE, ['chat'], fetch.fetcher),
        tabB.getOrRefresh(ALICE, ['chat'], fetch.fetcher),
      ]);
      expect(fetch.count).to.equal(1);
      expect(a.token).to.equal(fetch.tokens[0]);
      expect(b.token).to.equal(fetch.tokens[0]);
      expect((await tabB.get(ALICE))?.token).to.equal(fetch.tokens[0]);
    });

    it('fetches once when a page and another context (a worker, like a second tab) refresh together', async () => {
      // Same-page stores would also be serialised by the in-process fallback queue; a worker is a
      // separate agent, so only a cross-context lock (Web Locks) keeps it to one fetch. The page
      // starts the worker's refresh from inside its own fetch and finishes only once the worker is
      // either queued for the lock or fetching itself: the two refreshes overlap for certain, and
      // without the lock the worker fetches too.
      const worker = new Worker(new URL('./tokenStoreWorker.ts', import.meta.url), { type: 'module' });
      try {
        const events: string[] = [];
        let workerResult: WorkerMessage | undefined;
        let workerError: string | undefined;
        worker.addEventListener('message', (event: MessageEvent<WorkerMessage>) => {
          events.push(`worker ${event.data.type}`);
          if (event.data.type === 'refreshed' || event.data.type === 'failed') workerResult = event.data;
        });
        worker.addEventListener('error', (event) => (workerError = event.message));
        const fromWorker = (what: string) =>
          until(
            () => {
              if (workerError !== undefined) throw new Error(`worker failed: ${workerError}`);
              return events.includes(`worker ${what}`);
            },
            { what: () => `the worker: ${what} (events: ${events.join(', ')})` },
          );
        await fromWorker('ready');

        const page = await open();
        const request: WorkerRefreshRequest = { databaseName, userId: ALICE, scopes: ['chat'], lifetimeMs: HOUR };
        /** The worker's request for the refresh lock is pending (it waits while the page holds it). */
        const workerQueued = async () => {
          const { held = [], pending = [] } = await navigator.locks.query();
          const refreshLock = held.find((lock) => lock.name?.endsWith(`:refresh:${ALICE}`));
          return refreshLock !== undefined && pending.some((lock) => lock.name === refreshLock.name);
        };
        let pageFetches = 0;
        events.push('page started');
        const pageResult = await page.getOrRefresh(ALICE, ['chat'], async () => {
          pageFetches++;
          events.push('page fetching');
          worker.postMessage(request);
          await fromWorker('started');
          await until(async () => events.includes('worker fetching') || (await workerQueued()), {
            what: () => `the worker to queue for the lock or fetch (events: ${events.join(', ')})`,
          });
          if (!events.includes('worker fetching')) events.push('worker queued for the lock');
          return testJwt(Date.now() + HOUR);
        });
        events.push('page refreshed');
        const answer = await until(() => workerResult, { what: () => `the worker's answer (events: ${events.join(', ')})` });
        if (answer.type !== 'refreshed') expect.fail(`worker answered ${JSON.stringify(answer)}`);

        // They overlapped: each started before the other finished.
        expect(events.indexOf('worker started')).to.be.below(events.indexOf('page refreshed'));
        expect(events.indexOf('page started')).to.be.below(events.indexOf('worker refreshed'));
        // The worker waited for the lock the page held, then took the page's token.
        expect(events.slice(0, 5)).to.deep.equal([
          'worker ready',
          'page started',
          'page fetching',
          'worker started',
          'worker queued for the lock',
        ]);
        expect(pageFetches + answer.fetches).to.equal(1);
        expect(answer.token).to.equal(pageResult.token);
        expect((await page.get(ALICE))?.token).to.equal(pageResult.token);
      } finally {
        worker.terminate();
      }
    });

    it('refreshes of different users from two tabs each fetch their own token', async () => {
      const tabA = await open();
      const tabB = await open();
      const fetchAlice = countingFetcher(HOUR, 20);
      const fetchBob = countingFetcher(HOUR, 20);
      const [alice, bob] = await Promise.all([
        tabA.getOrRefresh(ALICE, ['chat'], fetchAlice.fetcher),
        tabB.getOrRefresh(BOB, ['chat'], fetchBob.fetcher),
      ]);
      expect([fetchAlice.count, fetchBob.count]).to.deep.equal([1, 1]);
      expect(alice.token).to.equal(fetchAlice.tokens[0]);
      expect(bob.token).to.equal(fetchBob.tokens[0]);
    });

    it('loses no write when two tabs put different users concurrently', async () => {
      const tabA = await open();
      const tabB = await open();
      const users = (tab: string) =>
        Array.from({ length: 20 }, (_, i) => `8:acs:00000000-0000-4000-8000-000000000001_${tab}-${String(i).padStart(4, '0')}`);
      const aUsers = users('a');
      const bUsers = users('b');
      const writes: Promise<StoredToken>[] = [];
      for (let i = 0; i < 20; i++) {
        writes.push(tabA.put(record(aUsers[i]!, HOUR)));
        writes.push(tabB.put(record(bUsers[i]!, HOUR)));
      }
      await Promise.all(writes);
      const all = await tabA.list();
      expect(all).to.have.length(40);
      expect(all.map((entry) => entry.userId).sort()).to.deep.equal([...aUsers, ...bUsers].sort());
      expect(await tabB.list()).to.have.length(40);
    });
  });

  describe('createTokenRefresher with AzureCommunicationTokenCredential', () => {
    it('fetches once, and a new page load on the reopened store needs no fetch', async () => {
      const fetch = countingFetcher();
      const firstPage = await open();
      const credential = new AzureCommunicationTokenCredential({
        tokenRefresher: firstPage.createTokenRefresher(ALICE, ['chat', 'voip'], fetch.fetcher),
      });
      const first = await credential.getToken();
      expect(fetch.count).to.equal(1);
      expect(first.token).to.equal(fetch.tokens[0]);
      expect((await credential.getToken()).token).to.equal(first.token);
      expect(fetch.count).to.equal(1);
      expect((await firstPage.get(ALICE))?.token).to.equal(first.token);
      credential.dispose();
      firstPage.close();

      const secondPage = await open();
      const reloaded = new AzureCommunicationTokenCredential({
        tokenRefresher: secondPage.createTokenRefresher(ALICE, ['chat', 'voip'], fetch.fetcher),
      });
      const again = await reloaded.getToken();
      expect(fetch.count).to.equal(1);
      expect(again).to.deep.equal(first);
      reloaded.dispose();
    });

    it('a forced refresh after the service refused the token fetches a new one, never the stored refused one', async () => {
      const store = await open();
      const fetch = countingFetcher();
      const credential = new AzureCommunicationTokenCredential({
        tokenRefresher: store.createTokenRefresher(ALICE, ['chat'], fetch.fetcher),
      });
      const first = await credential.getToken();
      // Still valid for an hour in the store, but the service refused it (revoked, say).
      const forced = await credential.getToken({ forceRefresh: true });
      expect(fetch.count).to.equal(2);
      expect(forced.token).to.not.equal(first.token);
      expect(forced.token).to.equal(fetch.tokens[1]);
      expect((await store.get(ALICE))?.token).to.equal(forced.token);
      // A plain call after that is served from the store again.
      expect((await credential.getToken()).token).to.equal(forced.token);
      expect(fetch.count).to.equal(2);
    });

    it('fetches a fresh token when the stored one is too close to expiry for the credential', async () => {
      const store = await open();
      await store.put(record(ALICE, 5 * MINUTE));
      const fetch = countingFetcher();
      const credential = new AzureCommunicationTokenCredential({
        tokenRefresher: store.createTokenRefresher(ALICE, ['chat'], fetch.fetcher),
      });
      const token = await credential.getToken();
      expect(fetch.count).to.equal(1);
      expect(token.token).to.equal(fetch.tokens[0]);
      expect(token.expiresOnTimestamp).to.be.closeTo(Date.now() + HOUR, MINUTE);
    });
  });

  describe('with real tokens from the service', () => {
    it("stores the demo route's token and hands it to the credential", async () => {
      const { endpoint } = await testService();
      const issued: { user: { communicationUserId: string }; token: string; expiresOn: string }[] = [];
      const post = async (path: string, token?: string) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (token) headers.authorization = `Bearer ${token}`;
        const response = await fetch(`${endpoint}${path}`, { method: 'POST', headers, body: '{}' });
        expect(response.ok, `${path} answered ${response.status}`).to.equal(true);
        const body = (await response.json()) as (typeof issued)[number];
        issued.push(body);
        return body;
      };

      // Sign in: the application's server creates the user and its first token.
      const signIn = await post('demo/token');
      const userId = signIn.user.communicationUserId;
      expect(userId).to.match(/^8:acs:/);

      // The fetcher asks the same server for a token for this user (the refresh route needs the current one).
      let fetches = 0;
      const fetcher: TokenFetcher = async () => {
        fetches++;
        const body = await post('demo/token/refresh', signIn.token);
        expect(body.user.communicationUserId).to.equal(userId);
        return { token: body.token, expiresOn: new Date(body.expiresOn), scopes: ['chat', 'voip'] };
      };

      const store = await open();
      const credential = new AzureCommunicationTokenCredential({
        tokenRefresher: store.createTokenRefresher(userId, ['chat', 'voip'], fetcher),
      });
      const token = await credential.getToken();
      expect(fetches).to.equal(1);
      const fromService = issued[1]!;
      expect(token).to.deep.equal({ token: fromService.token, expiresOnTimestamp: Date.parse(fromService.expiresOn) });
      const stored = await store.get(userId);
      expect(stored).to.include({ userId, token: fromService.token, expiresOn: Date.parse(fromService.expiresOn) });
      expect(stored?.scopes).to.deep.equal(['chat', 'voip']);

      // The stored token is one the service accepts, and a reload takes it without fetching.
      expect((await post('demo/token/refresh', token.token)).user.communicationUserId).to.equal(userId);
      credential.dispose();
      const reloaded = new AzureCommunicationTokenCredential({
        tokenRefresher: (await open()).createTokenRefresher(userId, ['chat', 'voip'], fetcher),
      });
      expect((await reloaded.getToken()).token).to.equal(fromService.token);
      expect(fetches).to.equal(1);
      reloaded.dispose();
    });
  });
});

import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import { CommunicationError, TokenCredentialError, throwIfAborted } from '../common/errors.js';
import { type TokenRefreshContext, parseToken } from '../common/credential.js';
import { withLock } from '../common/locks.js';
import type { TokenScope } from './communicationIdentityClient.js';

/** One user's identity and token, as kept in IndexedDB. */
export interface StoredToken {
  /** The user's raw id (`8:acs:...`): the record's key. */
  userId: string;
  token: string;
  /** Expiry, ms since the epoch. */
  expiresOn: number;
  scopes: TokenScope[];
  /** When this record was last written, ms since the epoch. */
  updatedAt: number;
  /** Optional name to show for the user; kept across token refreshes. */
  displayName?: string;
}

/** What a token fetcher returns: a token from the application's trusted server. */
export interface FetchedToken {
  token: string;
  /** Defaults to the JWT's `exp`. */
  expiresOn?: Date | number;
  scopes?: TokenScope[];
}

export type TokenFetcher = (abortSignal?: AbortSignal) => Promise<FetchedToken | string>;

export interface TokenStoreOptions {
  /** IndexedDB database name, so several apps (or tests) on one origin keep apart. */
  databaseName?: string;
}

export interface GetValidTokenOptions {
  /** A stored token is only handed out with at least this much life left. Default 15 minutes. */
  minValidityMs?: number;
}

export interface RefreshOptions extends GetValidTokenOptions {
  abortSignal?: AbortSignal;
  displayName?: string;
  /** A token the service refused: never handed back from the store, even while it looks valid. */
  refusedToken?: string;
}

interface TokenStoreSchema extends DBSchema {
  tokens: { key: string; value: StoredToken };
}

const DEFAULT_DATABASE = 'acs-token-store';
const DATABASE_VERSION = 1;
/**
 * More than the credential's 10-minute refresh window, so a token taken from the store is never
 * already due for refresh when the credential gets it.
 */
const DEFAULT_MIN_VALIDITY_MS = 15 * 60_000;

/**
 * Keeps users' tokens in IndexedDB so a reload needs no new token. Tabs of one origin share it:
 * refreshes of one user's token are serialised by a Web Lock across tabs (the second tab finds the
 * first tab's fresh token and makes no request), and writes are merged per user in one transaction,
 * so no tab's write is lost to another's.
 */
export class TokenStore {
  readonly #db: IDBPDatabase<TokenStoreSchema>;
  readonly #name: string;

  private constructor(db: IDBPDatabase<TokenStoreSchema>, name: string) {
    this.#db = db;
    this.#name = name;
  }

  static async open(options: TokenStoreOptions = {}): Promise<TokenStore> {
    if (typeof indexedDB === 'undefined') {
      throw new CommunicationError('IndexedDBUnavailable', 'TokenStore needs IndexedDB (a browser).');
    }
    const name = options.databaseName ?? DEFAULT_DATABASE;
    const db = await openDB<TokenStoreSchema>(name, DATABASE_VERSION, {
      upgrade(database) {
        if (!database.objectStoreNames.contains('tokens')) {
          database.createObjectStore('tokens', { keyPath: 'userId' });
        }
      },
      // Another tab wants a newer schema: step aside instead of blocking it.
      blocking() {
        db.close();
      },
    });
    return new TokenStore(db, name);
  }

  get(userId: string): Promise<StoredToken | undefined> {
    return this.#db.get('tokens', userId);
  }

  list(): Promise<StoredToken[]> {
    return this.#db.getAll('tokens');
  }

  /**
   * Writes a user's record. Read and write happen in one transaction; when the stored token is newer
   * (expires later) than the one written, the stored token stays and only the other fields change.
   */
  async put(record: Omit<StoredToken, 'updatedAt'>): Promise<StoredToken> {
    validateRecord(record);
    const tx = this.#db.transaction('tokens', 'readwrite');
    const existing = await tx.store.get(record.userId);
    const keepExistingToken =
      existing !== undefined && existing.expiresOn > record.expiresOn && record.scopes.every((scope) => existing.scopes.includes(scope));
    const merged: StoredToken = {
      ...existing,
      ...record,
      ...(keepExistingToken ? { token: existing.token, expiresOn: existing.expiresOn, scopes: existing.scopes } : {}),
      displayName: record.displayName ?? existing?.displayName,
      updatedAt: Date.now(),
    };
    if (merged.displayName === undefined) delete merged.displayName;
    await Promise.all([tx.store.put(merged), tx.done]);
    return merged;
  }

  async delete(userId: string): Promise<void> {
    await this.#db.delete('tokens', userId);
  }

  async clear(): Promise<void> {
    await this.#db.clear('tokens');
  }

  /** The stored token if it covers `scopes` and has `minValidityMs` left; otherwise `undefined`. */
  async getValidToken(userId: string, scopes: TokenScope[], options: GetValidTokenOptions = {}): Promise<StoredToken | undefined> {
    const record = await this.get(userId);
    return record && isValidFor(record, scopes, options.minValidityMs) ? record : undefined;
  }

  /**
   * A valid stored token, or a fresh one from `fetchToken`, written back. At most one tab fetches
   * for a user at a time; the others wait, then take what it wrote.
   */
  async getOrRefresh(userId: string, scopes: TokenScope[], fetchToken: TokenFetcher, options: RefreshOptions = {}): Promise<StoredToken> {
    throwIfAborted(options.abortSignal);
    const usable = (record: StoredToken | undefined) => (record && record.token !== options.refusedToken ? record : undefined);
    const stored = usable(await this.getValidToken(userId, scopes, options));
    if (stored) return stored;
    return withLock(
      `${this.#name}:refresh:${userId}`,
      async () => {
        // Another tab may have fetched a new one meanwhile: that one is good (it is not the refused one).
        const meanwhile = usable(await this.getValidToken(userId, scopes, options));
        if (meanwhile) return meanwhile;
        throwIfAborted(options.abortSignal);
        const fetched = await fetchToken(options.abortSignal);
        const {
          token,
          expiresOn,
          scopes: fetchedScopes,
        } = typeof fetched === 'string' ? { token: fetched, expiresOn: undefined, scopes: undefined } : fetched;
        const expiry = expiresOn === undefined ? parseToken(token).expiresOnTimestamp : new Date(expiresOn).getTime();
        if (!(expiry > Date.now())) throw TokenCredentialError.expiredFromRefresher();
        const record: Omit<StoredToken, 'updatedAt'> = { userId, token, expiresOn: expiry, scopes: fetchedScopes ?? scopes };
        if (options.displayName !== undefined) record.displayName = options.displayName;
        return this.put(record);
      },
      options.abortSignal,
    );
  }

  /**
   * A `tokenRefresher` for `AzureCommunicationTokenCredential` that reads and writes this store:
   * the credential gets a stored token when one is valid, and every fresh token lands here.
   */
  createTokenRefresher(
    userId: string,
    scopes: TokenScope[],
    fetchToken: TokenFetcher,
    options: GetValidTokenOptions = {},
  ): (abortSignal?: AbortSignal, context?: TokenRefreshContext) => Promise<string> {
    return async (abortSignal, context) =>
      (
        await this.getOrRefresh(userId, scopes, fetchToken, {
          ...options,
          abortSignal,
          ...(context?.refusedToken ? { refusedToken: context.refusedToken } : {}),
        })
      ).token;
  }

  close(): void {
    this.#db.close();
  }
}

function isValidFor(record: StoredToken, scopes: TokenScope[], minValidityMs = DEFAULT_MIN_VALIDITY_MS): boolean {
  return record.expiresOn - Date.now() > minValidityMs && scopes.every((scope) => record.scopes.includes(scope));
}

function validateRecord(record: Omit<StoredToken, 'updatedAt'>): void {
  if (typeof record?.userId !== 'string' || record.userId === '') throw new TypeError('userId must be a non-empty string.');
  if (typeof record.token !== 'string' || record.token === '') throw new TypeError('token must be a non-empty string.');
  if (!Number.isFinite(record.expiresOn)) throw new TypeError('expiresOn must be a timestamp in ms.');
  if (!Array.isArray(record.scopes)) throw new TypeError('scopes must be an array.');
}

import { randomUUID } from 'node:crypto';
import type { Db } from '../storage/database.js';

export interface UserRecord {
  id: string;
  createdAt: number;
  /** Bumped by every revoke: tokens carry the generation they were issued in. */
  tokenGeneration: number;
  /** When the latest token issued to the user expires (ms); undefined before the first one. */
  lastTokenExpiresOn?: number;
  /** The application's own id for the user (identity API preview `customId`): one user per value. */
  customId?: string;
}

export interface ApplicationRecord {
  id: string;
  displayName: string;
  createdAt: number;
}

/** Removes everything one kind of content keeps for a user; runs inside the deletion transaction. */
export type UserContentDeleter = (userId: string) => void;

/** Told after a user's tokens stopped being valid: revoked, or the user deleted (after the commit). */
export type TokensInvalidatedListener = (userId: string, reason: 'revoked' | 'deleted') => void;

/**
 * Users of the service. Deletion is the one path that removes a user's content: chat, calling and
 * any later area register a deleter here, and all of them run in one transaction with the user row,
 * so a failure leaves the user and every piece of content as they were.
 */
export class IdentityStore {
  readonly #db: Db;
  readonly #resourceId: string;
  readonly #deleters = new Map<string, UserContentDeleter>();
  readonly #invalidatedListeners = new Set<TokensInvalidatedListener>();
  readonly #statements;
  /** `createUser` as one transaction, made once (better-sqlite3 builds a wrapper per `transaction()`). */
  readonly #createUserTransaction: (customId: string | undefined) => UserRecord;

  constructor(db: Db, resourceId: string) {
    this.#db = db;
    this.#resourceId = resourceId;
    this.#statements = {
      insert: db.prepare('INSERT INTO users (id, created_at, custom_id) VALUES (?, ?, ?)'),
      get: db.prepare('SELECT id, created_at, token_generation, last_token_expires_on, custom_id FROM users WHERE id = ?'),
      byCustomId: db.prepare('SELECT id FROM users WHERE custom_id = ?'),
      tokenIssued: db.prepare('UPDATE users SET last_token_expires_on = max(coalesce(last_token_expires_on, 0), ?) WHERE id = ?'),
      revoke: db.prepare('UPDATE users SET token_generation = token_generation + 1 WHERE id = ?'),
      delete: db.prepare('DELETE FROM users WHERE id = ?'),
      insertApplication: db.prepare('INSERT INTO applications (id, display_name, created_at) VALUES (?, ?, ?)'),
      getApplication: db.prepare('SELECT id, display_name, created_at FROM applications WHERE id = ?'),
      deleteApplication: db.prepare('DELETE FROM applications WHERE id = ?'),
    };
    this.#createUserTransaction = db.transaction((customId: string | undefined): UserRecord => {
      if (customId !== undefined) {
        const existing = this.#statements.byCustomId.get(customId) as { id: string } | undefined;
        if (existing) return this.getUser(existing.id)!;
      }
      const id = `8:acs:${this.#resourceId}_${randomUUID()}`;
      const createdAt = Date.now();
      this.#statements.insert.run(id, createdAt, customId ?? null);
      const user: UserRecord = { id, createdAt, tokenGeneration: 0 };
      if (customId !== undefined) user.customId = customId;
      return user;
    });
  }

  /** Registers what must go with a user. `name` keeps one deleter per area. */
  onUserDeleted(name: string, deleter: UserContentDeleter): void {
    this.#deleters.set(name, deleter);
  }

  /**
   * Registers a listener for revocations and deletions: whatever holds a connection opened with a
   * user's token (the real-time channel, signalling) closes it then, not only when the token expires.
   */
  onTokensInvalidated(listener: TokensInvalidatedListener): () => void {
    this.#invalidatedListeners.add(listener);
    return () => this.#invalidatedListeners.delete(listener);
  }

  /**
   * Creates a user; with a `customId`, returns the user already created with it, if any (as ACS
   * does), so the application need not keep its own mapping.
   */
  createUser(customId?: string): UserRecord {
    return this.#createUserTransaction(customId);
  }

  /** True for a communication-user id (`8:acs:<resource>_…`) that names another resource. */
  isOfOtherResource(id: string): boolean {
    const resource = /^8:acs:([^_]+)_/.exec(id)?.[1];
    return resource !== undefined && resource !== this.#resourceId;
  }

  getUser(id: string): UserRecord | undefined {
    const row = this.#statements.get.get(id) as
      | { id: string; created_at: number; token_generation: number; last_token_expires_on: number | null; custom_id: string | null }
      | undefined;
    if (!row) return undefined;
    const user: UserRecord = { id: row.id, createdAt: row.created_at, tokenGeneration: row.token_generation };
    if (row.last_token_expires_on !== null) user.lastTokenExpiresOn = row.last_token_expires_on;
    if (row.custom_id !== null) user.customId = row.custom_id;
    return user;
  }

  /** Records a token issued to a user: the latest expiry is kept (no-op for an application). */
  recordTokenIssued(id: string, expiresOn: number): void {
    this.#statements.tokenIssued.run(expiresOn, id);
  }

  /** Invalidates every token issued so far; returns false for an unknown user. */
  revokeTokens(id: string): boolean {
    const revoked = this.#statements.revoke.run(id).changes > 0;
    if (revoked) this.#notifyInvalidated(id, 'revoked');
    return revoked;
  }

  /** Deletes the user and all its content atomically; returns false for an unknown user. */
  deleteUser(id: string): boolean {
    const deleted = this.#db.transaction(() => {
      if (!this.getUser(id)) return false;
      for (const deleter of this.#deleters.values()) deleter(id);
      this.#statements.delete.run(id);
      return true;
    })();
    if (deleted) this.#notifyInvalidated(id, 'deleted');
    return deleted;
  }

  /** A calling application: acts with the access key (HMAC) under its own `28:acs:` identity. */
  createApplication(displayName: string): ApplicationRecord {
    const id = `28:acs:${this.#resourceId}_${randomUUID()}`;
    const createdAt = Date.now();
    this.#statements.insertApplication.run(id, displayName, createdAt);
    return { id, displayName, createdAt };
  }

  getApplication(id: string): ApplicationRecord | undefined {
    const row = this.#statements.getApplication.get(id) as { id: string; display_name: string; created_at: number } | undefined;
    return row && { id: row.id, displayName: row.display_name, createdAt: row.created_at };
  }

  /** Deletes an application and everything it wrote, through the same deleters as a user. */
  deleteApplication(id: string): boolean {
    return this.#db.transaction(() => {
      if (!this.getApplication(id)) return false;
      for (const deleter of this.#deleters.values()) deleter(id);
      this.#statements.deleteApplication.run(id);
      return true;
    })();
  }

  /** True for an identity that can take part in conversations: a user or an application. */
  exists(id: string): boolean {
    return this.getUser(id) !== undefined || this.getApplication(id) !== undefined;
  }

  #notifyInvalidated(id: string, reason: 'revoked' | 'deleted'): void {
    for (const listener of this.#invalidatedListeners) {
      try {
        listener(id, reason);
      } catch (error) {
        console.error('A token-invalidation listener failed:', error);
      }
    }
  }
}

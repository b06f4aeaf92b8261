import type { IdentityStore } from '../identity/identityStore.js';
import type { Db } from '../storage/database.js';

/**
 * The demo app's own directory of its people, kept as the ACS identity-model page asks an app to:
 * the service's identity API holds no mapping to an app's users, so the app keeps a "User table"
 * with each one's communication identifier. This table is the demo's (under `/demo/*`, in the
 * service's storage only because the demo runs in the same process), not part of the ACS API:
 * who signed in to the demo, by what name, and when they were last seen. Deleting the user deletes
 * their row with the rest of their data.
 */
export interface DemoPerson {
  userId: string;
  displayName: string;
  lastSeen: number;
}

export const DEMO_PEOPLE_LIMITS = { displayName: 64, search: 64, page: 200 } as const;

export class DemoPeople {
  readonly #q;

  constructor(db: Db, identities: IdentityStore) {
    // Search ignores case and accents in every script ("alice" finds "Ålice"); SQLite's lower() knows ASCII only.
    db.function('demo_fold', { deterministic: true }, (text: unknown) => foldForSearch(String(text ?? '')));
    this.#q = {
      upsert: db.prepare(
        `INSERT INTO demo_people (user_id, display_name, last_seen) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, last_seen = excluded.last_seen`,
      ),
      seen: db.prepare('UPDATE demo_people SET last_seen = ? WHERE user_id = ?'),
      get: db.prepare('SELECT user_id, display_name, last_seen FROM demo_people WHERE user_id = ?'),
      search: db.prepare(
        `SELECT user_id, display_name, last_seen FROM demo_people
         WHERE instr(demo_fold(display_name), demo_fold(?)) > 0
         ORDER BY last_seen DESC, display_name, user_id LIMIT ?`,
      ),
      delete: db.prepare('DELETE FROM demo_people WHERE user_id = ?'),
    };
    identities.onUserDeleted('demoPeople', (userId) => {
      this.#q.delete.run(userId);
    });
  }

  /** The person signed in (again) under this name, now. */
  introduce(userId: string, displayName: string, now: number): DemoPerson {
    this.#q.upsert.run(userId, displayName, now);
    return { userId, displayName, lastSeen: now };
  }

  seen(userId: string, now: number): void {
    this.#q.seen.run(now, userId);
  }

  /** The person left the demo (signed out for good). */
  remove(userId: string): void {
    this.#q.delete.run(userId);
  }

  get(userId: string): DemoPerson | undefined {
    const row = this.#q.get.get(userId) as Row | undefined;
    return row && toPerson(row);
  }

  /** People whose name contains `search` (any case), most recently seen first. */
  search(search: string, limit: number = DEMO_PEOPLE_LIMITS.page): DemoPerson[] {
    return (this.#q.search.all(search, limit) as Row[]).map(toPerson);
  }
}

interface Row {
  user_id: string;
  display_name: string;
  last_seen: number;
}

function toPerson(row: Row): DemoPerson {
  return { userId: row.user_id, displayName: row.display_name, lastSeen: row.last_seen };
}

/** A name as search compares it: lower case, without accents (NFD, combining marks dropped). */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('und');
}

import { ServiceError } from '../http/errors.js';
import type { IdentityStore } from '../identity/identityStore.js';
import type { Db } from '../storage/database.js';

export interface PhoneNumberRecord {
  phoneNumber: string;
  countryCode: string;
  acquiredOn: number;
  /** The user this number rings (their "phone"), if assigned. */
  assignedTo?: string;
}

interface Row {
  number: string;
  country_code: string;
  acquired_on: number;
  assigned_to: string | null;
}

/**
 * The simulated telephone network's numbers. The pool is the North American fictional range
 * `+1 AAA 555 0100`–`0199` (never a real subscriber), by area code; acquired numbers belong to this
 * resource until released, and an assigned number rings its user. A user's numbers are released
 * with the user.
 */
export class PhoneNumberStore {
  readonly #db: Db;
  readonly #q;

  constructor(db: Db, identities: IdentityStore) {
    this.#db = db;
    this.#q = {
      get: db.prepare('SELECT * FROM phone_numbers WHERE number = ?'),
      list: db.prepare('SELECT * FROM phone_numbers ORDER BY number LIMIT ? OFFSET ?'),
      insert: db.prepare('INSERT INTO phone_numbers (number, country_code, acquired_on) VALUES (?, ?, ?)'),
      release: db.prepare('DELETE FROM phone_numbers WHERE number = ?'),
      assign: db.prepare('UPDATE phone_numbers SET assigned_to = ? WHERE number = ?'),
      releaseUsers: db.prepare('DELETE FROM phone_numbers WHERE assigned_to = ?'),
      ofUser: db.prepare('SELECT * FROM phone_numbers WHERE assigned_to = ? ORDER BY number'),
    };
    identities.onUserDeleted('telephony', (userId) => this.#q.releaseUsers.run(userId));
  }

  /** Takes `quantity` free numbers of an area code from the pool, all or none. */
  acquire(areaCode: string, quantity: number): PhoneNumberRecord[] {
    return this.#db.transaction(() => {
      const now = Date.now();
      const acquired: PhoneNumberRecord[] = [];
      for (let line = 100; line <= 199 && acquired.length < quantity; line++) {
        const number = `+1${areaCode}5550${line}`;
        if (this.#q.get.get(number)) continue;
        this.#q.insert.run(number, 'US', now);
        acquired.push({ phoneNumber: number, countryCode: 'US', acquiredOn: now });
      }
      if (acquired.length < quantity) {
        throw ServiceError.conflict(
          `Only ${acquired.length} number(s) are left in area code ${areaCode}; none were acquired.`,
          'NumbersUnavailable',
        );
      }
      return acquired;
    })();
  }

  get(number: string): PhoneNumberRecord | undefined {
    const row = this.#q.get.get(number) as Row | undefined;
    return row && record(row);
  }

  list(maxPageSize: number, skip: number): { value: PhoneNumberRecord[]; continuation?: string } {
    const rows = this.#q.list.all(maxPageSize + 1, skip) as Row[];
    const value = rows.slice(0, maxPageSize).map(record);
    return rows.length > maxPageSize ? { value, continuation: String(skip + maxPageSize) } : { value };
  }

  numbersOf(userId: string): PhoneNumberRecord[] {
    return (this.#q.ofUser.all(userId) as Row[]).map(record);
  }

  release(number: string): boolean {
    return this.#q.release.run(number).changes > 0;
  }

  /** Assigns `number` to a user (or unassigns with `undefined`); false for a number not owned. */
  assign(number: string, userId: string | undefined): boolean {
    return this.#q.assign.run(userId ?? null, number).changes > 0;
  }
}

function record(row: Row): PhoneNumberRecord {
  const result: PhoneNumberRecord = { phoneNumber: row.number, countryCode: row.country_code, acquiredOn: row.acquired_on };
  if (row.assigned_to !== null) result.assignedTo = row.assigned_to;
  return result;
}

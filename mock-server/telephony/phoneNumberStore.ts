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
 * Area codes reserved for the demo's users: the NANP keeps N9X codes for expansion, so these
 * collide with nothing. The admin acquire API never hands them out, so demo users cannot use up
 * the resource's numbers, and the resource cannot use up the demo's. 100 numbers each.
 */
export const DEMO_AREA_CODES = ['290', '291', '292', '293', '294', '295', '296', '297', '298', '299'] as const;

/** The demo pool's numbers, in the order they are handed out. */
export function demoPoolNumbers(size = DEMO_AREA_CODES.length * 100): string[] {
  const numbers: string[] = [];
  for (const areaCode of DEMO_AREA_CODES) {
    for (let line = 100; line <= 199 && numbers.length < size; line++) numbers.push(`+1${areaCode}5550${line}`);
  }
  return numbers;
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
      freeOfPool: db.prepare(
        'SELECT value AS number FROM json_each(?) WHERE value NOT IN (SELECT number FROM phone_numbers) ORDER BY key LIMIT 1',
      ),
      staleOfPool: db.prepare(
        `SELECT p.number FROM phone_numbers p JOIN users u ON u.id = p.assigned_to
         WHERE p.number IN (SELECT value FROM json_each(?)) AND u.last_token_expires_on < ?
         ORDER BY u.last_token_expires_on, p.number LIMIT 1`,
      ),
      reassign: db.prepare('UPDATE phone_numbers SET assigned_to = ?, acquired_on = ? WHERE number = ?'),
      insertAssigned: db.prepare('INSERT INTO phone_numbers (number, country_code, acquired_on, assigned_to) VALUES (?, ?, ?, ?)'),
    };
    identities.onUserDeleted('telephony', (userId) => this.#q.releaseUsers.run(userId));
  }

  /** Takes `quantity` free numbers of an area code from the pool, all or none. */
  acquire(areaCode: string, quantity: number): PhoneNumberRecord[] {
    if ((DEMO_AREA_CODES as readonly string[]).includes(areaCode)) {
      throw ServiceError.badRequest(`Area code ${areaCode} is reserved for the demo's users.`, 'AreaCodeReserved');
    }
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

  /**
   * Gives a demo user a number of the demo pool (`pool`, from {@link demoPoolNumbers}): the first
   * one nobody holds; when all are held, the number of the user gone longest, if any is gone.
   *
   * Recycling rule: a user is gone once the latest token ever issued to them expired more than
   * `goneAfterMs` before `now` (no token of theirs can still be valid, and they had time to come
   * back); only then, and only when no number is free, is their number moved to the new user. A
   * user who never had a token is never taken from. Deleted users need no rule: their numbers are
   * released with them, which frees them here. Returns undefined when nothing can be had.
   */
  assignFromDemoPool(pool: readonly string[], userId: string, now: number, goneAfterMs: number): PhoneNumberRecord | undefined {
    return this.#db.transaction(() => {
      const poolJson = JSON.stringify(pool);
      const free = this.#q.freeOfPool.get(poolJson) as { number: string } | undefined;
      if (free) {
        this.#q.insertAssigned.run(free.number, 'US', now, userId);
        return this.get(free.number);
      }
      const stale = this.#q.staleOfPool.get(poolJson, now - goneAfterMs) as { number: string } | undefined;
      if (!stale) return undefined;
      this.#q.reassign.run(userId, now, stale.number);
      return this.get(stale.number);
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

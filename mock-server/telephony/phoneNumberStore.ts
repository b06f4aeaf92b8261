import { randomUUID } from 'node:crypto';
import { ServiceError } from '../http/errors.js';
import type { IdentityStore } from '../identity/identityStore.js';
import type { Db } from '../storage/database.js';
import { type AssignmentType, type Capabilities, type CapabilityValue, type PhoneNumberType, isTollFree } from './numberCatalog.js';

export interface PhoneNumberRecord {
  phoneNumber: string;
  countryCode: string;
  acquiredOn: number;
  phoneNumberType: PhoneNumberType;
  assignmentType: AssignmentType;
  capabilities: Capabilities;
  /** The user this number rings (their "phone"), if assigned. */
  assignedTo?: string;
}

interface Row {
  number: string;
  country_code: string;
  acquired_on: number;
  assigned_to: string | null;
  phone_number_type: string;
  assignment_type: string;
  calling: string;
  sms: string;
}

/** A search's result: numbers held for the searcher until `expiresOn` or until purchased. */
export interface SearchRecord {
  id: string;
  countryCode: string;
  phoneNumberType: PhoneNumberType;
  assignmentType: AssignmentType;
  capabilities: Capabilities;
  phoneNumbers: string[];
  expiresOn: number;
}

interface SearchRow {
  id: string;
  country_code: string;
  phone_number_type: string;
  assignment_type: string;
  calling: string;
  sms: string;
  numbers: string;
  expires_on: number;
}

export type OperationType = 'search' | 'purchase' | 'reservationPurchase' | 'releasePhoneNumber' | 'updatePhoneNumberCapabilities';

/** A long-running operation as the admin API reports it (the simulated network completes each at once). */
export interface OperationRecord {
  id: string;
  operationType: OperationType;
  status: 'succeeded';
  /** Path and query of what the operation produced, if anything. */
  resourceLocation?: string;
  createdOn: number;
}

/** A reservation: numbers picked by browsing, held until purchased, deleted or expired. */
export interface ReservationRecord {
  id: string;
  /** Reserved numbers by id (the number without its `+`), each with what it is sold as. */
  numbers: Record<string, ReservedNumber>;
  status: 'active' | 'completed' | 'expired';
  expiresOn: number;
}

export interface ReservedNumber {
  phoneNumber: string;
  countryCode: string;
  phoneNumberType: PhoneNumberType;
  assignmentType: AssignmentType;
  capabilities: Capabilities;
}

/** How long a search holds its numbers (ACS: about 15 minutes). */
export const SEARCH_HOLD_MS = 15 * 60_000;

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
      insertFull: db.prepare(
        'INSERT INTO phone_numbers (number, country_code, acquired_on, phone_number_type, assignment_type, calling, sms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      setCapabilities: db.prepare('UPDATE phone_numbers SET calling = ?, sms = ? WHERE number = ?'),
      insertSearch: db.prepare(
        'INSERT INTO phone_number_searches (id, country_code, phone_number_type, assignment_type, calling, sms, numbers, expires_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      getSearch: db.prepare('SELECT * FROM phone_number_searches WHERE id = ?'),
      deleteSearch: db.prepare('DELETE FROM phone_number_searches WHERE id = ?'),
      heldNumbers: db.prepare('SELECT numbers FROM phone_number_searches WHERE expires_on > ?'),
      dropExpiredSearches: db.prepare('DELETE FROM phone_number_searches WHERE expires_on <= ?'),
      insertOperation: db.prepare(
        'INSERT INTO phone_number_operations (id, operation_type, status, resource_location, created_on) VALUES (?, ?, ?, ?, ?)',
      ),
      getOperation: db.prepare('SELECT * FROM phone_number_operations WHERE id = ?'),
      reservedNumbers: db.prepare("SELECT numbers FROM phone_number_reservations WHERE status = 'active' AND expires_on > ?"),
      getReservation: db.prepare('SELECT * FROM phone_number_reservations WHERE id = ?'),
      listReservations: db.prepare('SELECT * FROM phone_number_reservations ORDER BY id LIMIT ? OFFSET ?'),
      upsertReservation: db.prepare(
        'INSERT INTO phone_number_reservations (id, numbers, status, expires_on) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET numbers = excluded.numbers, status = excluded.status, expires_on = excluded.expires_on',
      ),
      deleteReservation: db.prepare('DELETE FROM phone_number_reservations WHERE id = ?'),
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
      const held = this.#held(now);
      for (let line = 100; line <= 199 && acquired.length < quantity; line++) {
        const number = `+1${areaCode}5550${line}`;
        if (this.#q.get.get(number) || held.has(number)) continue;
        const type: PhoneNumberType = isTollFree(areaCode) ? 'tollFree' : 'geographic';
        this.#q.insertFull.run(number, 'US', now, type, 'application', 'inbound+outbound', 'inbound+outbound');
        acquired.push(this.get(number)!);
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

  /** The numbers unexpired searches hold. */
  #held(now: number): Set<string> {
    const held = new Set<string>();
    for (const row of this.#q.heldNumbers.all(now) as { numbers: string }[])
      for (const n of JSON.parse(row.numbers) as string[]) held.add(n);
    for (const row of this.#q.reservedNumbers.all(now) as { numbers: string }[]) {
      for (const n of Object.values(JSON.parse(row.numbers) as Record<string, ReservedNumber>)) held.add(n.phoneNumber);
    }
    return held;
  }

  /** Which of `candidates` nobody owns or holds (a search, or a reservation other than `except`). */
  freeOf(candidates: readonly string[], except?: string, now = Date.now()): string[] {
    const held = this.#held(now);
    const mine = except ? this.getReservation(except, now) : undefined;
    const own = new Set(mine?.status === 'active' ? Object.values(mine.numbers).map((n) => n.phoneNumber) : []);
    return candidates.filter((n) => (own.has(n) || !held.has(n)) && !this.#q.get.get(n));
  }

  getReservation(id: string, now = Date.now()): ReservationRecord | undefined {
    const row = this.#q.getReservation.get(id) as
      { id: string; numbers: string; status: ReservationRecord['status']; expires_on: number } | undefined;
    return row && reservation(row, now);
  }

  listReservations(maxPageSize: number, skip: number, now = Date.now()): { value: ReservationRecord[]; continuation?: string } {
    const rows = this.#q.listReservations.all(maxPageSize + 1, skip) as {
      id: string;
      numbers: string;
      status: ReservationRecord['status'];
      expires_on: number;
    }[];
    const value = rows.slice(0, maxPageSize).map((row) => reservation(row, now));
    return rows.length > maxPageSize ? { value, continuation: String(skip + maxPageSize) } : { value };
  }

  /**
   * Creates or updates an active reservation: adds the numbers given (each must be free or already
   * in it) and removes the ids given as null; all or nothing. Its hold restarts.
   */
  saveReservation(
    id: string,
    add: ReservedNumber[],
    remove: string[],
    now = Date.now(),
  ): { reservation: ReservationRecord; created: boolean } {
    return this.#db.transaction(() => {
      const existing = this.getReservation(id, now);
      if (existing && existing.status !== 'active') {
        throw ServiceError.badRequest(
          `The reservation ${id} is ${existing.status}: only an active reservation can change.`,
          'ReservationNotActive',
        );
      }
      const numbers: Record<string, ReservedNumber> = { ...(existing?.numbers ?? {}) };
      for (const key of remove) delete numbers[key];
      const free = new Set(
        this.freeOf(
          add.map((n) => n.phoneNumber),
          id,
          now,
        ),
      );
      for (const number of add) {
        if (!free.has(number.phoneNumber)) {
          throw ServiceError.conflict(
            `${number.phoneNumber} is not available; the reservation was not changed.`,
            'PhoneNumberNotAvailable',
          );
        }
        numbers[number.phoneNumber.slice(1)] = number;
      }
      const expiresOn = now + SEARCH_HOLD_MS;
      this.#q.upsertReservation.run(id, JSON.stringify(numbers), 'active', expiresOn);
      return { reservation: { id, numbers, status: 'active' as const, expiresOn }, created: !existing };
    })();
  }

  deleteReservation(id: string): boolean {
    return this.#q.deleteReservation.run(id).changes > 0;
  }

  /** Buys an active reservation's numbers (checked by the caller), all of them; it is then completed. */
  purchaseReservation(reservation: ReservationRecord, now = Date.now()): OperationRecord {
    return this.#db.transaction(() => {
      for (const number of Object.values(reservation.numbers)) {
        if (this.#q.get.get(number.phoneNumber)) {
          throw ServiceError.conflict(`${number.phoneNumber} is no longer available; nothing was purchased.`, 'PhoneNumberNotAvailable');
        }
        const { calling, sms } = number.capabilities;
        this.#q.insertFull.run(number.phoneNumber, number.countryCode, now, number.phoneNumberType, number.assignmentType, calling, sms);
      }
      this.#q.upsertReservation.run(reservation.id, JSON.stringify(reservation.numbers), 'completed', reservation.expiresOn);
      return this.#operation('reservationPurchase', undefined, now);
    })();
  }

  /**
   * Holds `quantity` free numbers of `candidates` (in order) for a new search, all or none; an
   * operation reports it. Expired searches are dropped first, which frees their numbers.
   */
  search(
    request: Omit<SearchRecord, 'id' | 'phoneNumbers' | 'expiresOn'>,
    candidates: readonly string[],
    quantity: number,
    now = Date.now(),
  ): { search: SearchRecord; operation: OperationRecord } {
    return this.#db.transaction(() => {
      this.#q.dropExpiredSearches.run(now);
      const held = this.#held(now);
      const free = candidates.filter((n) => !held.has(n) && !this.#q.get.get(n)).slice(0, quantity);
      if (free.length < quantity) {
        throw ServiceError.badRequest(
          `Only ${free.length} number(s) matching the search are available; none were held.`,
          'NoPhoneNumbersAvailable',
        );
      }
      const id = randomUUID();
      const { calling, sms } = request.capabilities;
      const expiresOn = now + SEARCH_HOLD_MS;
      this.#q.insertSearch.run(
        id,
        request.countryCode,
        request.phoneNumberType,
        request.assignmentType,
        calling,
        sms,
        JSON.stringify(free),
        expiresOn,
      );
      const search: SearchRecord = { ...request, id, phoneNumbers: free, expiresOn };
      return { search, operation: this.#operation('search', `/availablePhoneNumbers/searchResults/${id}`, now) };
    })();
  }

  /** An unexpired search, if any. */
  getSearch(id: string, now = Date.now()): SearchRecord | undefined {
    const row = this.#q.getSearch.get(id) as SearchRow | undefined;
    if (!row || row.expires_on <= now) return undefined;
    return {
      id: row.id,
      countryCode: row.country_code,
      phoneNumberType: row.phone_number_type as PhoneNumberType,
      assignmentType: row.assignment_type as AssignmentType,
      capabilities: { calling: row.calling as CapabilityValue, sms: row.sms as CapabilityValue },
      phoneNumbers: JSON.parse(row.numbers) as string[],
      expiresOn: row.expires_on,
    };
  }

  /** Buys a search's numbers (checked by the caller: unexpired, agreement given): all, and the search is gone. */
  purchase(search: SearchRecord, now = Date.now()): OperationRecord {
    return this.#db.transaction(() => {
      for (const number of search.phoneNumbers) {
        if (this.#q.get.get(number))
          throw ServiceError.conflict(`${number} is no longer available; nothing was purchased.`, 'PhoneNumberNotAvailable');
        const { calling, sms } = search.capabilities;
        this.#q.insertFull.run(number, search.countryCode, now, search.phoneNumberType, search.assignmentType, calling, sms);
      }
      this.#q.deleteSearch.run(search.id);
      return this.#operation('purchase', undefined, now);
    })();
  }

  /** Releases an owned number; the operation that reports it. */
  releaseAsOperation(number: string, now = Date.now()): OperationRecord {
    return this.#db.transaction(() => {
      this.#q.release.run(number);
      return this.#operation('releasePhoneNumber', undefined, now);
    })();
  }

  updateCapabilities(number: string, capabilities: Capabilities, now = Date.now()): OperationRecord {
    return this.#db.transaction(() => {
      this.#q.setCapabilities.run(capabilities.calling, capabilities.sms, number);
      return this.#operation('updatePhoneNumberCapabilities', `/phoneNumbers/${encodeURIComponent(number)}`, now);
    })();
  }

  getOperation(id: string): OperationRecord | undefined {
    const row = this.#q.getOperation.get(id) as
      { id: string; operation_type: OperationType; status: 'succeeded'; resource_location: string | null; created_on: number } | undefined;
    if (!row) return undefined;
    const result: OperationRecord = { id: row.id, operationType: row.operation_type, status: row.status, createdOn: row.created_on };
    if (row.resource_location !== null) result.resourceLocation = row.resource_location;
    return result;
  }

  #operation(type: OperationType, resourceLocation: string | undefined, now: number): OperationRecord {
    const prefix = {
      search: 'search',
      purchase: 'purchase',
      reservationPurchase: 'reservationPurchase',
      releasePhoneNumber: 'release',
      updatePhoneNumberCapabilities: 'capabilities',
    }[type];
    const id = `${prefix}_${randomUUID()}`;
    this.#q.insertOperation.run(id, type, 'succeeded', resourceLocation ?? null, now);
    const result: OperationRecord = { id, operationType: type, status: 'succeeded', createdOn: now };
    if (resourceLocation) result.resourceLocation = resourceLocation;
    return result;
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

function reservation(
  row: { id: string; numbers: string; status: ReservationRecord['status']; expires_on: number },
  now: number,
): ReservationRecord {
  const status = row.status === 'active' && row.expires_on <= now ? 'expired' : row.status;
  return { id: row.id, numbers: JSON.parse(row.numbers) as Record<string, ReservedNumber>, status, expiresOn: row.expires_on };
}

function record(row: Row): PhoneNumberRecord {
  const result: PhoneNumberRecord = {
    phoneNumber: row.number,
    countryCode: row.country_code,
    acquiredOn: row.acquired_on,
    phoneNumberType: row.phone_number_type as PhoneNumberType,
    assignmentType: row.assignment_type as AssignmentType,
    capabilities: { calling: row.calling as CapabilityValue, sms: row.sms as CapabilityValue },
  };
  if (row.assigned_to !== null) result.assignedTo = row.assigned_to;
  return result;
}

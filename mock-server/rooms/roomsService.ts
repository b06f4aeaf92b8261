import { randomInt } from 'node:crypto';
import { ServiceError } from '../http/errors.js';
import type { IdentityStore } from '../identity/identityStore.js';
import type { Db } from '../storage/database.js';
import type { Page } from '../storage/paging.js';
import {
  ROOM_LIMITS,
  type RoomAccess,
  type RoomChange,
  type RoomChangeListener,
  type RoomParticipantChange,
  type RoomParticipantListener,
  type RoomParticipantRecord,
  type RoomRecord,
  type RoomRole,
} from './roomModels.js';
import { RoomsStore } from './roomsStore.js';

export interface RoomsOptions {
  /** Rooms per page of `GET /rooms` (100 by default). */
  pageSize?: number;
  /** Participants per page of `GET /rooms/{roomId}/participants` (100 by default). */
  participantsPageSize?: number;
}

/** What a create asks for; absent times take ACS's defaults. */
export interface CreateRoomInput {
  validFrom?: number;
  validUntil?: number;
  pstnDialOutEnabled?: boolean;
  /** Raw id → role; `null` (a removal, in merge-patch terms) changes nothing in a new room. */
  participants?: ReadonlyMap<string, RoomRole | null>;
  /** The create's `Repeatability-Request-ID`: a repeat answers the room the first one made. */
  repeatabilityRequestId?: string;
}

export interface UpdateRoomInput {
  validFrom?: number;
  validUntil?: number;
  pstnDialOutEnabled?: boolean;
}

/** How ACS words a bad request it can point into: a generic message and a detail with a target. */
class RoomsBadRequest extends ServiceError {
  constructor(
    readonly detail: string,
    readonly target: string,
  ) {
    super(400, 'BadRequest', 'The request could not be understood by the server due to malformed syntax.');
  }

  override toJSON(): { error: { code: string; message: string } } {
    return {
      error: { code: this.code, message: this.message, details: [{ code: 'BadArgument', message: this.detail, target: this.target }] },
    } as { error: { code: string; message: string } };
  }
}

/** ACS's answer for a room id that cannot be one (its ids are 16 to 18 digits). */
const ROOM_ID_LENGTH = { min: 16, max: 18 };
const DEFAULT_PAGE_SIZE = 100;

/**
 * The Rooms API's rules: time windows within ACS's bounds, participants that are users of this
 * resource, every change whole or not at all. Calling asks `roomAccess()` who may join a room's call
 * and in which role, and hears of role changes and removals through `onParticipantChanged()`.
 */
export class RoomsService {
  readonly #db: Db;
  readonly #store: RoomsStore;
  readonly #identities: IdentityStore;
  readonly #pageSize: number;
  readonly #participantsPageSize: number;
  readonly #participantListeners = new Set<RoomParticipantListener>();
  readonly #roomListeners = new Set<RoomChangeListener>();

  constructor(db: Db, identities: IdentityStore, options: RoomsOptions = {}) {
    this.#db = db;
    this.#store = new RoomsStore(db);
    this.#identities = identities;
    this.#pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.#participantsPageSize = options.participantsPageSize ?? DEFAULT_PAGE_SIZE;
    identities.onUserDeleted('rooms', (userId) => {
      const memberships = this.#store.roomsOf(userId);
      this.#store.removeUser(userId);
      if (memberships.length === 0) return;
      // Told once the deletion committed: this runs inside its transaction, which may still roll back.
      queueMicrotask(() => {
        if (this.#identities.exists(userId)) return;
        for (const { roomId, role } of memberships) {
          this.#emitParticipant({ roomId, rawId: userId, role: null, previousRole: role, reason: 'userDeleted' });
        }
      });
    });
  }

  // ---- for calling ---------------------------------------------------------------------------------

  /**
   * A user's standing in a room at `now` (ms): their role while the room is valid, or why they may
   * not join. An outsider learns only `NotInRoom`, never the room's window.
   */
  roomAccess(roomId: string, userRawId: string, now: number = Date.now()): RoomAccess {
    const room = this.#store.get(roomId);
    if (!room) return { denied: 'NoSuchRoom' };
    const role = this.#store.role(roomId, userRawId);
    if (!role) return { denied: 'NotInRoom' };
    if (now < room.validFrom) return { denied: 'NotYetValid' };
    if (now >= room.validUntil) return { denied: 'Expired' };
    return { role };
  }

  /** Tells `listener` of every participant added, given another role or removed, after the commit. */
  onParticipantChanged(listener: RoomParticipantListener): () => void {
    this.#participantListeners.add(listener);
    return () => this.#participantListeners.delete(listener);
  }

  /** Tells `listener` when a room's window or settings change, or the room is deleted. */
  onRoomChanged(listener: RoomChangeListener): () => void {
    this.#roomListeners.add(listener);
    return () => this.#roomListeners.delete(listener);
  }

  // ---- rooms ---------------------------------------------------------------------------------------

  /** Creates a room; `repeated` when the request id was seen before (the first one's room). */
  createRoom(input: CreateRoomInput, now: number = Date.now()): { room: RoomRecord; repeated: boolean } {
    if (input.repeatabilityRequestId !== undefined) {
      const earlier = this.#store.repeatedRequest(input.repeatabilityRequestId);
      const room = earlier === undefined ? undefined : this.#store.get(earlier);
      if (room) return { room, repeated: true };
    }
    const validFrom = input.validFrom ?? now;
    const validUntil = input.validUntil ?? now + ROOM_LIMITS.defaultValidityMs;
    checkWindow(validFrom, validUntil, now);
    const additions = [...(input.participants ?? new Map<string, RoomRole | null>())].filter(
      (entry): entry is [string, RoomRole] => entry[1] !== null,
    );
    for (const [rawId] of input.participants ?? []) this.#checkParticipant(rawId, 'Invalid format for communication identifier.');
    for (const [rawId] of additions) this.#requireUser(rawId);
    if (additions.length > ROOM_LIMITS.participants) throw tooManyParticipants();
    const room: RoomRecord = {
      id: this.#newRoomId(),
      createdAt: now,
      validFrom,
      validUntil,
      pstnDialOutEnabled: input.pstnDialOutEnabled ?? false,
    };
    this.#db.transaction(() => {
      this.#store.insert(room);
      for (const [rawId, role] of additions) this.#store.setParticipant(room.id, rawId, role);
      if (input.repeatabilityRequestId !== undefined) this.#store.rememberRequest(input.repeatabilityRequestId, room.id);
    })();
    for (const [rawId, role] of additions) {
      this.#emitParticipant({ roomId: room.id, rawId, role, previousRole: null, reason: 'added' });
    }
    return { room, repeated: false };
  }

  getRoom(roomId: string): RoomRecord {
    return this.#requireRoom(roomId);
  }

  /** Changes the given fields; the window that results must be valid as a new one would be. */
  updateRoom(roomId: string, input: UpdateRoomInput, now: number = Date.now()): RoomRecord {
    const room = this.#requireRoom(roomId);
    const updated: RoomRecord = {
      ...room,
      validFrom: input.validFrom ?? room.validFrom,
      validUntil: input.validUntil ?? room.validUntil,
      pstnDialOutEnabled: input.pstnDialOutEnabled ?? room.pstnDialOutEnabled,
    };
    checkWindow(updated.validFrom, updated.validUntil, now);
    this.#store.update(updated);
    this.#emitRoom({ roomId, room: updated });
    return updated;
  }

  /** Deletes a room and its participants; a room already gone is no error (ACS answers 204 again). */
  deleteRoom(roomId: string): void {
    checkRoomId(roomId);
    const participants = this.#store.participants(roomId);
    const deleted = this.#db.transaction(() => this.#store.delete(roomId))();
    if (!deleted) return;
    for (const { rawId, role } of participants) {
      this.#emitParticipant({ roomId, rawId, role: null, previousRole: role, reason: 'roomDeleted' });
    }
    this.#emitRoom({ roomId, room: null });
  }

  /** A page of rooms in creation order, after the one the continuation names (0: from the start). */
  listRooms(after: number): Page<RoomRecord> {
    return keysetPage(this.#store.list(this.#pageSize + 1, after), this.#pageSize, ({ room }) => room);
  }

  // ---- participants --------------------------------------------------------------------------------

  /**
   * Applies a merge patch of participants: a role adds the user or changes their role, `null`
   * removes them (someone not in the room is no error). All or nothing.
   */
  updateParticipants(roomId: string, patch: ReadonlyMap<string, RoomRole | null>): void {
    this.#requireRoom(roomId);
    for (const [rawId, role] of patch) {
      this.#checkParticipant(rawId, 'Invalid value for the Participants.');
      if (role !== null) this.#requireUser(rawId);
    }
    const changes: RoomParticipantChange[] = [];
    this.#db.transaction(() => {
      for (const [rawId, role] of patch) {
        const previousRole = this.#store.role(roomId, rawId) ?? null;
        if (role === null) {
          if (previousRole !== null && this.#store.removeParticipant(roomId, rawId)) {
            changes.push({ roomId, rawId, role: null, previousRole, reason: 'removed' });
          }
        } else if (role !== previousRole) {
          this.#store.setParticipant(roomId, rawId, role);
          changes.push({ roomId, rawId, role, previousRole, reason: previousRole === null ? 'added' : 'roleChanged' });
        }
      }
      // Thrown inside the transaction: the whole patch rolls back.
      if (this.#store.countParticipants(roomId) > ROOM_LIMITS.participants) throw tooManyParticipants();
    })();
    for (const change of changes) this.#emitParticipant(change);
  }

  /** A page of a room's participants in the order they were added, after the one the continuation names. */
  listParticipants(roomId: string, after: number): Page<RoomParticipantRecord> {
    this.#requireRoom(roomId);
    const size = this.#participantsPageSize;
    return keysetPage(this.#store.participantsPage(roomId, size + 1, after), size, ({ participant }) => participant);
  }

  // ---- helpers -------------------------------------------------------------------------------------

  #requireRoom(roomId: string): RoomRecord {
    checkRoomId(roomId);
    const room = this.#store.get(roomId);
    if (!room) throw ServiceError.notFound('The server cannot find the requested resource.');
    return room;
  }

  /** A participant is named by a communication user's raw id; anything else is a 400. */
  #checkParticipant(rawId: string, message: string): void {
    if (!/^8:acs:[^_\s]+_[^\s]+$/.test(rawId) || rawId.length > 256) throw ServiceError.badRequest(message);
  }

  /** Only users of this resource that exist may be invited (ACS: 400 "Invalid value for the Participants."). */
  #requireUser(rawId: string): void {
    if (this.#identities.isOfOtherResource(rawId) || !this.#identities.getUser(rawId)) {
      throw ServiceError.badRequest('Invalid value for the Participants.');
    }
  }

  #newRoomId(): string {
    for (;;) {
      // 17 digits, as ACS's room ids: "99" and 15 random ones.
      const id = `99${String(randomInt(0, 1e8)).padStart(8, '0')}${String(randomInt(0, 1e7)).padStart(7, '0')}`;
      if (!this.#store.get(id)) return id;
    }
  }

  #emitParticipant(change: RoomParticipantChange): void {
    for (const listener of this.#participantListeners) {
      try {
        listener(change);
      } catch (error) {
        console.error('A room participant listener failed:', error);
      }
    }
  }

  #emitRoom(change: RoomChange): void {
    for (const listener of this.#roomListeners) {
      try {
        listener(change);
      } catch (error) {
        console.error('A room listener failed:', error);
      }
    }
  }
}

/**
 * A page from `size + 1` rows read after a row: the extra one says there is a next page, which
 * starts after this page's last row (so a deletion between pages skips no one).
 */
function keysetPage<R extends { row: number }, T>(rows: readonly R[], size: number, item: (row: R) => T): Page<T> {
  const value = rows.slice(0, size).map(item);
  return rows.length > size ? { value, continuation: String(rows[size - 1]!.row) } : { value };
}

function checkRoomId(roomId: string): void {
  if (roomId.length < ROOM_ID_LENGTH.min || roomId.length > ROOM_ID_LENGTH.max) {
    throw ServiceError.badRequest('Invalid room ID length.');
  }
}

/** ACS's bounds: the window ends after it starts, in the future, at most 180 days after its start. */
function checkWindow(validFrom: number, validUntil: number, now: number): void {
  if (validUntil <= now) throw new RoomsBadRequest('The time range end is in the past.', 'ValidUntil');
  if (validUntil <= validFrom || validUntil - validFrom > ROOM_LIMITS.maxValidityMs) {
    throw new RoomsBadRequest('The time range is incorrect, or larger than 180 days.', 'ValidUntil');
  }
}

function tooManyParticipants(): ServiceError {
  return ServiceError.badRequest(`A room has at most ${ROOM_LIMITS.participants} participants.`);
}

import type { Db } from '../storage/database.js';
import type { RoomParticipantRecord, RoomRecord, RoomRole } from './roomModels.js';

interface RoomRow {
  rowid: number;
  id: string;
  created_at: number;
  valid_from: number;
  valid_until: number;
  pstn_dial_out_enabled: number;
}

const toRoom = (row: RoomRow): RoomRecord => ({
  id: row.id,
  createdAt: row.created_at,
  validFrom: row.valid_from,
  validUntil: row.valid_until,
  pstnDialOutEnabled: row.pstn_dial_out_enabled === 1,
});

/** The rows of rooms and their participants; the rules are `RoomsService`'s. */
export class RoomsStore {
  readonly #statements;

  constructor(db: Db) {
    this.#statements = {
      insert: db.prepare('INSERT INTO rooms (id, created_at, valid_from, valid_until, pstn_dial_out_enabled) VALUES (?, ?, ?, ?, ?)'),
      get: db.prepare('SELECT * FROM rooms WHERE id = ?'),
      update: db.prepare('UPDATE rooms SET valid_from = ?, valid_until = ?, pstn_dial_out_enabled = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM rooms WHERE id = ?'),
      // Creation order: rowid grows with each insert (a deleted last row's id may come back, still last).
      // Pages start after the last row of the page before, so a deletion between pages skips no one.
      list: db.prepare('SELECT rowid, * FROM rooms WHERE rowid > ? ORDER BY rowid LIMIT ?'),
      participant: db.prepare('SELECT role FROM room_participants WHERE room_id = ? AND raw_id = ?'),
      participants: db.prepare('SELECT rowid, raw_id, role FROM room_participants WHERE room_id = ? AND rowid > ? ORDER BY rowid LIMIT ?'),
      allParticipants: db.prepare('SELECT raw_id, role FROM room_participants WHERE room_id = ? ORDER BY rowid'),
      countParticipants: db.prepare('SELECT COUNT(*) AS n FROM room_participants WHERE room_id = ?'),
      // An update keeps the row, so a participant keeps their place in the list.
      upsertParticipant: db.prepare(
        'INSERT INTO room_participants (room_id, raw_id, role) VALUES (?, ?, ?) ON CONFLICT (room_id, raw_id) DO UPDATE SET role = excluded.role',
      ),
      removeParticipant: db.prepare('DELETE FROM room_participants WHERE room_id = ? AND raw_id = ?'),
      roomsOfUser: db.prepare('SELECT room_id, role FROM room_participants WHERE raw_id = ? ORDER BY rowid'),
      removeUser: db.prepare('DELETE FROM room_participants WHERE raw_id = ?'),
      repeated: db.prepare('SELECT room_id FROM room_repeatability WHERE request_id = ?'),
      rememberRequest: db.prepare('INSERT INTO room_repeatability (request_id, room_id) VALUES (?, ?)'),
    };
  }

  insert(room: RoomRecord): void {
    this.#statements.insert.run(room.id, room.createdAt, room.validFrom, room.validUntil, room.pstnDialOutEnabled ? 1 : 0);
  }

  get(id: string): RoomRecord | undefined {
    const row = this.#statements.get.get(id) as RoomRow | undefined;
    return row && toRoom(row);
  }

  update(room: RoomRecord): void {
    this.#statements.update.run(room.validFrom, room.validUntil, room.pstnDialOutEnabled ? 1 : 0, room.id);
  }

  delete(id: string): boolean {
    return this.#statements.delete.run(id).changes > 0;
  }

  /** `limit` rooms after the row `after`, in creation order, each with its row (the next page's start). */
  list(limit: number, after: number): { row: number; room: RoomRecord }[] {
    return (this.#statements.list.all(after, limit) as RoomRow[]).map((row) => ({ row: row.rowid, room: toRoom(row) }));
  }

  role(roomId: string, rawId: string): RoomRole | undefined {
    return (this.#statements.participant.get(roomId, rawId) as { role: RoomRole } | undefined)?.role;
  }

  /** Every participant, in the order they were added. */
  participants(roomId: string): RoomParticipantRecord[] {
    return (this.#statements.allParticipants.all(roomId) as { raw_id: string; role: RoomRole }[]).map((row) => ({
      rawId: row.raw_id,
      role: row.role,
    }));
  }

  /** `limit` participants after the row `after`, in the order they were added, each with its row. */
  participantsPage(roomId: string, limit: number, after: number): { row: number; participant: RoomParticipantRecord }[] {
    return (this.#statements.participants.all(roomId, after, limit) as { rowid: number; raw_id: string; role: RoomRole }[]).map((row) => ({
      row: row.rowid,
      participant: { rawId: row.raw_id, role: row.role },
    }));
  }

  countParticipants(roomId: string): number {
    return (this.#statements.countParticipants.get(roomId) as { n: number }).n;
  }

  setParticipant(roomId: string, rawId: string, role: RoomRole): void {
    this.#statements.upsertParticipant.run(roomId, rawId, role);
  }

  removeParticipant(roomId: string, rawId: string): boolean {
    return this.#statements.removeParticipant.run(roomId, rawId).changes > 0;
  }

  /** The rooms a user is in, and their role in each. */
  roomsOf(rawId: string): { roomId: string; role: RoomRole }[] {
    return (this.#statements.roomsOfUser.all(rawId) as { room_id: string; role: RoomRole }[]).map((row) => ({
      roomId: row.room_id,
      role: row.role,
    }));
  }

  removeUser(rawId: string): void {
    this.#statements.removeUser.run(rawId);
  }

  /** The room a create with this Repeatability-Request-ID made, if one did. */
  repeatedRequest(requestId: string): string | undefined {
    return (this.#statements.repeated.get(requestId) as { room_id: string } | undefined)?.room_id;
  }

  rememberRequest(requestId: string, roomId: string): void {
    this.#statements.rememberRequest.run(requestId, roomId);
  }
}

/**
 * Rooms as the ACS Rooms REST API has them (azure-rest-api-specs `.../Rooms/stable/2025-03-13`):
 * a time window in which invited communication users may join a call, each with a role.
 */

/** The roles of a room participant; `Collaborator` from api-version 2025-03-13. */
export const ROOM_ROLES = ['Presenter', 'Attendee', 'Consumer', 'Collaborator'] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];
/** What a participant added without a role is (as ACS). */
export const DEFAULT_ROOM_ROLE: RoomRole = 'Attendee';

const DAY_MS = 24 * 60 * 60_000;

export const ROOM_LIMITS = {
  /** A room is valid for at most 180 days from its `validFrom` (ACS). */
  maxValidityMs: 180 * DAY_MS,
  /** A room without a `validUntil` is valid until 180 days from its creation (ACS). */
  defaultValidityMs: 180 * DAY_MS,
  /** Participants invited to one room: our bound, the interactive participants of an ACS room call (350). */
  participants: 350,
} as const;

export interface RoomRecord {
  /** 17 digits, as ACS's ids. */
  id: string;
  createdAt: number;
  validFrom: number;
  validUntil: number;
  pstnDialOutEnabled: boolean;
}

export interface RoomParticipantRecord {
  rawId: string;
  role: RoomRole;
}

/** Why a user may not take part in a room's call now. */
export type RoomAccessDenial = 'NoSuchRoom' | 'NotInRoom' | 'NotYetValid' | 'Expired';

/** A user's standing in a room at one moment: their role, or why they may not join. */
export type RoomAccess = { role: RoomRole } | { denied: RoomAccessDenial };

/** Why a participant's role changed. */
export type RoomParticipantChangeReason = 'added' | 'roleChanged' | 'removed' | 'roomDeleted' | 'userDeleted';

/**
 * A participant was added, given another role, or is no longer in the room (`role: null`): told
 * after the change committed, so a call in the room can apply it at once.
 */
export interface RoomParticipantChange {
  roomId: string;
  rawId: string;
  /** The role now; `null` when the user is no longer in the room. */
  role: RoomRole | null;
  /** The role before; `null` when the user was not in the room. */
  previousRole: RoomRole | null;
  reason: RoomParticipantChangeReason;
}

export type RoomParticipantListener = (change: RoomParticipantChange) => void;

/** A room's window or settings changed (`room`), or it was deleted (`room: null`). */
export interface RoomChange {
  roomId: string;
  room: RoomRecord | null;
}

export type RoomChangeListener = (change: RoomChange) => void;

/** The wire's `RoomModel`; `pstnDialOutEnabled` only where the api-version has it. */
export function roomModel(room: RoomRecord, { pstnDialOut = true } = {}): Record<string, unknown> {
  return {
    id: room.id,
    createdAt: new Date(room.createdAt).toISOString(),
    validFrom: new Date(room.validFrom).toISOString(),
    validUntil: new Date(room.validUntil).toISOString(),
    ...(pstnDialOut ? { pstnDialOutEnabled: room.pstnDialOutEnabled } : {}),
  };
}

import { randomUUID } from 'node:crypto';
import { peerIdFor } from '../../src/calling/peerIds.js';
import {
  type CallCapabilityName,
  type CallEndReason,
  CallEndReasons,
  type CallParticipantRole,
  MAX_SPOTLIGHTED_PARTICIPANTS,
  type ReactionType,
  roleCan,
  type CallHistoryEntry,
  type CallModel,
  type CallParticipantModel,
  type RemoteParticipantState,
} from '../../src/calling/callingProtocol.js';
import { createIdentifierFromRawId } from '../../src/common/identifiers.js';
import { wireIdentifier } from '../chat/chatModels.js';
import { ServiceError } from '../http/errors.js';
import type { IdentityStore } from '../identity/identityStore.js';
import type { EndpointChange, RealtimeHub } from '../realtime/realtimeHub.js';
import type { Db } from '../storage/database.js';
import { type Page, offsetPage } from '../storage/paging.js';
import type { RoomAccess, RoomAccessDenial, RoomParticipantChange } from '../rooms/roomModels.js';
import { hasDirection } from '../telephony/numberCatalog.js';
import type { PhoneNumberStore } from '../telephony/phoneNumberStore.js';

export interface CallingOptions {
  /** How long a callee rings before the call gives up on it. Default 30 s. */
  ringTimeoutMs?: number;
  /** How long an endpoint in a call may be gone (a reload, a network blip) before it has left. Default 5 s. */
  endpointGraceMs?: number;
}

/** A full mesh grows as n²: beyond this many participants a call needs a media server. */
export const MAX_CALL_PARTICIPANTS = 16;

interface Participant {
  /** The identity the others see: a user's id, or the phone number that was dialled. */
  rawId: string;
  /** The user who acts for this participant (the number's assignee for a phone participant). */
  userId?: string;
  displayName?: string;
  state: RemoteParticipantState;
  endpointId?: string;
  isMuted: boolean;
  isVideoOn: boolean;
  isScreenSharing: boolean;
  endReason?: CallEndReason;
  ringTimer?: ReturnType<typeof setTimeout>;
  /** When this participant stops ringing unanswered (ms since the epoch). */
  ringDeadline?: number;
  /** Was ever connected: the history's `connectedOn`, and whose end makes the call "normal". */
  connectedOn?: number;
  /** In a room call, the participant's role; outside rooms none (everyone is a Presenter). */
  role?: CallParticipantRole;
}

interface ActiveCall {
  id: string;
  createdOn: number;
  createdBy: string;
  state: CallModel['state'];
  participants: Map<string, Participant>;
  endReason?: CallEndReason;
  /** Snapshot counter: responses and events may arrive in either order, clients keep the newest. */
  version: number;
  /** The phone number callees reached by phone see as the caller (raw id `4:+1...`). */
  alternateCallerId?: string;
  /** A group call: joined by this id, nobody rings, it lasts while anyone is in it. */
  groupId?: string;
  /** A room's call: as a group call, for the room's participants only, each with their role. */
  roomId?: string;
  /** Raised hands by raw id, with the order each was raised in. */
  raisedHands: Map<string, number>;
  /** Spotlighted participants by raw id, with the order each was spotlighted in. */
  spotlights: Map<string, number>;
  /** The next order number for a hand or a spotlight. */
  nextOrder: number;
}

/** What calling needs of rooms (mock-server/rooms): who may join a room's call, and role changes. */
export interface RoomsForCalling {
  roomAccess(roomId: string, userRawId: string, now?: number): RoomAccess;
  onParticipantChanged(listener: (change: RoomParticipantChange) => void): () => void;
  onRoomChanged(listener: (change: { roomId: string; room: unknown }) => void): () => void;
}

const ROOM_DENIALS: Record<RoomAccessDenial, { message: string; code: string }> = {
  NoSuchRoom: { message: 'You are not a participant of this room.', code: 'NotInRoom' },
  NotInRoom: { message: 'You are not a participant of this room.', code: 'NotInRoom' },
  NotYetValid: { message: 'This room is not open yet (see its validFrom).', code: 'RoomNotYetValid' },
  Expired: { message: 'This room has closed (see its validUntil).', code: 'RoomExpired' },
};

/** A group or room call: joined by id, it lasts while anyone is in it. */
function isShared(call: ActiveCall): boolean {
  return call.groupId !== undefined || call.roomId !== undefined;
}

export interface MediaState {
  isMuted?: boolean;
  isVideoOn?: boolean;
  isScreenSharing?: boolean;
  onHold?: boolean;
}

const IN_CALL: ReadonlySet<RemoteParticipantState> = new Set(['Connected', 'Hold']);

/**
 * The calling control plane: who was invited, which endpoints ring, who accepted (the first
 * endpoint wins), who left, and why a call ended. Calls in progress live in memory; each user's
 * history is stored when a call ends and deleted with the user.
 */
export class CallingService {
  readonly #calls = new Map<string, ActiveCall>();
  /** Group calls in progress by their group id (lower case), and room calls by room id. */
  readonly #groups = new Map<string, ActiveCall>();
  readonly #roomCalls = new Map<string, ActiveCall>();
  #rooms: RoomsForCalling | undefined;
  readonly #hub: RealtimeHub;
  readonly #identities: IdentityStore;
  readonly #numbers: PhoneNumberStore;
  readonly #ringTimeoutMs: number;
  readonly #graceMs: number;
  readonly #graceTimers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #q;

  constructor(db: Db, hub: RealtimeHub, identities: IdentityStore, numbers: PhoneNumberStore, options: CallingOptions = {}) {
    this.#hub = hub;
    this.#identities = identities;
    this.#numbers = numbers;
    this.#ringTimeoutMs = options.ringTimeoutMs ?? 30_000;
    this.#graceMs = options.endpointGraceMs ?? 5_000;
    this.#q = {
      insertHistory: db.prepare(
        `INSERT OR REPLACE INTO call_history
           (user_id, call_id, direction, peers, started_on, connected_on, ended_on, end_code, end_sub_code)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      history: db.prepare('SELECT * FROM call_history WHERE user_id = ? ORDER BY ended_on DESC, call_id LIMIT ? OFFSET ?'),
      deleteHistory: db.prepare('DELETE FROM call_history WHERE user_id = ?'),
    };
    identities.onUserDeleted('calling', (userId) => {
      this.#q.deleteHistory.run(userId);
      // A deleted user leaves every call at once (after the deletion commits).
      queueMicrotask(() => this.#dropUser(userId));
    });
    hub.onEndpointChange((change) => this.#onEndpointChange(change));
  }

  startCall(
    callerId: string,
    request: {
      targets: string[];
      /** The caller's endpoint; none for an application placing a call (it takes no media). */
      endpointId?: string;
      displayName?: string;
      isMuted?: boolean;
      isVideoOn?: boolean;
      alternateCallerId?: string;
    },
  ): CallModel {
    const targets = [...new Set(request.targets)].filter((rawId) => rawId !== callerId);
    if (targets.length === 0) throw ServiceError.validation('Call at least one identifier other than yourself.');
    const alternateCallerId = this.#checkAlternateCallerId(callerId, targets, request.alternateCallerId);
    if (targets.some((rawId) => this.#userBehind(rawId) === callerId)) {
      throw ServiceError.validation('A user cannot call their own phone number.');
    }
    if (targets.length + 1 > MAX_CALL_PARTICIPANTS) {
      throw ServiceError.validation(`A call has at most ${MAX_CALL_PARTICIPANTS} participants.`);
    }
    const call: ActiveCall = newCallState(callerId, 'Ringing');
    if (alternateCallerId) call.alternateCallerId = alternateCallerId;
    const caller: Participant = {
      rawId: callerId,
      userId: callerId,
      state: 'Connected',
      ...(request.endpointId !== undefined ? { endpointId: request.endpointId } : {}),
      isMuted: request.isMuted ?? false,
      isVideoOn: request.isVideoOn ?? false,
      isScreenSharing: false,
      connectedOn: call.createdOn,
    };
    if (request.displayName !== undefined) caller.displayName = request.displayName;
    call.participants.set(callerId, caller);
    this.#calls.set(call.id, call);
    const ringing = this.#invite(call, targets);
    this.#hub.atomically(() => {
      this.#publishIncoming(call, ringing);
      this.#settle(call, [callerId, ...targets]);
    });
    return this.#snapshot(call)(callerId);
  }

  /**
   * Joins the group call of a group id, or the call of a room: the first to join starts it,
   * everyone who joins later with the same id is in it, nobody rings, and it ends when the last one
   * leaves. A room admits only its participants inside its validity window, each with their role
   * (a role that may not unmute joins muted, one that may not show video joins without). A user is
   * in a call once: joining again from another endpoint is refused, from the same endpoint answers
   * the call.
   */
  joinSharedCall(
    userId: string,
    locator: { groupId: string } | { roomId: string },
    request: { endpointId: string; displayName?: string; isMuted?: boolean; isVideoOn?: boolean },
  ): CallModel {
    let role: CallParticipantRole | undefined;
    let key: string;
    let calls: Map<string, ActiveCall>;
    if ('roomId' in locator) {
      if (!this.#rooms) throw ServiceError.notFound('This service has no rooms.', 'NotInRoom');
      const access = this.#rooms.roomAccess(locator.roomId, userId);
      if ('denied' in access) {
        const { message, code } = ROOM_DENIALS[access.denied];
        throw ServiceError.forbidden(message, code);
      }
      role = access.role;
      key = locator.roomId;
      calls = this.#roomCalls;
    } else {
      key = locator.groupId.toLowerCase();
      calls = this.#groups;
    }
    let call = calls.get(key);
    if (!call) {
      call = { ...newCallState(userId, 'Connected'), ...('roomId' in locator ? { roomId: key } : { groupId: key }) };
      this.#calls.set(call.id, call);
      calls.set(key, call);
    }
    const existing = this.#participantOf(call, userId);
    if (existing && IN_CALL.has(existing.state)) {
      if (existing.endpointId === request.endpointId) return this.#snapshot(call)(userId);
      throw ServiceError.conflict('You are already in this call on another endpoint.', 'AlreadyInCall');
    }
    if (existing?.state === 'Ringing') {
      clearTimeout(existing.ringTimer);
      existing.ringTimer = undefined;
    }
    const active = [...call.participants.values()].filter((p) => p.state !== 'Disconnected' && p !== existing).length;
    if (active + 1 > MAX_CALL_PARTICIPANTS) {
      throw ServiceError.conflict(`The call is full: a call has at most ${MAX_CALL_PARTICIPANTS} participants.`, 'CallFull');
    }
    const participant: Participant = existing ?? {
      rawId: userId,
      userId,
      state: 'Connected',
      isMuted: false,
      isVideoOn: false,
      isScreenSharing: false,
    };
    participant.state = 'Connected';
    participant.endpointId = request.endpointId;
    participant.connectedOn = Date.now();
    participant.role = role;
    participant.isMuted = (request.isMuted ?? false) || !roleCan(role, 'unmuteMic');
    participant.isVideoOn = (request.isVideoOn ?? false) && roleCan(role, 'turnVideoOn');
    participant.isScreenSharing = false;
    participant.endReason = undefined;
    if (request.displayName !== undefined) participant.displayName = request.displayName;
    call.participants.set(userId, participant);
    const joined = call;
    this.#hub.atomically(() => this.#settle(joined, [userId]));
    return this.#snapshot(call)(userId);
  }

  /**
   * Rooms tell calling about their participants: a new role applies to a room's call at once (what
   * it no longer allows stops), and someone no longer in the room leaves its call. A deleted room
   * ends its call.
   */
  attachRooms(rooms: RoomsForCalling): void {
    this.#rooms = rooms;
    rooms.onParticipantChanged((change) => this.#onRoomParticipant(change));
    rooms.onRoomChanged(({ roomId, room }) => {
      const call = this.#roomCalls.get(roomId);
      if (call && !room) this.#hub.atomically(() => this.#end(call, CallEndReasons.normal, []));
    });
  }

  #onRoomParticipant(change: RoomParticipantChange): void {
    const call = this.#roomCalls.get(change.roomId);
    const participant = call && this.#participantOf(call, change.rawId);
    if (!call || !participant || !IN_CALL.has(participant.state)) return;
    if (change.role === null) {
      this.#disconnect(participant, CallEndReasons.removed);
    } else {
      participant.role = change.role;
      if (!roleCan(change.role, 'unmuteMic')) participant.isMuted = true;
      if (!roleCan(change.role, 'turnVideoOn')) participant.isVideoOn = false;
      if (!roleCan(change.role, 'shareScreen')) participant.isScreenSharing = false;
    }
    this.#hub.atomically(() => this.#settle(call, [participant.rawId]));
  }

  getCall(userId: string, callId: string): CallModel {
    return this.#snapshot(this.#member(userId, callId).call)(userId);
  }

  accept(
    userId: string,
    callId: string,
    request: { endpointId: string; displayName?: string; isMuted?: boolean; isVideoOn?: boolean },
  ): CallModel {
    const { call, participant } = this.#member(userId, callId);
    if (participant.state !== 'Ringing') {
      if (IN_CALL.has(participant.state) && participant.endpointId !== request.endpointId) {
        throw ServiceError.conflict('The call was already answered on another endpoint.', 'AcceptedElsewhere');
      }
      if (IN_CALL.has(participant.state)) return this.#snapshot(call)(userId);
      throw ServiceError.conflict('This call is no longer ringing for you.', 'NotRinging');
    }
    clearTimeout(participant.ringTimer);
    participant.ringTimer = undefined;
    participant.state = 'Connected';
    participant.endpointId = request.endpointId;
    participant.connectedOn = Date.now();
    participant.isMuted = request.isMuted ?? false;
    participant.isVideoOn = request.isVideoOn ?? false;
    if (request.displayName !== undefined) participant.displayName = request.displayName;
    call.state = 'Connected';
    this.#hub.atomically(() => this.#settle(call, [participant.rawId]));
    return this.#snapshot(call)(userId);
  }

  reject(userId: string, callId: string): void {
    const { call, participant } = this.#member(userId, callId);
    if (participant.state !== 'Ringing') throw ServiceError.conflict('This call is not ringing for you.', 'NotRinging');
    this.#disconnect(participant, CallEndReasons.declined);
    this.#hub.atomically(() => this.#settle(call, [participant.rawId]));
  }

  /** Leaves (or ends for everyone); answers the call as it is now, with why it ended for the caller. */
  hangUp(userId: string, callId: string, forEveryone: boolean): CallModel {
    const { call, participant } = this.#member(userId, callId);
    if (participant.state === 'Ringing') {
      this.reject(userId, callId);
      return this.#snapshot(call)(userId);
    }
    if (!IN_CALL.has(participant.state)) return this.#snapshot(call)(userId); // Already left: hanging up twice is no error.
    if (forEveryone) this.#require(participant, 'hangUpForEveryOne');
    const everyone = [...call.participants.keys()];
    const nobodyAnswered = ![...call.participants.values()].some((p) => p !== participant && p.connectedOn !== undefined);
    // A group call is not cancelled by whoever started it: it lasts while anyone is in it.
    if (forEveryone || (nobodyAnswered && call.createdBy === participant.rawId && !isShared(call))) {
      const reason = nobodyAnswered ? CallEndReasons.cancelled : CallEndReasons.normal;
      this.#hub.atomically(() => this.#end(call, reason, everyone));
      return this.#snapshot(call)(userId);
    }
    this.#disconnect(participant, CallEndReasons.normal);
    this.#hub.atomically(() => this.#settle(call, [participant.rawId]));
    return this.#snapshot(call)(userId);
  }

  addParticipants(userId: string, callId: string, targets: string[]): CallModel {
    const { call, participant } = this.#member(userId, callId);
    if (!IN_CALL.has(participant.state)) throw ServiceError.forbidden('Only participants in the call may add others.', 'NotInCall');
    const phones = targets.some((rawId) => createIdentifierFromRawId(rawId).kind === 'phoneNumber');
    this.#require(participant, phones ? 'addPhoneNumber' : 'addCommunicationUser');
    this.#checkAlternateCallerId(userId, targets, call.alternateCallerId, false);
    const fresh = [...new Set(targets)].filter((rawId) => {
      const existing = call.participants.get(rawId);
      return !existing || existing.state === 'Disconnected';
    });
    const active = [...call.participants.values()].filter((p) => p.state !== 'Disconnected').length;
    if (active + fresh.length > MAX_CALL_PARTICIPANTS) {
      throw ServiceError.validation(`A call has at most ${MAX_CALL_PARTICIPANTS} participants.`);
    }
    const ringing = this.#invite(call, fresh);
    this.#hub.atomically(() => {
      this.#publishIncoming(call, ringing);
      this.#settle(call, fresh);
    });
    return this.#snapshot(call)(userId);
  }

  updateMediaState(userId: string, callId: string, state: MediaState): CallModel {
    const { call, participant } = this.#member(userId, callId);
    if (!IN_CALL.has(participant.state)) throw ServiceError.conflict('You are not in this call.', 'NotInCall');
    if (state.isMuted === false) this.#require(participant, 'unmuteMic');
    if (state.isVideoOn === true) this.#require(participant, 'turnVideoOn');
    if (state.isScreenSharing === true) this.#require(participant, 'shareScreen');
    if (state.isMuted !== undefined) participant.isMuted = state.isMuted;
    if (state.isVideoOn !== undefined) participant.isVideoOn = state.isVideoOn;
    if (state.isScreenSharing !== undefined) participant.isScreenSharing = state.isScreenSharing;
    if (state.onHold !== undefined) participant.state = state.onHold ? 'Hold' : 'Connected';
    this.#hub.atomically(() => this.#settle(call, [participant.rawId]));
    return this.#snapshot(call)(userId);
  }

  /** Raises the caller's hand (again raised keeps its place). */
  raiseHand(userId: string, callId: string): CallModel {
    const { call, participant } = this.#inCall(userId, callId, 'raiseHand');
    if (!call.raisedHands.has(participant.rawId)) call.raisedHands.set(participant.rawId, call.nextOrder++);
    this.#hub.atomically(() => this.#settle(call, [participant.rawId]));
    return this.#snapshot(call)(userId);
  }

  /**
   * Lowers hands: the caller's own (no targets), others' (`lowerHandForOthers`), or all of them.
   * A hand that is not raised is no error.
   */
  lowerHands(userId: string, callId: string, request: { targets?: string[]; all?: boolean }): CallModel {
    const { call, participant } = this.#inCall(userId, callId);
    const others = request.all || (request.targets ?? []).some((rawId) => rawId !== participant.rawId);
    if (others) this.#require(participant, 'lowerHandForOthers');
    const lowered = request.all ? [...call.raisedHands.keys()] : (request.targets ?? [participant.rawId]);
    for (const rawId of lowered) call.raisedHands.delete(rawId);
    this.#hub.atomically(() => this.#settle(call, [participant.rawId]));
    return this.#snapshot(call)(userId);
  }

  /** Spotlights participants in the call (the caller when no targets), up to the limit. */
  startSpotlight(userId: string, callId: string, targets: string[] | undefined): CallModel {
    const { call, participant } = this.#inCall(userId, callId, 'spotlightParticipant');
    const chosen = [...new Set(targets ?? [participant.rawId])];
    for (const rawId of chosen) {
      const target = call.participants.get(rawId);
      if (!target || !IN_CALL.has(target.state)) throw ServiceError.validation(`${rawId} is not in this call.`);
    }
    const after = new Set([...call.spotlights.keys(), ...chosen]);
    if (after.size > MAX_SPOTLIGHTED_PARTICIPANTS) {
      throw ServiceError.conflict(`At most ${MAX_SPOTLIGHTED_PARTICIPANTS} participants are spotlighted at once.`, 'SpotlightLimitReached');
    }
    for (const rawId of chosen) if (!call.spotlights.has(rawId)) call.spotlights.set(rawId, call.nextOrder++);
    this.#hub.atomically(() => this.#settle(call, [participant.rawId]));
    return this.#snapshot(call)(userId);
  }

  /** Ends spotlights: the caller's own (no targets; anyone may), others' or all (`removeParticipantsSpotlight`). */
  stopSpotlight(userId: string, callId: string, request: { targets?: string[]; all?: boolean }): CallModel {
    const { call, participant } = this.#inCall(userId, callId);
    const others = request.all || (request.targets ?? []).some((rawId) => rawId !== participant.rawId);
    if (others) this.#require(participant, 'removeParticipantsSpotlight');
    const stopped = request.all ? [...call.spotlights.keys()] : (request.targets ?? [participant.rawId]);
    for (const rawId of stopped) call.spotlights.delete(rawId);
    this.#hub.atomically(() => this.#settle(call, [participant.rawId]));
    return this.#snapshot(call)(userId);
  }

  /** Sends a reaction to everyone else in the call, now; it is not stored. */
  sendReaction(userId: string, callId: string, reactionType: ReactionType): void {
    const { call, participant } = this.#inCall(userId, callId, 'useReactions');
    const others = [...call.participants.values()].filter((p) => p !== participant && IN_CALL.has(p.state));
    const receivedOn = new Date().toISOString();
    this.#hub.sendEphemeral(
      this.#usersOf(
        call,
        others.map((p) => p.rawId),
      ),
      'callReactionReceived',
      () => ({ callId: call.id, identifier: wireIdentifier(participant.rawId), reactionType, receivedOn }),
    );
  }

  listHistory(userId: string, options: { maxPageSize: number; skip: number }): Page<CallHistoryEntry> {
    const rows = this.#q.history.all(userId, options.maxPageSize + 1, options.skip) as {
      call_id: string;
      direction: 'Incoming' | 'Outgoing';
      peers: string;
      started_on: number;
      connected_on: number | null;
      ended_on: number;
      end_code: number;
      end_sub_code: number;
    }[];
    const entries = rows.map((row) => {
      const entry: CallHistoryEntry = {
        callId: row.call_id,
        direction: row.direction,
        peers: (JSON.parse(row.peers) as string[]).map(wireIdentifier),
        startedOn: new Date(row.started_on).toISOString(),
        endedOn: new Date(row.ended_on).toISOString(),
        callEndReason: { code: row.end_code, subCode: row.end_sub_code },
      };
      if (row.connected_on !== null) entry.connectedOn = new Date(row.connected_on).toISOString();
      return entry;
    });
    return offsetPage(entries, options);
  }

  /** Ends every call (service shutdown) without waiting for timers. */
  close(): void {
    for (const call of this.#calls.values()) {
      for (const participant of call.participants.values()) clearTimeout(participant.ringTimer);
    }
    for (const timer of this.#graceTimers.values()) clearTimeout(timer);
    this.#calls.clear();
    this.#groups.clear();
    this.#roomCalls.clear();
  }

  // ---- internals -----------------------------------------------------------------------------

  /** The caller's participant, in the call now, and allowed the capability if one is named. */
  #inCall(userId: string, callId: string, capability?: CallCapabilityName): { call: ActiveCall; participant: Participant } {
    const member = this.#member(userId, callId);
    if (!IN_CALL.has(member.participant.state)) throw ServiceError.conflict('You are not in this call.', 'NotInCall');
    if (capability) this.#require(member.participant, capability);
    return member;
  }

  #require(participant: Participant, capability: CallCapabilityName): void {
    if (!roleCan(participant.role, capability)) {
      throw ServiceError.forbidden(`A ${participant.role ?? 'Presenter'} may not do this (${capability}).`, 'RoleRestricted');
    }
  }

  #member(userId: string, callId: string): { call: ActiveCall; participant: Participant } {
    const call = this.#calls.get(callId);
    const participant = call && this.#participantOf(call, userId);
    // One answer for "no such call" and "not your call": call ids are not to be probed.
    if (!call || !participant) throw ServiceError.notFound(`Call ${callId} does not exist or has ended.`, 'CallNotFound');
    return { call, participant };
  }

  /** Adds targets as ringing (existing users) or disconnected as unreachable (anything else). */
  #invite(call: ActiveCall, targets: string[]): Participant[] {
    const ringing: Participant[] = [];
    for (const rawId of targets) {
      const userId = this.#userBehind(rawId);
      const reachable = userId !== undefined && !this.#participantOf(call, userId);
      const participant: Participant = {
        rawId,
        ...(reachable ? { userId } : {}),
        state: reachable ? 'Ringing' : 'Disconnected',
        isMuted: false,
        isVideoOn: false,
        isScreenSharing: false,
      };
      if (!reachable) participant.endReason = CallEndReasons.unreachable;
      call.participants.set(rawId, participant);
      if (reachable) {
        participant.ringDeadline = Date.now() + this.#ringTimeoutMs;
        participant.ringTimer = setTimeout(() => this.#ringTimedOut(call.id, rawId), this.#ringTimeoutMs);
        participant.ringTimer.unref?.();
        ringing.push(participant);
      }
    }
    return ringing;
  }

  #ringTimedOut(callId: string, rawId: string): void {
    const call = this.#calls.get(callId);
    const participant = call?.participants.get(rawId);
    if (!call || participant?.state !== 'Ringing') return;
    this.#disconnect(participant, CallEndReasons.noAnswer);
    this.#hub.atomically(() => this.#settle(call, [rawId]));
  }

  #publishIncoming(call: ActiveCall, ringing: Participant[]): void {
    if (ringing.length === 0) return;
    const render = this.#snapshot(call);
    const callerDisplayName = call.participants.get(call.createdBy)?.displayName;
    this.#hub.publish(
      this.#usersOf(
        call,
        ringing.map((p) => p.rawId),
      ),
      'callIncoming',
      (userId) => {
        const model = render(userId);
        // Reached by phone, the callee sees the caller's number, never the caller's user.
        const byPhone = this.#participantOf(call, userId)?.rawId !== userId && call.alternateCallerId;
        return callerDisplayName === undefined || byPhone ? { call: model } : { call: model, callerDisplayName };
      },
    );
  }

  #disconnect(participant: Participant, reason: CallEndReason): void {
    clearTimeout(participant.ringTimer);
    participant.ringTimer = undefined;
    participant.state = 'Disconnected';
    participant.endReason = reason;
    participant.isMuted = false;
    participant.isVideoOn = false;
    participant.isScreenSharing = false;
  }

  /**
   * After any change: ends the call when fewer than two parties remain (or could still join), and
   * otherwise announces the new state to everyone still in it and to those whom the change touched.
   */
  #settle(call: ActiveCall, touched: string[]): void {
    // Whoever left the call takes their raised hand and spotlight with them.
    for (const rawId of [...call.raisedHands.keys(), ...call.spotlights.keys()]) {
      if (!IN_CALL.has(call.participants.get(rawId)?.state ?? 'Disconnected')) {
        call.raisedHands.delete(rawId);
        call.spotlights.delete(rawId);
      }
    }
    const participants = [...call.participants.values()];
    const inCall = participants.filter((p) => IN_CALL.has(p.state));
    const ringing = participants.filter((p) => p.state === 'Ringing');
    // A 1:1 or dialled group call needs two parties; a group call by id lasts while one is in it.
    if (inCall.length === 0 || (!isShared(call) && inCall.length + ringing.length < 2)) {
      this.#end(call, this.#endReasonFor(call), touched);
      return;
    }
    const render = this.#snapshot(call);
    const recipients = new Set([...inCall, ...ringing].map((p) => p.rawId));
    for (const rawId of touched) recipients.add(rawId);
    this.#hub.publish(this.#usersOf(call, recipients), 'callUpdated', (userId) => ({ call: render(userId) }));
  }

  /** A call that ends before anyone answered ends for the reason its callees gave. */
  #endReasonFor(call: ActiveCall): CallEndReason {
    const callees = [...call.participants.values()].filter((p) => p.rawId !== call.createdBy);
    if (callees.some((p) => p.connectedOn !== undefined)) return CallEndReasons.normal;
    for (const reason of [CallEndReasons.declined, CallEndReasons.noAnswer, CallEndReasons.unreachable]) {
      if (callees.some((p) => p.endReason === reason)) return reason;
    }
    return CallEndReasons.cancelled;
  }

  #end(call: ActiveCall, reason: CallEndReason, touched: string[]): void {
    const endedOn = Date.now();
    const recipients = new Set(touched);
    for (const participant of call.participants.values()) {
      if (participant.state !== 'Disconnected') {
        recipients.add(participant.rawId);
        this.#disconnect(
          participant,
          participant.state === 'Ringing' && reason === CallEndReasons.normal ? CallEndReasons.cancelled : reason,
        );
      }
    }
    call.state = 'Ended';
    call.endReason = reason;
    this.#calls.delete(call.id);
    if (call.groupId && this.#groups.get(call.groupId) === call) this.#groups.delete(call.groupId);
    if (call.roomId && this.#roomCalls.get(call.roomId) === call) this.#roomCalls.delete(call.roomId);
    const render = this.#snapshot(call);
    this.#writeHistory(call, endedOn);
    this.#hub.publish(this.#usersOf(call, recipients), 'callEnded', (userId) => ({ call: render(userId) }));
  }

  #writeHistory(call: ActiveCall, endedOn: number): void {
    const everyone = [...call.participants.keys()];
    for (const participant of call.participants.values()) {
      if (!participant.userId || !this.#identities.getUser(participant.userId)) continue;
      const reason = participant.endReason ?? call.endReason ?? CallEndReasons.normal;
      this.#q.insertHistory.run(
        participant.userId,
        call.id,
        participant.rawId === call.createdBy ? 'Outgoing' : 'Incoming',
        JSON.stringify(everyone.filter((rawId) => rawId !== participant.rawId)),
        call.createdOn,
        participant.connectedOn ?? null,
        endedOn,
        reason.code,
        reason.subCode,
      );
    }
  }

  /** The users acting for these participants: only users have real-time endpoints. */
  #usersOf(call: ActiveCall, rawIds: Iterable<string>): string[] {
    const users = new Set<string>();
    for (const rawId of rawIds) {
      const userId = call.participants.get(rawId)?.userId;
      if (userId) users.add(userId);
    }
    return [...users];
  }

  /** The participant a user acts for in a call (as themselves, or through their phone number). */
  #participantOf(call: ActiveCall, userId: string): Participant | undefined {
    for (const participant of call.participants.values()) if (participant.userId === userId) return participant;
    return undefined;
  }

  /** Who answers for an identifier: a user itself, or the user a phone number of ours is assigned to. */
  #userBehind(rawId: string): string | undefined {
    const identifier = createIdentifierFromRawId(rawId);
    if (identifier.kind === 'communicationUser') return this.#identities.getUser(rawId) ? rawId : undefined;
    if (identifier.kind === 'phoneNumber') {
      const number = this.#numbers.get(identifier.phoneNumber);
      // A number without inbound calling rings nobody: the callee is unreachable.
      if (!number || !hasDirection(number.capabilities.calling, 'inbound')) return undefined;
      const assigned = number.assignedTo;
      return assigned && this.#identities.getUser(assigned) ? assigned : undefined;
    }
    return undefined;
  }

  /**
   * Calling a phone number needs a caller id the resource owns (ACS requires it): the number callees
   * see. Returns its raw id, or `undefined` when no phone number is called.
   *
   * Who may present which number (`presenterId` is the one placing the call or adding the callee):
   * a user presents a number assigned to them, or one of the resource's unassigned ("main line")
   * numbers, never another user's number, which would let them pose as that user. A calling
   * application acts with the access key, the resource owner's authority, so it may present any
   * number of the resource. `presentsNow` is false when the number is not shown to anyone by this
   * request (adding users to a call that has a caller id): then only its existence is checked.
   */
  #checkAlternateCallerId(
    presenterId: string,
    targets: string[],
    alternateCallerId: string | undefined,
    presentsNow = true,
  ): string | undefined {
    const callsPhone = targets.some((rawId) => createIdentifierFromRawId(rawId).kind === 'phoneNumber');
    if (alternateCallerId === undefined) {
      if (callsPhone) {
        throw ServiceError.validation('Calling a phone number needs an alternateCallerId: a phone number of this resource.');
      }
      return undefined;
    }
    const identifier = createIdentifierFromRawId(alternateCallerId);
    const number = identifier.kind === 'phoneNumber' ? this.#numbers.get(identifier.phoneNumber) : undefined;
    if (!number) {
      throw ServiceError.validation('"alternateCallerId" must be a phone number this resource owns.');
    }
    if (callsPhone && !hasDirection(number.capabilities.calling, 'outbound')) {
      throw ServiceError.badRequest(
        `${number.phoneNumber} has no outbound calling: update its capabilities to present it.`,
        'CapabilityNotEnabled',
      );
    }
    const isApplication = createIdentifierFromRawId(presenterId).kind === 'callingApplication';
    if ((presentsNow || callsPhone) && !isApplication && number.assignedTo !== undefined && number.assignedTo !== presenterId) {
      throw ServiceError.forbidden(
        `${number.phoneNumber} is assigned to another user: present your own number or an unassigned number of this resource.`,
        'CallerIdNotAllowed',
      );
    }
    return alternateCallerId;
  }

  /**
   * One version of the call, rendered per viewer: the viewer's own participant is marked `isYou`,
   * and a viewer reached through their phone number sees the caller as the alternate caller id.
   */
  #snapshot(call: ActiveCall): (viewerId?: string) => CallModel {
    const version = ++call.version;
    return (viewerId) => this.#model(call, version, viewerId);
  }

  #model(call: ActiveCall, version: number, viewerId: string | undefined): CallModel {
    const viewer = viewerId === undefined ? undefined : this.#participantOf(call, viewerId);
    const maskCaller = viewer !== undefined && viewer.rawId !== viewer.userId && call.alternateCallerId !== undefined;
    const shown = (rawId: string) => (maskCaller && rawId === call.createdBy ? call.alternateCallerId! : rawId);
    const model: CallModel = {
      id: call.id,
      version,
      state: call.state,
      createdOn: new Date(call.createdOn).toISOString(),
      createdBy: wireIdentifier(shown(call.createdBy)),
      participants: [...call.participants.values()].map((p) => {
        const participant: CallParticipantModel = {
          identifier: wireIdentifier(shown(p.rawId)),
          state: p.state,
          isMuted: p.isMuted,
          isVideoOn: p.isVideoOn,
          isScreenSharing: p.isScreenSharing,
        };
        if (p === viewer) participant.isYou = true;
        if (p.role) participant.role = p.role;
        if (p.displayName !== undefined && !(maskCaller && p.rawId === call.createdBy)) participant.displayName = p.displayName;
        if (p.endpointId !== undefined && p.userId !== undefined && IN_CALL.has(p.state)) {
          participant.endpointId = p.endpointId;
          participant.peerId = peerIdFor(p.userId, p.endpointId);
        }
        if (p.endReason) participant.callEndReason = p.endReason;
        return participant;
      }),
    };
    if (call.alternateCallerId) model.alternateCallerId = wireIdentifier(call.alternateCallerId);
    if (call.groupId) model.groupId = call.groupId;
    if (call.roomId) model.roomId = call.roomId;
    const ordered = (entries: Map<string, number>) =>
      [...entries].map(([rawId, order]) => ({ identifier: wireIdentifier(shown(rawId)), order })).sort((a, b) => a.order - b.order);
    if (call.raisedHands.size > 0) model.raisedHands = ordered(call.raisedHands);
    if (call.spotlights.size > 0) model.spotlightedParticipants = ordered(call.spotlights);
    const ringDeadline = Math.max(
      0,
      ...[...call.participants.values()].filter((p) => p.state === 'Ringing').map((p) => p.ringDeadline ?? 0),
    );
    if (ringDeadline > 0) model.ringDeadline = new Date(ringDeadline).toISOString();
    if (call.endReason) model.callEndReason = call.endReason;
    return model;
  }

  /** An endpoint in a call that goes away and stays away past the grace period has left it. */
  #onEndpointChange({ userId, endpointId, connected }: EndpointChange): void {
    const key = `${userId}\n${endpointId}`;
    clearTimeout(this.#graceTimers.get(key));
    this.#graceTimers.delete(key);
    if (connected) return;
    const timer = setTimeout(() => {
      this.#graceTimers.delete(key);
      for (const call of [...this.#calls.values()]) {
        const participant = this.#participantOf(call, userId);
        if (participant && IN_CALL.has(participant.state) && participant.endpointId === endpointId) {
          this.#disconnect(participant, CallEndReasons.failed);
          this.#hub.atomically(() => this.#settle(call, [participant.rawId]));
        }
      }
    }, this.#graceMs);
    timer.unref?.();
    this.#graceTimers.set(key, timer);
  }

  #dropUser(userId: string): void {
    for (const call of [...this.#calls.values()]) {
      const participant = this.#participantOf(call, userId);
      if (participant && participant.state !== 'Disconnected') {
        this.#disconnect(participant, CallEndReasons.normal);
        this.#hub.atomically(() => this.#settle(call, [participant.rawId]));
      }
    }
  }
}

function newCallState(createdBy: string, state: CallModel['state']): ActiveCall {
  return {
    id: randomUUID(),
    createdOn: Date.now(),
    createdBy,
    state,
    participants: new Map(),
    version: 0,
    raisedHands: new Map(),
    spotlights: new Map(),
    nextOrder: 1,
  };
}

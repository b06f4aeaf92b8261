import { API_VERSIONS } from '../common/apiVersions.js';
import type { SerializedCommunicationIdentifier } from '../common/identifierModels.js';

/**
 * The calling control plane's wire shapes, shared by the service and the client. Calls are
 * controlled over REST (`/calling/calls...`, bearer token with the `voip` scope) and announced over
 * the real-time channel (`callIncoming`, `callUpdated`, `callEnded`); media never passes the service.
 */
/** The calling api-version our clients send (the supported list is in common/apiVersions.ts). */
export const CALLING_API_VERSION = API_VERSIONS.calling.current;

/**
 * The calling control routes, as the service's router templates spell them (`{callId}` is a path
 * parameter). The service registers exactly these (a test holds it to that); clients build their
 * request paths from them with {@link callingPath}, never by hand.
 */
export const CALLING_ROUTES = {
  config: { method: 'GET', template: '/calling/config' },
  startCall: { method: 'POST', template: '/calling/calls' },
  joinGroupCall: { method: 'POST', template: '/calling/calls/:join' },
  getCall: { method: 'GET', template: '/calling/calls/{callId}' },
  accept: { method: 'POST', template: '/calling/calls/{callId}/:accept' },
  reject: { method: 'POST', template: '/calling/calls/{callId}/:reject' },
  hangUp: { method: 'POST', template: '/calling/calls/{callId}/:hangUp' },
  addParticipants: { method: 'POST', template: '/calling/calls/{callId}/participants/:add' },
  updateMediaState: { method: 'POST', template: '/calling/calls/{callId}/:updateMediaState' },
  raiseHand: { method: 'POST', template: '/calling/calls/{callId}/:raiseHand' },
  lowerHands: { method: 'POST', template: '/calling/calls/{callId}/:lowerHands' },
  startSpotlight: { method: 'POST', template: '/calling/calls/{callId}/:startSpotlight' },
  stopSpotlight: { method: 'POST', template: '/calling/calls/{callId}/:stopSpotlight' },
  sendReaction: { method: 'POST', template: '/calling/calls/{callId}/:sendReaction' },
  history: { method: 'GET', template: '/calling/history' },
  automationStartCall: { method: 'POST', template: '/calling/automation/calls' },
  automationHangUp: { method: 'POST', template: '/calling/automation/calls/{callId}/:hangUp' },
} as const satisfies Record<string, { method: 'GET' | 'POST'; template: `/calling/${string}` }>;

export type CallingRouteName = keyof typeof CALLING_ROUTES;
/** The routes about one call: their paths need its id. */
export type CallingCallRouteName = {
  [K in CallingRouteName]: (typeof CALLING_ROUTES)[K]['template'] extends `${string}{callId}${string}` ? K : never;
}[CallingRouteName];

/**
 * The request path of a calling route, relative to the service's endpoint (no leading slash), with
 * the call id encoded into it. Routes about a call take its id; the others take none.
 */
export function callingPath(route: Exclude<CallingRouteName, CallingCallRouteName>): string;
export function callingPath(route: CallingCallRouteName, callId: string): string;
export function callingPath(route: CallingRouteName, callId?: string): string {
  const { template } = CALLING_ROUTES[route];
  const path = template.includes('{callId}') ? template.replace('{callId}', encodeURIComponent(callId ?? '')) : template;
  return path.slice(1);
}

export type RemoteParticipantState = 'Idle' | 'Connecting' | 'Ringing' | 'Connected' | 'Hold' | 'Disconnected';
export type ServerCallState = 'Ringing' | 'Connected' | 'Ended';

/** Why a call or a participant ended, as ACS reports it: a SIP-like code and a sub-code. */
export interface CallEndReason {
  code: number;
  subCode: number;
}

/** The end reasons the service gives, by name. */
export const CallEndReasons = {
  normal: { code: 0, subCode: 0 },
  /** The callee declined. */
  declined: { code: 603, subCode: 0 },
  /** The caller hung up before anyone answered. */
  cancelled: { code: 487, subCode: 0 },
  /** Nobody answered before the ring timeout. */
  noAnswer: { code: 480, subCode: 10004 },
  /** The callee does not exist or cannot be reached (an unassigned number, an unknown id). */
  unreachable: { code: 404, subCode: 10404 },
  /** The participant's endpoint went away (tab closed, network lost) and did not come back. */
  failed: { code: 500, subCode: 10500 },
  /** The call stayed Connecting (answered, but no media connection came up) past its time limit. */
  connectTimedOut: { code: 408, subCode: 10408 },
  /** Answered on another endpoint of the same user: this endpoint stops ringing. */
  acceptedElsewhere: { code: 0, subCode: 10003 },
  /** Removed from the room whose call this is. */
  removed: { code: 0, subCode: 5300 },
} as const satisfies Record<string, CallEndReason>;

export type CallEndReasonName = keyof typeof CallEndReasons;

/**
 * A participant's role, as ACS Rooms define them. Outside a room everyone is a `Presenter`; in a
 * room the room's participant list gives each their role, and a change applies at once.
 */
export type CallParticipantRole = 'Presenter' | 'Attendee' | 'Consumer' | 'Collaborator';
export const CALL_PARTICIPANT_ROLES: readonly CallParticipantRole[] = ['Presenter', 'Attendee', 'Consumer', 'Collaborator'];

/** What a participant may do in a call, by the ACS Calling SDK's capability names (`lowerHandForOthers` is ours). */
export type CallCapabilityName =
  | 'turnVideoOn'
  | 'unmuteMic'
  | 'shareScreen'
  | 'hangUpForEveryOne'
  | 'addCommunicationUser'
  | 'addPhoneNumber'
  | 'spotlightParticipant'
  | 'removeParticipantsSpotlight'
  | 'raiseHand'
  | 'lowerHandForOthers'
  | 'useReactions';
export const CALL_CAPABILITIES: readonly CallCapabilityName[] = [
  'turnVideoOn',
  'unmuteMic',
  'shareScreen',
  'hangUpForEveryOne',
  'addCommunicationUser',
  'addPhoneNumber',
  'spotlightParticipant',
  'removeParticipantsSpotlight',
  'raiseHand',
  'lowerHandForOthers',
  'useReactions',
];

/**
 * The one table of who may do what, read by the service (which refuses with 403 `RoleRestricted`)
 * and by the client's `Features.Capabilities` (which says why a control is disabled). An Attendee
 * speaks and shows video but does not share the screen or manage others; a Consumer only watches,
 * listens, raises a hand and reacts; a Collaborator is an Attendee who may also share the screen.
 */
export const ROLE_CAPABILITIES: Readonly<Record<CallParticipantRole, ReadonlySet<CallCapabilityName>>> = {
  Presenter: new Set(CALL_CAPABILITIES),
  Collaborator: new Set(['turnVideoOn', 'unmuteMic', 'shareScreen', 'raiseHand', 'useReactions']),
  Attendee: new Set(['turnVideoOn', 'unmuteMic', 'raiseHand', 'useReactions']),
  Consumer: new Set(['raiseHand', 'useReactions']),
};

export function roleCan(role: CallParticipantRole | undefined, capability: CallCapabilityName): boolean {
  return ROLE_CAPABILITIES[role ?? 'Presenter'].has(capability);
}

/** Reactions everyone can send, as ACS has them. */
export type ReactionType = 'like' | 'heart' | 'laugh' | 'surprised' | 'applause';
export const REACTION_TYPES: readonly ReactionType[] = ['like', 'heart', 'laugh', 'surprised', 'applause'];

/** At most this many participants are spotlighted at once (as in ACS). */
export const MAX_SPOTLIGHTED_PARTICIPANTS = 7;

/** A raised hand or a spotlight, in the order it happened across the call (1 is first). */
export interface OrderedParticipantModel {
  identifier: SerializedCommunicationIdentifier;
  order: number;
}

export interface CallParticipantModel {
  identifier: SerializedCommunicationIdentifier;
  /** In a room call, the participant's role (outside rooms everyone is a Presenter and none is given). */
  role?: CallParticipantRole;
  /** Marks the participant the receiving user acts for (their identity may be their phone number). */
  isYou?: boolean;
  displayName?: string;
  state: RemoteParticipantState;
  /** The endpoint that is in the call (after accepting); its media peer id. */
  endpointId?: string;
  peerId?: string;
  isMuted: boolean;
  isVideoOn: boolean;
  isScreenSharing: boolean;
  callEndReason?: CallEndReason;
}

export interface CallModel {
  id: string;
  /** Increases with every snapshot of the call: a client keeps the newest it has seen. */
  version: number;
  state: ServerCallState;
  createdOn: string;
  createdBy: SerializedCommunicationIdentifier;
  /** When ringing participants stop ringing if nobody answers. */
  ringDeadline?: string;
  participants: CallParticipantModel[];
  callEndReason?: CallEndReason;
  /** The caller id shown to callees when it is not the caller's own (a phone number). */
  alternateCallerId?: SerializedCommunicationIdentifier;
  /** A group call's id (a GUID): everyone who joins with it is in this call. */
  groupId?: string;
  /** A room call's room id. */
  roomId?: string;
  /** Raised hands, in order (held by the service: a late joiner sees them). */
  raisedHands?: OrderedParticipantModel[];
  /** Spotlighted participants, in order. */
  spotlightedParticipants?: OrderedParticipantModel[];
}

/** A group call's id is a GUID, as in ACS (`callAgent.join({ groupId })`). */
export const GROUP_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Events on the real-time channel. */
export interface CallingEvents {
  callIncoming: { call: CallModel; callerDisplayName?: string };
  callUpdated: { call: CallModel };
  callEnded: { call: CallModel };
  /** A reaction in a call: to everyone else in it, now, never stored (ephemeral). */
  callReactionReceived: { callId: string; identifier: SerializedCommunicationIdentifier; reactionType: ReactionType; receivedOn: string };
}

/** Calling events sent only to connected endpoints, never stored or replayed. */
export const CALLING_EPHEMERAL_EVENTS = ['callReactionReceived'] as const satisfies readonly (keyof CallingEvents)[];
export type CallingEphemeralEventName = (typeof CALLING_EPHEMERAL_EVENTS)[number];

export interface CallHistoryEntry {
  callId: string;
  direction: 'Incoming' | 'Outgoing';
  /** Everyone else who was in or invited to the call. */
  peers: SerializedCommunicationIdentifier[];
  startedOn: string;
  connectedOn?: string;
  endedOn: string;
  callEndReason: CallEndReason;
}

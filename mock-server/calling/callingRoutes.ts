import {
  CALLING_ROUTES,
  type CallingRouteName,
  GROUP_ID_PATTERN,
  REACTION_TYPES,
  type ReactionType,
} from '../../src/calling/callingProtocol.js';
import { getIdentifierRawId } from '../../src/common/identifiers.js';
import { deserializeCommunicationIdentifier } from '../../src/common/identifierModels.js';
import { isCallingEndpointId } from '../../src/common/realtimeProtocol.js';
import type { TokenScope } from '../auth/tokens.js';
import { BodyReader, type JsonObject } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import { integerParam, nextLink } from '../http/query.js';
import type { RequestContext } from '../http/router.js';
import type { RouteSpec } from '../http/routes.js';
import { type CallingService, MAX_CALL_PARTICIPANTS, type MediaState } from './callingService.js';

const VOIP_SCOPES: readonly TokenScope[] = ['voip', 'voip.join'];
const MEDIA_STATE_FIELDS = ['isMuted', 'isVideoOn', 'isScreenSharing', 'onHold'] as const;

const CALLING = { api: 'calling', auth: 'user', scopes: VOIP_SCOPES, origins: 'any' } as const;
/** Call automation: applications act as themselves, with the access key or their token. */
const AUTOMATION = { api: 'calling', auth: 'application', origins: 'any' } as const;

/** ICE servers as calling clients take them (`RTCIceServer`). */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** A calling route as declared here: its method and template are the protocol module's. */
type CallingRouteDeclaration = Omit<RouteSpec, 'method' | 'template'>;

/**
 * The calling control plane's routes; media never passes through the service. They are keyed by
 * their name in CALLING_ROUTES, which gives each its method and template: the client builds its
 * paths from the same table, and a route missing here or unknown there does not compile.
 */
export function callingRoutes(
  calling: CallingService,
  origin: (context: RequestContext) => string,
  iceServersFor: (userId: string) => { iceServers: readonly IceServer[]; expiresOn?: string },
): RouteSpec[] {
  // A user and an application hang up alike. The answer is the call as it is after the hang-up: the
  // caller learns why it ended (487 for a cancelled call) whether or not the real-time event comes first.
  const hangUp = {
    body: 'json',
    fields: ['forEveryone'],
    handler: ({ params, json, caller }) => ({
      status: 200,
      body: calling.hangUp(caller!.userId, params.callId!, readBoolean(json(), 'forEveryone') ?? false),
    }),
  } as const satisfies Pick<RouteSpec, 'body' | 'fields' | 'handler'>;
  const routes: Record<CallingRouteName, CallingRouteDeclaration> = {
    startCall: {
      ...CALLING,
      summary: "Starts a call from the caller's endpoint to users or phone numbers; their endpoints ring.",
      body: 'required',
      fields: ['targets', 'endpointId', 'displayName', 'isMuted', 'isVideoOn', 'alternateCallerId'],
      handler: ({ json, caller }) => {
        const raw = json();
        const body = new BodyReader(raw);
        const alternateCallerId = readAlternateCallerId(raw);
        return {
          status: 201,
          body: calling.startCall(caller!.userId, {
            ...(alternateCallerId ? { alternateCallerId } : {}),
            targets: readTargets(raw.targets),
            endpointId: readEndpointId(body),
            displayName: body.optionalString('displayName', { maxLength: 256 }),
            isMuted: readBoolean(raw, 'isMuted'),
            isVideoOn: readBoolean(raw, 'isVideoOn'),
          }),
        };
      },
    },
    joinGroupCall: {
      ...CALLING,
      summary:
        "Joins the call of a group id (a GUID) or of a room (its participants only, with their roles) from one of the caller's endpoints.",
      body: 'required',
      fields: ['groupId', 'roomId', 'endpointId', 'displayName', 'isMuted', 'isVideoOn'],
      handler: ({ json, caller }) => {
        const raw = json();
        const body = new BodyReader(raw);
        const groupId = body.optionalString('groupId', { maxLength: 36 });
        const roomId = body.optionalString('roomId', { maxLength: 64 });
        if ((groupId === undefined) === (roomId === undefined)) throw ServiceError.validation('Give either "groupId" or "roomId".');
        if (groupId !== undefined && !GROUP_ID_PATTERN.test(groupId)) throw ServiceError.validation('"groupId" must be a GUID.');
        if (roomId !== undefined && !/^\d{1,64}$/.test(roomId)) throw ServiceError.validation('"roomId" must be a room id (digits).');
        return {
          status: 200,
          body: calling.joinSharedCall(caller!.userId, groupId !== undefined ? { groupId } : { roomId: roomId! }, {
            endpointId: readEndpointId(body),
            displayName: body.optionalString('displayName', { maxLength: 256 }),
            isMuted: readBoolean(raw, 'isMuted'),
            isVideoOn: readBoolean(raw, 'isVideoOn'),
          }),
        };
      },
    },
    // Call automation: an application calls users, who ring with the application as the caller and,
    // once they accept, are in one group call together. The application takes no media.
    // An application acts with the access key, so it may present any number of the resource as its
    // caller id (a user only their own or an unassigned one: see CallingService).
    automationStartCall: {
      ...AUTOMATION,
      summary: 'An application calls users; those who accept are in one group call (no media of its own).',
      body: 'required',
      fields: ['targets', 'displayName', 'alternateCallerId'],
      handler: ({ json, caller }) => {
        const raw = json();
        const displayName = new BodyReader(raw).optionalString('displayName', { maxLength: 256 });
        const alternateCallerId = readAlternateCallerId(raw);
        return {
          status: 201,
          body: calling.startCall(caller!.userId, {
            targets: readTargets(raw.targets),
            ...(displayName !== undefined ? { displayName } : {}),
            ...(alternateCallerId ? { alternateCallerId } : {}),
          }),
        };
      },
    },
    automationHangUp: {
      ...AUTOMATION,
      summary: 'An application leaves its call, or ends it for everyone (forEveryone).',
      ...hangUp,
    },
    getCall: {
      ...CALLING,
      summary: 'Gets a call the caller takes part in: state, participants, end reason.',
      body: 'none',
      handler: ({ params, caller }) => ({ status: 200, body: calling.getCall(caller!.userId, params.callId!) }),
    },
    accept: {
      ...CALLING,
      summary: "Accepts a ringing call on one of the caller's endpoints; the others stop ringing.",
      body: 'required',
      fields: ['endpointId', 'displayName', 'isMuted', 'isVideoOn'],
      handler: ({ params, json, caller }) => {
        const raw = json();
        const body = new BodyReader(raw);
        return {
          status: 200,
          body: calling.accept(caller!.userId, params.callId!, {
            endpointId: readEndpointId(body),
            displayName: body.optionalString('displayName', { maxLength: 256 }),
            isMuted: readBoolean(raw, 'isMuted'),
            isVideoOn: readBoolean(raw, 'isVideoOn'),
          }),
        };
      },
    },
    reject: {
      ...CALLING,
      summary: "Declines a ringing call on all of the caller's endpoints.",
      body: 'json',
      fields: [],
      handler: ({ params, json, caller }) => {
        json();
        calling.reject(caller!.userId, params.callId!);
        return { status: 204 };
      },
    },
    hangUp: {
      ...CALLING,
      summary: 'Leaves a call, or ends it for everyone (forEveryone); answers with the call as it ends.',
      ...hangUp,
    },
    addParticipants: {
      ...CALLING,
      summary: 'Invites more users or phone numbers into a call.',
      body: 'required',
      fields: ['targets'],
      handler: ({ params, json, caller }) => ({
        status: 200,
        body: calling.addParticipants(caller!.userId, params.callId!, readTargets(json().targets)),
      }),
    },
    updateMediaState: {
      ...CALLING,
      summary: "Announces the caller's mute, video, screen-share or hold state to the call.",
      body: 'required',
      fields: MEDIA_STATE_FIELDS,
      handler: ({ params, json, caller }) => {
        const raw = json();
        const state: MediaState = {};
        for (const field of MEDIA_STATE_FIELDS) {
          const value = readBoolean(raw, field);
          if (value !== undefined) state[field] = value;
        }
        if (Object.keys(state).length === 0) throw ServiceError.validation('Give at least one media state to change.');
        return { status: 200, body: calling.updateMediaState(caller!.userId, params.callId!, state) };
      },
    },
    raiseHand: {
      ...CALLING,
      summary: "Raises the caller's hand in a call; the others see it, in order, late joiners too.",
      body: 'json',
      fields: [],
      handler: ({ params, json, caller }) => {
        json();
        return { status: 200, body: calling.raiseHand(caller!.userId, params.callId!) };
      },
    },
    lowerHands: {
      ...CALLING,
      summary: "Lowers the caller's hand, others' hands (targets) or every hand (all); others' need lowerHandForOthers.",
      body: 'json',
      fields: ['targets', 'all'],
      handler: ({ params, json, caller }) => ({
        status: 200,
        body: calling.lowerHands(caller!.userId, params.callId!, readSelection(json())),
      }),
    },
    startSpotlight: {
      ...CALLING,
      summary: 'Spotlights participants (targets, or the caller) for everyone in the call; needs spotlightParticipant.',
      body: 'json',
      fields: ['targets'],
      handler: ({ params, json, caller }) => ({
        status: 200,
        body: calling.startSpotlight(caller!.userId, params.callId!, readSelection(json()).targets),
      }),
    },
    stopSpotlight: {
      ...CALLING,
      summary: "Ends spotlights: the caller's own, others' (targets) or all; others' need removeParticipantsSpotlight.",
      body: 'json',
      fields: ['targets', 'all'],
      handler: ({ params, json, caller }) => ({
        status: 200,
        body: calling.stopSpotlight(caller!.userId, params.callId!, readSelection(json())),
      }),
    },
    sendReaction: {
      ...CALLING,
      summary: 'Sends a reaction (like, heart, laugh, surprised, applause) to everyone else in the call; not stored.',
      body: 'required',
      fields: ['reactionType'],
      handler: ({ params, json, caller }) => {
        const reactionType = json().reactionType;
        if (typeof reactionType !== 'string' || !REACTION_TYPES.includes(reactionType as ReactionType)) {
          throw ServiceError.validation(`"reactionType" must be one of ${REACTION_TYPES.join(', ')}.`);
        }
        calling.sendReaction(caller!.userId, params.callId!, reactionType as ReactionType);
        return { status: 204 };
      },
    },
    history: {
      ...CALLING,
      summary: "Lists the caller's past calls, newest first, paged.",
      body: 'none',
      handler: (context) => {
        const { url } = context;
        const page = calling.listHistory(context.caller!.userId, {
          maxPageSize: integerParam(url, 'maxPageSize', 50, 1, 200),
          skip: integerParam(url, 'skip', 0, 0, Number.MAX_SAFE_INTEGER),
        });
        const link = nextLink(url, origin(context), page.continuation, 'skip');
        return { status: 200, body: link ? { value: page.value, nextLink: link } : { value: page.value } };
      },
    },
    // Needs the voip scope like every calling route: CallAgent.create relies on it to refuse a
    // chat-only token before anything connects.
    config: {
      ...CALLING,
      summary: 'The ICE servers calling clients use (none by default); with a relay, fresh TURN credentials and their expiresOn.',
      body: 'none',
      handler: ({ caller }) => ({ status: 200, body: iceServersFor(caller!.userId) }),
    },
  };
  return Object.entries(routes).map(([name, route]) => ({ ...CALLING_ROUTES[name as CallingRouteName], ...route }));
}

/** `targets` (identifiers, optional) and `all` (boolean, optional) of the hand and spotlight routes. */
function readSelection(raw: JsonObject): { targets?: string[]; all?: boolean } {
  const all = readBoolean(raw, 'all');
  const targets = raw.targets === undefined || raw.targets === null ? undefined : readTargets(raw.targets);
  if (all && targets) throw ServiceError.validation('Give "targets" or "all", not both.');
  return { ...(targets ? { targets } : {}), ...(all ? { all } : {}) };
}

function readAlternateCallerId(raw: JsonObject): string | undefined {
  return raw.alternateCallerId === undefined || raw.alternateCallerId === null ? undefined : readTargets([raw.alternateCallerId])[0];
}

function readEndpointId(body: BodyReader): string {
  const endpointId = body.requiredString('endpointId', { maxLength: 64 });
  if (!isCallingEndpointId(endpointId)) throw ServiceError.validation('"endpointId" must be 1-64 letters and digits.');
  return endpointId;
}

function readBoolean(raw: JsonObject, field: string): boolean | undefined {
  const value = raw[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw ServiceError.validation(`"${field}" must be a boolean.`);
  return value;
}

function readTargets(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw ServiceError.validation('"targets" must be a non-empty array of identifiers.');
  if (value.length >= MAX_CALL_PARTICIPANTS) {
    throw ServiceError.validation(`A call has at most ${MAX_CALL_PARTICIPANTS} participants.`);
  }
  return value.map((item, index) => {
    try {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new TypeError('not an object');
      const rawId = getIdentifierRawId(deserializeCommunicationIdentifier(item as never));
      if (rawId === '' || rawId.length > 256) throw new TypeError('bad raw id');
      return rawId;
    } catch {
      throw ServiceError.validation(`"targets[${index}]" is not a valid communication identifier.`);
    }
  });
}

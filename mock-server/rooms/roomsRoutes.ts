import { BodyReader, type JsonObject } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import { integerParam, nextLink } from '../http/query.js';
import type { RequestContext } from '../http/router.js';
import type { RouteSpec } from '../http/routes.js';
import { DEFAULT_ROOM_ROLE, ROOM_ROLES, type RoomRole, roomModel } from './roomModels.js';
import type { RoomsService } from './roomsService.js';

/** Admin only, as ACS: signed with the access key; a user's token is a 401. */
const ROOMS = { api: 'rooms', auth: 'hmac', origins: 'any' } as const;

/** api-versions before `pstnDialOutEnabled` (2024-04-15) and before the `Collaborator` role (2025-03-13). */
const WITHOUT_PSTN_DIAL_OUT: readonly string[] = ['2023-06-14'];
const WITHOUT_COLLABORATOR: readonly string[] = ['2023-06-14', '2024-04-15'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** RFC 3339 date-time, as the spec's `format: date-time`. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * The ACS Rooms REST API (`/rooms…`, api-versions 2023-06-14, 2024-04-15, 2025-03-13), HMAC-signed:
 * rooms (create, get, update, list, delete) and their participants (merge-patch, list).
 */
export function roomsRoutes(rooms: RoomsService, origin: (context: RequestContext) => string): RouteSpec[] {
  const versionOf = ({ url }: RequestContext) => url.searchParams.get('api-version') ?? '';
  const model = (context: RequestContext) => {
    const pstnDialOut = !WITHOUT_PSTN_DIAL_OUT.includes(versionOf(context));
    return (room: Parameters<typeof roomModel>[0]) => roomModel(room, { pstnDialOut });
  };
  return [
    {
      ...ROOMS,
      method: 'POST',
      template: '/rooms',
      summary: 'Creates a room: its time window (default now to 180 days on), PSTN dial-out, invited users and their roles.',
      body: 'required',
      fields: ['validFrom', 'validUntil', 'pstnDialOutEnabled', 'participants'],
      handler: (context) => {
        const version = versionOf(context);
        const body = context.json();
        const settings = readSettings(body, version);
        const participants = body.participants == null ? undefined : readParticipants(body.participants, version);
        const requestId = readRepeatability(context);
        const { room } = rooms.createRoom({
          ...settings,
          ...(participants ? { participants } : {}),
          ...(requestId !== undefined ? { repeatabilityRequestId: requestId } : {}),
        });
        // ACS names the new room in Location (its bare id) and acknowledges a repeatable request.
        const headers: Record<string, string> = { location: room.id };
        if (requestId !== undefined) headers['repeatability-result'] = 'accepted';
        return { status: 201, body: model(context)(room), headers };
      },
    },
    {
      ...ROOMS,
      method: 'GET',
      template: '/rooms',
      summary: 'Lists the rooms, in creation order, a page at a time (nextLink).',
      body: 'none',
      handler: (context) => {
        const page = rooms.listRooms(continuationOf(context.url));
        return { status: 200, body: withNextLink(page.value.map(model(context)), page.continuation, context, origin) };
      },
    },
    {
      ...ROOMS,
      method: 'GET',
      template: '/rooms/{roomId}',
      summary: 'Gets a room.',
      body: 'none',
      handler: (context) => ({ status: 200, body: model(context)(rooms.getRoom(context.params.roomId!)) }),
    },
    {
      ...ROOMS,
      method: 'PATCH',
      template: '/rooms/{roomId}',
      summary: "Updates a room's window or PSTN dial-out (merge patch: absent or null fields stay).",
      body: 'required',
      fields: ['validFrom', 'validUntil', 'pstnDialOutEnabled'],
      handler: (context) => {
        const settings = readSettings(context.json(), versionOf(context));
        return { status: 200, body: model(context)(rooms.updateRoom(context.params.roomId!, settings)) };
      },
    },
    {
      ...ROOMS,
      method: 'DELETE',
      template: '/rooms/{roomId}',
      summary: 'Deletes a room and its participants (a room already gone is a 204 too).',
      body: 'none',
      handler: ({ params }) => {
        rooms.deleteRoom(params.roomId!);
        return { status: 204 };
      },
    },
    {
      ...ROOMS,
      method: 'GET',
      template: '/rooms/{roomId}/participants',
      summary: "Lists a room's participants and their roles, in the order added, a page at a time.",
      body: 'none',
      handler: (context) => {
        const page = rooms.listParticipants(context.params.roomId!, continuationOf(context.url));
        const value = page.value.map(({ rawId, role }) => ({ rawId, role }));
        return { status: 200, body: withNextLink(value, page.continuation, context, origin) };
      },
    },
    {
      ...ROOMS,
      method: 'PATCH',
      template: '/rooms/{roomId}/participants',
      summary: 'Adds participants or changes their roles ({ "<rawId>": { role } }) and removes them ({ "<rawId>": null }).',
      body: 'required',
      fields: ['participants'],
      handler: (context) => {
        const body = context.json();
        const patch =
          body.participants == null ? new Map<string, RoomRole | null>() : readParticipants(body.participants, versionOf(context));
        rooms.updateParticipants(context.params.roomId!, patch);
        return { status: 200, body: {} };
      },
    },
  ];
}

/** `validFrom`, `validUntil` (RFC 3339) and `pstnDialOutEnabled`; null is the same as absent. */
function readSettings(body: JsonObject, version: string): { validFrom?: number; validUntil?: number; pstnDialOutEnabled?: boolean } {
  if (WITHOUT_PSTN_DIAL_OUT.includes(version) && body.pstnDialOutEnabled !== undefined) {
    throw ServiceError.validation(`Unknown field "pstnDialOutEnabled" in the body (api-version ${version} does not have it).`);
  }
  const settings: { validFrom?: number; validUntil?: number; pstnDialOutEnabled?: boolean } = {};
  for (const field of ['validFrom', 'validUntil'] as const) {
    const text = new BodyReader(body).optionalString(field, { maxLength: 64 });
    if (text === undefined) continue;
    const time = DATE_TIME.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(time)) throw ServiceError.badRequest(`"${field}" must be an RFC 3339 date-time (e.g. 2025-06-30T00:00:00Z).`);
    settings[field] = time;
  }
  const pstn = body.pstnDialOutEnabled;
  if (pstn !== undefined && pstn !== null) {
    if (typeof pstn !== 'boolean') throw ServiceError.badRequest('"pstnDialOutEnabled" must be a boolean.');
    settings.pstnDialOutEnabled = pstn;
  }
  return settings;
}

/** `{ "<rawId>": { role } | null }`: each user's role (Attendee when none is given), or null to remove. */
function readParticipants(value: unknown, version: string): Map<string, RoomRole | null> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ServiceError.badRequest('"participants" must be an object of raw ids to { role } or null.');
  }
  const roles: readonly string[] = WITHOUT_COLLABORATOR.includes(version) ? ROOM_ROLES.filter((r) => r !== 'Collaborator') : ROOM_ROLES;
  const patch = new Map<string, RoomRole | null>();
  for (const [rawId, properties] of Object.entries(value as JsonObject)) {
    if (properties === null) {
      patch.set(rawId, null);
      continue;
    }
    if (typeof properties !== 'object' || Array.isArray(properties)) {
      throw ServiceError.badRequest(`The participant "${shorten(rawId)}" must be { role } or null.`);
    }
    new BodyReader(properties as JsonObject, `participant "${shorten(rawId)}"`).allowOnly('role');
    const role = (properties as JsonObject).role;
    if (role === undefined || role === null) {
      patch.set(rawId, DEFAULT_ROOM_ROLE);
    } else if (typeof role === 'string' && roles.includes(role)) {
      patch.set(rawId, role as RoomRole);
    } else {
      throw ServiceError.badRequest(`The role of "${shorten(rawId)}" must be one of ${roles.join(', ')}.`);
    }
  }
  return patch;
}

/** A create's Repeatability-Request-ID (a UUID), with its Repeatability-First-Sent (an HTTP date) if sent. */
function readRepeatability({ req }: RequestContext): string | undefined {
  const id = req.headers['repeatability-request-id'];
  const firstSent = req.headers['repeatability-first-sent'];
  if (firstSent !== undefined && (typeof firstSent !== 'string' || Number.isNaN(Date.parse(firstSent)))) {
    throw ServiceError.badRequest('Repeatability-First-Sent must be an HTTP date.');
  }
  if (id === undefined) return undefined;
  if (typeof id !== 'string' || !UUID.test(id)) throw ServiceError.badRequest('Repeatability-Request-ID must be a UUID.');
  return id.toLowerCase();
}

function continuationOf(url: URL): number {
  return integerParam(url, 'continuationToken', 0, 0, Number.MAX_SAFE_INTEGER);
}

function withNextLink<T>(
  value: T[],
  continuation: string | undefined,
  context: RequestContext,
  origin: (context: RequestContext) => string,
): { value: T[]; nextLink?: string } {
  const link = nextLink(context.url, origin(context), continuation);
  return link === undefined ? { value } : { value, nextLink: link };
}

/** A raw id as an error message quotes it: bounded, so a huge key makes no huge answer. */
function shorten(rawId: string): string {
  return rawId.length > 80 ? `${rawId.slice(0, 80)}…` : rawId;
}

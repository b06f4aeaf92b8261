/**
 * The real-time channel's wire protocol, shared by the service and the clients.
 *
 * One WebSocket per client endpoint (a tab, a device, a server process):
 *   GET /realtime?endpointId=ID[&lastSeq=N]   (Upgrade: websocket)
 *   Sec-WebSocket-Protocol: acs.realtime.v2, access_token.<base64url(token)>
 *
 * The token never goes in the URL (URLs end up in logs, proxies and the browser console on every
 * failed connect). Browsers cannot set headers on a WebSocket, so it travels as a second
 * subprotocol; the service answers with the protocol name only, never echoing the secret. A URL with
 * an `access_token` query parameter is refused with 4401.
 *
 * Every durable event for a user has a per-user sequence number. A client that reconnects passes
 * the last one it saw as `lastSeq` and first receives every event after it, in order, exactly once;
 * then `ready`. Ephemeral events (typing indicators) carry no sequence number and are never replayed.
 * A token that is bad, expired, revoked or lacks a scope closes the socket with a 44xx code.
 *
 * The service bounds what it holds for a socket: the replay is sent in pages as the socket drains
 * (events published meanwhile come after it, then `ready`); a live socket with too much queued is
 * closed with 4408 (resume with `lastSeq`, nothing is lost); sockets per user are limited (4429).
 */
import type { CallingEphemeralEventName, CallingEvents } from '../calling/callingProtocol.js';
import type { ChatEphemeralEventName, ChatEvents } from '../chat/chatProtocol.js';
import type { SmsEvents } from '../sms/smsProtocol.js';

export const REALTIME_PATH = '/realtime';

/**
 * Every event the channel carries, by name, with its wire payload: the areas' own maps merged
 * (chat/chatProtocol.ts, calling/callingProtocol.ts, sms/smsProtocol.ts). The service publishes
 * only these names with these payloads, and the clients read them with the same types.
 */
export type RealtimeEvents = ChatEvents & CallingEvents & SmsEvents;
export type RealtimeEventName = keyof RealtimeEvents;

/** Events sent only to connected endpoints: no sequence number, never stored or replayed. */
export type RealtimeEphemeralEventName = ChatEphemeralEventName | CallingEphemeralEventName;
/** Events stored per user with a sequence number and replayed on resume. */
export type RealtimeDurableEventName = Exclude<RealtimeEventName, RealtimeEphemeralEventName>;

/**
 * Durable events whose copies name their recipient (`recipient`, each user's own identifier). Every
 * copy on the wire is the same, without it: the client fills it in with its own identifier (the
 * `sub` of the token it connected with), so the service encodes an event once for a whole thread.
 */
export type AddressedEventName = {
  [K in RealtimeDurableEventName]: RealtimeEvents[K] extends { recipient: unknown } ? K : never;
}[RealtimeDurableEventName];
export const ADDRESSED_EVENT_NAMES = [
  'chatMessageReceived',
  'chatMessageEdited',
  'chatMessageDeleted',
  'readReceiptReceived',
] as const satisfies readonly AddressedEventName[];
/** Fails to compile when {@link ADDRESSED_EVENT_NAMES} misses one. */
const allAddressedNames: Exclude<AddressedEventName, (typeof ADDRESSED_EVENT_NAMES)[number]> extends never ? true : false = true;
void allAddressedNames;

/** Fails to compile when two areas claim the same event name. */
type Overlap<A, B> = Extract<keyof A, keyof B>;
const noSharedEventNames: [Overlap<ChatEvents, CallingEvents>, Overlap<ChatEvents, SmsEvents>, Overlap<CallingEvents, SmsEvents>] extends [
  never,
  never,
  never,
]
  ? true
  : false = true;
void noSharedEventNames;

/** The subprotocol the service selects; the only one it ever echoes back. */
export const REALTIME_SUBPROTOCOL = 'acs.realtime.v2';
/**
 * The protocol before {@link ADDRESSED_EVENT_NAMES} went out without their recipient: a client that
 * offers only this one (an earlier version, a tab open since) gets its recipient in every copy.
 */
export const REALTIME_SUBPROTOCOL_V1 = 'acs.realtime.v1';

/** Prefix of the subprotocol that carries the access token (base64url of its UTF-8 bytes). */
export const ACCESS_TOKEN_PROTOCOL_PREFIX = 'access_token.';

/**
 * The subprotocols a client offers: the protocol name, then the token. base64url keeps any token
 * (JWTs are already base64url with dots, but test tokens need not be) within the header's syntax.
 */
export function realtimeProtocols(token: string): string[] {
  const bytes = new TextEncoder().encode(token);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  const encoded = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return [REALTIME_SUBPROTOCOL, `${ACCESS_TOKEN_PROTOCOL_PREFIX}${encoded}`];
}

/** Close codes: 4000 + the HTTP status the same failure gets on a REST route. */
export const RealtimeCloseCode = {
  /** Bad, expired, revoked token, or deleted user: get a fresh token before reconnecting. */
  Unauthorized: 4401,
  /** The token lacks every scope the channel serves. */
  Forbidden: 4403,
  /** Malformed connection parameters or frames. */
  BadRequest: 4400,
  /**
   * Slow consumer: the socket fell so far behind that the service would have had to queue more than
   * its per-socket limit. Nothing is lost: reconnect and resume with `lastSeq`.
   */
  SlowConsumer: 4408,
  /**
   * Too many sockets: the user has as many open as the service allows (one per endpoint id; a
   * reconnect of the same endpoint id replaces its socket and is never refused), or the service is
   * full. Reconnect with backoff, or close another endpoint.
   */
  TooManyConnections: 4429,
  /**
   * A newer connection of the same endpoint id took over (one socket per endpoint): this one must
   * not reconnect, or the two would keep replacing each other.
   */
  EndpointReplaced: 4409,
  /** The service is shutting down: reconnect with backoff. */
  GoingAway: 1001,
} as const;

/** One event as delivered. `seq` is absent on ephemeral events. */
export type EventFrame = {
  [K in RealtimeEventName]: { type: 'event'; seq?: number; name: K; data: RealtimeEvents[K] };
}[RealtimeEventName];

/** The frame of one event (the one place the name and its payload type are paired up). */
export function eventFrame<K extends RealtimeEventName>(name: K, data: RealtimeEvents[K], seq?: number): EventFrame {
  return (seq === undefined ? { type: 'event', name, data } : { type: 'event', seq, name, data }) as EventFrame;
}

/**
 * Sent once after the replay: the channel is live. `seq` is the newest sequence number the user has;
 * `gap` is true when events after the client's `lastSeq` were already pruned (refetch state by REST).
 */
export interface ReadyFrame {
  type: 'ready';
  endpointId: string;
  userId: string;
  seq: number;
  gap: boolean;
}

/** The answer to a client's `ping` frame. */
export interface PongFrame {
  type: 'pong';
}

export type ServerFrame = EventFrame | ReadyFrame | PongFrame;

/** Frames a client may send: `ping` is answered with `pong` (for clients that cannot send ws pings). */
export type ClientFrame = { type: 'ping' };

/**
 * The endpoint id a client names itself by (`endpointId` on the channel and in the calling routes):
 * letters, digits, `-` and `_`, 1 to 64 characters. The only definition; service and clients both
 * check with it.
 */
export const ENDPOINT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** What {@link ENDPOINT_ID_PATTERN} allows, for error messages. */
export const ENDPOINT_ID_RULE = 'endpointId must be 1-64 letters, digits, "-" or "_".';

export function isEndpointId(value: unknown): value is string {
  return typeof value === 'string' && ENDPOINT_ID_PATTERN.test(value);
}

/**
 * An endpoint that calls also names its PeerJS peer after its endpoint id (`p<hex>-<endpointId>`,
 * see calling/peerIds.ts). PeerJS takes `-` and `_` only between letters and digits, and `-` is the
 * peer id's separator, so a calling endpoint id is an endpoint id without them.
 */
export function isCallingEndpointId(value: unknown): value is string {
  return isEndpointId(value) && !value.includes('-') && !value.includes('_');
}

export const CALLING_ENDPOINT_ID_RULE = 'A calling endpointId is 1-64 letters and digits.';

/**
 * The real-time channel's wire protocol, shared by the service and the clients.
 *
 * One WebSocket per client endpoint (a tab, a device, a server process):
 *   GET /realtime?access_token=JWT&endpointId=ID[&lastSeq=N]   (Upgrade: websocket)
 *
 * Every durable event for a user has a per-user sequence number. A client that reconnects passes
 * the last one it saw as `lastSeq` and first receives every event after it, in order, exactly once;
 * then `ready`. Ephemeral events (typing indicators) carry no sequence number and are never replayed.
 * A token that is bad, expired, revoked or lacks a scope closes the socket with a 44xx code.
 */
export const REALTIME_PATH = '/realtime';

/** Close codes: 4000 + the HTTP status the same failure gets on a REST route. */
export const RealtimeCloseCode = {
  /** Bad, expired, revoked token, or deleted user: get a fresh token before reconnecting. */
  Unauthorized: 4401,
  /** The token lacks every scope the channel serves. */
  Forbidden: 4403,
  /** Malformed connection parameters or frames. */
  BadRequest: 4400,
  /** The service is shutting down: reconnect with backoff. */
  GoingAway: 1001,
} as const;

/** One event as delivered. `seq` is absent on ephemeral events. */
export interface EventFrame {
  type: 'event';
  seq?: number;
  name: string;
  data: unknown;
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

/** The endpoint id a client names itself by: letters, digits, `-` and `_`, 1 to 64 characters. */
export const ENDPOINT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

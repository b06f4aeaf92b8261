import { createHmac } from 'node:crypto';

/** The ACS network-traversal API's route types: both get the same relay here (one coturn). */
export const ROUTE_TYPES = ['any', 'nearest'] as const;
export type RouteType = (typeof ROUTE_TYPES)[number];

/** ACS's default and largest credential lifetime (48 h), in seconds. */
export const MAX_RELAY_TTL_SECONDS = 172_800;
/** The shortest lifetime the API hands out: shorter asks get this much (a TURN allocation needs time). */
export const MIN_RELAY_TTL_SECONDS = 60;

/** A TURN relay the service issues credentials for: coturn with `--static-auth-secret` (TURN REST). */
export interface RelayConfiguration {
  /** `turn:host:port` URLs (`?transport=udp|tcp` allowed). */
  urls: string[];
  /** coturn's `static-auth-secret`. */
  secret: string;
  /** Lifetime of the credentials `GET /calling/config` hands agents, in seconds (default 1 h). */
  callingTtlSeconds?: number;
}

/** An ICE server as the network-traversal API returns it (`CommunicationIceServer`). */
export interface CommunicationIceServer {
  urls: string[];
  username: string;
  credential: string;
  routeType: RouteType;
}

export interface RelayCredentials {
  iceServers: CommunicationIceServer[];
  expiresOn: Date;
}

/**
 * TURN REST ephemeral credentials (draft-uberti-behave-turn-rest, as coturn checks them): the
 * username is `<expiry unix seconds>:<user>`, the credential base64(HMAC-SHA1(secret, username)).
 * coturn refuses the username once its expiry has passed.
 */
export function issueRelayCredentials(
  relay: RelayConfiguration,
  options: { user: string; ttlSeconds: number; routeType?: RouteType; now?: number },
): RelayCredentials {
  const now = options.now ?? Date.now();
  const expiry = Math.floor(now / 1000) + Math.max(1, Math.floor(options.ttlSeconds));
  // A colon would end the expiry part early; coturn reads the username up to its first colon.
  const username = `${expiry}:${options.user.replace(/:/g, '_')}`;
  const credential = createHmac('sha1', relay.secret).update(username).digest('base64');
  return {
    iceServers: [{ urls: [...relay.urls], username, credential, routeType: options.routeType ?? 'any' }],
    expiresOn: new Date(expiry * 1000),
  };
}

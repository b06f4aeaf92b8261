import { BodyReader } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import type { RouteSpec } from '../http/routes.js';
import type { IdentityStore } from '../identity/identityStore.js';
import {
  MAX_RELAY_TTL_SECONDS,
  MIN_RELAY_TTL_SECONDS,
  ROUTE_TYPES,
  type RelayConfiguration,
  type RouteType,
  issueRelayCredentials,
} from './relayCredentials.js';

/**
 * The ACS network-traversal API (`@azure/communication-network-traversal`): TURN credentials for
 * the relay the service runs with (`--turn`, `--turn-url`). The administrator (HMAC) asks for any
 * user or for none; a user with a voip token asks for themself.
 */
export function relayRoutes(relay: RelayConfiguration | undefined, identities: IdentityStore): RouteSpec[] {
  return [
    {
      method: 'POST',
      template: '/networkTraversal/:issueRelayConfiguration',
      summary: 'Issues TURN relay credentials (TURN REST: `<expiry>:<user>`, HMAC-SHA1), ttl 60 s-48 h (default 48 h).',
      api: 'networkTraversal',
      auth: 'hmacOrUser',
      scopes: ['voip', 'voip.join'],
      origins: 'any',
      body: 'json',
      fields: ['id', 'routeType', 'ttl'],
      handler: ({ json, caller }) => {
        const body = new BodyReader(json());
        const id = body.optionalString('id', { maxLength: 256 });
        const routeType = body.optionalString('routeType', { maxLength: 16 }) ?? 'any';
        if (!(ROUTE_TYPES as readonly string[]).includes(routeType)) {
          throw ServiceError.validation(`"routeType" must be one of ${ROUTE_TYPES.join(', ')}.`);
        }
        const ttl = body.optionalInteger('ttl', 0, MAX_RELAY_TTL_SECONDS) ?? MAX_RELAY_TTL_SECONDS;
        let user: string;
        if (caller) {
          if (id !== undefined && id !== '' && id !== caller.userId) {
            throw ServiceError.forbidden('A user asks for relay credentials for themself only.', 'NotYourIdentity');
          }
          user = caller.userId;
        } else if (id !== undefined && id !== '') {
          if (!identities.getUser(id)) throw ServiceError.notFound(`No identity ${id}.`, 'IdentityNotFound');
          user = id;
        } else {
          user = 'acs';
        }
        if (!relay)
          throw ServiceError.notFound('This service runs without a TURN relay (start it with --turn or --turn-url).', 'RelayNotConfigured');
        const issued = issueRelayCredentials(relay, {
          user,
          ttlSeconds: Math.max(MIN_RELAY_TTL_SECONDS, ttl),
          routeType: routeType as RouteType,
        });
        return { status: 200, body: { iceServers: issued.iceServers, expiresOn: issued.expiresOn.toISOString() } };
      },
    },
  ];
}

import type { VersionedApi } from '../../src/common/apiVersions.js';
import type { TokenScope } from '../auth/tokens.js';
import { BodyReader, type JsonObject, parseJsonObject } from './body.js';
import type { RateLimitedOperation } from './rateLimits.js';
import type { Handler } from './router.js';

/**
 * Who may call a route, checked by the service before the handler runs:
 *
 * - `hmac`: signed with the resource's access key (the administrator).
 * - `user`: a user's access token. Applications are refused (403 NotForApplications): calling
 *   routes act for a user's endpoint.
 * - `userOrApplication`: a user's access token, or an application (its token, or a request
 *   signed with the access key naming the application in `x-ms-application-id`).
 * - `application`: an application only, as above; a user's token is refused (403 ApplicationsOnly).
 * - `hmacOrUser`: signed with the access key (the administrator, acting for any user), or a user's
 *   access token (acting for that user; applications are refused). Scopes apply to the token only.
 * - `demoUser`: a user's access token, presented to a demo route (never an application's).
 * - `open`: no credential.
 */
export type RouteAuth = 'hmac' | 'hmacOrUser' | 'user' | 'userOrApplication' | 'application' | 'demoUser' | 'open';

/** Which body a route takes: none (any sent is ignored), an optional JSON object, a required one. */
export type RouteBody = 'none' | 'json' | 'required';

/**
 * Which pages may call a route: `any` origin (auth is by header, never by cookie: CORS for all), or
 * only the service's own pages and the allow-listed origins (`demoOrigins`; others get 403).
 */
export type RouteOrigins = 'any' | 'ownAndAllowListed';

/** The documented operation a route's requests count as (see `ACS_RATE_LIMITS`, `demoRateLimiter`). */
export interface RouteRateLimit {
  operation: RateLimitedOperation;
  /** The path parameter naming the thread whose budget a request spends (members' requests only). */
  threadParam?: string;
  /** A body that makes the request another operation (a create that also asks for a token). */
  bodyVariant?: { operation: RateLimitedOperation; when: string; test: (rawBody: string) => boolean };
}

/** Everything about one route, declared once: the service dispatches, checks and documents from it. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path template; `{name}` is a parameter (percent-decoded). */
  template: string;
  /** One line for the route list (docs/routes.md). */
  summary: string;
  /** The API whose `api-version` it requires; unversioned when absent. */
  api?: VersionedApi;
  auth: RouteAuth;
  /** The token needs one of these scopes (403 InsufficientScope otherwise); any caller when absent. */
  scopes?: readonly TokenScope[];
  body: RouteBody;
  /** The top-level body fields it knows; others are a 400 (with `body` 'json' or 'required'). */
  fields?: readonly string[];
  rateLimit?: RouteRateLimit;
  origins: RouteOrigins;
  handler: Handler;
}

/** A route as `RunningService.routes` lists it: the declaration without its code. */
export interface RouteInfo {
  method: RouteSpec['method'];
  template: string;
  summary: string;
  api?: VersionedApi;
  auth: RouteAuth;
  /** Whether an application (not only a user) may call it. */
  applications: boolean;
  scopes?: readonly TokenScope[];
  body: RouteBody;
  fields?: readonly string[];
  rateLimit?: { operation: RateLimitedOperation; threadParam?: string; bodyVariant?: { operation: RateLimitedOperation; when: string } };
  origins: RouteOrigins;
}

export function describeRoute(spec: RouteSpec): RouteInfo {
  const { handler: _handler, rateLimit, ...rest } = spec;
  const info: RouteInfo = { ...rest, applications: spec.auth === 'userOrApplication' || spec.auth === 'application' };
  if (rateLimit) {
    const { bodyVariant, ...limit } = rateLimit;
    info.rateLimit = bodyVariant ? { ...limit, bodyVariant: { operation: bodyVariant.operation, when: bodyVariant.when } } : limit;
  }
  return info;
}

/** The request's body as its route declares it (see `RequestContext.json`). */
export function declaredBody(spec: RouteSpec, rawBody: string): JsonObject {
  if (spec.body === 'none') throw new Error(`${spec.method} ${spec.template} declares no body.`);
  const body = parseJsonObject(rawBody, { required: spec.body === 'required' });
  if (spec.fields) new BodyReader(body).allowOnly(...spec.fields);
  return body;
}

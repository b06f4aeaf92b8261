import type { IncomingMessage, ServerResponse } from 'node:http';
import { type VersionedApi, isSupportedApiVersion } from '../../src/common/apiVersions.js';
import { verifyHmacRequest } from '../auth/hmac.js';
import { requireScope } from '../auth/scopes.js';
import type { TokenService, VerifiedToken } from '../auth/tokens.js';
import { APPLICATION_HEADER, requireApplication } from '../identity/applicationRoutes.js';
import type { IdentityStore } from '../identity/identityStore.js';
import { readBody } from './body.js';
import { ServiceError } from './errors.js';
import { hostAllowed, hostNotAllowed } from './hosts.js';
import { checkOrigin, normalizeOrigin } from './origins.js';
import type { RateLimitedOperation, RateLimiter } from './rateLimits.js';
import { sendJson } from './respond.js';
import { type RequestContext, Router } from './router.js';
import { type RouteInfo, type RouteOrigins, type RouteSpec, declaredBody, describeRoute } from './routes.js';

export interface RouteDispatcherOptions {
  tokens: TokenService;
  identities: IdentityStore;
  /** The resource's access key (base64), for HMAC-signed routes. */
  accessKey: string;
  /** Limiters in the order asked; the first with rules for a route's operation counts it. */
  limiters: readonly RateLimiter[];
  /** Whether a user is in a thread (a thread's budget counts members' requests only). */
  isParticipant: (threadId: string, userId: string) => boolean;
  /** Page origins besides the service's own that `ownAndAllowListed` routes answer, normalized. */
  allowedOrigins: ReadonlySet<string>;
  maxBodyBytes: number;
  /** The origin a client used to reach the service (scheme, host, port). */
  originOf: (req: IncomingMessage) => string;
}

/** The API and origin policy of a path. */
export interface PathPolicy {
  api?: VersionedApi;
  origins: RouteOrigins;
}

/**
 * Dispatches requests on the route declarations: everything a route says about itself (api-version,
 * origins, auth, rate limit, caller kind, scopes, body) is enforced here, in that order, before its
 * handler runs.
 */
export class RouteDispatcher {
  readonly #router = new Router<RouteSpec>();
  readonly #areas = new Map<string, PathPolicy>();
  readonly #options: RouteDispatcherOptions;

  constructor(routes: readonly RouteSpec[], options: RouteDispatcherOptions) {
    this.#options = options;
    for (const route of routes) {
      this.#router.add(route);
      // A path no route matches (a 404, a preflight) is treated as its neighbours are, so the
      // routes under one first segment must agree on API and origins.
      const segment = firstSegment(route.template);
      const area = this.#areas.get(segment);
      if (area && (area.api !== route.api || area.origins !== route.origins)) {
        throw new Error(`${route.method} ${route.template} disagrees with the other /${segment} routes on its API or origins.`);
      }
      this.#areas.set(segment, { ...(route.api ? { api: route.api } : {}), origins: route.origins });
    }
  }

  /** The declarations, in dispatch order, without their code. */
  routes(): RouteInfo[] {
    return this.#router.routes().map(describeRoute);
  }

  /** A path's route's API and origins (whatever the method), else those of its first segment's routes. */
  policyOfPath(pathname: string): PathPolicy | undefined {
    return this.#router.matchPath(pathname) ?? this.#areas.get(firstSegment(pathname));
  }

  /** Whether a request from this page origin gets CORS headers on this path. */
  allowsCors(pathname: string, origin: string | undefined): boolean {
    const origins = this.policyOfPath(pathname)?.origins;
    return (
      origins === 'any' ||
      (origins === 'ownAndAllowListed' && origin !== undefined && this.#options.allowedOrigins.has(normalizeOrigin(origin) ?? ''))
    );
  }

  /** The route for this request; `undefined` when none has its path, 405 when only the method differs. */
  match(method: string, pathname: string): { route: RouteSpec; params: Record<string, string> } | undefined {
    return this.#router.match(method, pathname);
  }

  async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    { route, params }: { route: RouteSpec; params: Record<string, string> },
  ): Promise<void> {
    const { originOf } = this.#options;
    // Versioned API routes (the ACS REST API and calling control) need an api-version that API has.
    const apiVersion = url.searchParams.get('api-version');
    if (route.api && !apiVersion) {
      throw ServiceError.badRequest('The api-version query parameter is required.', 'MissingApiVersionParameter');
    }
    if (route.api && !isSupportedApiVersion(route.api, apiVersion!)) {
      // ACS's wording; the supported list is in src/common/apiVersions.ts.
      throw ServiceError.badRequest(
        `The HTTP resource that matches the request URI '${originOf(req)}${url.pathname}${url.search}' does not support the API version '${apiVersion}'.`,
        'UnsupportedApiVersion',
      );
    }
    const rawBody = await readBody(req, this.#options.maxBodyBytes);
    if (route.origins === 'ownAndAllowListed') {
      // Not for other sites, rebound names included (DNS rebinding makes a hostile page same-origin).
      if (!hostAllowed(req, allowedHostsOf(this.#options.allowedOrigins))) throw hostNotAllowed(req);
      checkOrigin(req, originOf(req), this.#options.allowedOrigins);
    }
    const caller = await this.#authenticate(req, url, rawBody, route);
    this.#throttle(route, req, params, rawBody, caller);
    if (route.auth === 'application' && !caller?.isApplication) {
      throw ServiceError.forbidden(
        'Call automation is for calling applications (HMAC-signed, or an application token).',
        'ApplicationsOnly',
      );
    }
    if (route.scopes && !(route.auth === 'hmacOrUser' && !caller)) requireScope(caller, route.scopes);
    const context: RequestContext = {
      req,
      res,
      url,
      params,
      rawBody,
      endpoint: `${originOf(req)}/`,
      json: () => declaredBody(route, rawBody),
    };
    if (caller) context.caller = caller;
    const result = await route.handler(context);
    sendJson(res, result.status, result.body, result.headers);
  }

  /** The verified caller of a route, per its declared auth (`undefined` for `hmac`, a signed `hmacOrUser` and `open`). */
  async #authenticate(req: IncomingMessage, url: URL, rawBody: string, route: RouteSpec): Promise<VerifiedToken | undefined> {
    switch (route.auth) {
      case 'hmac':
        await verifyHmacRequest(req, url, rawBody, this.#options.accessKey);
        return undefined;
      case 'hmacOrUser': {
        if (/^HMAC-SHA256\s/i.test(req.headers.authorization ?? '')) {
          await verifyHmacRequest(req, url, rawBody, this.#options.accessKey);
          return undefined;
        }
        const verified = await this.#options.tokens.verifyBearer(req.headers.authorization);
        if (verified.isApplication) throw notForApplications();
        return verified;
      }
      case 'user':
      case 'userOrApplication':
      case 'application':
        return this.#authenticateToken(req, url, rawBody, route);
      case 'demoUser': {
        const verified = await this.#options.tokens.verifyBearer(req.headers.authorization);
        if (verified.isApplication) throw ServiceError.forbidden('The demo routes are for users.', 'NotForApplications');
        return verified;
      }
      case 'open':
        return undefined;
    }
  }

  /**
   * A token route takes a user's bearer token, or an application's HMAC-signed request naming the
   * application in a header. A user's token can never act as an application.
   */
  async #authenticateToken(req: IncomingMessage, url: URL, rawBody: string, route: RouteSpec): Promise<VerifiedToken> {
    const applicationId = req.headers[APPLICATION_HEADER];
    const authorization = req.headers.authorization ?? '';
    if (!/^HMAC-SHA256\s/i.test(authorization)) {
      if (applicationId !== undefined) {
        throw ServiceError.forbidden('A user access token cannot act as an application.', 'CannotActAsApplication');
      }
      const verified = await this.#options.tokens.verifyBearer(authorization);
      if (verified.isApplication && route.auth === 'user') throw notForApplications();
      return verified;
    }
    // The application id is taken only as signed: the header is covered by the signature.
    const { applicationId: signedApplicationId } = await verifyHmacRequest(req, url, rawBody, this.#options.accessKey);
    if (signedApplicationId === undefined || signedApplicationId === '') {
      throw ServiceError.unauthorized(`An application's request names it in ${APPLICATION_HEADER}, signed.`, 'MissingApplication');
    }
    const application = requireApplication(this.#options.identities, signedApplicationId);
    if (route.auth === 'user') throw notForApplications();
    return {
      userId: application.id,
      scopes: ['chat'],
      expiresOn: new Date(8.64e15),
      generation: 0,
      isApplication: true,
    };
  }

  /**
   * Counts the request against its route's declared operation. Only authenticated requests count
   * (or, on open routes, per client address), so nobody can spend another caller's budget; and a
   * thread's budget only for its members.
   */
  #throttle(
    route: RouteSpec,
    req: IncomingMessage,
    params: Record<string, string>,
    rawBody: string,
    caller: VerifiedToken | undefined,
  ): void {
    const declared = route.rateLimit;
    if (!declared) return;
    const limiterOf = (operation: RateLimitedOperation) => this.#options.limiters.find((limiter) => limiter.limits(operation));
    const variant = declared.bodyVariant;
    const base = limiterOf(declared.operation);
    const other = variant && limiterOf(variant.operation);
    // The body says which operation only when a limiter counts either (else no test of it).
    if (!base && !other) return;
    const [operation, limiter] = variant?.test(rawBody) ? [variant.operation, other] : [declared.operation, base];
    if (!limiter) return;
    const userId = caller?.userId;
    const threadParam = route.rateLimit?.threadParam;
    const threadId = threadParam === undefined ? undefined : params[threadParam];
    if (threadParam !== undefined && !(threadId && userId && this.#options.isParticipant(threadId, userId))) return;
    limiter.check(operation, { userId, threadId, address: clientNetwork(req.socket.remoteAddress ?? '') });
  }
}

/** A path's first segment: `/chat/threads/x` → `chat`. */
function firstSegment(pathname: string): string {
  return pathname.split('/')[1] ?? '';
}

function notForApplications(): ServiceError {
  return ServiceError.forbidden('Calling routes are for users: applications cannot answer or place calls here.', 'NotForApplications');
}

/** Host names (beyond addresses and localhost) that the allowed origins name. */
export function allowedHostsOf(allowedOrigins: ReadonlySet<string>): Set<string> {
  return new Set([...allowedOrigins].map((origin) => new URL(origin).hostname.toLowerCase()));
}

/**
 * Who a per-address budget counts: an IPv4 address, or an IPv6 address's /64 network (one host is
 * given a whole /64, so counting single IPv6 addresses would give it 2^64 budgets).
 */
export function clientNetwork(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

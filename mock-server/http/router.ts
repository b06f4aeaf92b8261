import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VerifiedToken } from '../auth/tokens.js';
import type { JsonObject } from './body.js';
import { ServiceError } from './errors.js';

/** What a handler gets: the request, its parsed URL, path parameters and the raw body. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** The body as received (already size-checked); `''` when there is none. */
  rawBody: string;
  /** The service's URL as this client reached it (`http://host:port/`): what tokens name as their issuer. */
  endpoint: string;
  /** The verified caller (a user's token, or an application), on routes that take one. */
  caller?: VerifiedToken;
  /**
   * The body as the route declares it: a JSON object (`{}` for an empty optional body), with only
   * the declared fields. Anything else is a 400. Called by the handler where it reads the body,
   * so its checks keep their place among the handler's own.
   */
  json(): JsonObject;
}

/** A handler answers with a status and an optional JSON body, or throws a `ServiceError`. */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (context: RequestContext) => Promise<HandlerResult> | HandlerResult;

interface Compiled<R> {
  route: R;
  pattern: RegExp;
  names: string[];
}

/**
 * Routes by method and path template. Templates name parameters in braces, as the ACS REST specs do:
 * `/identities/{id}/:issueAccessToken`. Parameters are percent-decoded; a bad encoding is a 400.
 * What a route is beyond its method and template (its handler, auth, limits) is the caller's type.
 */
export class Router<R extends { method: string; template: string }> {
  readonly #routes: Compiled<R>[] = [];

  add(route: R): this {
    const names: string[] = [];
    const source = route.template
      .split(/(\{[a-zA-Z]+\})/)
      .map((part) => {
        const name = /^\{([a-zA-Z]+)\}$/.exec(part)?.[1];
        if (name) {
          names.push(name);
          return '([^/]+)';
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    this.#routes.push({ route, pattern: new RegExp(`^${source}/?$`), names });
    return this;
  }

  /** The registered routes, in registration order. */
  routes(): R[] {
    return this.#routes.map(({ route }) => route);
  }

  /** The first route whose template matches this path, whatever its method (for CORS preflights). */
  matchPath(pathname: string): R | undefined {
    return this.#routes.find(({ pattern }) => pattern.test(pathname))?.route;
  }

  /** The matching route; `undefined` when no route has this path; 405 when only the method differs. */
  match(method: string, pathname: string): { route: R; params: Record<string, string> } | undefined {
    const allowed: string[] = [];
    for (const { route, pattern, names } of this.#routes) {
      const match = pattern.exec(pathname);
      if (!match) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        try {
          params[name] = decodeURIComponent(match[index + 1]!);
        } catch {
          throw ServiceError.badRequest(`The path parameter "${name}" is not valid percent-encoding.`);
        }
      });
      return { route, params };
    }
    if (allowed.length > 0) throw ServiceError.methodNotAllowed(allowed);
    return undefined;
  }
}

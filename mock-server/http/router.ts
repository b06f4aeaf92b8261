import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VerifiedToken } from '../auth/tokens.js';
import { ServiceError } from './errors.js';

/** What a handler gets: the request, its parsed URL, path parameters and the raw body. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** The body as received (already size-checked); `''` when there is none. */
  rawBody: string;
  /** The verified user token, on routes that take one. */
  caller?: VerifiedToken;
}

/** A handler answers with a status and an optional JSON body, or throws a `ServiceError`. */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (context: RequestContext) => Promise<HandlerResult> | HandlerResult;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

/**
 * Routes by method and path template. Templates name parameters in braces, as the ACS REST specs do:
 * `/identities/{id}/:issueAccessToken`. Parameters are percent-decoded; a bad encoding is a 400.
 */
export class Router {
  readonly #routes: Route[] = [];

  add(method: string, template: string, handler: Handler): this {
    const names: string[] = [];
    const source = template
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
    this.#routes.push({ method, template, pattern: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  /** The registered routes, in registration order (tests derive their route lists from these). */
  routes(): { method: string; template: string }[] {
    return this.#routes.map(({ method, template }) => ({ method, template }));
  }

  /** The matching handler; `undefined` when no route has this path; 405 when only the method differs. */
  match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } | undefined {
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const match = route.pattern.exec(pathname);
      if (!match) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        try {
          params[name] = decodeURIComponent(match[index + 1]!);
        } catch {
          throw ServiceError.badRequest(`The path parameter "${name}" is not valid percent-encoding.`);
        }
      });
      return { handler: route.handler, params };
    }
    if (allowed.length > 0) throw ServiceError.methodNotAllowed(allowed);
    return undefined;
  }
}

import { type TokenScope, type TokenService, MAX_EXPIRY_MINUTES, MIN_EXPIRY_MINUTES, isTokenScope } from '../auth/tokens.js';
import { BodyReader } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import type { RouteSpec } from '../http/routes.js';
import type { IdentityStore } from './identityStore.js';

const IDENTITY = { api: 'identity', auth: 'hmac', origins: 'any' } as const;

/** The ACS identity REST API (`api-version=2023-10-01`): create, issue token, revoke, delete. */
export function identityRoutes(identities: IdentityStore, tokens: TokenService): RouteSpec[] {
  return [
    {
      ...IDENTITY,
      method: 'POST',
      template: '/identities',
      summary: 'Creates a user; with createTokenWithScopes, also issues its first token.',
      body: 'json',
      fields: ['createTokenWithScopes', 'expiresInMinutes'],
      rateLimit: {
        operation: 'createIdentity',
        bodyVariant: { operation: 'createUserAndToken', when: 'createTokenWithScopes is not empty', test: asksForToken },
      },
      handler: async ({ json, endpoint }) => {
        const body = new BodyReader(json());
        const scopeList = body.optionalStringArray('createTokenWithScopes', { maxItems: 16 });
        const scopes = scopeList && scopeList.length > 0 ? validateScopes(scopeList) : undefined;
        const expiresInMinutes = body.optionalInteger('expiresInMinutes', MIN_EXPIRY_MINUTES, MAX_EXPIRY_MINUTES);
        if (expiresInMinutes !== undefined && !scopes) {
          throw ServiceError.validation('"expiresInMinutes" needs "createTokenWithScopes".');
        }
        const user = identities.createUser();
        if (!scopes) return { status: 201, body: { identity: { id: user.id } } };
        const accessToken = await tokens.issue(user.id, scopes, expiresInMinutes, { endpoint });
        return { status: 201, body: { identity: { id: user.id }, accessToken: serializeToken(accessToken) } };
      },
    },
    {
      ...IDENTITY,
      method: 'POST',
      template: '/identities/{id}/:issueAccessToken',
      summary: 'Issues a user a token with the given scopes.',
      body: 'required',
      fields: ['scopes', 'expiresInMinutes'],
      rateLimit: { operation: 'issueAccessToken' },
      handler: async ({ params, json, endpoint }) => {
        const body = new BodyReader(json());
        const scopes = validateScopes(body.requiredStringArray('scopes', { maxItems: 16 }));
        const expiresInMinutes = body.optionalInteger('expiresInMinutes', MIN_EXPIRY_MINUTES, MAX_EXPIRY_MINUTES);
        requireUser(identities, params.id!);
        return { status: 200, body: serializeToken(await tokens.issue(params.id!, scopes, expiresInMinutes, { endpoint })) };
      },
    },
    {
      ...IDENTITY,
      method: 'POST',
      template: '/identities/{id}/:revokeAccessTokens',
      summary: 'Revokes every token issued to a user so far (their open sockets close).',
      body: 'json',
      fields: [],
      rateLimit: { operation: 'revokeAccessToken' },
      handler: ({ params, json }) => {
        json();
        if (!identities.revokeTokens(params.id!)) throw identityNotFound(params.id!);
        return { status: 204 };
      },
    },
    {
      ...IDENTITY,
      method: 'DELETE',
      template: '/identities/{id}',
      summary: "Deletes a user and all of the user's content (chat messages, call history).",
      body: 'none',
      rateLimit: { operation: 'deleteIdentity' },
      handler: ({ params }) => {
        if (!identities.deleteUser(params.id!)) throw identityNotFound(params.id!);
        return { status: 204 };
      },
    },
  ];
}

/** Whether a create-identity body asks for a token too (ACS counts that as createUserAndToken). */
function asksForToken(rawBody: string): boolean {
  try {
    const scopes = (JSON.parse(rawBody) as { createTokenWithScopes?: unknown }).createTokenWithScopes;
    return Array.isArray(scopes) && scopes.length > 0;
  } catch {
    return false;
  }
}

/** Known scopes only, at least one, duplicates folded. */
export function validateScopes(scopes: string[]): TokenScope[] {
  if (scopes.length === 0) throw ServiceError.validation('At least one scope is required.');
  const unknown = scopes.filter((scope) => !isTokenScope(scope));
  if (unknown.length > 0) {
    throw ServiceError.validation(`Unknown scope(s): ${unknown.map((s) => JSON.stringify(s)).join(', ')}.`);
  }
  return [...new Set(scopes as TokenScope[])];
}

export function serializeToken(token: { token: string; expiresOn: Date }): { token: string; expiresOn: string } {
  return { token: token.token, expiresOn: token.expiresOn.toISOString() };
}

function requireUser(identities: IdentityStore, id: string): void {
  if (!identities.getUser(id)) throw identityNotFound(id);
}

function identityNotFound(id: string): ServiceError {
  return ServiceError.notFound(`The identity ${id} does not exist.`, 'IdentityNotFound');
}

import { type TokenScope, type TokenService, MAX_EXPIRY_MINUTES, MIN_EXPIRY_MINUTES, isTokenScope } from '../auth/tokens.js';
import { BodyReader } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import type { RouteSpec } from '../http/routes.js';
import type { IdentityStore, UserRecord } from './identityStore.js';

const IDENTITY = { api: 'identity', auth: 'hmac', origins: 'any' } as const;

/** The api-versions that know `customId` on create (ACS added it in this preview). */
export const CUSTOM_ID_API_VERSIONS: readonly string[] = ['2025-03-02-preview'];
/** Longest `customId` kept (ours: ACS documents none). */
export const CUSTOM_ID_MAX_LENGTH = 256;

/**
 * The ACS identity REST API (`api-version=2023-10-01` and the versions before it, plus the preview
 * with `customId`): create, issue token, revoke, delete. An identity of another resource is a 401,
 * as ACS answers it; an unknown identity of this resource a 404.
 */
export function identityRoutes(identities: IdentityStore, tokens: TokenService): RouteSpec[] {
  return [
    {
      ...IDENTITY,
      method: 'POST',
      template: '/identities',
      summary: 'Creates a user; with createTokenWithScopes, also issues its first token.',
      body: 'json',
      fields: ['createTokenWithScopes', 'expiresInMinutes', 'customId'],
      rateLimit: {
        operation: 'createIdentity',
        bodyVariant: { operation: 'createUserAndToken', when: 'createTokenWithScopes is not empty', test: asksForToken },
      },
      handler: async ({ json, endpoint, url }) => {
        const body = new BodyReader(json());
        const customId = body.optionalString('customId', { maxLength: CUSTOM_ID_MAX_LENGTH });
        if (customId !== undefined && !CUSTOM_ID_API_VERSIONS.includes(url.searchParams.get('api-version') ?? '')) {
          throw ServiceError.validation(`"customId" needs api-version ${CUSTOM_ID_API_VERSIONS.join(' or ')}.`);
        }
        if (customId !== undefined && customId.trim().length === 0) throw ServiceError.validation('"customId" must not be blank.');
        const scopeList = body.optionalStringArray('createTokenWithScopes', { maxItems: 16 });
        const scopes = scopeList && scopeList.length > 0 ? validateScopes(scopeList) : undefined;
        const expiresInMinutes = body.optionalInteger('expiresInMinutes', MIN_EXPIRY_MINUTES, MAX_EXPIRY_MINUTES);
        if (expiresInMinutes !== undefined && !scopes) {
          throw ServiceError.validation('"expiresInMinutes" needs "createTokenWithScopes".');
        }
        const user = identities.createUser(customId);
        const identity = user.customId !== undefined ? { id: user.id, customId: user.customId } : { id: user.id };
        if (!scopes) return { status: 201, body: { identity } };
        const accessToken = await tokens.issue(user, scopes, expiresInMinutes, { endpoint });
        return { status: 201, body: { identity, accessToken: serializeToken(accessToken) } };
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
        const user = requireUser(identities, params.id!);
        return { status: 200, body: serializeToken(await tokens.issue(user, scopes, expiresInMinutes, { endpoint })) };
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
        requireOwnResource(identities, params.id!);
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
        requireOwnResource(identities, params.id!);
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

function requireUser(identities: IdentityStore, id: string): UserRecord {
  requireOwnResource(identities, id);
  const user = identities.getUser(id);
  if (!user) throw identityNotFound(id);
  return user;
}

/** ACS answers an identity of another resource with 401: the access key does not cover it. */
function requireOwnResource(identities: IdentityStore, id: string): void {
  if (identities.isOfOtherResource(id)) {
    throw ServiceError.unauthorized(`The identity ${id} does not belong to this resource.`, 'Unauthorized');
  }
}

function identityNotFound(id: string): ServiceError {
  return ServiceError.notFound(`The identity ${id} does not exist.`, 'IdentityNotFound');
}

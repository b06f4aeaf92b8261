import { type TokenScope, type TokenService, MAX_EXPIRY_MINUTES, MIN_EXPIRY_MINUTES, isTokenScope } from '../auth/tokens.js';
import { BodyReader, parseJsonObject } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { IdentityStore } from './identityStore.js';

/**
 * The ACS identity REST API (`api-version=2023-10-01`): create, issue token, revoke, delete. The
 * caller of `register` has already checked the HMAC signature of every route added here.
 */
export function registerIdentityRoutes(router: Router, identities: IdentityStore, tokens: TokenService): void {
  router.add('POST', '/identities', async ({ rawBody }) => {
    const body = new BodyReader(parseJsonObject(rawBody)).allowOnly('createTokenWithScopes', 'expiresInMinutes');
    const scopeList = body.optionalStringArray('createTokenWithScopes', { maxItems: 16 });
    const scopes = scopeList && scopeList.length > 0 ? validateScopes(scopeList) : undefined;
    const expiresInMinutes = body.optionalInteger('expiresInMinutes', MIN_EXPIRY_MINUTES, MAX_EXPIRY_MINUTES);
    if (expiresInMinutes !== undefined && !scopes) {
      throw ServiceError.validation('"expiresInMinutes" needs "createTokenWithScopes".');
    }
    const user = identities.createUser();
    if (!scopes) return { status: 201, body: { identity: { id: user.id } } };
    const accessToken = await tokens.issue(user.id, scopes, expiresInMinutes);
    return { status: 201, body: { identity: { id: user.id }, accessToken: serializeToken(accessToken) } };
  });

  router.add('POST', '/identities/{id}/:issueAccessToken', async ({ params, rawBody }) => {
    const body = new BodyReader(parseJsonObject(rawBody, { required: true })).allowOnly('scopes', 'expiresInMinutes');
    const scopes = validateScopes(body.requiredStringArray('scopes', { maxItems: 16 }));
    const expiresInMinutes = body.optionalInteger('expiresInMinutes', MIN_EXPIRY_MINUTES, MAX_EXPIRY_MINUTES);
    requireUser(identities, params.id!);
    return { status: 200, body: serializeToken(await tokens.issue(params.id!, scopes, expiresInMinutes)) };
  });

  router.add('POST', '/identities/{id}/:revokeAccessTokens', ({ params, rawBody }) => {
    new BodyReader(parseJsonObject(rawBody)).allowOnly();
    if (!identities.revokeTokens(params.id!)) throw identityNotFound(params.id!);
    return { status: 204 };
  });

  router.add('DELETE', '/identities/{id}', ({ params }) => {
    if (!identities.deleteUser(params.id!)) throw identityNotFound(params.id!);
    return { status: 204 };
  });
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

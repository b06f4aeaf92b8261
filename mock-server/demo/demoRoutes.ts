import type { TokenService } from '../auth/tokens.js';
import { BodyReader, parseJsonObject } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { IdentityStore } from '../identity/identityStore.js';
import { serializeToken } from '../identity/identityRoutes.js';

const DEMO_SCOPES = ['chat', 'voip'] as const;

/**
 * The demo page's token route: the part a real application runs on its own trusted server. It
 * creates a user and hands out a `chat`+`voip` token, so the access key never reaches the browser.
 * A refresh needs the caller's current, still valid token and keeps its scopes: nobody can mint
 * tokens for someone else, or widen their own.
 */
export function registerDemoRoutes(router: Router, identities: IdentityStore, tokens: TokenService): void {
  router.add('POST', '/demo/token', async ({ rawBody }) => {
    new BodyReader(parseJsonObject(rawBody)).allowOnly();
    const user = identities.createUser();
    const accessToken = await tokens.issue(user.id, [...DEMO_SCOPES]);
    return {
      status: 201,
      body: { user: { communicationUserId: user.id }, ...serializeToken(accessToken) },
    };
  });

  router.add('POST', '/demo/token/refresh', async ({ req, rawBody }) => {
    new BodyReader(parseJsonObject(rawBody)).allowOnly();
    // The new token carries the presented token's scopes, never more.
    const { userId, scopes, isApplication } = await tokens.verifyBearer(req.headers.authorization);
    if (isApplication) throw ServiceError.forbidden('The demo route refreshes users’ tokens only.', 'NotForApplications');
    const accessToken = await tokens.issue(userId, scopes);
    return { status: 200, body: { user: { communicationUserId: userId }, ...serializeToken(accessToken) } };
  });
}

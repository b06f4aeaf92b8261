import { BodyReader, parseJsonObject } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import type { Router } from '../http/router.js';
import { MAX_EXPIRY_MINUTES, MIN_EXPIRY_MINUTES, type TokenService } from '../auth/tokens.js';
import { serializeToken } from './identityRoutes.js';
import type { ApplicationRecord, IdentityStore } from './identityStore.js';

/** The header naming the application an HMAC-signed request acts as (signed with the request). */
export { APPLICATION_HEADER } from '../../src/common/hmac.js';

/** Admin routes (HMAC) for calling application identities: create, get, delete. */
export function registerApplicationRoutes(router: Router, identities: IdentityStore, tokens: TokenService): void {
  router.add('POST', '/applications', ({ rawBody }) => {
    const body = new BodyReader(parseJsonObject(rawBody, { required: true })).allowOnly('displayName');
    const displayName = body.requiredString('displayName', { maxLength: 256 }).trim();
    if (displayName === '') throw ServiceError.validation('"displayName" must not be empty.');
    return { status: 201, body: toModel(identities.createApplication(displayName)) };
  });

  router.add('GET', '/applications/{id}', ({ params }) => ({ status: 200, body: toModel(requireApplication(identities, params.id!)) }));

  // The application's own token: for its server-side real-time connection and for chat through the
  // client library. Chat only; calling routes refuse it (answering and placing calls are for users).
  router.add('POST', '/applications/{id}/:issueAccessToken', async ({ params, rawBody }) => {
    const body = new BodyReader(parseJsonObject(rawBody)).allowOnly('expiresInMinutes');
    const expiresInMinutes = body.optionalInteger('expiresInMinutes', MIN_EXPIRY_MINUTES, MAX_EXPIRY_MINUTES);
    requireApplication(identities, params.id!);
    return { status: 200, body: serializeToken(await tokens.issue(params.id!, ['chat'], expiresInMinutes)) };
  });

  router.add('DELETE', '/applications/{id}', ({ params }) => {
    requireApplication(identities, params.id!);
    identities.deleteApplication(params.id!);
    return { status: 204 };
  });
}

export function requireApplication(identities: IdentityStore, id: string): ApplicationRecord {
  const application = identities.getApplication(id);
  if (!application) throw ServiceError.notFound(`The application ${id} does not exist.`, 'ApplicationNotFound');
  return application;
}

function toModel(application: ApplicationRecord) {
  return {
    id: application.id,
    identifier: { rawId: application.id, kind: 'callingApplication', callingApplication: { id: application.id } },
    displayName: application.displayName,
    createdOn: new Date(application.createdAt).toISOString(),
  };
}

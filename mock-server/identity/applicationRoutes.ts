import { BodyReader, parseJsonObject } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { ApplicationRecord, IdentityStore } from './identityStore.js';

/** The header naming the application an HMAC-signed request acts as. */
export const APPLICATION_HEADER = 'x-ms-acs-application-id';

/** Admin routes (HMAC) for calling application identities: create, get, delete. */
export function registerApplicationRoutes(router: Router, identities: IdentityStore): void {
  router.add('POST', '/applications', ({ rawBody }) => {
    const body = new BodyReader(parseJsonObject(rawBody, { required: true })).allowOnly('displayName');
    const displayName = body.requiredString('displayName', { maxLength: 256 }).trim();
    if (displayName === '') throw ServiceError.validation('"displayName" must not be empty.');
    return { status: 201, body: toModel(identities.createApplication(displayName)) };
  });

  router.add('GET', '/applications/{id}', ({ params }) => ({ status: 200, body: toModel(requireApplication(identities, params.id!)) }));

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

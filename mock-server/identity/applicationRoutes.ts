import { BodyReader } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import type { RouteSpec } from '../http/routes.js';
import { MAX_EXPIRY_MINUTES, MIN_EXPIRY_MINUTES, type TokenService } from '../auth/tokens.js';
import { serializeToken } from './identityRoutes.js';
import type { ApplicationRecord, IdentityStore } from './identityStore.js';

/** The header naming the application an HMAC-signed request acts as (signed with the request). */
export { APPLICATION_HEADER } from '../../src/common/hmac.js';

const APPLICATIONS = { api: 'identity', auth: 'hmac', origins: 'any' } as const;

/** Admin routes (HMAC) for calling application identities: create, get, issue a token, delete. */
export function applicationRoutes(identities: IdentityStore, tokens: TokenService): RouteSpec[] {
  return [
    {
      ...APPLICATIONS,
      method: 'POST',
      template: '/applications',
      summary: 'Creates a calling application identity (28:acs:…) with a display name.',
      body: 'required',
      fields: ['displayName'],
      handler: ({ json }) => {
        const body = new BodyReader(json());
        const displayName = body.requiredString('displayName', { maxLength: 256 }).trim();
        if (displayName === '') throw ServiceError.validation('"displayName" must not be empty.');
        return { status: 201, body: toModel(identities.createApplication(displayName)) };
      },
    },
    {
      ...APPLICATIONS,
      method: 'GET',
      template: '/applications/{id}',
      summary: 'Gets a calling application.',
      body: 'none',
      handler: ({ params }) => ({ status: 200, body: toModel(requireApplication(identities, params.id!)) }),
    },
    // The application's own token: for its server-side real-time connection and for chat through the
    // client library. Chat only; calling routes refuse it (answering and placing calls are for users).
    {
      ...APPLICATIONS,
      method: 'POST',
      template: '/applications/{id}/:issueAccessToken',
      summary: 'Issues an application its own chat-only token (real-time channel, chat as itself).',
      body: 'json',
      fields: ['expiresInMinutes'],
      handler: async ({ params, json, endpoint }) => {
        const body = new BodyReader(json());
        const expiresInMinutes = body.optionalInteger('expiresInMinutes', MIN_EXPIRY_MINUTES, MAX_EXPIRY_MINUTES);
        requireApplication(identities, params.id!);
        return { status: 200, body: serializeToken(await tokens.issue(params.id!, ['chat'], expiresInMinutes, { endpoint })) };
      },
    },
    {
      ...APPLICATIONS,
      method: 'DELETE',
      template: '/applications/{id}',
      summary: 'Deletes a calling application.',
      body: 'none',
      handler: ({ params }) => {
        requireApplication(identities, params.id!);
        identities.deleteApplication(params.id!);
        return { status: 204 };
      },
    },
  ];
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

import { API_VERSIONS } from '../common/apiVersions.js';
import type { KeyCredential } from '../common/connectionString.js';
import { throwIfAborted } from '../common/errors.js';
import type { OperationOptions } from '../common/operationOptions.js';
import type { HttpPipeline, PipelineOptions } from '../common/http.js';
import { createKeyCredentialPipeline } from '../common/keyCredentialClient.js';
import {
  type CallingApplicationIdentifier,
  type CommunicationUserIdentifier,
  isCallingApplicationIdentifier,
  isCommunicationUserIdentifier,
  isCommunicationUserRawId,
} from '../common/identifiers.js';

/** The scopes a user access token can carry. */
export type TokenScope = 'chat' | 'voip' | 'chat.join' | 'chat.join.limited' | 'voip.join';
const TOKEN_SCOPES: readonly TokenScope[] = ['chat', 'voip', 'chat.join', 'chat.join.limited', 'voip.join'];

/** The identity api-version `@azure/communication-identity` 1.3.1 sends. */
export const IDENTITY_API_VERSION = API_VERSIONS.identity.current;

export type { OperationOptions };

export interface GetTokenOptions extends OperationOptions {
  /** Token lifetime, 60 to 1440 minutes; the service's default is 1440 (24 h). */
  tokenExpiresInMinutes?: number;
}

export type CreateUserAndTokenOptions = GetTokenOptions;

export interface CommunicationAccessToken {
  token: string;
  expiresOn: Date;
}

export interface CommunicationUserToken extends CommunicationAccessToken {
  user: CommunicationUserIdentifier;
}

export type CommunicationIdentityClientOptions = PipelineOptions;

interface AccessTokenModel {
  token: string;
  expiresOn: string;
}

/**
 * Creates and deletes users and issues and revokes their access tokens. Requests are signed with the
 * resource's access key, so this belongs on a trusted server (or a test), never in a user's page.
 */
export class CommunicationIdentityClient {
  readonly #pipeline: HttpPipeline;

  constructor(connectionString: string, options?: CommunicationIdentityClientOptions);
  constructor(endpoint: string, credential: KeyCredential, options?: CommunicationIdentityClientOptions);
  constructor(
    connectionStringOrEndpoint: string,
    credentialOrOptions?: KeyCredential | CommunicationIdentityClientOptions,
    maybeOptions?: CommunicationIdentityClientOptions,
  ) {
    this.#pipeline = createKeyCredentialPipeline(IDENTITY_API_VERSION, connectionStringOrEndpoint, credentialOrOptions, maybeOptions);
  }

  /** Creates a user with no token. */
  async createUser(options: OperationOptions = {}): Promise<CommunicationUserIdentifier> {
    const { body } = await this.#pipeline.send<{ identity: { id: string } }>({
      method: 'POST',
      path: 'identities',
      body: {},
      abortSignal: options.abortSignal,
    });
    return { communicationUserId: body.identity.id };
  }

  /** Creates a user and issues its first token in one request. */
  async createUserAndToken(scopes: TokenScope[], options: CreateUserAndTokenOptions = {}): Promise<CommunicationUserToken> {
    const request = { createTokenWithScopes: checkScopes(scopes), ...expiry(options) };
    const { body } = await this.#pipeline.send<{ identity: { id: string }; accessToken: AccessTokenModel }>({
      method: 'POST',
      path: 'identities',
      body: request,
      abortSignal: options.abortSignal,
    });
    return { user: { communicationUserId: body.identity.id }, ...toAccessToken(body.accessToken) };
  }

  /** Issues a token for `user` with `scopes`. */
  async getToken(
    user: CommunicationUserIdentifier,
    scopes: TokenScope[],
    options: GetTokenOptions = {},
  ): Promise<CommunicationAccessToken> {
    const id = userId(user);
    const request = { scopes: checkScopes(scopes), ...expiry(options) };
    throwIfAborted(options.abortSignal);
    const { body } = await this.#pipeline.send<AccessTokenModel>({
      method: 'POST',
      path: `identities/${encodeURIComponent(id)}/:issueAccessToken`,
      body: request,
      abortSignal: options.abortSignal,
    });
    return toAccessToken(body);
  }

  /** Concept-page name of {@link getToken}. */
  issueToken(user: CommunicationUserIdentifier, scopes: TokenScope[], options: GetTokenOptions = {}): Promise<CommunicationAccessToken> {
    return this.getToken(user, scopes, options);
  }

  /** Invalidates every token issued to `user` so far. */
  async revokeTokens(user: CommunicationUserIdentifier, options: OperationOptions = {}): Promise<void> {
    await this.#pipeline.send({
      method: 'POST',
      path: `identities/${encodeURIComponent(userId(user))}/:revokeAccessTokens`,
      abortSignal: options.abortSignal,
    });
  }

  /**
   * Creates a calling application: an identity (`28:acs:...`) that takes part in chat as itself,
   * acting with the access key (HMAC, through this client's resource) or with its own token.
   */
  async createCallingApplication(
    displayName: string,
    options: OperationOptions = {},
  ): Promise<CallingApplicationIdentifier & { displayName: string }> {
    if (typeof displayName !== 'string' || displayName.trim() === '') throw new TypeError('Give the application a display name.');
    const { body } = await this.#pipeline.send<{ id: string; displayName: string }>({
      method: 'POST',
      path: 'applications',
      body: { displayName },
      abortSignal: options.abortSignal,
    });
    return { callingApplicationId: body.id, displayName: body.displayName };
  }

  /** A token for the application's own connections (chat and the real-time channel; never calling). */
  async getCallingApplicationToken(
    application: CallingApplicationIdentifier,
    options: GetTokenOptions = {},
  ): Promise<CommunicationAccessToken> {
    const id = applicationId(application);
    const request = expiry(options);
    const { body } = await this.#pipeline.send<AccessTokenModel>({
      method: 'POST',
      path: `applications/${encodeURIComponent(id)}/:issueAccessToken`,
      body: request,
      abortSignal: options.abortSignal,
    });
    return toAccessToken(body);
  }

  /** Deletes the application and what it wrote. */
  async deleteCallingApplication(application: CallingApplicationIdentifier, options: OperationOptions = {}): Promise<void> {
    await this.#pipeline.send({
      method: 'DELETE',
      path: `applications/${encodeURIComponent(applicationId(application))}`,
      abortSignal: options.abortSignal,
    });
  }

  /** Deletes `user` and everything stored for it: tokens, chat messages, call history. */
  async deleteUser(user: CommunicationUserIdentifier, options: OperationOptions = {}): Promise<void> {
    await this.#pipeline.send({
      method: 'DELETE',
      path: `identities/${encodeURIComponent(userId(user))}`,
      abortSignal: options.abortSignal,
    });
  }
}

function applicationId(application: CallingApplicationIdentifier): string {
  if (!isCallingApplicationIdentifier(application) || !application.callingApplicationId.startsWith('28:acs:')) {
    throw new TypeError('Expected a calling application identifier ({ callingApplicationId: "28:acs:..." }).');
  }
  return application.callingApplicationId;
}

function userId(user: CommunicationUserIdentifier): string {
  if (!isCommunicationUserIdentifier(user) || !isCommunicationUserRawId(user.communicationUserId)) {
    throw new TypeError('Expected a communication user identifier ({ communicationUserId: "8:acs:..." }).');
  }
  return user.communicationUserId;
}

function checkScopes(scopes: TokenScope[]): TokenScope[] {
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw new TypeError('Pass at least one scope, e.g. ["chat", "voip"].');
  }
  const unknown = scopes.filter((scope) => !TOKEN_SCOPES.includes(scope));
  if (unknown.length > 0) {
    throw new TypeError(`Unknown scope(s): ${unknown.join(', ')}. Known: ${TOKEN_SCOPES.join(', ')}.`);
  }
  return scopes;
}

function expiry(options: GetTokenOptions): { expiresInMinutes?: number } {
  const minutes = options.tokenExpiresInMinutes;
  if (minutes === undefined) return {};
  if (!Number.isInteger(minutes) || minutes < 60 || minutes > 1440) {
    throw new RangeError('tokenExpiresInMinutes must be a whole number from 60 to 1440.');
  }
  return { expiresInMinutes: minutes };
}

function toAccessToken(model: AccessTokenModel): CommunicationAccessToken {
  return { token: model.token, expiresOn: new Date(model.expiresOn) };
}

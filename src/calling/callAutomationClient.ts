import type { KeyCredential } from '../common/connectionString.js';
import type { HttpPipeline, PipelineOptions } from '../common/http.js';
import {
  type CallingApplicationIdentifier,
  type CommunicationIdentifier,
  isCallingApplicationIdentifier,
  isCommunicationIdentifier,
} from '../common/identifiers.js';
import { serializeCommunicationIdentifier } from '../common/identifierModels.js';
import { createKeyCredentialPipeline } from '../common/keyCredentialClient.js';
import type { OperationOptions } from '../common/operationOptions.js';
import type { HangUpOptions } from './call.js';
import { CALLING_API_VERSION, type CallModel, callingPath } from './callingProtocol.js';

export interface CreateGroupCallOptions extends OperationOptions {
  /** The name callees see for the application. */
  displayName?: string;
}

/**
 * Call automation for a calling application, on a trusted server (it signs with the access key):
 * the application calls users, who ring with it as the caller and, once they accept, are in one
 * group call together. The application takes no media.
 */
export class CallAutomationClient {
  readonly #pipeline: HttpPipeline;
  readonly #applicationId: string;

  constructor(connectionString: string, application: CallingApplicationIdentifier, options?: PipelineOptions);
  constructor(endpoint: string, credential: KeyCredential, application: CallingApplicationIdentifier, options?: PipelineOptions);
  constructor(
    connectionStringOrEndpoint: string,
    second: CallingApplicationIdentifier | KeyCredential,
    third?: CallingApplicationIdentifier | PipelineOptions,
    fourth?: PipelineOptions,
  ) {
    const keyGiven = typeof (second as KeyCredential).key === 'string';
    const application = (keyGiven ? third : second) as CallingApplicationIdentifier;
    if (!isCallingApplicationIdentifier(application)) {
      throw new TypeError('Give the calling application ({ callingApplicationId: "28:acs:..." }) the client acts as.');
    }
    this.#applicationId = application.callingApplicationId;
    // The application id goes out signed with each request, so it cannot be swapped on a replay.
    this.#pipeline = keyGiven
      ? createKeyCredentialPipeline(CALLING_API_VERSION, connectionStringOrEndpoint, second as KeyCredential, fourth, this.#applicationId)
      : createKeyCredentialPipeline(
          CALLING_API_VERSION,
          connectionStringOrEndpoint,
          third as PipelineOptions | undefined,
          undefined,
          this.#applicationId,
        );
  }

  /** Calls `targets`; resolves with the call as the service sees it (callees ringing). */
  async createGroupCall(targets: CommunicationIdentifier[], options: CreateGroupCallOptions = {}): Promise<CallModel> {
    if (!Array.isArray(targets) || targets.length === 0 || !targets.every(isCommunicationIdentifier)) {
      throw new TypeError('Pass a non-empty array of identifiers to call.');
    }
    const { body } = await this.#pipeline.send<CallModel>({
      method: 'POST',
      path: callingPath('automationStartCall'),
      body: {
        targets: targets.map(serializeCommunicationIdentifier),
        ...(options.displayName !== undefined ? { displayName: options.displayName } : {}),
      },
      abortSignal: options.abortSignal,
    });
    return body;
  }

  /** Leaves the call (it goes on while two users remain), or ends it for everyone. */
  async hangUp(callId: string, options: HangUpOptions = {}): Promise<void> {
    if (typeof callId !== 'string' || callId === '') throw new TypeError('Give the call id.');
    await this.#pipeline.send({
      method: 'POST',
      path: callingPath('automationHangUp', callId),
      body: { forEveryone: options.forEveryone ?? false },
      abortSignal: options.abortSignal,
    });
  }
}

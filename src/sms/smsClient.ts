import { API_VERSIONS } from '../common/apiVersions.js';
import type { KeyCredential } from '../common/connectionString.js';
import type { HttpPipeline, PipelineOptions } from '../common/http.js';
import type { OperationOptions } from '../common/operationOptions.js';
import { isE164PhoneNumber } from '../common/identifiers.js';
import { createKeyCredentialPipeline } from '../common/keyCredentialClient.js';

export const SMS_API_VERSION = API_VERSIONS.sms.current;

export interface SmsSendRequest {
  /** A number of this resource, in E.164 form. */
  from: string;
  /** Up to 100 numbers; each gets its own result, so one bad number fails alone. */
  to: string[];
  message: string;
}

export interface SmsSendOptions extends OperationOptions {
  /** Ask for a delivery report (`smsDeliveryReportReceived` to the sending number's user). */
  enableDeliveryReport?: boolean;
  /** Echoed in the delivery report. */
  tag?: string;
}

export interface SmsSendResult {
  to: string;
  messageId?: string;
  httpStatusCode: number;
  successful: boolean;
  errorMessage?: string;
}

/** Sends SMS from the resource's numbers (`@azure/communication-sms` shape). Signed with the access key. */
export class SmsClient {
  readonly #pipeline: HttpPipeline;

  constructor(connectionString: string, options?: PipelineOptions);
  constructor(endpoint: string, credential: KeyCredential, options?: PipelineOptions);
  constructor(connectionStringOrEndpoint: string, credentialOrOptions?: KeyCredential | PipelineOptions, maybeOptions?: PipelineOptions) {
    this.#pipeline = createKeyCredentialPipeline(SMS_API_VERSION, connectionStringOrEndpoint, credentialOrOptions, maybeOptions);
  }

  async send(request: SmsSendRequest, options: SmsSendOptions = {}): Promise<SmsSendResult[]> {
    if (!request || typeof request.from !== 'string' || !isE164PhoneNumber(request.from)) {
      throw new TypeError('"from" must be a phone number in E.164 form, e.g. +14255550123.');
    }
    if (!Array.isArray(request.to) || request.to.length === 0 || request.to.some((to) => typeof to !== 'string')) {
      throw new TypeError('"to" must be a non-empty array of phone numbers.');
    }
    if (request.to.length > 100) throw new RangeError('At most 100 recipients per send.');
    if (typeof request.message !== 'string' || request.message.length === 0) throw new TypeError('"message" must be a non-empty string.');
    if (request.message.length > 2048) throw new RangeError('"message" may have at most 2048 characters.');
    const sentAt = new Date().toUTCString();
    const { body } = await this.#pipeline.send<{ value: SmsSendResult[] }>({
      method: 'POST',
      path: 'sms',
      body: {
        from: request.from,
        smsRecipients: request.to.map((to) => ({ to, repeatabilityRequestId: crypto.randomUUID(), repeatabilityFirstSent: sentAt })),
        message: request.message,
        smsSendOptions: {
          enableDeliveryReport: options.enableDeliveryReport ?? false,
          ...(options.tag !== undefined ? { tag: options.tag } : {}),
        },
      },
      abortSignal: options.abortSignal,
    });
    return body.value;
  }
}

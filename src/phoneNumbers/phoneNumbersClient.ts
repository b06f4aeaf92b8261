import { API_VERSIONS } from '../common/apiVersions.js';
import type { KeyCredential } from '../common/connectionString.js';
import type { HttpPipeline, PipelineOptions } from '../common/http.js';
import { type CommunicationUserIdentifier, isCommunicationUserIdentifier, isE164PhoneNumber } from '../common/identifiers.js';
import { createKeyCredentialPipeline } from '../common/keyCredentialClient.js';
import type { OperationOptions } from '../common/operationOptions.js';
import { type PagedAsyncIterableIterator, type WirePage, createPagedIterator } from '../common/paging.js';

export const PHONE_NUMBERS_API_VERSION = API_VERSIONS.phoneNumbers.current;

export type PhoneNumberCapabilityType = 'none' | 'inbound' | 'outbound' | 'inbound+outbound';

export interface PhoneNumberCapabilities {
  calling: PhoneNumberCapabilityType;
  sms: PhoneNumberCapabilityType;
}

export interface PhoneNumberCost {
  amount: number;
  currencyCode: string;
  billingFrequency: 'monthly';
}

export interface PurchasedPhoneNumber {
  id: string;
  phoneNumber: string;
  countryCode: string;
  phoneNumberType: 'geographic' | 'tollFree';
  assignmentType: 'person' | 'application';
  /** What the number may do: a number without inbound calling rings nobody, one without outbound SMS sends none. */
  capabilities: PhoneNumberCapabilities;
  purchaseDate: Date;
  cost?: PhoneNumberCost;
  /** The user this number rings, if assigned (our extension of the ACS model). */
  assignedTo?: CommunicationUserIdentifier;
}

interface PhoneNumberModel {
  id: string;
  phoneNumber: string;
  countryCode: string;
  phoneNumberType: PurchasedPhoneNumber['phoneNumberType'];
  assignmentType: PurchasedPhoneNumber['assignmentType'];
  capabilities: PhoneNumberCapabilities;
  purchaseDate: string;
  cost?: PhoneNumberCost;
  assignedTo?: { communicationUser?: { id: string } };
}

/** The wire's page of numbers (ACS names the array `phoneNumbers`). */
interface PhoneNumberPage {
  phoneNumbers?: PhoneNumberModel[];
  nextLink?: string;
}

function toWirePage(page: PhoneNumberPage): WirePage<PhoneNumberModel> {
  return { value: page.phoneNumbers ?? [], ...(page.nextLink ? { nextLink: page.nextLink } : {}) };
}

export interface AcquirePhoneNumbersOptions extends OperationOptions {
  /** Only US (+1) numbers exist in the simulated pool. */
  countryCode?: 'US';
  /** Three digits; default 425. */
  areaCode?: string;
  /** 1 to 100; default 1. */
  quantity?: number;
}

/**
 * The resource's phone numbers on the service's simulated telephone network: acquire from the pool,
 * list, assign to a user (calls and SMS to the number reach that user), release.
 */
export class PhoneNumbersClient {
  readonly #pipeline: HttpPipeline;

  constructor(connectionString: string, options?: PipelineOptions);
  constructor(endpoint: string, credential: KeyCredential, options?: PipelineOptions);
  constructor(connectionStringOrEndpoint: string, credentialOrOptions?: KeyCredential | PipelineOptions, maybeOptions?: PipelineOptions) {
    this.#pipeline = createKeyCredentialPipeline(PHONE_NUMBERS_API_VERSION, connectionStringOrEndpoint, credentialOrOptions, maybeOptions);
  }

  async acquirePhoneNumbers(options: AcquirePhoneNumbersOptions = {}): Promise<PurchasedPhoneNumber[]> {
    const quantity = options.quantity ?? 1;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 100) throw new RangeError('quantity must be 1 to 100.');
    if (options.areaCode !== undefined && !/^[2-9]\d{2}$/.test(options.areaCode)) {
      throw new TypeError('areaCode must be three digits, not starting with 0 or 1.');
    }
    const { body } = await this.#pipeline.send<{ phoneNumbers: PhoneNumberModel[] }>({
      method: 'POST',
      path: 'phoneNumbers/:acquire',
      body: { countryCode: options.countryCode ?? 'US', ...(options.areaCode ? { areaCode: options.areaCode } : {}), quantity },
      abortSignal: options.abortSignal,
    });
    return body.phoneNumbers.map(toPurchased);
  }

  listPurchasedPhoneNumbers(options: OperationOptions = {}): PagedAsyncIterableIterator<PurchasedPhoneNumber> {
    return createPagedIterator<PhoneNumberModel, PurchasedPhoneNumber>({
      firstPage: async (maxPageSize) =>
        toWirePage(
          (
            await this.#pipeline.send<PhoneNumberPage>({
              method: 'GET',
              path: 'phoneNumbers',
              query: { top: maxPageSize },
              abortSignal: options.abortSignal,
            })
          ).body,
        ),
      nextPage: async (link) =>
        toWirePage((await this.#pipeline.send<PhoneNumberPage>({ method: 'GET', path: link, abortSignal: options.abortSignal })).body),
      map: toPurchased,
    });
  }

  async getPurchasedPhoneNumber(phoneNumber: string, options: OperationOptions = {}): Promise<PurchasedPhoneNumber> {
    const { body } = await this.#pipeline.send<PhoneNumberModel>({
      method: 'GET',
      path: `phoneNumbers/${encodeURIComponent(checkNumber(phoneNumber))}`,
      abortSignal: options.abortSignal,
    });
    return toPurchased(body);
  }

  /** Makes calls and SMS to `phoneNumber` reach `user`; `undefined` unassigns it. */
  async assignPhoneNumber(
    phoneNumber: string,
    user: CommunicationUserIdentifier | undefined,
    options: OperationOptions = {},
  ): Promise<PurchasedPhoneNumber> {
    if (user !== undefined && !isCommunicationUserIdentifier(user)) throw new TypeError('Assign to a communication user.');
    const { body } = await this.#pipeline.send<PhoneNumberModel>({
      method: 'PATCH',
      path: `phoneNumbers/${encodeURIComponent(checkNumber(phoneNumber))}`,
      body: { assignedTo: user?.communicationUserId ?? null },
      abortSignal: options.abortSignal,
    });
    return toPurchased(body);
  }

  /** Releases the number (the service completes the release operation at once; 202 with operation-location). */
  async releasePhoneNumber(phoneNumber: string, options: OperationOptions = {}): Promise<void> {
    await this.#pipeline.send({
      method: 'DELETE',
      path: `phoneNumbers/${encodeURIComponent(checkNumber(phoneNumber))}`,
      abortSignal: options.abortSignal,
    });
  }
}

function checkNumber(phoneNumber: string): string {
  if (typeof phoneNumber !== 'string' || !isE164PhoneNumber(phoneNumber)) {
    throw new TypeError(`"${String(phoneNumber)}" is not a phone number in E.164 form.`);
  }
  return phoneNumber;
}

function toPurchased(model: PhoneNumberModel): PurchasedPhoneNumber {
  const result: PurchasedPhoneNumber = {
    id: model.id,
    phoneNumber: model.phoneNumber,
    countryCode: model.countryCode,
    phoneNumberType: model.phoneNumberType,
    assignmentType: model.assignmentType,
    capabilities: model.capabilities,
    purchaseDate: new Date(model.purchaseDate),
  };
  if (model.cost) result.cost = model.cost;
  const userId = model.assignedTo?.communicationUser?.id;
  if (userId) result.assignedTo = { communicationUserId: userId };
  return result;
}

import { isCommunicationUserRawId, isE164PhoneNumber } from '../../src/common/identifiers.js';
import { BodyReader } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import { integerParam, nextLink } from '../http/query.js';
import type { RequestContext } from '../http/router.js';
import type { RouteSpec } from '../http/routes.js';
import type { IdentityStore } from '../identity/identityStore.js';
import { countryOf, offeringOf } from './numberCatalog.js';
import { inventoryRoutes, operationHeaders } from './phoneNumberInventoryRoutes.js';
import type { PhoneNumberRecord, PhoneNumberStore } from './phoneNumberStore.js';

const PHONE_NUMBERS = { api: 'phoneNumbers', auth: 'hmac', origins: 'any' } as const;

/**
 * Admin routes of the simulated number pool (HMAC-signed like identity): acquire, list, get,
 * assign to a user, release.
 */
export function phoneNumberRoutes(
  numbers: PhoneNumberStore,
  identities: IdentityStore,
  origin: (context: RequestContext) => string,
): RouteSpec[] {
  return [
    {
      ...PHONE_NUMBERS,
      method: 'POST',
      template: '/phoneNumbers/:acquire',
      summary: 'Acquires numbers from the simulated US pool (an area code, 1-100 of them).',
      body: 'required',
      fields: ['countryCode', 'areaCode', 'quantity'],
      handler: ({ json }) => {
        const body = new BodyReader(json());
        const countryCode = body.optionalString('countryCode', { maxLength: 2 }) ?? 'US';
        if (countryCode !== 'US') throw ServiceError.validation('The simulated pool has US (+1) numbers only.');
        const areaCode = body.optionalString('areaCode', { maxLength: 3 }) ?? '425';
        if (!/^[2-9]\d{2}$/.test(areaCode)) throw ServiceError.validation('"areaCode" must be three digits, not starting with 0 or 1.');
        const quantity = body.optionalInteger('quantity', 1, 100) ?? 1;
        return { status: 201, body: { phoneNumbers: numbers.acquire(areaCode, quantity).map(toModel) } };
      },
    },
    {
      ...PHONE_NUMBERS,
      method: 'GET',
      template: '/phoneNumbers',
      summary: "Lists the resource's numbers (`top`, `skip`), paged by nextLink.",
      body: 'none',
      handler: (context) => {
        const { url } = context;
        const page = numbers.list(integerParam(url, 'top', 100, 1, 1000), integerParam(url, 'skip', 0, 0, Number.MAX_SAFE_INTEGER));
        const link = nextLink(url, origin(context), page.continuation, 'skip');
        return { status: 200, body: { phoneNumbers: page.value.map(toModel), ...(link ? { nextLink: link } : {}) } };
      },
    },
    {
      ...PHONE_NUMBERS,
      method: 'GET',
      template: '/phoneNumbers/{number}',
      summary: "Gets one of the resource's numbers (404 NotFound for any other).",
      body: 'none',
      handler: ({ params }) => ({ status: 200, body: toModel(owned(numbers, params.number!)) }),
    },
    {
      ...PHONE_NUMBERS,
      method: 'PATCH',
      template: '/phoneNumbers/{number}',
      summary: 'Assigns a number to a user (assignedTo), or unassigns it (null).',
      body: 'required',
      fields: ['assignedTo'],
      handler: ({ params, json }) => {
        const raw = json();
        const number = owned(numbers, params.number!).phoneNumber;
        const assignedTo = raw.assignedTo;
        if (assignedTo !== null && (typeof assignedTo !== 'string' || !isCommunicationUserRawId(assignedTo))) {
          throw ServiceError.validation('"assignedTo" must be a communication user id (8:acs:...) or null.');
        }
        if (assignedTo !== null && !identities.getUser(assignedTo)) {
          throw ServiceError.notFound(`The identity ${assignedTo} does not exist.`, 'IdentityNotFound');
        }
        numbers.assign(number, assignedTo ?? undefined);
        return { status: 200, body: toModel(numbers.get(number)!) };
      },
    },
    {
      ...PHONE_NUMBERS,
      method: 'DELETE',
      template: '/phoneNumbers/{number}',
      summary: 'Releases a number back to the pool: a long-running operation (202, operation-location).',
      body: 'none',
      handler: (context) => {
        const operation = numbers.releaseAsOperation(owned(numbers, context.params.number!).phoneNumber);
        return { status: 202, headers: { ...operationHeaders(context, operation, origin), 'release-id': operation.id } };
      },
    },
    ...inventoryRoutes(numbers, origin),
  ];
}

export function owned(numbers: PhoneNumberStore, number: string): PhoneNumberRecord {
  if (!isE164PhoneNumber(number)) throw ServiceError.validation(`"${number}" is not an E.164 phone number.`);
  const record = numbers.get(number);
  // ACS's code and message for a number the resource does not have.
  if (!record) throw ServiceError.notFound(`Input phoneNumber ${number} cannot be found.`, 'NotFound');
  return record;
}

function costOf(record: PhoneNumberRecord) {
  const country = countryOf(record.countryCode);
  return country && offeringOf(country, record.phoneNumberType)?.cost;
}

export function toModel(record: PhoneNumberRecord) {
  const cost = costOf(record);
  return {
    id: record.phoneNumber.replace('+', ''),
    phoneNumber: record.phoneNumber,
    countryCode: record.countryCode,
    phoneNumberType: record.phoneNumberType,
    capabilities: record.capabilities,
    assignmentType: record.assignmentType,
    purchaseDate: new Date(record.acquiredOn).toISOString(),
    ...(cost ? { cost } : {}),
    ...(record.assignedTo ? { assignedTo: { rawId: record.assignedTo, communicationUser: { id: record.assignedTo } } } : {}),
  };
}

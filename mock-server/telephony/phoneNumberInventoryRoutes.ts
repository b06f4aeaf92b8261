import { API_VERSIONS } from '../../src/common/apiVersions.js';
import { isE164PhoneNumber } from '../../src/common/identifiers.js';
import { BodyReader, type JsonObject } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import { integerParam } from '../http/query.js';
import type { RequestContext } from '../http/router.js';
import type { RouteSpec } from '../http/routes.js';
import {
  CAPABILITY_VALUES,
  COUNTRIES,
  type Capabilities,
  type CapabilityValue,
  type Country,
  countryOf,
  formatsOf,
  offeringOf,
  rangeOf,
  withinCapability,
} from './numberCatalog.js';
import { owned, toModel } from './phoneNumberRoutes.js';
import type { OperationRecord, PhoneNumberStore, ReservationRecord, ReservedNumber, SearchRecord } from './phoneNumberStore.js';

const PHONE_NUMBERS = { api: 'phoneNumbers', auth: 'hmac', origins: 'any' } as const;
const API_VERSION = API_VERSIONS.phoneNumbers.current;
const PHONE_NUMBER_TYPES = ['geographic', 'tollFree', 'mobile'] as const;
const ASSIGNMENT_TYPES = ['person', 'application'] as const;

type Origin = (context: RequestContext) => string;

/** An absolute URL of this service for a path, with the api-version ACS puts in its links. */
function link(context: RequestContext, origin: Origin, path: string): string {
  const url = new URL(path, origin(context));
  url.searchParams.set('api-version', context.url.searchParams.get('api-version') ?? API_VERSION);
  return url.href;
}

/** The headers a 202 of a long-running operation carries (`operation-location`, `operation-id`, and `location` when it makes a resource). */
export function operationHeaders(context: RequestContext, operation: OperationRecord, origin?: Origin): Record<string, string> {
  const base = origin ?? ((c: RequestContext) => `${c.url.protocol}//${c.url.host}`);
  return {
    'operation-location': link(context, base, `/phoneNumbers/operations/${operation.id}`),
    'operation-id': operation.id,
    ...(operation.resourceLocation ? { location: link(context, base, operation.resourceLocation) } : {}),
  };
}

function country(code: string): Country {
  const found = countryOf(code);
  if (!found || code !== found.countryCode) {
    throw ServiceError.badRequest(
      `The country code ${code} is not supported; the simulated network has ${COUNTRIES.map((c) => c.countryCode).join(', ')}.`,
      'InvalidCountryCode',
    );
  }
  return found;
}

function enumParam<T extends string>(url: URL, name: string, allowed: readonly T[], required = false): T | undefined {
  const value = url.searchParams.get(name);
  if (value === null || value === '') {
    if (required) throw ServiceError.validation(`The query parameter "${name}" is required.`);
    return undefined;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw ServiceError.validation(`The query parameter "${name}" must be one of ${allowed.join(', ')}.`);
  }
  return value as T;
}

function enumField<T extends string>(body: JsonObject, name: string, allowed: readonly T[], where = 'body'): T | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw ServiceError.validation(`"${name}" in the ${where} must be one of ${allowed.join(', ')}.`);
  }
  return value as T;
}

function capabilitiesField(body: JsonObject, required: boolean): Partial<Capabilities> {
  const value = body.capabilities;
  if (value === undefined || value === null) {
    if (required) throw ServiceError.validation('"capabilities" is required.');
    return {};
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw ServiceError.validation('"capabilities" must be an object.');
  const object = value as JsonObject;
  new BodyReader(object, 'capabilities').allowOnly('calling', 'sms');
  const calling = enumField(object, 'calling', CAPABILITY_VALUES, 'capabilities');
  const sms = enumField(object, 'sms', CAPABILITY_VALUES, 'capabilities');
  if (required && (calling === undefined || sms === undefined)) throw ServiceError.validation('"capabilities" needs "calling" and "sms".');
  return { ...(calling ? { calling } : {}), ...(sms ? { sms } : {}) };
}

/** One page of a fixed list (`skip`, `maxPageSize`), with the nextLink ACS gives. */
function paged<T>(context: RequestContext, origin: Origin, items: readonly T[]): { value: T[]; nextLink?: string } {
  const { url } = context;
  const skip = integerParam(url, 'skip', 0, 0, Number.MAX_SAFE_INTEGER);
  const size = integerParam(url, 'maxPageSize', 100, 1, 1000);
  const value = items.slice(skip, skip + size);
  if (skip + size >= items.length) return { value };
  const next = new URL(url.pathname + url.search, origin(context));
  next.searchParams.set('skip', String(skip + size));
  return { value, nextLink: next.href };
}

function withLink<T>(key: string, page: { value: T[]; nextLink?: string }) {
  return { [key]: page.value, ...(page.nextLink ? { nextLink: page.nextLink } : {}) };
}

function searchModel(search: SearchRecord) {
  const cost = offeringOf(countryOf(search.countryCode)!, search.phoneNumberType, search.assignmentType)!.cost;
  return {
    searchId: search.id,
    phoneNumbers: search.phoneNumbers,
    phoneNumberType: search.phoneNumberType,
    assignmentType: search.assignmentType,
    capabilities: search.capabilities,
    cost,
    searchExpiresBy: new Date(search.expiresOn).toISOString(),
    isAgreementToNotResellRequired: countryOf(search.countryCode)!.agreementToNotResellRequired,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BROWSE_LIMIT = 20;

/** A number of the network's catalog as ACS's AvailablePhoneNumber, with what it is sold as. */
function availableModel(number: ReservedNumber, status: string) {
  const where = countryOf(number.countryCode)!;
  return {
    id: number.phoneNumber.slice(1),
    countryCode: number.countryCode,
    phoneNumber: number.phoneNumber,
    capabilities: number.capabilities,
    phoneNumberType: number.phoneNumberType,
    assignmentType: number.assignmentType,
    cost: offeringOf(where, number.phoneNumberType, number.assignmentType)!.cost,
    status,
    isAgreementToNotResellRequired: where.agreementToNotResellRequired,
  };
}

function reservationModel(reservation: ReservationRecord) {
  const status = reservation.status === 'completed' ? 'purchased' : reservation.status === 'expired' ? 'expired' : 'reserved';
  return {
    id: reservation.id,
    expiresAt: new Date(reservation.expiresOn).toISOString(),
    phoneNumbers: Object.fromEntries(Object.entries(reservation.numbers).map(([id, n]) => [id, availableModel(n, status)])),
    status: reservation.status,
  };
}

/** What a catalog number is sold as: the offering of its country and area code (the first, when several). */
function catalogNumber(phoneNumber: string, assignment?: string): ReservedNumber | undefined {
  for (const where of COUNTRIES) {
    for (const code of where.areaCodes) {
      if (!where.numbersOf(code.areaCode).includes(phoneNumber)) continue;
      const offering = offeringOf(where, code.phoneNumberType, assignment);
      if (!offering) return undefined;
      return {
        phoneNumber,
        countryCode: where.countryCode,
        phoneNumberType: offering.phoneNumberType,
        assignmentType: offering.assignmentType,
        capabilities: offering.availableCapabilities,
      };
    }
  }
  return undefined;
}

function reservationId(id: string): string {
  if (!UUID.test(id)) throw ServiceError.validation(`The reservation id "${id}" must be a UUID.`);
  return id.toLowerCase();
}

function reservationRoutes(numbers: PhoneNumberStore, origin: Origin): RouteSpec[] {
  const active = (id: string): ReservationRecord => {
    const found = numbers.getReservation(reservationId(id));
    if (!found) throw ServiceError.notFound(`The reservation ${id} does not exist.`, 'NotFound');
    return found;
  };
  return [
    {
      ...PHONE_NUMBERS,
      method: 'POST',
      template: '/availablePhoneNumbers/countries/{countryCode}/:browse',
      summary: `Browses free numbers of a type (filter: capabilities, assignmentType, phoneNumberPrefixes); at most ${BROWSE_LIMIT}.`,
      body: 'required',
      fields: ['phoneNumberType', 'capabilities', 'assignmentType', 'phoneNumberPrefixes'],
      handler: (context) => {
        const where = country(context.params.countryCode!);
        const body = context.json();
        const type = enumField(body, 'phoneNumberType', PHONE_NUMBER_TYPES);
        if (!type) throw ServiceError.validation('"phoneNumberType" is required.');
        const assignment = enumField(body, 'assignmentType', ASSIGNMENT_TYPES);
        const wanted = capabilitiesField(body, false);
        const prefixes = new BodyReader(body).optionalStringArray('phoneNumberPrefixes', { maxItems: 20 }) ?? [];
        if (prefixes.some((p) => !/^\+?\d{1,15}$/.test(p)))
          throw ServiceError.validation('"phoneNumberPrefixes" must be digits, optionally after a "+".');
        const offerings = where.offerings.filter(
          (o) =>
            o.phoneNumberType === type &&
            (!assignment || o.assignmentType === assignment) &&
            (!wanted.calling || withinCapability(wanted.calling, o.availableCapabilities.calling)) &&
            (!wanted.sms || withinCapability(wanted.sms, o.availableCapabilities.sms)),
        );
        const found: ReturnType<typeof availableModel>[] = [];
        for (const offering of offerings) {
          const candidates = where.areaCodes
            .filter((a) => a.phoneNumberType === type)
            .flatMap((a) => where.numbersOf(a.areaCode))
            .filter(
              (n) => prefixes.length === 0 || prefixes.some((p) => n.startsWith(p.startsWith('+') ? p : `${where.dialingPrefix}${p}`)),
            );
          for (const phoneNumber of numbers.freeOf(candidates).slice(0, BROWSE_LIMIT - found.length)) {
            const number = {
              phoneNumber,
              countryCode: where.countryCode,
              phoneNumberType: offering.phoneNumberType,
              assignmentType: offering.assignmentType,
              capabilities: offering.availableCapabilities,
            };
            found.push(availableModel(number, 'available'));
          }
        }
        return { status: 200, body: { phoneNumbers: found } };
      },
    },
    {
      ...PHONE_NUMBERS,
      method: 'GET',
      template: '/availablePhoneNumbers/reservations',
      summary: 'Lists the reservations, paged (maxPageSize, nextLink).',
      body: 'none',
      handler: (context) => {
        const { url } = context;
        const page = numbers.listReservations(
          integerParam(url, 'maxPageSize', 100, 1, 1000),
          integerParam(url, 'skip', 0, 0, Number.MAX_SAFE_INTEGER),
        );
        let next: string | undefined;
        if (page.continuation) {
          const nextUrl = new URL(url.pathname + url.search, origin(context));
          nextUrl.searchParams.set('skip', page.continuation);
          next = nextUrl.href;
        }
        return { status: 200, body: { reservations: page.value.map(reservationModel), ...(next ? { nextLink: next } : {}) } };
      },
    },
    {
      ...PHONE_NUMBERS,
      method: 'GET',
      template: '/availablePhoneNumbers/reservations/{reservationId}',
      summary: 'Gets a reservation: its numbers, status and expiry.',
      body: 'none',
      handler: ({ params }) => ({ status: 200, body: reservationModel(active(params.reservationId!)) }),
    },
    {
      ...PHONE_NUMBERS,
      method: 'PATCH',
      template: '/availablePhoneNumbers/reservations/{reservationId}',
      summary: 'Creates or updates a reservation (merge patch: phoneNumbers by id, null removes); all or nothing; the hold restarts.',
      body: 'required',
      fields: ['id', 'expiresAt', 'phoneNumbers', 'status'],
      handler: ({ params, json }) => {
        const id = reservationId(params.reservationId!);
        const body = json();
        if (body.id !== undefined && body.id !== null && (typeof body.id !== 'string' || body.id.toLowerCase() !== id)) {
          throw ServiceError.validation('"id" must be the reservation id of the path.');
        }
        const patch = body.phoneNumbers ?? {};
        if (typeof patch !== 'object' || Array.isArray(patch))
          throw ServiceError.validation('"phoneNumbers" must be an object of numbers by id.');
        const entries = Object.entries(patch as JsonObject);
        if (entries.length > 100) throw ServiceError.validation('A reservation change may name at most 100 numbers.');
        const add: ReservedNumber[] = [];
        const remove: string[] = [];
        for (const [key, value] of entries) {
          if (!/^\d{1,15}$/.test(key)) throw ServiceError.validation(`"${key}" is not a phone number id (the number without "+").`);
          if (value === null) {
            remove.push(key);
            continue;
          }
          if (typeof value !== 'object' || Array.isArray(value))
            throw ServiceError.validation(`"phoneNumbers.${key}" must be an available phone number or null.`);
          const given = value as JsonObject;
          if (given.phoneNumber !== undefined && given.phoneNumber !== `+${key}`) {
            throw ServiceError.validation(`"phoneNumbers.${key}.phoneNumber" must be +${key}.`);
          }
          const assignment = enumField(given, 'assignmentType', ASSIGNMENT_TYPES, `phoneNumbers.${key}`);
          const number = catalogNumber(`+${key}`, assignment);
          if (!number)
            throw ServiceError.badRequest(
              `+${key} is not a number the simulated network offers${assignment ? ` for ${assignment}` : ''}.`,
              'InvalidPhoneNumber',
            );
          add.push(number);
        }
        const { reservation, created } = numbers.saveReservation(id, add, remove);
        return { status: created ? 201 : 200, body: reservationModel(reservation) };
      },
    },
    {
      ...PHONE_NUMBERS,
      method: 'DELETE',
      template: '/availablePhoneNumbers/reservations/{reservationId}',
      summary: 'Deletes a reservation, freeing its numbers.',
      body: 'none',
      handler: ({ params }) => {
        const id = reservationId(params.reservationId!);
        if (!numbers.deleteReservation(id)) throw ServiceError.notFound(`The reservation ${id} does not exist.`, 'NotFound');
        return { status: 204 };
      },
    },
    {
      ...PHONE_NUMBERS,
      method: 'POST',
      template: '/availablePhoneNumbers/reservations/{reservationId}/:purchase',
      summary: "Purchases an active reservation's numbers (long-running: 202, operation-location); some countries need agreeToNotResell.",
      body: 'json',
      fields: ['agreeToNotResell'],
      handler: (context) => {
        const reservation = active(context.params.reservationId!);
        const agree = context.json().agreeToNotResell;
        if (agree !== undefined && agree !== null && typeof agree !== 'boolean')
          throw ServiceError.validation('"agreeToNotResell" must be a boolean.');
        if (reservation.status !== 'active') {
          throw ServiceError.badRequest(
            `The reservation ${reservation.id} is ${reservation.status}: only an active one can be purchased.`,
            'ReservationNotActive',
          );
        }
        const reserved = Object.values(reservation.numbers);
        if (reserved.length === 0) throw ServiceError.badRequest(`The reservation ${reservation.id} has no numbers.`, 'ReservationEmpty');
        if (reserved.some((n) => countryOf(n.countryCode)!.agreementToNotResellRequired) && agree !== true) {
          throw ServiceError.badRequest(
            'Some of these numbers may not be resold: purchasing them needs agreeToNotResell true.',
            'AgreementToNotResellRequired',
          );
        }
        const operation = numbers.purchaseReservation(reservation);
        return { status: 202, headers: { ...operationHeaders(context, operation, origin), 'reservation-purchase-id': operation.id } };
      },
    },
  ];
}

/**
 * The ACS phone-number inventory API over the simulated network: what it offers (countries,
 * localities, area codes, offerings), searches and purchases, capability updates, the operations
 * that report them, and operator information for its fictional ranges.
 */
export function inventoryRoutes(numbers: PhoneNumberStore, origin: Origin): RouteSpec[] {
  return [
    ...reservationRoutes(numbers, origin),
    {
      ...PHONE_NUMBERS,
      method: 'GET',
      template: '/availablePhoneNumbers/countries',
      summary: 'Lists the countries the simulated network has numbers in, paged.',
      body: 'none',
      handler: (context) => ({
        status: 200,
        body: withLink(
          'countries',
          paged(
            context,
            origin,
            COUNTRIES.map((c) => ({ localizedName: c.localizedName, countryCode: c.countryCode })),
          ),
        ),
      }),
    },
    {
      ...PHONE_NUMBERS,
      method: 'GET',
      template: '/availablePhoneNumbers/countries/{countryCode}/localities',
      summary: "Lists a country's localities with their administrative divisions (filter: administrativeDivision, phoneNumberType).",
      body: 'none',
      handler: (context) => {
        const where = country(context.params.countryCode!);
        const division = context.url.searchParams.get('administrativeDivision');
        const type = enumParam(context.url, 'phoneNumberType', PHONE_NUMBER_TYPES);
        const localities = where.localities.filter(
          (l) =>
            (!division || l.administrativeDivision.abbreviatedName === division) &&
            (!type || where.areaCodes.some((a) => a.locality === l.localizedName && a.phoneNumberType === type)),
        );
        return { status: 200, body: withLink('phoneNumberLocalities', paged(context, origin, localities)) };
      },
    },
    {
      ...PHONE_NUMBERS,
      method: 'GET',
      template: '/availablePhoneNumbers/countries/{countryCode}/areaCodes',
      summary: "Lists a country's area codes of a phoneNumberType (geographic: filter by locality, administrativeDivision).",
      body: 'none',
      handler: (context) => {
        const where = country(context.params.countryCode!);
        const { url } = context;
        const type = enumParam(url, 'phoneNumberType', PHONE_NUMBER_TYPES, true)!;
        const assignment = enumParam(url, 'assignmentType', ASSIGNMENT_TYPES);
        const locality = url.searchParams.get('locality');
        const division = url.searchParams.get('administrativeDivision');
        if (type === 'geographic' && division && !locality) {
          throw ServiceError.validation('"administrativeDivision" narrows a "locality": give both.');
        }
        const offered = offeringOf(where, type, assignment) !== undefined;
        const codes = offered
          ? where.areaCodes.filter((a) => {
              if (a.phoneNumberType !== type) return false;
              if (locality && a.locality !== locality) return false;
              if (division) {
                const l = where.localities.find((x) => x.localizedName === a.locality);
                if (l?.administrativeDivision.abbreviatedName !== division) return false;
              }
              return true;
            })
          : [];
        return {
          status: 200,
          body: withLink(
            'areaCodes',
            paged(
              context,
              origin,
              codes.map((a) => ({ areaCode: a.areaCode })),
            ),
          ),
        };
      },
    },
    {
      ...PHONE_NUMBERS,
      method: 'GET',
      template: '/availablePhoneNumbers/countries/{countryCode}/offerings',
      summary: "Lists a country's offerings (type, assignment, capabilities, monthly cost).",
      body: 'none',
      handler: (context) => {
        const where = country(context.params.countryCode!);
        const type = enumParam(context.url, 'phoneNumberType', PHONE_NUMBER_TYPES);
        const assignment = enumParam(context.url, 'assignmentType', ASSIGNMENT_TYPES);
        const offerings = where.offerings.filter(
          (o) => (!type || o.phoneNumberType === type) && (!assignment || o.assignmentType === assignment),
        );
        return { status: 200, body: withLink('phoneNumberOfferings', paged(context, origin, offerings)) };
      },
    },
    {
      ...PHONE_NUMBERS,
      method: 'POST',
      template: '/availablePhoneNumbers/countries/{countryCode}/:search',
      summary: 'Searches for numbers and holds them (long-running: 202, operation-location, location of the search result).',
      body: 'required',
      fields: ['phoneNumberType', 'assignmentType', 'capabilities', 'areaCode', 'quantity'],
      handler: (context) => {
        const where = country(context.params.countryCode!);
        const body = context.json();
        const reader = new BodyReader(body);
        const type = enumField(body, 'phoneNumberType', PHONE_NUMBER_TYPES);
        if (!type) throw ServiceError.validation('"phoneNumberType" is required.');
        const assignment = enumField(body, 'assignmentType', ASSIGNMENT_TYPES);
        if (!assignment) throw ServiceError.validation('"assignmentType" is required.');
        const capabilities = capabilitiesField(body, true) as Capabilities;
        const areaCode = reader.optionalString('areaCode', { maxLength: 8 });
        const quantity = reader.optionalInteger('quantity', 1, 100) ?? 1;
        const offering = offeringOf(where, type, assignment);
        if (!offering) {
          throw ServiceError.badRequest(
            `${where.localizedName} has no ${type} numbers for assignment type ${assignment}.`,
            'OfferingNotAvailable',
          );
        }
        for (const kind of ['calling', 'sms'] as const) {
          if (!withinCapability(capabilities[kind], offering.availableCapabilities[kind])) {
            throw ServiceError.badRequest(
              `${kind} capability ${capabilities[kind]} is not available for ${type} numbers in ${where.countryCode} (at most ${offering.availableCapabilities[kind]}).`,
              'CapabilityNotAvailable',
            );
          }
        }
        const codes = where.areaCodes.filter((a) => a.phoneNumberType === type);
        if (areaCode !== undefined && !codes.some((a) => a.areaCode === areaCode)) {
          throw ServiceError.badRequest(`Area code ${areaCode} has no ${type} numbers in ${where.countryCode}.`, 'InvalidAreaCode');
        }
        const candidates = (areaCode !== undefined ? [areaCode] : codes.map((a) => a.areaCode)).flatMap((code) => where.numbersOf(code));
        const { search, operation } = numbers.search(
          { countryCode: where.countryCode, phoneNumberType: offering.phoneNumberType, assignmentType: assignment, capabilities },
          candidates,
          quantity,
        );
        return { status: 202, headers: { ...operationHeaders(context, operation, origin), 'search-id': search.id } };
      },
    },
    {
      ...PHONE_NUMBERS,
      method: 'GET',
      template: '/availablePhoneNumbers/searchResults/{searchId}',
      summary: 'Gets a search result: the numbers held, their cost, when the hold expires.',
      body: 'none',
      handler: ({ params }) => {
        const search = numbers.getSearch(params.searchId!);
        if (!search) throw ServiceError.notFound(`The search ${params.searchId} does not exist or has expired.`, 'NotFound');
        return { status: 200, body: searchModel(search) };
      },
    },
    {
      ...PHONE_NUMBERS,
      method: 'POST',
      template: '/availablePhoneNumbers/:purchase',
      summary: "Purchases a search's numbers, all or none (long-running: 202, operation-location); some countries need agreeToNotResell.",
      body: 'required',
      fields: ['searchId', 'agreeToNotResell'],
      handler: (context) => {
        const body = context.json();
        const searchId = new BodyReader(body).requiredString('searchId', { maxLength: 100 });
        const agree = body.agreeToNotResell;
        if (agree !== undefined && agree !== null && typeof agree !== 'boolean')
          throw ServiceError.validation('"agreeToNotResell" must be a boolean.');
        const search = numbers.getSearch(searchId);
        if (!search) throw ServiceError.notFound(`The search ${searchId} does not exist or has expired.`, 'NotFound');
        if (countryOf(search.countryCode)!.agreementToNotResellRequired && agree !== true) {
          throw ServiceError.badRequest(
            `Numbers of ${search.countryCode} may not be resold: purchasing them needs agreeToNotResell true.`,
            'AgreementToNotResellRequired',
          );
        }
        const operation = numbers.purchase(search);
        return { status: 202, headers: { ...operationHeaders(context, operation, origin), 'purchase-id': operation.id } };
      },
    },
    {
      ...PHONE_NUMBERS,
      method: 'GET',
      template: '/phoneNumbers/operations/{operationId}',
      summary: 'Gets a long-running operation: its type, status and the resource it made.',
      body: 'none',
      handler: (context) => {
        const operation = numbers.getOperation(context.params.operationId!);
        if (!operation) throw ServiceError.notFound(`The operation ${context.params.operationId} does not exist.`, 'NotFound');
        const created = new Date(operation.createdOn).toISOString();
        const location = operation.resourceLocation ? link(context, origin, operation.resourceLocation) : undefined;
        const headers: Record<string, string> = location ? { location } : {};
        return {
          status: 200,
          headers,
          body: {
            id: operation.id,
            operationType: operation.operationType,
            status: operation.status,
            createdDateTime: created,
            lastActionDateTime: created,
            ...(location ? { resourceLocation: location } : {}),
          },
        };
      },
    },
    {
      ...PHONE_NUMBERS,
      method: 'PATCH',
      template: '/phoneNumbers/{number}/capabilities',
      summary: "Updates a number's calling and SMS capabilities (long-running: 202, operation-location, location of the number).",
      body: 'required',
      fields: ['calling', 'sms'],
      handler: (context) => {
        const record = owned(numbers, context.params.number!);
        const body = context.json();
        const calling = enumField(body, 'calling', CAPABILITY_VALUES);
        const sms = enumField(body, 'sms', CAPABILITY_VALUES);
        if (calling === undefined && sms === undefined) throw ServiceError.validation('Give "calling", "sms" or both.');
        const next: Capabilities = { calling: calling ?? record.capabilities.calling, sms: sms ?? record.capabilities.sms };
        const offering = offeringOf(countryOf(record.countryCode)!, record.phoneNumberType);
        for (const kind of ['calling', 'sms'] as const) {
          const most: CapabilityValue = offering?.availableCapabilities[kind] ?? 'inbound+outbound';
          if (!withinCapability(next[kind], most)) {
            throw ServiceError.badRequest(`${record.phoneNumber} can have ${kind} ${most} at most.`, 'CapabilityNotAvailable');
          }
        }
        const operation = numbers.updateCapabilities(record.phoneNumber, next);
        return {
          status: 202,
          headers: { ...operationHeaders(context, operation, origin), 'capabilities-id': operation.id },
          body: toModel(numbers.get(record.phoneNumber)!),
        };
      },
    },
    {
      ...PHONE_NUMBERS,
      method: 'POST',
      template: '/operatorInformation/:search',
      summary:
        'Operator information for one number of the fictional ranges (formats; with includeAdditionalOperatorDetails, country, type and operator).',
      body: 'required',
      fields: ['phoneNumbers', 'options'],
      handler: ({ json }) => {
        const body = json();
        const list = new BodyReader(body).requiredStringArray('phoneNumbers', { maxItems: 100 });
        // What ACS answers for more than one number (the SDK's tests assert it).
        if (list.length !== 1) throw ServiceError.badRequest('Can only accept one phoneNumber', 'BadRequest');
        const options = body.options;
        if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
          throw ServiceError.validation('"options" must be an object.');
        }
        const optionsObject = (options ?? {}) as JsonObject;
        new BodyReader(optionsObject, 'options').allowOnly('includeAdditionalOperatorDetails');
        const details = optionsObject.includeAdditionalOperatorDetails;
        if (details !== undefined && details !== null && typeof details !== 'boolean') {
          throw ServiceError.validation('"includeAdditionalOperatorDetails" must be a boolean.');
        }
        const number = list[0]!;
        if (!isE164PhoneNumber(number)) throw ServiceError.validation(`"${number}" is not an E.164 phone number.`);
        const range = rangeOf(number);
        const formats = formatsOf(number);
        if (!range || !formats) {
          throw ServiceError.notFound(`${number} is not in a fictional range of the simulated network.`, 'NotFound');
        }
        return {
          status: 200,
          body: {
            values: [
              {
                phoneNumber: number,
                nationalFormat: formats.national,
                internationalFormat: formats.international,
                ...(details === true
                  ? {
                      isoCountryCode: range.country.countryCode,
                      numberType: range.areaCode.phoneNumberType === 'tollFree' ? 'tollFree' : 'geographic',
                      // The ITU test network's codes: MCC 001, MNC 01.
                      operatorDetails: { name: 'Open Communication Simulated Network', mobileCountryCode: '001', mobileNetworkCode: '01' },
                    }
                  : {}),
              },
            ],
          },
        };
      },
    },
  ];
}

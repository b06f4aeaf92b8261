import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withService } from '../kit/node.js';
import { adminRequest, assertError, chatUser, plainRequest, stateSnapshot } from '../kit/serverHelpers.js';
import { type RunningService, startService } from '../../mock-server/service.js';
import { PhoneNumbersClient } from '../../src/phoneNumbers/phoneNumbersClient.js';

const enc = encodeURIComponent;

/** A send from the resource's number to another, with the given send options (the part each case varies). */
const sendWith = (smsSendOptions: unknown) => ({
  from: '+12065550100',
  smsRecipients: [{ to: '+12065550101' }],
  message: 'x',
  smsSendOptions,
});

describe('telephony: the number pool and SMS routes', () => {
  const service = withService();

  test('acquire takes numbers from the fictional 555-01xx range, all or none', async () => {
    const acquired = await adminRequest<{ phoneNumbers: { phoneNumber: string }[] }>(service(), 'POST', '/phoneNumbers/:acquire', {
      areaCode: '206',
      quantity: 99,
    });
    assert.equal(acquired.status, 201, 'acquired');
    assert.equal(acquired.body.phoneNumbers.length, 99, 'all 99 numbers');
    assert.ok(
      acquired.body.phoneNumbers.every((n) => /^\+120655501\d\d$/.test(n.phoneNumber)),
      'from the fictional range',
    );
    const before = stateSnapshot(service());
    const tooMany = await adminRequest(service(), 'POST', '/phoneNumbers/:acquire', { areaCode: '206', quantity: 2 });
    assertError(tooMany, 409, 'NumbersUnavailable');
    assert.deepEqual(stateSnapshot(service()), before, 'a refused acquire takes none');
  });

  test('bad input gets its 4xx and changes nothing', async () => {
    const before = stateSnapshot(service());
    const cases: [string, string, unknown, number][] = [
      ['POST', '/phoneNumbers/:acquire', { areaCode: '012' }, 400],
      ['POST', '/phoneNumbers/:acquire', { quantity: 0 }, 400],
      ['POST', '/phoneNumbers/:acquire', { quantity: 101 }, 400],
      ['POST', '/phoneNumbers/:acquire', { countryCode: 'GB' }, 400],
      ['POST', '/phoneNumbers/:acquire', { colour: 'blue' }, 400],
      ['POST', '/phoneNumbers/:acquire', '{not json', 400],
      ['GET', `/phoneNumbers/${enc('555')}`, undefined, 400],
      ['GET', `/phoneNumbers/${enc('+14255550100')}`, undefined, 404],
      ['PATCH', `/phoneNumbers/${enc('+12065550100')}`, { assignedTo: 'someone' }, 400],
      ['PATCH', `/phoneNumbers/${enc('+12065550100')}`, { assignedTo: '8:acs:nobody_here' }, 404],
      ['DELETE', `/phoneNumbers/${enc('+14255550100')}`, undefined, 404],
      ['POST', '/sms', { from: '+12065550100', smsRecipients: [], message: 'x' }, 400],
      ['POST', '/sms', { from: '+12065550100', smsRecipients: [{ to: '+12065550101' }], message: '' }, 400],
      ['POST', '/sms', { from: '+12065550100', smsRecipients: [{ to: '+12065550101' }], message: 'x'.repeat(2049) }, 400],
      ['POST', '/sms', { from: 'nope', smsRecipients: [{ to: '+12065550101' }], message: 'x' }, 400],
      ['POST', '/sms', { from: '+14255550100', smsRecipients: [{ to: '+12065550101' }], message: 'x' }, 401],
      ['POST', '/sms', { from: '+12065550100', smsRecipients: [{ to: 5 }], message: 'x' }, 400],
      [
        'POST',
        '/sms',
        { from: '+12065550100', smsRecipients: Array.from({ length: 101 }, () => ({ to: '+12065550101' })), message: 'x' },
        400,
      ],
      ['POST', '/sms', sendWith({ enableDeliveryReport: 'yes' }), 400],
      ['GET', '/sms/Outgoing_missing', undefined, 404],
      // Newer send options: known to the preview api-version only, and validated there.
      ['POST', '/sms', sendWith({ enableDeliveryReport: false, messagingConnect: { apiKey: 'k', partner: 'p' } }), 400],
      ['POST', '/sms?preview', sendWith({ enableDeliveryReport: false, messagingConnect: { apiKey: 'k' } }), 400],
      ['POST', '/sms?preview', sendWith({ enableDeliveryReport: false, messagingConnect: { apiKey: ' ', partner: 'p' } }), 400],
      ['POST', '/sms?preview', sendWith({ enableDeliveryReport: false, messagingConnect: { apiKey: 'k', partner: 'p', extra: 1 } }), 400],
      ['POST', '/sms?preview', sendWith({ enableDeliveryReport: false, messagingConnect: 'p' }), 400],
      ['POST', '/sms?preview', sendWith({ enableDeliveryReport: false, deliveryReportTimeoutInSeconds: 59 }), 400],
      // Opt-outs.
      ['POST', '/sms/optouts:add', { from: '+12065550100', recipients: [] }, 400],
      ['POST', '/sms/optouts:add', { from: '+12065550100' }, 400],
      ['POST', '/sms/optouts:add', { from: '+12065550100', recipients: [{ to: '+12065550101', colour: 'blue' }] }, 400],
      ['POST', '/sms/optouts:add', { from: '+12065550100', recipients: [{ to: '' }] }, 400],
      ['POST', '/sms/optouts:add', { from: '+12065550100', recipients: Array.from({ length: 101 }, () => ({ to: '+12065550101' })) }, 400],
      ['POST', '/sms/optouts:check', { from: 'nope', recipients: [{ to: '+12065550101' }] }, 400],
      ['POST', '/sms/optouts:remove', { from: '+14255550100', recipients: [{ to: '+12065550101' }] }, 401],
      ['POST', '/sms/optouts:add', '{not json', 400],
      ['GET', '/sms/optouts:add', undefined, 404],
    ];
    for (const [method, rawPath, body, status] of cases) {
      const preview = rawPath.endsWith('?preview');
      const path = preview ? rawPath.slice(0, -'?preview'.length) : rawPath;
      const response = await adminRequest(service(), method, path, body, preview ? { apiVersion: '2025-05-29-preview' } : {});
      assertError(response, status);
    }
    assert.deepEqual(stateSnapshot(service()), before, 'nothing changed');
    const unsigned = await plainRequest(service(), 'POST', '/sms?api-version=2021-03-07', {
      body: JSON.stringify({ from: '+12065550100' }),
    });
    assertError(unsigned, 401);
  });

  test('deleting a user releases their numbers and deletes their SMS', async () => {
    const user = await chatUser(service());
    const number = '+12065550150';
    const assigned = await adminRequest(service(), 'PATCH', `/phoneNumbers/${enc(number)}`, { assignedTo: user.id });
    assert.equal(assigned.status, 200, 'assigned');
    const sent = await adminRequest<{ value: { messageId: string; successful: boolean }[] }>(service(), 'POST', '/sms', {
      from: '+12065550100',
      smsRecipients: [{ to: number }],
      message: 'for the user',
    });
    assert.equal(sent.status, 202, 'sent');
    const { messageId } = sent.body.value[0]!;
    const status = await adminRequest<{ deliveryStatus: string }>(service(), 'GET', `/sms/${messageId}`);
    assert.equal(status.body.deliveryStatus, 'Delivered');
    const deleted = await adminRequest(service(), 'DELETE', `/identities/${enc(user.id)}`);
    assert.equal(deleted.status, 204);
    assertError(await adminRequest(service(), 'GET', `/phoneNumbers/${enc(number)}`), 404);
    assertError(await adminRequest(service(), 'GET', `/sms/${messageId}`), 404);
  });
});

describe('our PhoneNumbersClient over the ACS list shape', () => {
  test('lists every number page by page (top, nextLink) with type, capabilities and cost', async () => {
    const service = await startService();
    try {
      const acquired = service.phoneNumbers.acquire('212', 5).map((n) => n.phoneNumber);
      const client = new PhoneNumbersClient(service.connectionString);
      const pages: string[][] = [];
      for await (const page of client.listPurchasedPhoneNumbers().byPage({ maxPageSize: 2 })) pages.push(page.map((n) => n.phoneNumber));
      assert.deepEqual(pages.flat(), acquired);
      assert.deepEqual(
        pages.map((p) => p.length),
        [2, 2, 1],
      );
      const got = await client.getPurchasedPhoneNumber(acquired[0]!);
      assert.equal(got.phoneNumberType, 'geographic');
      assert.deepEqual(got.capabilities, { calling: 'inbound+outbound', sms: 'inbound+outbound' });
      assert.deepEqual(got.cost, { amount: 1, currencyCode: 'USD', billingFrequency: 'monthly' });
      await client.releasePhoneNumber(acquired[0]!);
      assert.equal(service.phoneNumbers.get(acquired[0]!), undefined);
    } finally {
      await service.close();
    }
  });
});

describe('phone-number inventory bad input: 4xx JSON error, nothing written', () => {
  let service: RunningService;
  let owned: string;
  let gbSearch: string;
  const [DONE, EMPTY, HELD, GB, NEW] = [
    '11111111-1111-4111-8111-111111111111',
    '22222222-2222-4222-8222-222222222222',
    '33333333-3333-4333-8333-333333333333',
    '44444444-4444-4444-8444-444444444444',
    '55555555-5555-4555-8555-555555555555',
  ];
  const reservation = (id: string) => `/availablePhoneNumbers/reservations/${id}`;
  const reserve = (id: string, phoneNumbers: unknown) => ['PATCH', reservation(id), { phoneNumbers }] as const;
  const search = (body: unknown, cc = 'US') => ['POST', `/availablePhoneNumbers/countries/${cc}/:search`, body] as const;
  const usBody = {
    phoneNumberType: 'geographic',
    assignmentType: 'application',
    capabilities: { calling: 'inbound+outbound', sms: 'inbound+outbound' },
  };

  before(async () => {
    service = await startService();
    owned = service.phoneNumbers.acquire('312', 1)[0]!.phoneNumber;
    const full = service.phoneNumbers.acquire('505', 100);
    assert.equal(full.length, 100);
    const hold = (countryCode: string, numbers: string[]) =>
      service.phoneNumbers.search(
        {
          countryCode,
          phoneNumberType: 'geographic',
          assignmentType: 'application',
          capabilities: { calling: 'inbound+outbound', sms: 'none' },
        },
        numbers,
        1,
      ).search.id;
    gbSearch = hold('GB', ['+442079460100']);
    // A held number is not handed out by acquire either.
    hold('US', ['+12125550100']);
    const tollFree = (phoneNumber: string) => ({
      phoneNumber,
      countryCode: 'US',
      phoneNumberType: 'tollFree' as const,
      assignmentType: 'application' as const,
      capabilities: { calling: 'inbound+outbound' as const, sms: 'inbound+outbound' as const },
    });
    service.phoneNumbers.saveReservation(DONE, [tollFree('+18005550100')], []);
    service.phoneNumbers.purchaseReservation(service.phoneNumbers.getReservation(DONE)!);
    service.phoneNumbers.saveReservation(EMPTY, [], []);
    service.phoneNumbers.saveReservation(HELD, [tollFree('+18005550101')], []);
    service.phoneNumbers.saveReservation(
      GB,
      [
        {
          ...tollFree('+442079460101'),
          countryCode: 'GB',
          phoneNumberType: 'geographic',
          capabilities: { calling: 'inbound+outbound', sms: 'none' },
        },
      ],
      [],
    );
    assert.equal(service.phoneNumbers.acquire('212', 1)[0]!.phoneNumber, '+12125550101');
  });
  after(() => service.close());

  const cases: [string, () => readonly [string, string, unknown?], number, string][] = [
    ['list: top 0', () => ['GET', '/phoneNumbers?top=0'], 400, 'ValidationError'],
    ['list: top x', () => ['GET', '/phoneNumbers?top=x'], 400, 'ValidationError'],
    ['list: skip -1', () => ['GET', '/phoneNumbers?skip=-1'], 400, 'ValidationError'],
    ['get: not E.164', () => ['GET', '/phoneNumbers/555'], 400, 'ValidationError'],
    ['get: not ours', () => ['GET', `/phoneNumbers/${enc('+14155550100')}`], 404, 'NotFound'],
    ['countries: maxPageSize 0', () => ['GET', '/availablePhoneNumbers/countries?maxPageSize=0'], 400, 'ValidationError'],
    ['localities: unknown country', () => ['GET', '/availablePhoneNumbers/countries/ZZ/localities'], 400, 'InvalidCountryCode'],
    ['localities: lower-case country', () => ['GET', '/availablePhoneNumbers/countries/us/localities'], 400, 'InvalidCountryCode'],
    ['localities: bad type', () => ['GET', '/availablePhoneNumbers/countries/US/localities?phoneNumberType=fax'], 400, 'ValidationError'],
    ['area codes: no type', () => ['GET', '/availablePhoneNumbers/countries/US/areaCodes'], 400, 'ValidationError'],
    [
      'area codes: bad assignment',
      () => ['GET', '/availablePhoneNumbers/countries/US/areaCodes?phoneNumberType=geographic&assignmentType=robot'],
      400,
      'ValidationError',
    ],
    [
      'area codes: division without locality',
      () => ['GET', '/availablePhoneNumbers/countries/US/areaCodes?phoneNumberType=geographic&administrativeDivision=WA'],
      400,
      'ValidationError',
    ],
    ['offerings: unknown country', () => ['GET', '/availablePhoneNumbers/countries/ZZ/offerings'], 400, 'InvalidCountryCode'],
    ['search: no body', () => search(undefined), 400, 'MissingBody'],
    ['search: no type', () => search({ ...usBody, phoneNumberType: undefined }), 400, 'ValidationError'],
    ['search: no assignment', () => search({ ...usBody, assignmentType: undefined }), 400, 'ValidationError'],
    ['search: no capabilities', () => search({ ...usBody, capabilities: undefined }), 400, 'ValidationError'],
    ['search: half capabilities', () => search({ ...usBody, capabilities: { calling: 'inbound' } }), 400, 'ValidationError'],
    ['search: capability value', () => search({ ...usBody, capabilities: { calling: 'both', sms: 'none' } }), 400, 'ValidationError'],
    [
      'search: capability field',
      () => search({ ...usBody, capabilities: { calling: 'none', sms: 'none', fax: 'none' } }),
      400,
      'ValidationError',
    ],
    ['search: quantity 0', () => search({ ...usBody, quantity: 0 }), 400, 'ValidationError'],
    ['search: quantity 101', () => search({ ...usBody, quantity: 101 }), 400, 'ValidationError'],
    ['search: quantity 1.5', () => search({ ...usBody, quantity: 1.5 }), 400, 'ValidationError'],
    ['search: unknown field', () => search({ ...usBody, color: 'red' }), 400, 'ValidationError'],
    ['search: unknown country', () => search(usBody, 'ZZ'), 400, 'InvalidCountryCode'],
    ['search: mobile', () => search({ ...usBody, phoneNumberType: 'mobile' }), 400, 'OfferingNotAvailable'],
    [
      'search: toll-free for a person',
      () => search({ ...usBody, phoneNumberType: 'tollFree', assignmentType: 'person' }),
      400,
      'OfferingNotAvailable',
    ],
    ['search: GB SMS', () => search(usBody, 'GB'), 400, 'CapabilityNotAvailable'],
    ['search: area code elsewhere', () => search({ ...usBody, areaCode: '800' }), 400, 'InvalidAreaCode'],
    ['search: area code used up', () => search({ ...usBody, areaCode: '505' }), 400, 'NoPhoneNumbersAvailable'],
    ['search result: unknown', () => ['GET', '/availablePhoneNumbers/searchResults/nope'], 404, 'NotFound'],
    ['purchase: no searchId', () => ['POST', '/availablePhoneNumbers/:purchase', {}], 400, 'ValidationError'],
    [
      'purchase: agreement not a boolean',
      () => ['POST', '/availablePhoneNumbers/:purchase', { searchId: gbSearch, agreeToNotResell: 'yes' }],
      400,
      'ValidationError',
    ],
    ['purchase: unknown search', () => ['POST', '/availablePhoneNumbers/:purchase', { searchId: 'nope' }], 404, 'NotFound'],
    [
      'purchase: no agreement',
      () => ['POST', '/availablePhoneNumbers/:purchase', { searchId: gbSearch }],
      400,
      'AgreementToNotResellRequired',
    ],
    ['operation: unknown', () => ['GET', '/phoneNumbers/operations/nope'], 404, 'NotFound'],
    ['capabilities: empty', () => ['PATCH', `/phoneNumbers/${enc(owned)}/capabilities`, {}], 400, 'ValidationError'],
    ['capabilities: bad value', () => ['PATCH', `/phoneNumbers/${enc(owned)}/capabilities`, { sms: 'sideways' }], 400, 'ValidationError'],
    ['capabilities: unknown field', () => ['PATCH', `/phoneNumbers/${enc(owned)}/capabilities`, { fax: 'none' }], 400, 'ValidationError'],
    ['capabilities: not ours', () => ['PATCH', `/phoneNumbers/${enc('+14155550100')}/capabilities`, { sms: 'none' }], 404, 'NotFound'],
    ['release: not ours', () => ['DELETE', `/phoneNumbers/${enc('+14155550100')}`], 404, 'NotFound'],
    ['browse: no type', () => ['POST', '/availablePhoneNumbers/countries/US/:browse', {}], 400, 'ValidationError'],
    [
      'browse: bad prefix',
      () => ['POST', '/availablePhoneNumbers/countries/US/:browse', { phoneNumberType: 'tollFree', phoneNumberPrefixes: ['+1-800'] }],
      400,
      'ValidationError',
    ],
    [
      'browse: bad capability',
      () => ['POST', '/availablePhoneNumbers/countries/US/:browse', { phoneNumberType: 'tollFree', capabilities: { calling: 'up' } }],
      400,
      'ValidationError',
    ],
    [
      'browse: unknown country',
      () => ['POST', '/availablePhoneNumbers/countries/ZZ/:browse', { phoneNumberType: 'tollFree' }],
      400,
      'InvalidCountryCode',
    ],
    ['reservations: maxPageSize 0', () => ['GET', '/availablePhoneNumbers/reservations?maxPageSize=0'], 400, 'ValidationError'],
    ['reservation: id not a UUID', () => ['GET', reservation('nope')], 400, 'ValidationError'],
    ['reservation: unknown', () => ['GET', reservation(NEW)], 404, 'NotFound'],
    ['reserve: id not a UUID', () => reserve('nope', {}), 400, 'ValidationError'],
    ['reserve: body id differs', () => ['PATCH', reservation(NEW), { id: EMPTY }], 400, 'ValidationError'],
    ['reserve: phoneNumbers an array', () => reserve(NEW, ['+18005550150']), 400, 'ValidationError'],
    ['reserve: key not an id', () => reserve(NEW, { '+18005550150': {} }), 400, 'ValidationError'],
    ['reserve: value not an object', () => reserve(NEW, { '18005550150': 'yes' }), 400, 'ValidationError'],
    [
      'reserve: phoneNumber differs from key',
      () => reserve(NEW, { '18005550150': { phoneNumber: '+18005550151' } }),
      400,
      'ValidationError',
    ],
    ['reserve: not offered', () => reserve(NEW, { '14255551234': {} }), 400, 'InvalidPhoneNumber'],
    ['reserve: toll-free for a person', () => reserve(NEW, { '18005550150': { assignmentType: 'person' } }), 400, 'InvalidPhoneNumber'],
    ['reserve: held by another', () => reserve(NEW, { '18005550101': {} }), 409, 'PhoneNumberNotAvailable'],
    ['reserve: owned already', () => reserve(NEW, { '18005550100': {} }), 409, 'PhoneNumberNotAvailable'],
    ['reserve: completed reservation', () => reserve(DONE, { '18005550150': {} }), 400, 'ReservationNotActive'],
    ['delete reservation: unknown', () => ['DELETE', reservation(NEW)], 404, 'NotFound'],
    ['purchase reservation: unknown', () => ['POST', `${reservation(NEW)}/:purchase`, {}], 404, 'NotFound'],
    ['purchase reservation: completed', () => ['POST', `${reservation(DONE)}/:purchase`, {}], 400, 'ReservationNotActive'],
    ['purchase reservation: empty', () => ['POST', `${reservation(EMPTY)}/:purchase`, {}], 400, 'ReservationEmpty'],
    [
      'purchase reservation: no agreement',
      () => ['POST', `${reservation(GB)}/:purchase`, { agreeToNotResell: false }],
      400,
      'AgreementToNotResellRequired',
    ],
    [
      'purchase reservation: agreement not a boolean',
      () => ['POST', `${reservation(HELD)}/:purchase`, { agreeToNotResell: 1 }],
      400,
      'ValidationError',
    ],
    [
      'operator: two numbers',
      () => ['POST', '/operatorInformation/:search', { phoneNumbers: ['+14255550100', '+14255550101'] }],
      400,
      'BadRequest',
    ],
    ['operator: no numbers', () => ['POST', '/operatorInformation/:search', { phoneNumbers: [] }], 400, 'BadRequest'],
    ['operator: not E.164', () => ['POST', '/operatorInformation/:search', { phoneNumbers: ['425'] }], 400, 'ValidationError'],
    [
      'operator: options not an object',
      () => ['POST', '/operatorInformation/:search', { phoneNumbers: ['+14255550100'], options: true }],
      400,
      'ValidationError',
    ],
    [
      'operator: detail flag not a boolean',
      () => ['POST', '/operatorInformation/:search', { phoneNumbers: ['+14255550100'], options: { includeAdditionalOperatorDetails: 1 } }],
      400,
      'ValidationError',
    ],
    ['operator: real range', () => ['POST', '/operatorInformation/:search', { phoneNumbers: ['+14255551234'] }], 404, 'NotFound'],
  ];
  for (const [name, request, status, code] of cases) {
    test(name, async () => {
      const [method, path, body] = request();
      const before = stateSnapshot(service);
      assertError(await adminRequest(service, method, path, body), status, code);
      assert.deepEqual(stateSnapshot(service), before, 'nothing written');
    });
  }
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PhoneNumbersClient } from '@azure/communication-phone-numbers';
import { type RunningService, startService } from '../../mock-server/service.js';
import { SEARCH_HOLD_MS } from '../../mock-server/telephony/phoneNumberStore.js';
import type { CallModel } from '../../src/calling/callingProtocol.js';
import { testUser } from '../kit/node.js';
import { adminRequest, countRows, stateSnapshot, userRequest } from '../kit/serverHelpers.js';

/** The SDK's RestError, as far as these tests look at it. */
interface RestErrorLike {
  name?: string;
  statusCode?: number;
  code?: string;
  message?: string;
}

function restError(status: number, code: string, message?: string | RegExp) {
  return (error: unknown) => {
    const e = error as RestErrorLike;
    assert.equal(e.name, 'RestError', String(error));
    assert.equal(e.statusCode, status);
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message ?? '', message);
    return true;
  };
}

async function all<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

describe('the official @azure/communication-phone-numbers 1.5 SDK as a client', () => {
  let service: RunningService;
  let client: PhoneNumbersClient;
  before(async () => {
    service = await startService();
    client = new PhoneNumbersClient(service.connectionString, { allowInsecureConnection: true } as never);
  });
  after(() => service.close());

  test('listPurchasedPhoneNumbers lists every number, following nextLink pages', async () => {
    const acquired = service.phoneNumbers.acquire('312', 5).map((n) => n.phoneNumber);
    const listed = await all(client.listPurchasedPhoneNumbers({ top: 2 } as never));
    const numbers = listed.map((n) => n.phoneNumber);
    for (const number of acquired) assert.ok(numbers.includes(number), `${number} listed`);
    assert.equal(new Set(numbers).size, numbers.length, 'no number twice');
    const first = listed.find((n) => n.phoneNumber === acquired[0])!;
    assert.equal(first.countryCode, 'US');
    assert.equal(first.phoneNumberType, 'geographic');
    assert.equal(first.assignmentType, 'application');
    assert.deepEqual(first.capabilities, { calling: 'inbound+outbound', sms: 'inbound+outbound' });
    assert.ok(first.purchaseDate instanceof Date);
    assert.deepEqual(first.cost, { amount: 1, currencyCode: 'USD', billingFrequency: 'monthly' });
    const pages = await all(client.listPurchasedPhoneNumbers({ top: 2 } as never).byPage());
    assert.ok(pages.length >= 3, `${pages.length} pages of 2`);
    for (const page of pages) assert.ok(page.length <= 2);
  });

  test('getPurchasedPhoneNumber, and NotFound with the ACS message for another number', async () => {
    const [number] = service.phoneNumbers.acquire('213', 1);
    const got = await client.getPurchasedPhoneNumber(number!.phoneNumber);
    assert.equal(got.phoneNumber, number!.phoneNumber);
    assert.equal(got.id, number!.phoneNumber.slice(1));
    await assert.rejects(
      client.getPurchasedPhoneNumber('+14155550100'),
      restError(404, 'NotFound', 'Input phoneNumber +14155550100 cannot be found.'),
    );
  });

  test('search (an operation) holds numbers with their cost and expiry; purchase (an operation) buys them', async () => {
    const poller = await client.beginSearchAvailablePhoneNumbers({
      countryCode: 'US',
      phoneNumberType: 'geographic',
      assignmentType: 'application',
      capabilities: { calling: 'inbound+outbound', sms: 'outbound' },
      areaCode: '206',
      quantity: 2,
    });
    const result = await poller.pollUntilDone();
    assert.equal(result.phoneNumbers.length, 2);
    for (const n of result.phoneNumbers) assert.match(n, /^\+120655501\d\d$/);
    assert.deepEqual(result.cost, { amount: 1, currencyCode: 'USD', billingFrequency: 'monthly' });
    assert.ok(result.searchExpiresBy instanceof Date);
    const holds = result.searchExpiresBy.getTime() - Date.now();
    assert.ok(holds > SEARCH_HOLD_MS - 60_000 && holds <= SEARCH_HOLD_MS, `held for ${holds} ms`);
    assert.equal(result.isAgreementToNotResellRequired, false);
    assert.equal(result.phoneNumberType, 'geographic');
    assert.deepEqual(result.capabilities, { calling: 'inbound+outbound', sms: 'outbound' });

    // A second search does not get the held numbers.
    const other = await (
      await client.beginSearchAvailablePhoneNumbers({
        countryCode: 'US',
        phoneNumberType: 'geographic',
        assignmentType: 'application',
        capabilities: { calling: 'inbound+outbound', sms: 'inbound+outbound' },
        areaCode: '206',
        quantity: 2,
      })
    ).pollUntilDone();
    for (const n of other.phoneNumbers) assert.ok(!result.phoneNumbers.includes(n));

    const purchase = await client.beginPurchasePhoneNumbers(result.searchId);
    await purchase.pollUntilDone();
    assert.ok(purchase.getOperationState().isCompleted);
    for (const n of result.phoneNumbers) {
      const bought = await client.getPurchasedPhoneNumber(n);
      assert.deepEqual(bought.capabilities, { calling: 'inbound+outbound', sms: 'outbound' });
    }
    // The search is spent.
    await assert.rejects(client.beginPurchasePhoneNumbers(result.searchId), restError(404, 'NotFound'));
  });

  test('a search the network cannot fill, or a bad one, is a 400 and holds nothing', async () => {
    const before = countRows(service, 'phone_number_searches');
    const search = (extra: object) =>
      client.beginSearchAvailablePhoneNumbers({
        countryCode: 'US',
        phoneNumberType: 'geographic',
        assignmentType: 'application',
        capabilities: { calling: 'inbound+outbound', sms: 'inbound+outbound' },
        ...extra,
      } as never);
    await assert.rejects(search({ areaCode: '415', quantity: 101 }), restError(400, 'ValidationError'));
    await assert.rejects(search({ areaCode: '999' }), restError(400, 'InvalidAreaCode'));
    await assert.rejects(search({ countryCode: 'ZZ' }), restError(400, 'InvalidCountryCode'));
    await assert.rejects(search({ phoneNumberType: 'mobile' }), restError(400, 'OfferingNotAvailable'));
    await assert.rejects(search({ phoneNumberType: 'tollFree', assignmentType: 'person' }), restError(400, 'OfferingNotAvailable'));
    await assert.rejects(search({ capabilities: { calling: 'sideways', sms: 'none' } }), restError(400, 'ValidationError'));
    service.phoneNumbers.acquire('505', 90);
    await assert.rejects(search({ areaCode: '505', quantity: 20 }), restError(400, 'NoPhoneNumbersAvailable'));
    assert.equal(countRows(service, 'phone_number_searches'), before);
  });

  test('toll-free search and purchase', async () => {
    const result = await (
      await client.beginSearchAvailablePhoneNumbers({
        countryCode: 'US',
        phoneNumberType: 'tollFree',
        assignmentType: 'application',
        capabilities: { calling: 'inbound+outbound', sms: 'none' },
        areaCode: '888',
      })
    ).pollUntilDone();
    assert.match(result.phoneNumbers[0]!, /^\+188855501\d\d$/);
    assert.equal(result.cost.amount, 2);
    await (await client.beginPurchasePhoneNumbers(result.searchId)).pollUntilDone();
    assert.equal((await client.getPurchasedPhoneNumber(result.phoneNumbers[0]!)).phoneNumberType, 'tollFree');
  });

  test('numbers that may not be resold need agreeToNotResell: 400 without it, nothing bought', async () => {
    const result = await (
      await client.beginSearchAvailablePhoneNumbers({
        countryCode: 'GB',
        phoneNumberType: 'geographic',
        assignmentType: 'application',
        capabilities: { calling: 'inbound+outbound', sms: 'none' },
      })
    ).pollUntilDone();
    assert.equal(result.isAgreementToNotResellRequired, true);
    assert.match(result.phoneNumbers[0]!, /^\+4420794601\d\d$/);
    const state = stateSnapshot(service);
    await assert.rejects(client.beginPurchasePhoneNumbers(result.searchId), restError(400, 'AgreementToNotResellRequired'));
    await assert.rejects(
      client.beginPurchasePhoneNumbers(result.searchId, { agreeToNotResell: false }),
      restError(400, 'AgreementToNotResellRequired'),
    );
    assert.deepEqual(stateSnapshot(service), state, 'no partial write');
    await (await client.beginPurchasePhoneNumbers(result.searchId, { agreeToNotResell: true })).pollUntilDone();
    const bought = await client.getPurchasedPhoneNumber(result.phoneNumbers[0]!);
    assert.equal(bought.countryCode, 'GB');
    assert.equal(bought.cost?.currencyCode, 'GBP');
  });

  test('release is an operation; the number is gone after it', async () => {
    const [number] = service.phoneNumbers.acquire('425', 1);
    const poller = await client.beginReleasePhoneNumber(number!.phoneNumber);
    await poller.pollUntilDone();
    assert.ok(poller.getOperationState().isCompleted);
    assert.equal(service.phoneNumbers.get(number!.phoneNumber), undefined);
    await assert.rejects(client.beginReleasePhoneNumber(number!.phoneNumber), restError(404, 'NotFound'));
  });

  test('updating capabilities is an operation whose result is the updated number', async () => {
    const [number] = service.phoneNumbers.acquire('415', 1);
    const poller = await client.beginUpdatePhoneNumberCapabilities(number!.phoneNumber, { calling: 'outbound', sms: 'inbound' });
    const updated = await poller.pollUntilDone();
    assert.equal(updated.phoneNumber, number!.phoneNumber);
    assert.deepEqual(updated.capabilities, { calling: 'outbound', sms: 'inbound' });
    assert.deepEqual(service.phoneNumbers.get(number!.phoneNumber)!.capabilities, { calling: 'outbound', sms: 'inbound' });
    await assert.rejects(
      client.beginUpdatePhoneNumberCapabilities(number!.phoneNumber, { calling: 'loud' } as never),
      restError(400, 'ValidationError'),
    );
    await assert.rejects(
      client.beginUpdatePhoneNumberCapabilities('+14155550199', { calling: 'none' }),
      restError(404, 'NotFound', 'Input phoneNumber +14155550199 cannot be found.'),
    );
  });

  test('available countries, localities with administrative divisions, area codes, offerings', async () => {
    const countries = await all(client.listAvailableCountries());
    assert.deepEqual(countries.map((c) => c.countryCode).sort(), ['GB', 'US']);
    assert.equal(countries.find((c) => c.countryCode === 'US')!.localizedName, 'United States');

    const localities = await all(client.listAvailableLocalities('US'));
    const seattle = localities.find((l) => l.localizedName === 'Seattle')!;
    assert.deepEqual(seattle.administrativeDivision, { localizedName: 'Washington', abbreviatedName: 'WA' });
    const washington = await all(client.listAvailableLocalities('US', { administrativeDivision: 'WA' }));
    assert.deepEqual(washington.map((l) => l.localizedName).sort(), ['Redmond', 'Seattle']);

    const geographic = await all(
      client.listAvailableGeographicAreaCodes('US', {
        assignmentType: 'application',
        locality: 'Seattle',
        administrativeDivision: 'WA',
      } as never),
    );
    assert.deepEqual(
      geographic.map((a) => a.areaCode),
      ['206'],
    );
    const allGeographic = await all(client.listAvailableGeographicAreaCodes('US'));
    assert.ok(allGeographic.length >= 7);
    const tollFree = await all(client.listAvailableTollFreeAreaCodes('US'));
    assert.ok(tollFree.map((a) => a.areaCode).includes('800'));
    assert.deepEqual(await all(client.listAvailableTollFreeAreaCodes('GB')), []);

    const offerings = await all(client.listAvailableOfferings('US', { phoneNumberType: 'tollFree' }));
    assert.deepEqual(offerings, [
      {
        phoneNumberType: 'tollFree',
        assignmentType: 'application',
        availableCapabilities: { calling: 'inbound+outbound', sms: 'inbound+outbound' },
        cost: { amount: 2, currencyCode: 'USD', billingFrequency: 'monthly' },
      },
    ]);
    await assert.rejects(all(client.listAvailableOfferings('ZZ')), restError(400, 'InvalidCountryCode'));
  });

  test('operator information for the fictional ranges, with and without additional details', async () => {
    const plain = await client.searchOperatorInformation(['+14255550123']);
    assert.deepEqual(plain.values, [
      { phoneNumber: '+14255550123', nationalFormat: '(425) 555-0123', internationalFormat: '+1 425-555-0123' },
    ]);
    const detailed = await client.searchOperatorInformation(['+14255550123'], { includeAdditionalOperatorDetails: true });
    const info = detailed.values![0]!;
    assert.equal(info.isoCountryCode, 'US');
    assert.equal(info.numberType, 'geographic');
    assert.equal(info.operatorDetails?.name, 'Open Communication Simulated Network');
    const london = await client.searchOperatorInformation(['+442079460150'], { includeAdditionalOperatorDetails: true });
    assert.equal(london.values![0]!.nationalFormat, '020 7946 0150');
    assert.equal(london.values![0]!.isoCountryCode, 'GB');
    await assert.rejects(
      client.searchOperatorInformation(['+14255550123', '+14255550124']),
      restError(400, 'BadRequest', 'Can only accept one phoneNumber'),
    );
    await assert.rejects(client.searchOperatorInformation(['+14255551234']), restError(404, 'NotFound'));
  });

  test('capabilities take effect: no inbound calling rings nobody, no outbound calling or SMS cannot present or send', async () => {
    const alice = await testUser(service, ['voip']);
    const bob = await testUser(service, ['voip']);
    const [bobNumber, mainLine] = service.phoneNumbers.acquire('213', 2).map((n) => n.phoneNumber) as [string, string];
    service.phoneNumbers.assign(bobNumber, bob.id);
    const phone = (number: string) => ({ rawId: `4:${number}`, phoneNumber: { value: number } });
    const callBob = (endpointId: string) =>
      userRequest<CallModel>(service, alice.token, 'POST', '/calling/calls', {
        targets: [phone(bobNumber)],
        endpointId,
        alternateCallerId: phone(mainLine),
      });
    const bobsPhone = (call: CallModel) => call.participants.find((p) => p.identifier.rawId === `4:${bobNumber}`)!;

    const ringing = await callBob('alice1');
    assert.equal(ringing.status, 201, ringing.text);
    assert.equal(bobsPhone(ringing.body).state, 'Ringing', 'with inbound calling the number rings Bob');
    await userRequest(service, alice.token, 'POST', `/calling/calls/${ringing.body.id}/:hangUp`, { forEveryone: true });

    await (await client.beginUpdatePhoneNumberCapabilities(bobNumber, { calling: 'outbound' })).pollUntilDone();
    const incomingBefore = countRows(service, "events WHERE user_id = ? AND name = 'callIncoming'", bob.id);
    const unanswered = await callBob('alice2');
    assert.equal(unanswered.status, 201, unanswered.text);
    assert.equal(bobsPhone(unanswered.body).state, 'Disconnected', 'without inbound calling nobody rings');
    assert.equal(
      countRows(service, "events WHERE user_id = ? AND name = 'callIncoming'", bob.id),
      incomingBefore,
      'Bob got no incoming call',
    );

    await (await client.beginUpdatePhoneNumberCapabilities(mainLine, { calling: 'inbound', sms: 'inbound' })).pollUntilDone();
    const presented = await callBob('alice3');
    assert.equal(presented.status, 400, presented.text);
    assert.equal((presented.body as unknown as { error: { code: string } }).error.code, 'CapabilityNotEnabled');

    const state = stateSnapshot(service);
    const sms = await adminRequest<{ error: { code: string } }>(service, 'POST', '/sms', {
      from: mainLine,
      smsRecipients: [{ to: bobNumber }],
      message: 'hi',
    });
    assert.equal(sms.status, 400, sms.text);
    assert.equal(sms.body.error.code, 'CapabilityNotEnabled');
    assert.deepEqual(stateSnapshot(service), state, 'nothing sent, nothing stored');
    await (await client.beginUpdatePhoneNumberCapabilities(mainLine, { sms: 'inbound+outbound' })).pollUntilDone();
    const sent = await adminRequest(service, 'POST', '/sms', { from: mainLine, smsRecipients: [{ to: bobNumber }], message: 'hi' });
    assert.equal(sent.status, 202, sent.text);
  });

  test('browse, then reserve, update, get, list, delete and purchase a reservation', async () => {
    const browsed = await client.browseAvailablePhoneNumbers(
      { countryCode: 'US', phoneNumberType: 'tollFree' },
      { capabilities: { calling: 'outbound' }, assignmentType: 'application', phoneNumberPrefixes: ['+1877'] },
    );
    assert.ok(browsed.phoneNumbers.length > 2);
    for (const n of browsed.phoneNumbers) {
      assert.match(n.phoneNumber!, /^\+187755501\d\d$/);
      assert.equal(n.phoneNumberType, 'tollFree');
      assert.equal(n.assignmentType, 'application');
      assert.ok(n.capabilities.calling.includes('outbound'));
      assert.equal(n.id, n.phoneNumber!.slice(1));
      assert.equal(n.cost?.amount, 2);
    }
    const [first, second] = browsed.phoneNumbers as [(typeof browsed.phoneNumbers)[0], (typeof browsed.phoneNumbers)[0]];
    const reservationId = '3f8a2e71-5b1c-4d2e-9f0a-6c7b8d9e0f12';
    const created = await client.createOrUpdateReservation({ reservationId }, { add: [first] });
    assert.equal(created.id, reservationId);
    assert.equal(created.status, 'active');
    assert.deepEqual(Object.keys(created.phoneNumbers ?? {}), [first.id]);
    assert.ok(created.expiresAt instanceof Date && created.expiresAt.getTime() > Date.now());

    // Reserved numbers are no longer offered to others.
    const again = await client.browseAvailablePhoneNumbers(
      { countryCode: 'US', phoneNumberType: 'tollFree' },
      { phoneNumberPrefixes: ['+1877'] },
    );
    assert.ok(!again.phoneNumbers.some((n) => n.phoneNumber === first.phoneNumber));
    await assert.rejects(
      client.createOrUpdateReservation({ reservationId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' }, { add: [first] }),
      restError(409, 'PhoneNumberNotAvailable'),
    );

    const updated = await client.createOrUpdateReservation({ reservationId }, { add: [second] });
    assert.deepEqual(Object.keys(updated.phoneNumbers ?? {}).sort(), [first.id, second.id].sort());
    const removed = await client.createOrUpdateReservation({ reservationId }, { add: [second], remove: [first.id!] });
    assert.deepEqual(Object.keys(removed.phoneNumbers ?? {}), [second.id]);
    assert.deepEqual(Object.keys((await client.getReservation(reservationId)).phoneNumbers ?? {}), [second.id]);
    assert.ok((await all(client.listReservations())).some((r) => r.id === reservationId));

    const purchase = await client.beginReservationPurchase(reservationId);
    await purchase.pollUntilDone();
    assert.equal((await client.getPurchasedPhoneNumber(second.phoneNumber!)).phoneNumberType, 'tollFree');
    assert.equal((await client.getReservation(reservationId)).status, 'completed');
    await assert.rejects(client.beginReservationPurchase(reservationId), restError(400, 'ReservationNotActive'));

    const other = '9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e';
    await client.createOrUpdateReservation({ reservationId: other }, { add: [first] });
    await client.deleteReservation(other);
    await assert.rejects(client.getReservation(other), restError(404, 'NotFound'));
    assert.ok(
      (
        await client.browseAvailablePhoneNumbers({ countryCode: 'US', phoneNumberType: 'tollFree' }, { phoneNumberPrefixes: ['+1877'] })
      ).phoneNumbers.some((n) => n.phoneNumber === first.phoneNumber),
      'deleting frees the number',
    );
  });

  test('a reservation of numbers that may not be resold needs agreeToNotResell', async () => {
    const [london] = (await client.browseAvailablePhoneNumbers({ countryCode: 'GB', phoneNumberType: 'geographic' })).phoneNumbers;
    assert.equal(london!.isAgreementToNotResellRequired, true);
    const reservationId = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
    await client.createOrUpdateReservation({ reservationId }, { add: [london!] });
    const state = stateSnapshot(service);
    await assert.rejects(
      client.beginReservationPurchase(reservationId, { agreeToNotResell: false }),
      restError(400, 'AgreementToNotResellRequired'),
    );
    assert.deepEqual(stateSnapshot(service), state);
    await (await client.beginReservationPurchase(reservationId, { agreeToNotResell: true })).pollUntilDone();
    assert.equal((await client.getPurchasedPhoneNumber(london!.phoneNumber!)).countryCode, 'GB');
  });
});

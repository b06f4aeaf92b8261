import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startService, type RunningService } from '../../mock-server/service.js';
import { adminRequest, assertError, chatUser, plainRequest, stateSnapshot } from './helpers.js';
import { PhoneNumbersClient } from '../../src/phoneNumbers/phoneNumbersClient.js';

const enc = encodeURIComponent;

describe('telephony: the number pool and SMS routes', () => {
  let service: RunningService;

  before(async () => {
    service = await startService();
  });

  after(async () => {
    await service.close();
  });

  test('acquire takes numbers from the fictional 555-01xx range, all or none', async () => {
    const acquired = await adminRequest<{ phoneNumbers: { phoneNumber: string }[] }>(service, 'POST', '/phoneNumbers/:acquire', {
      areaCode: '206',
      quantity: 99,
    });
    assert.equal(acquired.status, 201, 'acquired');
    assert.equal(acquired.body.phoneNumbers.length, 99, 'all 99 numbers');
    assert.ok(acquired.body.phoneNumbers.every((n) => /^\+120655501\d\d$/.test(n.phoneNumber)), 'from the fictional range');
    const before = stateSnapshot(service);
    const tooMany = await adminRequest(service, 'POST', '/phoneNumbers/:acquire', { areaCode: '206', quantity: 2 });
    assertError(tooMany, 409, 'NumbersUnavailable');
    assert.deepEqual(stateSnapshot(service), before, 'a refused acquire takes none');
  });

  test('bad input gets its 4xx and changes nothing', async () => {
    const before = stateSnapshot(service);
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
      ['POST', '/sms', { from: '+14255550100', smsRecipients: [{ to: '+12065550101' }], message: 'x' }, 400],
      ['POST', '/sms', { from: '+12065550100', smsRecipients: [{ to: 5 }], message: 'x' }, 400],
      ['POST', '/sms', { from: '+12065550100', smsRecipients: Array.from({ length: 101 }, () => ({ to: '+12065550101' })), message: 'x' }, 400],
      ['POST', '/sms', { from: '+12065550100', smsRecipients: [{ to: '+12065550101' }], message: 'x', smsSendOptions: { enableDeliveryReport: 'yes' } }, 400],
      ['GET', '/sms/Outgoing_missing', undefined, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const response = await adminRequest(service, method, path, body);
      assertError(response, status);
    }
    assert.deepEqual(stateSnapshot(service), before, 'nothing changed');
    const unsigned = await plainRequest(service, 'POST', '/sms?api-version=2021-03-07', { body: JSON.stringify({ from: '+12065550100' }) });
    assertError(unsigned, 401);
  });

  test('deleting a user releases their numbers and deletes their SMS', async () => {
    const user = await chatUser(service);
    const number = '+12065550150';
    const assigned = await adminRequest(service, 'PATCH', `/phoneNumbers/${enc(number)}`, { assignedTo: user.id });
    assert.equal(assigned.status, 200, 'assigned');
    const sent = await adminRequest<{ value: { messageId: string; successful: boolean }[] }>(service, 'POST', '/sms', {
      from: '+12065550100',
      smsRecipients: [{ to: number }],
      message: 'for the user',
    });
    assert.equal(sent.status, 202, 'sent');
    const { messageId } = sent.body.value[0]!;
    const status = await adminRequest<{ deliveryStatus: string }>(service, 'GET', `/sms/${messageId}`);
    assert.equal(status.body.deliveryStatus, 'Delivered');
    const deleted = await adminRequest(service, 'DELETE', `/identities/${enc(user.id)}`);
    assert.equal(deleted.status, 204);
    assertError(await adminRequest(service, 'GET', `/phoneNumbers/${enc(number)}`), 404);
    assertError(await adminRequest(service, 'GET', `/sms/${messageId}`), 404);
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
      assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
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

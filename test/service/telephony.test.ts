import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withService } from '../kit/node.js';
import { adminRequest, assertError, chatUser, plainRequest, stateSnapshot } from '../kit/serverHelpers.js';

const enc = encodeURIComponent;

describe('telephony: the number pool and SMS routes', () => {
  const service = withService();

  test('acquire takes numbers from the fictional 555-01xx range, all or none', async () => {
    const acquired = await adminRequest<{ phoneNumbers: { phoneNumber: string }[] }>(service(), 'POST', '/phoneNumbers/:acquire', {
      areaCode: '206',
      quantity: 99,
    });
    assert.equal(acquired.status, 201, 'acquired');
    assert.equal(acquired.body.phoneNumbers.length, 99, 'all 99 numbers');
    assert.ok(acquired.body.phoneNumbers.every((n) => /^\+120655501\d\d$/.test(n.phoneNumber)), 'from the fictional range');
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
      ['POST', '/sms', { from: '+12065550100', smsRecipients: Array.from({ length: 101 }, () => ({ to: '+12065550101' })), message: 'x' }, 400],
      ['POST', '/sms', { from: '+12065550100', smsRecipients: [{ to: '+12065550101' }], message: 'x', smsSendOptions: { enableDeliveryReport: 'yes' } }, 400],
      ['GET', '/sms/Outgoing_missing', undefined, 404],
      // Newer send options: known to the preview api-version only, and validated there.
      ['POST', '/sms', { from: '+12065550100', smsRecipients: [{ to: '+12065550101' }], message: 'x', smsSendOptions: { enableDeliveryReport: false, messagingConnect: { apiKey: 'k', partner: 'p' } } }, 400],
      ['POST', '/sms?preview', { from: '+12065550100', smsRecipients: [{ to: '+12065550101' }], message: 'x', smsSendOptions: { enableDeliveryReport: false, messagingConnect: { apiKey: 'k' } } }, 400],
      ['POST', '/sms?preview', { from: '+12065550100', smsRecipients: [{ to: '+12065550101' }], message: 'x', smsSendOptions: { enableDeliveryReport: false, messagingConnect: { apiKey: ' ', partner: 'p' } } }, 400],
      ['POST', '/sms?preview', { from: '+12065550100', smsRecipients: [{ to: '+12065550101' }], message: 'x', smsSendOptions: { enableDeliveryReport: false, messagingConnect: { apiKey: 'k', partner: 'p', extra: 1 } } }, 400],
      ['POST', '/sms?preview', { from: '+12065550100', smsRecipients: [{ to: '+12065550101' }], message: 'x', smsSendOptions: { enableDeliveryReport: false, messagingConnect: 'p' } }, 400],
      ['POST', '/sms?preview', { from: '+12065550100', smsRecipients: [{ to: '+12065550101' }], message: 'x', smsSendOptions: { enableDeliveryReport: false, deliveryReportTimeoutInSeconds: 59 } }, 400],
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
    const unsigned = await plainRequest(service(), 'POST', '/sms?api-version=2021-03-07', { body: JSON.stringify({ from: '+12065550100' }) });
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

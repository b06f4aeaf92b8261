import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SmsClient } from '@azure/communication-sms';
import { SmsClient as BetaSmsClient } from '@azure/communication-sms-beta';
import { type RunningService, startService } from '../../mock-server/service.js';
import { adminRequest, countRows, stateSnapshot } from '../kit/serverHelpers.js';

/** What the SDKs raise for a non-2xx answer. */
const restError = (status: number) => (error: unknown) => {
  const e = error as { name?: string; statusCode?: number };
  assert.equal(e.name, 'RestError');
  assert.equal(e.statusCode, status);
  return true;
};

describe('the official @azure/communication-sms SDKs (1.1.0 and 1.2.0-beta.4) against the service', () => {
  let service: RunningService;
  let ga: SmsClient;
  let beta: BetaSmsClient;
  let from: string;
  let own: string[];
  before(async () => {
    service = await startService();
    const acquired = await adminRequest<{ phoneNumbers: { phoneNumber: string }[] }>(service, 'POST', '/phoneNumbers/:acquire', {
      areaCode: '206',
      quantity: 4,
    });
    assert.equal(acquired.status, 201);
    [from, ...own] = acquired.body.phoneNumbers.map((n) => n.phoneNumber) as [string, ...string[]];
    ga = new SmsClient(service.connectionString, { allowInsecureConnection: true } as never);
    beta = new BetaSmsClient(service.connectionString, { allowInsecureConnection: true } as never);
  });
  after(() => service.close());

  for (const [name, client] of [
    ['1.1.0', () => ga],
    ['1.2.0-beta.4', () => beta],
  ] as const) {
    test(`${name}: a recipient that is not a dialable number of its country fails on its own, the others are sent`, async () => {
      const sentBefore = countRows(service, 'sms_messages');
      const results = await client().send({ from, to: [own[0]!, '+1425555012345', own[1]!], message: 'Hello' });
      assert.deepEqual(
        results.map((r) => [r.to, r.httpStatusCode, r.successful]),
        [
          [own[0], 202, true],
          ['+1425555012345', 400, false],
          [own[1], 202, true],
        ],
      );
      const bad = results[1]!;
      assert.equal(bad.messageId, undefined);
      assert.match(bad.errorMessage ?? '', /not a dialable number/);
      for (const ok of [results[0]!, results[2]!]) assert.match(ok.messageId ?? '', /^Outgoing_/);
      assert.equal(countRows(service, 'sms_messages'), sentBefore + 2);
    });

    test(`${name}: sending from a number the resource does not own is a 401, and nothing is sent`, async () => {
      const before = stateSnapshot(service);
      await assert.rejects(client().send({ from: '+14255550199', to: [own[0]!], message: 'Hello' }), restError(401));
      assert.deepEqual(stateSnapshot(service), before);
    });
  }

  test('1.2.0-beta.4: smsSendOptions.messagingConnect is accepted, and validated', async () => {
    const [sent] = await beta.send(
      { from, to: [own[0]!], message: 'Through a partner' },
      { enableDeliveryReport: true, tag: 'mc', messagingConnect: { apiKey: 'key-123', partner: 'Contoso' } },
    );
    assert.equal(sent?.httpStatusCode, 202);
    assert.equal(sent?.successful, true);
    const before = stateSnapshot(service);
    await assert.rejects(
      beta.send({ from, to: [own[0]!], message: 'x' }, { messagingConnect: { apiKey: '', partner: 'Contoso' } }),
      restError(400),
    );
    assert.deepEqual(stateSnapshot(service), before);
  });

  test('1.2.0-beta.4: optOuts add, check, remove, with per-recipient answers; an opted-out recipient is not sent the text', async () => {
    const target = own[1]!;
    const other = own[2]!;
    const added = await beta.optOuts.add(from, [target, '+1425555012345']);
    assert.deepEqual(
      added.map((r) => [r.to, r.httpStatusCode]),
      [
        [target, 200],
        ['+1425555012345', 400],
      ],
    );
    assert.match(added[1]!.errorMessage ?? '', /not a dialable number/);
    const checked = await beta.optOuts.check(from, [target, other]);
    assert.deepEqual(
      checked.map((r) => [r.to, r.httpStatusCode, r.isOptedOut]),
      [
        [target, 200, true],
        [other, 200, false],
      ],
    );

    const sentBefore = countRows(service, 'sms_messages WHERE to_number = ?', target);
    for (const client of [ga, beta]) {
      const results = await client.send({ from, to: [target, other], message: 'Promo' });
      assert.deepEqual(
        results.map((r) => [r.to, r.httpStatusCode, r.successful, r.messageId === undefined]),
        [
          [target, 400, false, true],
          [other, 202, true, false],
        ],
      );
      assert.match(results[0]!.errorMessage ?? '', /opted out/);
    }
    assert.equal(countRows(service, 'sms_messages WHERE to_number = ?', target), sentBefore);

    const removed = await beta.optOuts.remove(from, [target]);
    assert.deepEqual(
      removed.map((r) => [r.to, r.httpStatusCode]),
      [[target, 200]],
    );
    assert.deepEqual(
      (await beta.optOuts.check(from, [target])).map((r) => r.isOptedOut),
      [false],
    );
    const [again] = await ga.send({ from, to: [target], message: 'Welcome back' });
    assert.equal(again?.successful, true);
  });

  test('1.2.0-beta.4: opt-outs from a number the resource does not own are a 401; bad bodies a 400; nothing changes', async () => {
    const before = stateSnapshot(service);
    await assert.rejects(beta.optOuts.add('+14255550199', [own[0]!]), restError(401));
    await assert.rejects(beta.optOuts.check('+14255550199', [own[0]!]), restError(401));
    await assert.rejects(beta.optOuts.remove('+14255550199', [own[0]!]), restError(401));
    await assert.rejects(beta.optOuts.add('not-a-number', [own[0]!]), restError(400));
    await assert.rejects(beta.optOuts.add(from, []), restError(400));
    assert.deepEqual(stateSnapshot(service), before);
  });
});

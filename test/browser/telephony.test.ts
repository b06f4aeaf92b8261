import { expect } from '@esm-bundle/chai';
import { CallEndReasons } from '../../src/calling/callingProtocol.js';
import type { IncomingCall } from '../../src/calling/incomingCall.js';
import { type RestError } from '../../src/common/errors.js';
import { PhoneNumbersClient } from '../../src/phoneNumbers/phoneNumbersClient.js';
import { SmsClient } from '../../src/sms/smsClient.js';
import { RealtimeChannel } from '../../src/common/realtimeChannel.js';
import { toCredential } from '../../src/common/credential.js';
import { type TestUser, callingUser } from '../kit/browser.js';
import { until } from '../kit/wait.js';
import { disposeAll, untilState } from './callingHelpers.js';
import { testService } from './service.js';

describe('phone numbers on the simulated network', () => {
  let alice: TestUser;
  let bob: TestUser;
  let numbers: PhoneNumbersClient;
  let aliceNumber: string;
  let bobNumber: string;

  before(async () => {
    const { connectionString } = await testService();
    numbers = new PhoneNumbersClient(connectionString);
  });

  beforeEach(async () => {
    alice = await callingUser('Alice');
    bob = await callingUser('Bob');
    // Area code 312 keeps these apart from other tests' numbers.
    const [a, b] = await numbers.acquirePhoneNumbers({ areaCode: '312', quantity: 2 });
    aliceNumber = a!.phoneNumber;
    bobNumber = b!.phoneNumber;
    await numbers.assignPhoneNumber(aliceNumber, { communicationUserId: alice.userId });
    await numbers.assignPhoneNumber(bobNumber, { communicationUserId: bob.userId });
  });

  afterEach(async () => {
    await disposeAll(alice, bob);
    for (const number of [aliceNumber, bobNumber]) await numbers.releasePhoneNumber(number).catch(() => undefined);
  });

  it('acquires, lists, assigns and releases numbers', async () => {
    const listed: string[] = [];
    for await (const number of numbers.listPurchasedPhoneNumbers()) listed.push(number.phoneNumber);
    expect(listed).to.include.members([aliceNumber, bobNumber]);
    expect(aliceNumber).to.match(/^\+131255501\d\d$/);
    const got = await numbers.getPurchasedPhoneNumber(bobNumber);
    expect(got.assignedTo).to.deep.equal({ communicationUserId: bob.userId });
    await numbers.assignPhoneNumber(bobNumber, undefined);
    expect((await numbers.getPurchasedPhoneNumber(bobNumber)).assignedTo).to.equal(undefined);
    expect(await numbers.getPurchasedPhoneNumber('555').catch((e: unknown) => e)).to.be.instanceOf(TypeError);
    const missing = await numbers.getPurchasedPhoneNumber('+13125559999').catch((e: unknown) => e);
    expect((missing as RestError).statusCode).to.equal(404);
  });

  it('a call to a number rings its user, who sees the caller as the caller id; the callee is a phone participant', async () => {
    const ringing = new Promise<IncomingCall>((resolve) => bob.agent.on('incomingCall', ({ incomingCall }) => resolve(incomingCall)));
    const call = alice.agent.startCall([{ phoneNumber: bobNumber }], { alternateCallerId: { phoneNumber: aliceNumber } });
    const incoming = await ringing;
    expect(incoming.callerInfo.identifier).to.deep.include({ kind: 'phoneNumber', phoneNumber: aliceNumber });
    expect(incoming.callerInfo.displayName).to.equal(undefined, 'a phone caller shows a number, not a name');
    const bobCall = await incoming.accept();
    await untilState(call, 'Connected');
    await untilState(bobCall, 'Connected');
    const callee = call.remoteParticipants[0]!;
    expect(callee.identifier).to.deep.include({ kind: 'phoneNumber', phoneNumber: bobNumber });
    const caller = bobCall.remoteParticipants[0]!;
    expect(caller.identifier).to.deep.include({ kind: 'phoneNumber', phoneNumber: aliceNumber });
    await call.hangUp();
    await untilState(bobCall, 'Disconnected');
  });

  it('needs a caller id the resource owns, and an unassigned number is unreachable', async () => {
    expect(() => alice.agent.startCall([{ phoneNumber: bobNumber }])).to.throw(TypeError);
    const notOurs = alice.agent.startCall([{ phoneNumber: bobNumber }], { alternateCallerId: { phoneNumber: '+14255550000' } });
    await untilState(notOurs, 'Disconnected');
    expect(notOurs.callEndReason?.code).to.equal(400, 'a caller id not owned is refused');
    await numbers.assignPhoneNumber(bobNumber, undefined);
    const unassigned = alice.agent.startCall([{ phoneNumber: bobNumber }], { alternateCallerId: { phoneNumber: aliceNumber } });
    await untilState(unassigned, 'Disconnected');
    expect(unassigned.callEndReason).to.deep.equal(CallEndReasons.unreachable);
  });

  it('SMS reaches the assigned user in real time, each recipient has its own result, and a report follows', async () => {
    const { endpoint, connectionString } = await testService();
    const receive = (token: string) => new RealtimeChannel(endpoint, toCredential(token));
    const bobChannel = receive(bob.token);
    const aliceChannel = receive(alice.token);
    const received: { from: string; message: string }[] = [];
    const reports: { deliveryStatus: string; to: string; tag?: string }[] = [];
    bobChannel.subscribe('smsReceived', (data) => received.push(data as never));
    aliceChannel.subscribe('smsDeliveryReportReceived', (data) => reports.push(data as never));
    await Promise.all([bobChannel.start(), aliceChannel.start()]);
    try {
      const results = await new SmsClient(connectionString).send(
        { from: aliceNumber, to: [bobNumber, 'not-a-number', '+13125550999'], message: 'Hello Bob' },
        { enableDeliveryReport: true, tag: 'greeting' },
      );
      expect(results.map((r) => [r.to, r.successful, r.httpStatusCode])).to.deep.equal([
        [bobNumber, true, 202],
        ['not-a-number', false, 400],
        ['+13125550999', true, 202],
      ]);
      await until(() => received.length === 1 && reports.length === 2, 'the SMS and two delivery reports');
      expect(received[0]).to.deep.include({ from: aliceNumber, message: 'Hello Bob' });
      expect(reports.find((r) => r.to === bobNumber)).to.deep.include({ deliveryStatus: 'Delivered', tag: 'greeting' });
      expect(reports.find((r) => r.to === '+13125550999')?.deliveryStatus).to.equal('Failed');
      let fromError: unknown;
      try {
        await new SmsClient(connectionString).send({ from: '+13125550998', to: [bobNumber], message: 'x' });
      } catch (error) {
        fromError = error;
      }
      expect((fromError as RestError).statusCode).to.equal(401, 'sending from a number not owned is refused (401, as ACS answers)');
      const badFrom = await new SmsClient(connectionString).send({ from: 'nope', to: [bobNumber], message: 'x' }).catch((e: unknown) => e);
      expect(badFrom).to.be.instanceOf(TypeError);
    } finally {
      bobChannel.stop();
      aliceChannel.stop();
    }
  });
});

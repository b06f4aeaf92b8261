import { expect } from '@esm-bundle/chai';
import { CallAutomationClient } from '../../src/calling/callAutomationClient.js';
import { CALLING_API_VERSION } from '../../src/calling/callingProtocol.js';
import type { IncomingCall } from '../../src/calling/incomingCall.js';
import { type RestError } from '../../src/common/errors.js';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';
import type { TestUser } from '../kit/browser.js';
import { until } from '../kit/wait.js';
import { callingUsersPerTest, remote, untilState } from './callingHelpers.js';
import { testService } from './service.js';

describe('call automation: an application calls users into one group call', () => {
  const users = callingUsersPerTest('Alice', 'Bob');

  it('both ring with the application as caller; once they accept they are connected to each other', async () => {
    const [alice, bob] = users as [TestUser, TestUser];
    const { connectionString } = await testService();
    const identity = new CommunicationIdentityClient(connectionString);
    const app = await identity.createCallingApplication('Standup bot');
    const automation = new CallAutomationClient(connectionString, app);
    const rings = [alice, bob].map(
      (user) => new Promise<IncomingCall>((resolve) => user.agent.on('incomingCall', ({ incomingCall }) => resolve(incomingCall))),
    );
    const created = await automation.createGroupCall([{ communicationUserId: alice.userId }, { communicationUserId: bob.userId }], {
      displayName: 'Standup bot',
    });
    const [aliceRing, bobRing] = await Promise.all(rings);
    expect(aliceRing!.id).to.equal(created.id);
    expect(aliceRing!.callerInfo.identifier).to.deep.include({
      kind: 'callingApplication',
      callingApplicationId: app.callingApplicationId,
    });
    expect(aliceRing!.callerInfo.displayName).to.equal('Standup bot');
    const [aliceCall, bobCall] = await Promise.all([aliceRing!.accept(), bobRing!.accept()]);
    await until(() => remote(aliceCall, bob.userId)?.state === 'Connected', 'Alice connected to Bob');
    await until(() => remote(bobCall, alice.userId)?.state === 'Connected', 'Bob connected to Alice');
    await untilState(aliceCall, 'Connected');
    const botSeen = aliceCall.remoteParticipants.find((p) => p.identifier.kind === 'callingApplication');
    expect(botSeen?.state).to.equal('Connected', 'the application is in the call, without media');

    await automation.hangUp(created.id, { forEveryone: true });
    await untilState(aliceCall, 'Disconnected');
    await untilState(bobCall, 'Disconnected');
  });

  it('a user’s token is refused on call automation with 403 ApplicationsOnly', async () => {
    const [alice, bob] = users as [TestUser, TestUser];
    const { endpoint } = await testService();
    const response = await fetch(new URL(`calling/automation/calls?api-version=${CALLING_API_VERSION}`, endpoint), {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ targets: [{ rawId: bob.userId }] }),
    });
    expect(response.status).to.equal(403);
    expect((await response.json()).error.code).to.equal('ApplicationsOnly');
  });

  it('an application’s token cannot answer a call: 403', async () => {
    const { endpoint, connectionString } = await testService();
    const identity = new CommunicationIdentityClient(connectionString);
    const app = await identity.createCallingApplication('Nosy bot');
    const { token } = await identity.getCallingApplicationToken(app);
    const answer = await fetch(new URL(`calling/calls/any/:accept?api-version=${CALLING_API_VERSION}`, endpoint), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ endpointId: 'bot' }),
    });
    expect(answer.status).to.equal(403);
  });

  it('createGroupCall with no targets throws TypeError', async () => {
    const { connectionString } = await testService();
    const app = await new CommunicationIdentityClient(connectionString).createCallingApplication('Empty bot');
    const bad = await new CallAutomationClient(connectionString, app).createGroupCall([]).catch((e: unknown) => e);
    expect(bad).to.be.instanceOf(TypeError);
  });

  it('createGroupCall as an unknown application is refused with 404', async () => {
    const [, bob] = users as [TestUser, TestUser];
    const { connectionString } = await testService();
    const unknownApp = new CallAutomationClient(connectionString, { callingApplicationId: '28:acs:nobody_x' });
    const refused = await unknownApp.createGroupCall([{ communicationUserId: bob.userId }]).catch((e: unknown) => e);
    expect((refused as RestError).statusCode).to.equal(404);
  });
});

import { expect } from '@esm-bundle/chai';
import { type TestUser, callingUser } from '../kit/browser.js';
import { until } from '../kit/wait.js';
import { cameraStream, disposeAll, remote, rendersFrames, untilAllConnected, untilState } from './callingHelpers.js';

describe('group calls: callAgent.join({ groupId })', () => {
  let users: TestUser[] = [];
  afterEach(async () => {
    await disposeAll(...users);
    users = [];
  });

  it('the first to join is Connected alone; later joiners meet everyone with media, nobody rings; leaving keeps the rest', async () => {
    users = await Promise.all(['Alice', 'Bob', 'Carol'].map((name) => callingUser(name)));
    const [alice, bob, carol] = users as [TestUser, TestUser, TestUser];
    let rings = 0;
    for (const user of users) user.agent.on('incomingCall', () => rings++);
    const groupId = crypto.randomUUID();

    const aliceCall = alice.agent.join({ groupId });
    await untilState(aliceCall, 'Connected');
    expect(aliceCall.remoteParticipants).to.deep.equal([]);
    expect(aliceCall.info.groupId).to.equal(groupId);
    expect(alice.agent.calls).to.include(aliceCall);

    const bobCall = bob.agent.join({ groupId }, { videoOptions: { localVideoStreams: [await cameraStream(bob)] } });
    await untilAllConnected([aliceCall, bobCall], 1);
    expect(await bobCall.info.getServerCallId()).to.equal(aliceCall.id);

    // Carol joins late, with her camera: she meets both, and they see her video.
    const carolCall = carol.agent.join({ groupId }, { videoOptions: { localVideoStreams: [await cameraStream(carol)] } });
    await untilAllConnected([aliceCall, bobCall, carolCall], 2);
    expect(carolCall.id).to.equal(aliceCall.id);
    const carolAtAlice = remote(aliceCall, carol.userId)!;
    expect(carolAtAlice.displayName).to.equal('Carol');
    await until(() => carolAtAlice.videoStreams[0]?.isAvailable === true, 'Carol’s video available at Alice');
    await rendersFrames(carolAtAlice.videoStreams[0]!);
    await until(() => remote(carolCall, bob.userId)?.videoStreams[0]?.isAvailable === true, 'Bob’s video at Carol');
    await rendersFrames(remote(carolCall, bob.userId)!.videoStreams[0]!);
    expect(rings, 'nobody rang').to.equal(0);

    // Alice, who started it, leaves: Bob and Carol stay in the call together.
    await aliceCall.hangUp();
    expect(aliceCall.state).to.equal('Disconnected');
    await until(() => bobCall.remoteParticipants.length === 1 && carolCall.remoteParticipants.length === 1, 'Alice gone at both');
    await untilAllConnected([bobCall, carolCall], 1);
  });

  it('two calls with different group ids stay apart', async () => {
    users = await Promise.all(['Dana', 'Eli'].map((name) => callingUser(name)));
    const [dana, eli] = users as [TestUser, TestUser];
    const danaCall = dana.agent.join({ groupId: crypto.randomUUID() });
    const eliCall = eli.agent.join({ groupId: crypto.randomUUID() });
    await Promise.all([untilState(danaCall, 'Connected'), untilState(eliCall, 'Connected')]);
    expect(danaCall.id).to.not.equal(eliCall.id);
    expect(danaCall.remoteParticipants).to.deep.equal([]);
    expect(eliCall.remoteParticipants).to.deep.equal([]);
  });

  it('refuses a group id that is not a GUID before any call exists', async () => {
    users = [await callingUser('Fay')];
    const [fay] = users as [TestUser];
    for (const locator of [{ groupId: 'team-standup' }, { groupId: '' }, {}, undefined]) {
      expect(() => fay.agent.join(locator as never), JSON.stringify(locator)).to.throw(TypeError, /GUID/);
    }
    expect(fay.agent.calls).to.deep.equal([]);
  });
});

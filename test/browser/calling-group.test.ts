import { expect } from '@esm-bundle/chai';
import { Features } from '../../src/calling/features/index.js';
import { getIdentifierRawId } from '../../src/common/identifiers.js';
import { type TestUser, callingUser } from '../kit/browser.js';
import { until } from '../kit/wait.js';
import {
  cameraStream,
  disposeAll,
  remote,
  rendersFrames,
  stubMicrophoneWithTone,
  untilAllConnected,
  untilState,
} from './callingHelpers.js';

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

describe('group calls: hands, reactions, spotlight, dominant speakers, capabilities', () => {
  let users: TestUser[] = [];
  let restore: (() => void) | undefined;
  afterEach(async () => {
    await disposeAll(...users);
    users = [];
    restore?.();
    restore = undefined;
  });

  it('works across three participants, a late joiner included', async () => {
    users = await Promise.all(['Alice', 'Bob'].map((name) => callingUser(name)));
    const [alice, bob] = users as [TestUser, TestUser];
    const groupId = crypto.randomUUID();
    // Alice and Bob join muted: only Carol's microphone (a steady tone) is heard.
    const aliceCall = alice.agent.join({ groupId }, { audioOptions: { muted: true } });
    const bobCall = bob.agent.join({ groupId }, { audioOptions: { muted: true } });
    await untilAllConnected([aliceCall, bobCall], 1);
    const aliceHands = aliceCall.feature(Features.RaiseHand);
    const bobHands = bobCall.feature(Features.RaiseHand);
    const raisedAtAlice: string[] = [];
    aliceHands.on('raisedHandEvent', ({ identifier }) => raisedAtAlice.push(getIdentifierRawId(identifier)));

    await bobHands.raiseHand();
    await until(() => raisedAtAlice.length === 1, 'Bob’s hand at Alice');
    expect(raisedAtAlice).to.deep.equal([bob.userId]);
    await aliceHands.raiseHand();
    expect(aliceHands.getRaisedHands().map((h) => getIdentifierRawId(h.identifier))).to.deep.equal([bob.userId, alice.userId]);

    // Carol joins late and sees both hands, in order, at once.
    restore = stubMicrophoneWithTone();
    const carol = await callingUser('Carol');
    users.push(carol);
    const carolCall = carol.agent.join({ groupId });
    await untilAllConnected([aliceCall, bobCall, carolCall], 2);
    restore();
    restore = undefined;
    const carolHands = carolCall.feature(Features.RaiseHand);
    expect(carolHands.getRaisedHands().map((h) => [getIdentifierRawId(h.identifier), h.order])).to.deep.equal([
      [bob.userId, 1],
      [alice.userId, 2],
    ]);
    const loweredAtCarol: string[] = [];
    carolHands.on('loweredHandEvent', ({ identifier }) => loweredAtCarol.push(getIdentifierRawId(identifier)));
    await aliceHands.lowerAllHands();
    await until(() => loweredAtCarol.length === 2, 'both hands lowered at Carol');
    expect(loweredAtCarol.sort()).to.deep.equal([alice.userId, bob.userId].sort());
    expect(bobHands.getRaisedHands()).to.deep.equal([]);

    // Reactions reach everyone else, and not the sender.
    const reactions: Record<string, string[]> = { alice: [], bob: [], carol: [] };
    aliceCall.feature(Features.Reaction).on('reaction', (r) => reactions.alice!.push(r.reactionMessage.reactionType));
    bobCall
      .feature(Features.Reaction)
      .on('reaction', (r) =>
        reactions.bob!.push(`${getIdentifierRawId(r.identifier) === alice.userId ? 'alice' : '?'}:${r.reactionMessage.reactionType}`),
      );
    carolCall.feature(Features.Reaction).on('reaction', (r) => reactions.carol!.push(r.reactionMessage.reactionType));
    await aliceCall.feature(Features.Reaction).sendReaction({ reactionType: 'heart' });
    await until(() => reactions.bob!.length === 1 && reactions.carol!.length === 1, 'the reaction at Bob and Carol');
    expect(reactions).to.deep.equal({ alice: [], bob: ['alice:heart'], carol: ['heart'] });
    let refused: unknown;
    await aliceCall
      .feature(Features.Reaction)
      .sendReaction({ reactionType: 'boo' as never })
      .catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(TypeError);

    // Spotlight: Alice spotlights Carol; Bob sees it; stopping all clears it.
    const bobSpotlight = bobCall.feature(Features.Spotlight);
    const changes: { added: string[]; removed: string[] }[] = [];
    bobSpotlight.on('spotlightChanged', ({ added, removed }) =>
      changes.push({
        added: added.map((p) => getIdentifierRawId(p.identifier)),
        removed: removed.map((p) => getIdentifierRawId(p.identifier)),
      }),
    );
    expect(bobSpotlight.maxParticipantsToSpotlight).to.equal(7);
    await aliceCall.feature(Features.Spotlight).startSpotlight([{ communicationUserId: carol.userId }]);
    await until(() => changes.length === 1, 'the spotlight at Bob');
    expect(changes[0]).to.deep.equal({ added: [carol.userId], removed: [] });
    expect(bobSpotlight.getSpotlightedParticipants().map((p) => getIdentifierRawId(p.identifier))).to.deep.equal([carol.userId]);
    await aliceCall.feature(Features.Spotlight).stopAllSpotlight();
    await until(() => changes.length === 2, 'the spotlight gone at Bob');
    expect(changes[1]).to.deep.equal({ added: [], removed: [carol.userId] });

    // Dominant speakers: Carol, the only one heard, leads at Alice.
    const dominant = aliceCall.feature(Features.DominantSpeakers);
    await until(() => dominant.dominantSpeakers.speakersList[0] !== undefined, 'a dominant speaker at Alice');
    expect(getIdentifierRawId(dominant.dominantSpeakers.speakersList[0]!)).to.equal(carol.userId);

    // Capabilities outside a room: a Presenter, everything present.
    const capabilities = bobCall.feature(Features.Capabilities);
    expect(capabilities.role).to.equal('Presenter');
    expect(capabilities.capabilities.shareScreen).to.deep.equal({ isPresent: true, reason: 'Capable' });
    expect(Object.values(capabilities.capabilities).every((c) => c.isPresent)).to.equal(true);
  });
});

import { expect } from '@esm-bundle/chai';
import type { Call } from '../../src/calling/call.js';
import { type DataChannelMessage, Features } from '../../src/calling/features/index.js';
import { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import { API_VERSIONS } from '../../src/common/apiVersions.js';
import { getIdentifierRawId } from '../../src/common/identifiers.js';
import { createKeyCredentialPipeline } from '../../src/common/keyCredentialClient.js';
import { type TestUser, callingUser, canvasStream, testService } from '../kit/browser.js';
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
    // The tone plays until the test ends (afterEach stops it): Carol keeps speaking.
    await untilAllConnected([aliceCall, bobCall, carolCall], 2);
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

describe('group calls: Features.DataChannel, peer to peer', () => {
  let users: TestUser[] = [];
  afterEach(async () => {
    await disposeAll(...users);
    users = [];
  });

  /** Collects every receiver a call's DataChannel feature creates, by sender name and channel. */
  function receiversOf(call: Call, names: Record<string, string>) {
    const got = new Map<string, { messages: DataChannelMessage[]; closed: boolean }>();
    call.feature(Features.DataChannel).on('dataChannelReceiverCreated', (receiver) => {
      const entry = { messages: [] as DataChannelMessage[], closed: false };
      got.set(`${names[getIdentifierRawId(receiver.senderParticipantIdentifier)]}/${receiver.channelId}`, entry);
      receiver.on('messageReady', () => {
        for (let m = receiver.readMessage(); m; m = receiver.readMessage()) entry.messages.push(m);
      });
      receiver.on('close', () => (entry.closed = true));
    });
    return got;
  }

  it('Durable arrives whole and in order at everyone, late joiners too; Lossy goes only where asked; close closes', async () => {
    users = await Promise.all(['Alice', 'Bob', 'Carol'].map((name) => callingUser(name)));
    const [alice, bob, carol] = users as [TestUser, TestUser, TestUser];
    const names = { [alice.userId]: 'alice', [bob.userId]: 'bob', [carol.userId]: 'carol' };
    const groupId = crypto.randomUUID();
    const calls = users.map((user) => user.agent.join({ groupId }, { audioOptions: { muted: true } }));
    await untilAllConnected(calls, 2);
    const [aliceCall, bobCall, carolCall] = calls as [Call, Call, Call];
    const atBob = receiversOf(bobCall, names);
    const atCarol = receiversOf(carolCall, names);

    const features = aliceCall.feature(Features.DataChannel);
    const durable = features.createDataChannelSender({ channelId: 7, reliability: 'Durable' });
    expect(durable.maxMessageSize).to.equal(32 * 1024);
    const payloads = Array.from({ length: 100 }, (_, i) =>
      Uint8Array.from({ length: i === 99 ? durable.maxMessageSize : (i * 37) % 500 }, (_, j) => (i + j) % 256),
    );
    for (const payload of payloads) await durable.sendMessage(payload);
    for (const [name, at] of [
      ['Bob', atBob],
      ['Carol', atCarol],
    ] as const) {
      await until(() => at.get('alice/7')?.messages.length === 100, `100 Durable messages at ${name}`);
      const messages = at.get('alice/7')!.messages;
      expect(messages.map((m) => m.sequenceNumber)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(messages.every((m, i) => m.data.length === payloads[i]!.length && m.data.every((b, j) => b === payloads[i]![j]))).to.equal(
        true,
      );
    }

    // Lossy, to Bob only: Carol gets no receiver for it.
    const lossy = features.createDataChannelSender({
      channelId: 8,
      reliability: 'Lossy',
      participants: [{ communicationUserId: bob.userId }],
    });
    for (let i = 0; i < 20; i++) await lossy.sendMessage(new Uint8Array([i]));
    await until(() => (atBob.get('alice/8')?.messages.length ?? 0) > 0, 'Lossy messages at Bob');
    const lossyAtBob = atBob.get('alice/8')!.messages;
    expect(lossyAtBob.every((m) => m.data.length === 1 && m.sequenceNumber === m.data[0]! + 1)).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(atCarol.has('alice/8')).to.equal(false);

    // A late joiner gets what the everyone-sender sends after it joined.
    const dave = await callingUser('Dave');
    users.push(dave);
    const daveCall = dave.agent.join({ groupId }, { audioOptions: { muted: true } });
    await untilAllConnected([aliceCall, bobCall, carolCall, daveCall], 3);
    const atDave = receiversOf(daveCall, { ...names, [dave.userId]: 'dave' });
    await durable.sendMessage(new Uint8Array([42]));
    await until(() => atDave.get('alice/7')?.messages.length === 1, 'the message at Dave');
    expect(atDave.get('alice/7')!.messages[0]).to.deep.equal({ sequenceNumber: 101, data: new Uint8Array([42]) });

    // Closing tells the receivers.
    durable.close();
    await until(() => atBob.get('alice/7')!.closed && atCarol.get('alice/7')!.closed && atDave.get('alice/7')!.closed, 'receivers closed');
    let error: unknown;
    await durable.sendMessage(new Uint8Array([1])).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(TypeError);
  });

  it('refuses bad senders and messages with clear errors', async () => {
    users = await Promise.all(['Eve', 'Finn'].map((name) => callingUser(name)));
    const groupId = crypto.randomUUID();
    const calls = users.map((user) => user.agent.join({ groupId }));
    await untilAllConnected(calls, 1);
    const features = calls[0]!.feature(Features.DataChannel);
    const sender = features.createDataChannelSender({ channelId: 1 });
    expect(() => features.createDataChannelSender({ channelId: 1 })).to.throw(TypeError, /close it first/);
    expect(() => features.createDataChannelSender({ channelId: 4096 })).to.throw(RangeError);
    expect(() => features.createDataChannelSender({ reliability: 'Sometimes' as never })).to.throw(TypeError);
    expect(features.createDataChannelSender().channelId, 'the first free id').to.equal(0);
    const errors: unknown[] = [];
    await sender.sendMessage(new Uint8Array(sender.maxMessageSize + 1)).catch((e: unknown) => errors.push(e));
    await sender.sendMessage('text' as never).catch((e: unknown) => errors.push(e));
    expect(errors[0]).to.be.instanceOf(RangeError);
    expect(errors[1]).to.be.instanceOf(TypeError);
  });
});

describe('room calls: callAgent.join({ roomId }) with roles', () => {
  let users: TestUser[] = [];
  afterEach(async () => {
    await disposeAll(...users);
    users = [];
  });

  it('admits the room’s participants with their roles, says why a control is off, and applies a role change at once', async () => {
    users = await Promise.all(['Priya', 'Ana', 'Cole'].map((name) => callingUser(name)));
    const [presenter, attendee, consumer] = users as [TestUser, TestUser, TestUser];
    const { connectionString } = await testService();
    const rooms = createKeyCredentialPipeline(API_VERSIONS.rooms.current, connectionString);
    const { body: room } = await rooms.send<{ id: string }>({
      method: 'POST',
      path: 'rooms',
      body: {
        participants: {
          [presenter.userId]: { role: 'Presenter' },
          [attendee.userId]: { role: 'Attendee' },
          [consumer.userId]: { role: 'Consumer' },
        },
      },
    });
    const calls = users.map((user) => user.agent.join({ roomId: room.id }));
    await untilAllConnected(calls, 2);
    const [presenterCall, attendeeCall, consumerCall] = calls as [Call, Call, Call];
    expect(calls.map((c) => c.role)).to.deep.equal(['Presenter', 'Attendee', 'Consumer']);
    expect(consumerCall.info.roomId).to.equal(room.id);
    await until(() => consumerCall.isMuted, 'the Consumer muted by its role');

    // Capabilities say what each may do and why not; the calls refuse the rest.
    const attendeeCaps = attendeeCall.feature(Features.Capabilities);
    expect(attendeeCaps.capabilities.shareScreen).to.deep.equal({ isPresent: false, reason: 'RoleRestricted' });
    expect(attendeeCaps.capabilities.unmuteMic.isPresent).to.equal(true);
    const consumerCaps = consumerCall.feature(Features.Capabilities).capabilities;
    expect([consumerCaps.unmuteMic.isPresent, consumerCaps.turnVideoOn.isPresent, consumerCaps.raiseHand.isPresent]).to.deep.equal([
      false,
      false,
      true,
    ]);
    const refusals: unknown[] = [];
    await attendeeCall.startScreenSharing(new LocalVideoStream(canvasStream(), 'ScreenSharing')).catch((e: unknown) => refusals.push(e));
    await consumerCall.unmute().catch((e: unknown) => refusals.push(e));
    expect(refusals.map((e) => (e as { code?: string }).code)).to.deep.equal(['RoleRestricted', 'RoleRestricted']);

    // The Attendee, speaking with the camera on, is made a Consumer: muted and camera off at once,
    // and Capabilities says which capabilities went.
    await attendeeCall.startVideo(await cameraStream(attendee));
    const changes: string[][] = [];
    attendeeCaps.on('capabilitiesChanged', ({ newValue, reason }) => changes.push([reason, ...Object.keys(newValue).sort()]));
    await rooms.send({
      method: 'PATCH',
      path: `rooms/${room.id}/participants`,
      body: { participants: { [attendee.userId]: { role: 'Consumer' } } },
    });
    await until(
      () => attendeeCall.role === 'Consumer' && attendeeCall.isMuted && attendeeCall.localVideoStreams.length === 0,
      'the Attendee demoted',
    );
    expect(changes).to.deep.equal([['RoleChanged', 'turnVideoOn', 'unmuteMic']]);
    await until(() => remote(presenterCall, attendee.userId)?.isMuted === true, 'the Presenter sees the demoted Attendee muted');

    // Removed from the room, the participant leaves its call.
    await rooms.send({ method: 'PATCH', path: `rooms/${room.id}/participants`, body: { participants: { [consumer.userId]: null } } });
    await untilState(consumerCall, 'Disconnected');
    expect(consumerCall.callEndReason).to.deep.equal({ code: 0, subCode: 5300 });
  });

  it('refuses someone who is not in the room: the call ends with 403', async () => {
    users = [await callingUser('Stranger')];
    const call = users[0]!.agent.join({ roomId: '12345678901234567' });
    await untilState(call, 'Disconnected');
    expect(call.callEndReason?.code).to.equal(403);
    expect(() => users[0]!.agent.join({ roomId: 'abc' })).to.throw(TypeError, /room/);
  });
});

describe('group calls: what a full mesh costs each sender', () => {
  let users: TestUser[] = [];
  afterEach(async () => {
    await disposeAll(...users);
    users = [];
  });

  /** The camera sender's first encoding on each of a call's links. */
  function cameraEncodings(call: Call): RTCRtpEncodingParameters[] {
    return call.remoteParticipants.map((p) => {
      const pc = call.peerConnectionOf(p)!;
      const camera = pc.getTransceivers().filter((t) => t.sender.track?.kind === 'video' || t.receiver.track.kind === 'video')[0]!;
      return camera.sender.getParameters().encodings[0]!;
    });
  }

  it('lowers each camera’s resolution, bitrate and frame rate as the call grows, on every link', async () => {
    users = await Promise.all(['A', 'B', 'C', 'D'].map((name) => callingUser(name)));
    const groupId = crypto.randomUUID();
    const join = async (user: TestUser) =>
      user.agent.join({ groupId }, { videoOptions: { localVideoStreams: [await cameraStream(user)] } });
    const first = await join(users[0]!);
    const second = await join(users[1]!);
    await untilAllConnected([first, second], 1);
    // 1:1: the browser's own choice, uncapped.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(cameraEncodings(first)[0]!.maxBitrate).to.equal(undefined);
    expect(cameraEncodings(first)[0]!.scaleResolutionDownBy ?? 1).to.equal(1);

    const rest = await Promise.all(users.slice(2).map(join));
    await untilAllConnected([first, second, ...rest], 3);
    for (const call of [first, second, ...rest]) {
      await until(() => cameraEncodings(call).every((e) => e.maxBitrate === 700_000), 'every link at the 4-party step');
      expect(cameraEncodings(call).every((e) => e.scaleResolutionDownBy === 1.5 && e.maxFramerate === 24)).to.equal(true);
    }
    // Back to two: the caps go again.
    await Promise.all(rest.map((call) => call.hangUp()));
    await untilAllConnected([first, second], 1);
    await until(
      () => cameraEncodings(first).every((e) => e.maxBitrate === undefined && (e.scaleResolutionDownBy ?? 1) === 1),
      'uncapped again',
    );
  });
});

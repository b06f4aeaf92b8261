import { expect } from '@esm-bundle/chai';
import type { IncomingCall } from '../../src/calling/incomingCall.js';
import { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import { VideoStreamRenderer } from '../../src/calling/videoStreamRenderer.js';
import { type TestUser, decodedFrames } from '../kit/browser.js';
import { until } from '../kit/wait.js';
import { callingUsersPerTest, remote, untilState } from './callingHelpers.js';

describe('calling: 1:1 in one page', () => {
  const users = callingUsersPerTest('Alice', 'Bob');

  it('reaches Connected on both sides with remote video frames decoding', async () => {
    const [alice, bob] = users as [TestUser, TestUser];
    const incoming = new Promise<IncomingCall>((resolve) => bob.agent.on('incomingCall', ({ incomingCall }) => resolve(incomingCall)));
    const cameras = await (await alice.client.getDeviceManager()).getCameras();
    expect(cameras.length).to.be.greaterThan(0);
    const camera = new LocalVideoStream(cameras[0]!);
    const call = alice.agent.startCall([{ communicationUserId: bob.userId }], { videoOptions: { localVideoStreams: [camera] } });
    expect(call.state).to.equal('Connecting');
    await untilState(call, 'Ringing');
    const ringing = await incoming;
    expect(ringing.callerInfo.displayName).to.equal('Alice');
    const bobCall = await ringing.accept();
    await untilState(call, 'Connected');
    await untilState(bobCall, 'Connected');
    const aliceSeenByBob = remote(bobCall, alice.userId)!;
    expect(aliceSeenByBob.state).to.equal('Connected');
    expect(aliceSeenByBob.displayName).to.equal('Alice');
    expect(remote(call, bob.userId)!.state).to.equal('Connected');
    await until(() => aliceSeenByBob.videoStreams[0]!.isAvailable, 'Alice video available to Bob');
    const view = await new VideoStreamRenderer(aliceSeenByBob.videoStreams[0]!).createView();
    document.body.append(view.target);
    await decodedFrames(view.videoElement);
    view.dispose();
    await call.hangUp();
    await untilState(bobCall, 'Disconnected');
    expect(bobCall.callEndReason?.code).to.equal(0);
  });
});

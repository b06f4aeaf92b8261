import { expect } from '@open-wc/testing';
import type { CallState } from '../../src/calling/call.js';
import type { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import { CallSessionController, type CallSessionEvents } from '../../src/ui/controllers/callSessionController.js';
import { FakeCall, FakeCallAgent, FakeDeviceManager, FakeIncomingCall } from './callingFakes.js';
import { stopCanvasStreams } from '../kit/browser.js';

/** A session wired to fakes, recording what it emits. */
function session() {
  const agent = new FakeCallAgent();
  const devices = new FakeDeviceManager();
  const controller = new CallSessionController();
  controller.agent = agent.asReal;
  controller.deviceManager = devices.asReal;
  const events: { name: keyof CallSessionEvents; state?: CallState }[] = [];
  controller.on('callChanged', () => events.push({ name: 'callChanged' }));
  controller.on('stateChanged', ({ state }) => events.push({ name: 'stateChanged', state }));
  controller.on('callEnded', () => events.push({ name: 'callEnded' }));
  return { agent, devices, controller, events };
}

/** Records whether `stream` was disposed (its camera closed). */
function watchDispose(stream: LocalVideoStream): { disposed: boolean } {
  const seen = { disposed: false };
  const dispose = stream.dispose.bind(stream);
  stream.dispose = () => {
    seen.disposed = true;
    dispose();
  };
  return seen;
}

const BOB = { communicationUserId: '8:acs:test_bob' };
const CAROL = { communicationUserId: '8:acs:test_carol' };

describe('CallSessionController: the calling policy of <acs-call>, without the DOM', () => {
  afterEach(() => stopCanvasStreams());

  it('starts a call with the chosen media and shows it; says whom it is with', async () => {
    const { agent, controller, events } = session();
    const call = await controller.startCall([BOB, { phoneNumber: '+14255550123' }], { video: true, muted: true });
    const started = agent.started[0]!;
    expect(started.targets).to.deep.equal([BOB, { phoneNumber: '+14255550123' }]);
    expect(started.options.audioOptions).to.deep.equal({ muted: true });
    expect(started.options.videoOptions?.localVideoStreams?.[0]?.source?.id, 'the first camera').to.equal('cam-1');
    expect(controller.call).to.equal(call);
    expect(controller.isActive).to.equal(true);
    expect(controller.remoteLabel).to.equal('8:acs:test_bob, +14255550123');
    expect(controller.lastTargets).to.deep.equal([BOB, { phoneNumber: '+14255550123' }]);
    expect(events).to.deep.equal([{ name: 'callChanged' }]);
  });

  it('joins a group call with the chosen media, remembers the group to rejoin, and forgets it on a 1:1 call', async () => {
    const { agent, controller } = session();
    const first = await controller.startCall([BOB]);
    const groupId = '3f2a6b1e-9c4d-4e8f-a1b2-c3d4e5f60718';
    const call = await controller.join({ groupId }, { video: true, muted: true });
    expect(first.state, 'the running call was left first').to.equal('Disconnected');
    const joined = agent.joined[0]!;
    expect(joined.locator).to.deep.equal({ groupId });
    expect(joined.options.audioOptions).to.deep.equal({ muted: true });
    expect(joined.options.videoOptions?.localVideoStreams).to.have.length(1);
    expect(controller.call).to.equal(call);
    expect(controller.lastLocator).to.deep.equal({ groupId });
    expect(controller.lastTargets).to.deep.equal([]);
    await controller.startCall([BOB]);
    expect(controller.lastLocator).to.equal(undefined);
  });

  it('hangs up the running call before starting another, and closes its camera', async () => {
    const { agent, controller } = session();
    await controller.startCall([BOB], { video: true });
    const first = agent.started[0]!.call;
    const camera = watchDispose(first.localVideoStreams[0]!);
    await controller.startCall([CAROL]);
    expect(first.actions).to.deep.equal(['hangUp']);
    expect(first.state).to.equal('Disconnected');
    expect(camera.disposed, 'the first call’s camera').to.equal(true);
    expect(controller.call).to.equal(agent.started[1]!.call.asReal);
  });

  it('when the shown call ends: state change, cameras released, then ended (a screen share is the call’s)', async () => {
    const { agent, controller, events } = session();
    await controller.startCall([BOB], { video: true });
    const call = agent.started[0]!.call;
    const camera = watchDispose(call.localVideoStreams[0]!);
    await call.startScreenSharing();
    const screen = watchDispose(call.localVideoStreams[1]!);
    events.length = 0;
    call.setState('Disconnected', { code: 0, subCode: 0 });
    expect(events).to.deep.equal([{ name: 'stateChanged', state: 'Disconnected' }, { name: 'callEnded' }]);
    expect(camera.disposed).to.equal(true);
    expect(screen.disposed, 'not a camera').to.equal(false);
    expect(controller.isActive).to.equal(false);
    expect(controller.call, 'the ended call stays shown').to.equal(call.asReal);
  });

  it('answers a ringing call after leaving the running one, named by the caller', async () => {
    const { agent, controller } = session();
    await controller.startCall([BOB]);
    const running = agent.started[0]!.call;
    const incoming = new FakeIncomingCall('Carol');
    const call = await controller.accept(incoming.asReal, { video: false, muted: true });
    expect(running.state).to.equal('Disconnected');
    expect(incoming.acceptedWith).to.deep.equal({ videoOptions: { localVideoStreams: [] }, audioOptions: { muted: true } });
    expect(call).to.equal(incoming.call.asReal);
    expect(controller.remoteLabel).to.equal('Carol');
    expect(controller.lastTargets).to.deep.equal([incoming.callerInfo.identifier]);
  });

  it('shows a call started through the agent unless one is already shown', async () => {
    const { agent, controller } = session();
    const direct = new FakeCall();
    controller.handleCallsUpdated({ added: [direct.asReal] });
    expect(controller.call).to.equal(direct.asReal);
    const another = new FakeCall();
    controller.handleCallsUpdated({ added: [another.asReal] });
    expect(controller.call, 'one call at a time').to.equal(direct.asReal);
    expect(agent.started).to.deep.equal([]);
  });

  it('shows the call an agent is already in when it is given that agent', () => {
    const agent = new FakeCallAgent();
    const running = new FakeCall();
    const ended = new FakeCall();
    ended.setState('Disconnected', { code: 0, subCode: 0 });
    agent.calls = [ended.asReal, running.asReal];
    const controller = new CallSessionController();
    controller.agent = agent.asReal;
    expect(controller.call).to.equal(running.asReal);
  });

  it('refuses to start without an agent or without anyone to call', async () => {
    const { controller } = session();
    const error = await controller.startCall([]).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TypeError);
    controller.agent = undefined;
    expect(await controller.startCall([BOB]).catch((e: unknown) => e)).to.be.instanceOf(Error);
  });

  it('dispose hangs up and closes the cameras', async () => {
    const { agent, controller } = session();
    await controller.startCall([BOB], { video: true });
    const call = agent.started[0]!.call;
    const camera = watchDispose(call.localVideoStreams[0]!);
    await controller.dispose();
    expect(call.actions).to.deep.equal(['hangUp']);
    expect(camera.disposed).to.equal(true);
    expect(call.listenerCount('stateChanged'), 'no longer follows the call').to.equal(0);
  });
});

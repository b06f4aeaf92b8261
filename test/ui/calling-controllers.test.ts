import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { CallAgentController } from '../../src/ui/controllers/callAgentController.js';
import { CallController } from '../../src/ui/controllers/callController.js';
import { DeviceController } from '../../src/ui/controllers/deviceController.js';
import type { IncomingCall } from '../../src/calling/incomingCall.js';
import type { CallEvents } from '../../src/calling/call.js';
import { CallEndReasons } from '../../src/calling/callingProtocol.js';
import { FakeCall, FakeCallAgent, FakeDeviceManager, FakeIncomingCall, FakeParticipant } from './callingFakes.js';
import { until } from '../kit/wait.js';

/** A host that counts its updates and records what its controllers report. */
class ControllerHost extends LitElement {
  updates = 0;
  readonly callEvents: (keyof CallEvents)[] = [];
  readonly rings: IncomingCall[] = [];
  readonly call = new CallController(this, { watchParticipants: true, onCallEvent: (event) => this.callEvents.push(event) });
  readonly agent = new CallAgentController(this, { onIncomingCall: (incoming) => this.rings.push(incoming) });
  readonly devices = new DeviceController(this);

  override updated(): void {
    this.updates++;
  }
}
customElements.define('test-calling-controller-host', ControllerHost);

async function settled(host: ControllerHost): Promise<number> {
  await host.updateComplete;
  return host.updates;
}

describe('calling controllers', () => {
  it('CallController updates the host on call and participant events and unsubscribes on disconnect', async () => {
    const host = await fixture<ControllerHost>(html`<test-calling-controller-host></test-calling-controller-host>`);
    const bo = new FakeParticipant('Bo');
    const call = new FakeCall([bo]);
    host.call.call = call.asReal;
    let before = await settled(host);
    call.setState('LocalHold');
    expect(await settled(host)).to.be.greaterThan(before);
    expect(host.callEvents).to.deep.equal(['stateChanged']);
    for (const change of [
      () => bo.setMuted(true),
      () => bo.setSpeaking(true),
      () => bo.camera.setAvailable(undefined),
      () => bo.setDisplayName('B'),
    ]) {
      before = await settled(host);
      change();
      expect(await settled(host), 'a participant event updates the host').to.be.greaterThan(before);
    }
    const cy = new FakeParticipant('Cy');
    call.add(cy);
    expect(cy.listenerCount('isMutedChanged'), 'a joining participant is followed').to.equal(1);
    call.remove(bo);
    expect(bo.listenerCount('isMutedChanged'), 'a leaving participant is let go').to.equal(0);
    host.remove();
    expect(call.listenerCount('stateChanged')).to.equal(0);
    expect(cy.listenerCount('isMutedChanged')).to.equal(0);
    expect(cy.camera.listenerCount('isAvailableChanged')).to.equal(0);
  });

  it('CallController follows a new call in place of the old one', async () => {
    const host = await fixture<ControllerHost>(html`<test-calling-controller-host></test-calling-controller-host>`);
    const first = new FakeCall();
    const second = new FakeCall();
    host.call.call = first.asReal;
    host.call.call = second.asReal;
    expect(first.listenerCount('stateChanged')).to.equal(0);
    expect(second.listenerCount('stateChanged')).to.equal(1);
  });

  it('CallAgentController lists calls ringing until they stop, and forgets answered ones', async () => {
    const host = await fixture<ControllerHost>(html`<test-calling-controller-host></test-calling-controller-host>`);
    const agent = new FakeCallAgent();
    host.agent.agent = agent.asReal;
    const first = new FakeIncomingCall('Ann');
    const second = new FakeIncomingCall('Bo');
    agent.ring(first);
    agent.ring(second);
    expect(host.agent.incomingCalls).to.deep.equal([first.asReal, second.asReal]);
    expect(host.rings).to.have.length(2);
    first.stopRinging(CallEndReasons.cancelled);
    expect(host.agent.incomingCalls).to.deep.equal([second.asReal]);
    host.agent.forget(second.asReal);
    expect(host.agent.incomingCalls).to.deep.equal([]);
    expect(second.listenerCount('callEnded')).to.equal(0);
    host.remove();
    expect(agent.listenerCount('incomingCall')).to.equal(0);
    expect(agent.listenerCount('callsUpdated')).to.equal(0);
  });

  it('DeviceController lists devices, lists again when they change, and lets go on disconnect', async () => {
    const host = await fixture<ControllerHost>(html`<test-calling-controller-host></test-calling-controller-host>`);
    const devices = new FakeDeviceManager();
    host.devices.deviceManager = devices.asReal;
    await until(() => host.devices.loaded, 'the first listing');
    expect(host.devices.microphones.map((m) => m.id)).to.deep.equal(['mic-1', 'mic-2']);
    expect(host.devices.speakers.map((m) => m.id)).to.deep.equal(['spk-1']);
    devices.plugIn({ id: 'mic-3', name: 'USB', deviceType: 'Microphone', isSystemDefault: false });
    await until(() => host.devices.microphones.length === 3, 'the new microphone');
    const before = await settled(host);
    await devices.selectMicrophone(devices.microphones[2]!);
    expect(await settled(host)).to.be.greaterThan(before);
    expect(host.devices.selectedMicrophone?.id).to.equal('mic-3');
    host.remove();
    expect(devices.listenerCount('audioDevicesUpdated')).to.equal(0);
    expect(devices.listenerCount('selectedMicrophoneChanged')).to.equal(0);
  });
});

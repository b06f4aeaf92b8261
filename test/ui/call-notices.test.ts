import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/call/call.js';
import type { AcsCall } from '../../src/ui/call/call.js';
import { FakeCallAgent, FakeIncomingCall, part } from './callingFakes.js';
import { until } from '../kit/wait.js';

function prompt(el: AcsCall): Element | null {
  return el.shadowRoot!.querySelector('acs-incoming-call');
}

describe('acs-call: what happened to a call that rang here', () => {
  it('says "Answered on another device" when another tab of the same user answers', async () => {
    const agent = new FakeCallAgent();
    const el = await fixture<AcsCall>(html`<acs-call .callAgent=${agent.asReal}></acs-call>`);
    const ring = new FakeIncomingCall('Ann Lee');
    agent.ring(ring);
    await until(() => prompt(el) !== null, 'the prompt');
    ring.stopRinging({ code: 0, subCode: 10003 });
    await until(() => prompt(el) === null, 'the prompt gone');
    await el.updateComplete;
    const notice = part(el, 'notice')!;
    expect(notice.getAttribute('role')).to.equal('status');
    expect(notice.textContent).to.equal('Answered on another device');
  });

  it('says whose call was missed when the caller gives up or nobody answers, and forgets it with the next call', async () => {
    const agent = new FakeCallAgent();
    const el = await fixture<AcsCall>(html`<acs-call .callAgent=${agent.asReal}></acs-call>`);
    const ring = new FakeIncomingCall('Bo');
    agent.ring(ring);
    await until(() => prompt(el) !== null, 'the prompt');
    ring.stopRinging({ code: 487, subCode: 0 });
    await until(() => part(el, 'notice')?.textContent === 'Missed call from Bo', 'the missed call');
    el.strings = { missedCall: 'Appel manqué de {name}' };
    const again = new FakeIncomingCall();
    agent.ring(again);
    await until(() => prompt(el) !== null, 'the second prompt');
    again.stopRinging({ code: 480, subCode: 10004 });
    await until(() => part(el, 'notice')?.textContent === 'Appel manqué de someone', 'the second missed call');
    await el.startCall('8:acs:fake_target');
    await until(() => el.screen === 'in-call', 'in a call');
    await el.updateComplete;
    // Back on the setup screen later, the old notice is gone.
    await el.hangUp();
    el.newCall();
    await el.updateComplete;
    expect(part(el, 'notice')?.textContent ?? '').to.equal('');
  });

  it('says nothing when the call was answered or declined here', async () => {
    const agent = new FakeCallAgent();
    const el = await fixture<AcsCall>(html`<acs-call .callAgent=${agent.asReal}></acs-call>`);
    const ring = new FakeIncomingCall('Cy');
    agent.ring(ring);
    await until(() => prompt(el) !== null, 'the prompt');
    await el.declineIncomingCall();
    await until(() => prompt(el) === null, 'the prompt gone');
    await el.updateComplete;
    expect(part(el, 'notice')!.textContent).to.equal('');
  });
});

describe('acs-call: calling a phone number', () => {
  it('says up front that a phone number needs a number to call from, and starts nothing', async () => {
    const agent = new FakeCallAgent();
    const el = await fixture<AcsCall>(html`<acs-call .callAgent=${agent.asReal}></acs-call>`);
    let error: unknown;
    await el.startCall('+14255550123').catch((e: unknown) => (error = e));
    expect((error as Error).message).to.match(/needs a number of yours to call from/);
    expect(agent.started).to.deep.equal([]);
  });

  it('calls from alternate-caller-id', async () => {
    const agent = new FakeCallAgent();
    const el = await fixture<AcsCall>(html`<acs-call .callAgent=${agent.asReal} alternate-caller-id="+12905550100"></acs-call>`);
    await el.startCall('+14255550123');
    expect(agent.started[0]!.options.alternateCallerId).to.deep.equal({ phoneNumber: '+12905550100' });
    // Calling a user sends no caller id.
    await el.hangUp();
    await el.startCall('8:acs:someone');
    expect(agent.started[1]!.options.alternateCallerId).to.equal(undefined);
  });
});

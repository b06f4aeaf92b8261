import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/call-status/call-status.js';
import { type AcsCallStatus, callStatusStrings, callStatusText } from '../../src/ui/call-status/call-status.js';
import { CallEndReasons } from '../../src/calling/callingProtocol.js';
import { FakeCall, FakeParticipant, part } from './callingFakes.js';
import { themedFixture } from '../kit/ui.js';

describe('acs-call-status', () => {
  it('puts each call state in words', () => {
    const words = (state: Parameters<typeof callStatusText>[0]) => callStatusText(state, undefined, callStatusStrings);
    expect(words('Connecting')).to.equal('Connecting…');
    expect(words('Ringing')).to.equal('Ringing…');
    expect(words('Connected')).to.equal('Connected');
    expect(words('LocalHold')).to.equal('On hold');
    expect(words('Disconnecting')).to.equal('Ending the call…');
    expect(words('None')).to.equal('Not in a call');
  });

  it('puts each end reason in words, by code and sub-code', () => {
    const ended = (reason: { code: number; subCode: number }, name?: string) =>
      callStatusText('Disconnected', reason, callStatusStrings, name);
    expect(ended(CallEndReasons.normal)).to.equal('Call ended');
    expect(ended(CallEndReasons.declined)).to.equal('Call declined');
    expect(ended(CallEndReasons.cancelled)).to.equal('Call cancelled');
    expect(ended(CallEndReasons.noAnswer)).to.equal('No answer');
    expect(ended({ code: 480, subCode: 0 })).to.equal('No answer');
    expect(ended(CallEndReasons.unreachable, 'Ann')).to.equal('Could not reach Ann');
    expect(ended(CallEndReasons.unreachable)).to.equal('Could not reach the person you called');
    expect(ended(CallEndReasons.failed)).to.equal('Call failed: the connection was lost');
    expect(ended(CallEndReasons.acceptedElsewhere)).to.equal('Answered on another device');
    expect(ended(CallEndReasons.connectTimedOut, 'Ann')).to.equal('Call failed: no connection to Ann could be made');
    expect(ended(CallEndReasons.connectTimedOut)).to.equal('Call failed: no connection could be made');
    expect(ended({ code: 403, subCode: 0 })).to.equal('Call failed (code 403)');
  });

  it('follows a call, remembering who was in it for the words after the end', async () => {
    const call = new FakeCall([new FakeParticipant('Ann', 'Ringing')]);
    call.state = 'Ringing';
    const el = await fixture<AcsCallStatus>(html`<acs-call-status .call=${call.asReal}></acs-call-status>`);
    const base = part(el, 'base')!;
    expect(base.getAttribute('role')).to.equal('status');
    expect(base.textContent!.trim()).to.equal('Ringing…');
    expect(base.dataset.phase).to.equal('pending');
    call.setState('Connected');
    await el.updateComplete;
    expect(base.textContent!.trim()).to.equal('Connected');
    expect(base.dataset.phase).to.equal('connected');
    call.remove(call.remoteParticipants[0]!);
    call.setState('Disconnected', CallEndReasons.unreachable);
    await el.updateComplete;
    expect(el.text).to.equal('Could not reach Ann');
    expect(base.dataset.phase).to.equal('ended');
  });

  it('shows a state and reason given as properties, with the given name and strings', async () => {
    const el = await fixture<AcsCallStatus>(
      html`<acs-call-status
        state="Disconnected"
        remote-name="+14255550123"
        .callEndReason=${CallEndReasons.unreachable}
        .strings=${{ statusUnreachable: 'Impossible de joindre {name}' }}
      ></acs-call-status>`,
    );
    expect(el.text).to.equal('Impossible de joindre +14255550123');
    el.state = 'Ringing';
    await el.updateComplete;
    expect(part(el, 'text')!.textContent).to.equal('Ringing…');
  });

  it('stops listening when it leaves the page', async () => {
    const call = new FakeCall();
    const el = await fixture<AcsCallStatus>(html`<acs-call-status .call=${call.asReal}></acs-call-status>`);
    expect(call.listenerCount('stateChanged')).to.equal(1);
    el.remove();
    expect(call.listenerCount('stateChanged')).to.equal(0);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible in the ${theme} theme`, async () => {
      const el = await themedFixture<AcsCallStatus>(html`<acs-call-status state="Connected"></acs-call-status>`, theme);
      await expect(el).to.be.accessible();
    });
  }
});

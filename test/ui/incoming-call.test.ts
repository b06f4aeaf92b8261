import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/incoming-call/incoming-call.js';
import type { AcsIncomingCall } from '../../src/ui/incoming-call/incoming-call.js';
import { CallEndReasons } from '../../src/calling/callingProtocol.js';
import { FakeIncomingCall, part } from './callingFakes.js';
import { nextEvent } from './events.js';
import { themedFixture } from '../kit/ui.js';

function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

describe('acs-incoming-call', () => {
  it('is an alertdialog naming the caller, and takes focus when it appears', async () => {
    const ring = new FakeIncomingCall('Ann Lee');
    const el = await fixture<AcsIncomingCall>(html`<acs-incoming-call .incomingCall=${ring.asReal}></acs-incoming-call>`);
    const base = part(el, 'base')!;
    expect(base.getAttribute('role')).to.equal('alertdialog');
    expect(el.shadowRoot!.getElementById(base.getAttribute('aria-labelledby')!)!.textContent).to.equal('Incoming call');
    expect(el.shadowRoot!.getElementById(base.getAttribute('aria-describedby')!)!.textContent).to.equal('Ann Lee is calling');
    expect(deepActiveElement()).to.equal(part(el, 'accept-audio'));
  });

  it('emits acs-call-accepted with or without video, and acs-call-declined', async () => {
    const ring = new FakeIncomingCall('Ann');
    const el = await fixture<AcsIncomingCall>(html`<acs-incoming-call .incomingCall=${ring.asReal}></acs-incoming-call>`);
    setTimeout(() => part(el, 'accept-video')!.click());
    let accepted = await nextEvent(el, 'acs-call-accepted');
    expect(accepted.detail).to.deep.equal({ incomingCall: ring.asReal, withVideo: true });
    expect(accepted.composed).to.equal(true);
    setTimeout(() => part(el, 'accept-audio')!.click());
    accepted = await nextEvent(el, 'acs-call-accepted');
    expect(accepted.detail.withVideo).to.equal(false);
    setTimeout(() => part(el, 'decline')!.click());
    const declined = await nextEvent(el, 'acs-call-declined');
    expect(declined.detail.incomingCall).to.equal(ring.asReal);
  });

  it('shows nothing once the call stops ringing', async () => {
    const ring = new FakeIncomingCall('Ann');
    const el = await fixture<AcsIncomingCall>(html`<acs-incoming-call .incomingCall=${ring.asReal}></acs-incoming-call>`);
    ring.stopRinging(CallEndReasons.cancelled);
    await el.updateComplete;
    expect(part(el, 'base')).to.equal(null);
  });

  it('names an unnamed caller with the fallback, hides video on request, and takes strings', async () => {
    const ring = new FakeIncomingCall();
    const el = await fixture<AcsIncomingCall>(
      html`<acs-incoming-call
        no-video
        .incomingCall=${ring.asReal}
        .strings=${{ incomingCallFrom: 'Appel de {name}', unknownCaller: 'Inconnu' }}
      ></acs-incoming-call>`,
    );
    expect(part(el, 'description')!.textContent).to.equal('Appel de Inconnu');
    expect(part(el, 'accept-video')).to.equal(null);
  });

  it('stops listening to the call when it leaves the page', async () => {
    const ring = new FakeIncomingCall('Ann');
    const el = await fixture<AcsIncomingCall>(html`<acs-incoming-call .incomingCall=${ring.asReal}></acs-incoming-call>`);
    expect(ring.listenerCount('callEnded')).to.equal(1);
    el.remove();
    expect(ring.listenerCount('callEnded')).to.equal(0);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible in the ${theme} theme`, async () => {
      const ring = new FakeIncomingCall('Ann');
      const el = await themedFixture<AcsIncomingCall>(html`<acs-incoming-call .incomingCall=${ring.asReal}></acs-incoming-call>`, theme);
      await expect(el).to.be.accessible();
    });
  }
});

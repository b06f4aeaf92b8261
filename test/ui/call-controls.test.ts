import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/call-controls/call-controls.js';
import type { AcsCallControls } from '../../src/ui/call-controls/call-controls.js';
import type { AcsEventName } from '../../src/ui/shared/events.js';
import { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import { FakeCall, FakeDeviceManager, part } from './callingFakes.js';
import { nextEvent } from './events.js';
import { themedFixture } from '../kit/ui.js';
import { until } from '../kit/wait.js';
import { canvasStream, stopCanvasStreams } from '../kit/browser.js';

function button(el: AcsCallControls, name: string): HTMLButtonElement {
  return part<HTMLButtonElement>(el, name)!;
}

describe('acs-call-controls', () => {
  afterEach(() => stopCanvasStreams());

  it('shows labelled buttons in a toolbar, toggles with aria-pressed', async () => {
    const el = await fixture<AcsCallControls>(html`<acs-call-controls muted camera-on></acs-call-controls>`);
    expect(part(el, 'base')!.getAttribute('role')).to.equal('toolbar');
    const labels = [...el.shadowRoot!.querySelectorAll('[part="label"]')].map((l) => l.textContent);
    // Each toggle's words say what a press does: muted → "Unmute", camera on → "Turn camera off".
    expect(labels).to.include.members(['Unmute', 'Turn camera off', 'Devices', 'People', 'Leave']);
    expect(button(el, 'microphone').getAttribute('aria-pressed')).to.equal('false');
    expect(button(el, 'camera').getAttribute('aria-pressed')).to.equal('true');
    expect(button(el, 'hang-up').hasAttribute('aria-pressed')).to.equal(false);
  });

  it('emits each button’s event with the state asked for, and follows it without a call', async () => {
    const el = await fixture<AcsCallControls>(html`<acs-call-controls></acs-call-controls>`);
    const cases: [string, AcsEventName, unknown][] = [
      ['microphone', 'acs-microphone-toggle', { muted: true }],
      ['camera', 'acs-camera-toggle', { on: true }],
      ['devices', 'acs-devices-toggle', { open: true }],
      ['participants', 'acs-participants-toggle', { open: true }],
      ['hang-up', 'acs-hang-up', {}],
    ];
    for (const [name, event, detail] of cases) {
      setTimeout(() => button(el, name).click());
      const fired = await nextEvent(el, event);
      expect(fired.detail, event).to.deep.equal(detail);
      expect(fired.bubbles && fired.composed, `${event} bubbles out of shadow roots`).to.equal(true);
    }
    await el.updateComplete;
    expect(el.muted).to.equal(true);
    expect(el.cameraOn).to.equal(true);
    expect(el.devicesOpen).to.equal(true);
    expect(button(el, 'participants').getAttribute('aria-pressed')).to.equal('true');
  });

  it('does not change state when a listener prevents the event', async () => {
    const el = await fixture<AcsCallControls>(html`<acs-call-controls></acs-call-controls>`);
    el.addEventListener('acs-microphone-toggle', (e) => e.preventDefault());
    el.addEventListener('acs-devices-toggle', (e) => e.preventDefault());
    button(el, 'microphone').click();
    button(el, 'devices').click();
    await el.updateComplete;
    expect(el.muted).to.equal(false);
    expect(el.devicesOpen).to.equal(false);
  });

  it('acts on a given call: mute, video, screen share, hang up; and shows the call’s state', async () => {
    const call = new FakeCall();
    const devices = new FakeDeviceManager();
    devices.cameras = [];
    const el = await fixture<AcsCallControls>(html`<acs-call-controls .call=${call.asReal}></acs-call-controls>`);
    button(el, 'microphone').click();
    await until(() => call.isMuted, 'the call muted');
    await el.updateComplete;
    expect(button(el, 'microphone').getAttribute('aria-pressed')).to.equal('false');
    expect(button(el, 'microphone').textContent?.trim()).to.equal('Unmute');
    // Unmuted elsewhere (the call's own event): the button follows.
    await call.unmute();
    await el.updateComplete;
    expect(button(el, 'microphone').getAttribute('aria-pressed')).to.equal('true');
    expect(button(el, 'microphone').textContent?.trim()).to.equal('Mute');

    // Camera: turned on with the given camera, off again (the stream is closed).
    el.camera = { id: 'x', name: 'Canvas', deviceType: 'Virtual' };
    const started = new LocalVideoStream(canvasStream());
    call.startVideo = async (stream) => {
      call.actions.push('startVideo');
      expect(stream.source?.id).to.equal('x');
      await FakeCall.prototype.startVideo.call(call, started);
    };
    button(el, 'camera').click();
    await until(() => call.actions.includes('startVideo'), 'video started');
    await el.updateComplete;
    expect(button(el, 'camera').getAttribute('aria-pressed')).to.equal('true');
    expect(button(el, 'camera').textContent?.trim()).to.equal('Turn camera off');
    await until(() => !button(el, 'camera').hasAttribute('aria-disabled'), 'the camera button ready again');
    button(el, 'camera').click();
    await until(() => call.actions.includes('stopVideo'), 'video stopped');
    await el.updateComplete;
    expect(button(el, 'camera').getAttribute('aria-pressed')).to.equal('false');
    expect(button(el, 'camera').textContent?.trim()).to.equal('Turn camera on');

    button(el, 'screen-share').click();
    await until(() => call.isScreenSharingOn, 'screen shared');
    await el.updateComplete;
    expect(button(el, 'screen-share').getAttribute('aria-pressed')).to.equal('true');
    expect(button(el, 'screen-share').textContent?.trim()).to.equal('Stop sharing');

    button(el, 'hang-up').click();
    await until(() => call.state === 'Disconnected', 'hung up');
  });

  it('reports a camera that cannot be found as acs-error', async () => {
    const call = new FakeCall();
    const devices = new FakeDeviceManager();
    devices.cameras = [];
    const el = await fixture<AcsCallControls>(
      html`<acs-call-controls .call=${call.asReal} .deviceManager=${devices.asReal}></acs-call-controls>`,
    );
    setTimeout(() => button(el, 'camera').click());
    const { detail } = await nextEvent(el, 'acs-error');
    expect(detail.error).to.be.instanceOf(Error);
    expect((detail.error as Error).message).to.equal('No camera was found.');
    expect(call.actions).to.deep.equal([]);
  });

  it('leaves the call alone when a listener prevents the event', async () => {
    const call = new FakeCall();
    const el = await fixture<AcsCallControls>(html`<acs-call-controls .call=${call.asReal}></acs-call-controls>`);
    el.addEventListener('acs-hang-up', (e) => e.preventDefault());
    el.addEventListener('acs-microphone-toggle', (e) => e.preventDefault());
    button(el, 'hang-up').click();
    button(el, 'microphone').click();
    await el.updateComplete;
    expect(call.actions).to.deep.equal([]);
  });

  it('moves focus between buttons with arrow keys, Home and End', async () => {
    const el = await fixture<AcsCallControls>(html`<acs-call-controls no-screen-share></acs-call-controls>`);
    const key = (k: string) =>
      el.shadowRoot!.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true }));
    button(el, 'microphone').focus();
    key('ArrowRight');
    expect(el.shadowRoot!.activeElement).to.equal(button(el, 'camera'));
    key('End');
    expect(el.shadowRoot!.activeElement).to.equal(button(el, 'hang-up'));
    key('ArrowRight');
    expect(el.shadowRoot!.activeElement).to.equal(button(el, 'microphone'));
    key('ArrowLeft');
    expect(el.shadowRoot!.activeElement).to.equal(button(el, 'hang-up'));
    key('Home');
    expect(el.shadowRoot!.activeElement).to.equal(button(el, 'microphone'));
  });

  it('hides buttons on request and takes overriding strings', async () => {
    const el = await fixture<AcsCallControls>(
      html`<acs-call-controls no-devices no-participants no-screen-share .strings=${{ hangUp: 'Raccrocher' }}></acs-call-controls>`,
    );
    expect(part(el, 'devices')).to.equal(null);
    expect(part(el, 'participants')).to.equal(null);
    expect(part(el, 'screen-share')).to.equal(null);
    expect(button(el, 'hang-up').textContent!.trim()).to.equal('Raccrocher');
  });

  it('stops listening to the call when it leaves the page', async () => {
    const call = new FakeCall();
    const el = await fixture<AcsCallControls>(html`<acs-call-controls .call=${call.asReal}></acs-call-controls>`);
    expect(call.listenerCount('isMutedChanged')).to.equal(1);
    el.remove();
    expect(call.listenerCount('isMutedChanged')).to.equal(0);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible in the ${theme} theme`, async () => {
      const el = await themedFixture<AcsCallControls>(html`<acs-call-controls muted participants-open></acs-call-controls>`, theme);
      await expect(el).to.be.accessible();
    });
  }
});

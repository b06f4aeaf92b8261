import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/device-setup/device-setup.js';
import type { AcsDeviceSetup } from '../../src/ui/device-setup/device-setup.js';
import { CallClient } from '../../src/calling/callClient.js';
import type { DeviceManager } from '../../src/calling/deviceManager.js';
import { FakeDeviceManager, part } from './callingFakes.js';
import { nextEvent } from './events.js';
import { decodedFrames } from '../kit/browser.js';
import { themedFixture } from '../kit/ui.js';
import { until } from '../kit/wait.js';

function options(el: AcsDeviceSetup, select: string): string[] {
  return [...part<HTMLSelectElement>(el, select)!.options].map((o) => o.textContent!);
}

/** Makes navigator.permissions answer `state` for the camera and microphone; returns the undo. */
function stubPermissions(state: PermissionState): () => void {
  const permissions = navigator.permissions;
  const original = permissions.query;
  permissions.query = async () => ({ state, addEventListener() {}, removeEventListener() {} }) as unknown as PermissionStatus;
  return () => {
    permissions.query = original;
  };
}

describe('acs-device-setup', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  it('lists cameras, microphones and speakers in labelled selects', async () => {
    const devices = new FakeDeviceManager();
    const el = await fixture<AcsDeviceSetup>(html`<acs-device-setup .deviceManager=${devices.asReal}></acs-device-setup>`);
    await until(() => options(el, 'camera-select').length === 1, 'the cameras listed');
    expect(options(el, 'camera-select')).to.deep.equal(['Front camera']);
    expect(options(el, 'microphone-select')).to.deep.equal(['Built-in microphone', 'Headset microphone']);
    expect(options(el, 'speaker-select')).to.deep.equal(['Speakers']);
    const label = el.shadowRoot!.querySelector('label[for="microphone"]')!;
    expect(label.textContent).to.equal('Choose a microphone');
    expect(el.camera?.id).to.equal('cam-1');
  });

  it('shows no speaker select where the browser cannot choose one', async () => {
    const devices = new FakeDeviceManager();
    devices.isSpeakerSelectionAvailable = false;
    const el = await fixture<AcsDeviceSetup>(html`<acs-device-setup .deviceManager=${devices.asReal}></acs-device-setup>`);
    await until(() => options(el, 'microphone-select').length === 2, 'the microphones listed');
    expect(part(el, 'speaker-select')).to.equal(null);
  });

  it('selects the microphone in the device manager and emits acs-devices-change', async () => {
    const devices = new FakeDeviceManager();
    const el = await fixture<AcsDeviceSetup>(html`<acs-device-setup .deviceManager=${devices.asReal}></acs-device-setup>`);
    await until(() => options(el, 'microphone-select').length === 2, 'the microphones listed');
    const select = part<HTMLSelectElement>(el, 'microphone-select')!;
    select.value = 'mic-2';
    setTimeout(() => select.dispatchEvent(new Event('change')));
    const { detail } = await nextEvent(el, 'acs-devices-change');
    expect(devices.selectedMicrophone?.id).to.equal('mic-2');
    expect(detail.microphone?.id).to.equal('mic-2');
    expect(detail.camera?.id).to.equal('cam-1');
    expect(detail).to.include({ cameraOn: false, muted: false });
  });

  it('lists a device plugged in while it shows', async () => {
    const devices = new FakeDeviceManager();
    const el = await fixture<AcsDeviceSetup>(html`<acs-device-setup .deviceManager=${devices.asReal}></acs-device-setup>`);
    await until(() => options(el, 'microphone-select').length === 2, 'the microphones listed');
    devices.plugIn({ id: 'mic-3', name: 'USB microphone', deviceType: 'Microphone', isSystemDefault: false });
    await until(() => options(el, 'microphone-select').length === 3, 'the new microphone listed');
    el.remove();
    expect(devices.listenerCount('audioDevicesUpdated'), 'no listener left once removed').to.equal(0);
  });

  it('switches the camera and microphone with switches, emitting acs-devices-change; a property set emits nothing', async () => {
    const devices = new FakeDeviceManager();
    const el = await fixture<AcsDeviceSetup>(html`<acs-device-setup compact .deviceManager=${devices.asReal}></acs-device-setup>`);
    let changes = 0;
    el.addEventListener('acs-devices-change', () => changes++);
    el.muted = true;
    await el.updateComplete;
    expect(changes).to.equal(0);
    el.compact = false;
    await el.updateComplete;
    const micToggle = part(el, 'microphone-toggle')!;
    expect(micToggle.getAttribute('role')).to.equal('switch');
    expect(micToggle.getAttribute('aria-checked')).to.equal('false');
    setTimeout(() => micToggle.click());
    const { detail } = await nextEvent(el, 'acs-devices-change');
    expect(detail.muted).to.equal(false);
    await el.updateComplete;
    expect(micToggle.getAttribute('aria-checked')).to.equal('true');
  });

  it('asks for permission from its prompt, and hides the prompt once allowed', async () => {
    restore = stubPermissions('prompt');
    const devices = new FakeDeviceManager();
    const el = await fixture<AcsDeviceSetup>(html`<acs-device-setup .deviceManager=${devices.asReal}></acs-device-setup>`);
    await until(() => el.permission === 'prompt', 'the prompt state');
    await el.updateComplete;
    expect(part(el, 'permission')!.textContent).to.contain('Allow access to your camera and microphone');
    part(el, 'permission-button')!.click();
    await until(() => el.permission === 'granted', 'permission granted');
    await el.updateComplete;
    expect(devices.permissionRequests).to.deep.equal([{ audio: true, video: true }]);
    expect(part(el, 'permission')).to.equal(null);
  });

  it('says when the devices are blocked', async () => {
    restore = stubPermissions('denied');
    const devices = new FakeDeviceManager();
    devices.grant = { audio: false, video: false };
    const el = await fixture<AcsDeviceSetup>(html`<acs-device-setup camera-on .deviceManager=${devices.asReal}></acs-device-setup>`);
    await until(() => el.permission === 'denied', 'the denied state');
    await el.updateComplete;
    expect(part(el, 'permission')!.textContent).to.contain('blocked');
    expect(part(el, 'permission-button')!.textContent!.trim()).to.equal('Try again');
    expect(el.previewVideoElement).to.equal(undefined);
  });

  describe('with the browser’s (fake) devices', () => {
    let deviceManager: DeviceManager;
    before(async () => {
      deviceManager = await new CallClient().getDeviceManager();
    });

    it('previews the camera mirrored while it is on, and closes it when switched off', async () => {
      const el = await fixture<AcsDeviceSetup>(html`<acs-device-setup .deviceManager=${deviceManager}></acs-device-setup>`);
      expect(part(el, 'preview-note')!.textContent).to.equal('Your camera is off');
      await until(() => el.camera !== undefined, 'a camera listed');
      part(el, 'camera-toggle')!.click();
      await until(() => el.previewVideoElement !== undefined, 'the preview');
      const video = el.previewVideoElement!;
      expect(part(el, 'preview')!.contains(video)).to.equal(true);
      expect(video.style.transform).to.equal('scaleX(-1)');
      await decodedFrames(video);
      const track = (video.srcObject as MediaStream).getVideoTracks()[0]!;
      part(el, 'camera-toggle')!.click();
      await until(() => track.readyState === 'ended', 'the camera closed');
      await el.updateComplete;
      expect(el.previewVideoElement).to.equal(undefined);
    });

    it('closes the camera when it leaves the page', async () => {
      const el = await fixture<AcsDeviceSetup>(html`<acs-device-setup camera-on .deviceManager=${deviceManager}></acs-device-setup>`);
      await until(() => el.previewVideoElement !== undefined, 'the preview');
      await decodedFrames(el.previewVideoElement!, 1);
      const track = (el.previewVideoElement!.srcObject as MediaStream).getVideoTracks()[0]!;
      el.remove();
      expect(track.readyState).to.equal('ended');
    });
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible in the ${theme} theme`, async () => {
      restore = stubPermissions('prompt');
      const devices = new FakeDeviceManager();
      const el = await themedFixture<AcsDeviceSetup>(html`<acs-device-setup .deviceManager=${devices.asReal}></acs-device-setup>`, theme);
      await until(() => options(el, 'microphone-select').length === 2 && el.permission === 'prompt', 'the devices listed');
      await el.updateComplete;
      await expect(el).to.be.accessible();
    });
  }
});

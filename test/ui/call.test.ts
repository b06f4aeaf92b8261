import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/call/call.js';
import type { AcsCall, CallEndedDetail } from '../../src/ui/call/call.js';
import type { AcsCallControls } from '../../src/ui/call-controls/call-controls.js';
import type { AcsCallStatus } from '../../src/ui/call-status/call-status.js';
import type { AcsDeviceSetup } from '../../src/ui/device-setup/device-setup.js';
import type { AcsIncomingCall } from '../../src/ui/incoming-call/incoming-call.js';
import type { AcsVideoGallery } from '../../src/ui/video-gallery/video-gallery.js';
import type { AcsVideoTile } from '../../src/ui/video-tile/video-tile.js';
import { AzureCommunicationTokenCredential } from '../../src/common/credential.js';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';
import { applyTheme } from '../../src/ui/shared/theme.js';
import { type TestUser, callingUser, disposeAll } from '../browser/callingHelpers.js';
import { testService } from '../browser/service.js';
import { nextEvent } from './events.js';
import { decodedFrames } from '../kit/browser.js';
import { until } from '../kit/wait.js';

/** `selector` in `host`'s shadow root. */
function inner<T extends Element>(host: Element | null | undefined, selector: string): T | null {
  return host?.shadowRoot?.querySelector<T>(selector) ?? null;
}

function remoteTile(el: AcsCall): AcsVideoTile | null {
  return inner<AcsVideoTile>(inner<AcsVideoGallery>(el, 'acs-video-gallery'), 'acs-video-tile[part="tile"]');
}

function statusText(el: AcsCall): string {
  return inner<AcsCallStatus>(el, 'acs-call-status')?.text ?? '';
}

async function submitCallForm(el: AcsCall, callee: string): Promise<void> {
  await until(() => el.currentCallAgent !== undefined, 'the call agent ready');
  await el.updateComplete;
  const input = inner<HTMLInputElement>(el, '[part~="callee-input"]')!;
  input.value = callee;
  inner<HTMLButtonElement>(el, '[part~="start-call-button"]')!.click();
}

async function newUserToken(): Promise<{ userId: string; token: string }> {
  const { connectionString } = await testService();
  const { user, token } = await new CommunicationIdentityClient(connectionString).createUserAndToken(['voip']);
  return { userId: user.communicationUserId, token };
}

describe('acs-call', () => {
  let alice: TestUser | undefined;
  let elements: AcsCall[] = [];

  /** Alice's <acs-call> with her ready agent; Bob's making its own from endpoint and token. */
  async function twoCalls(options: { bobCredential?: boolean } = {}): Promise<{ aliceEl: AcsCall; bobEl: AcsCall; bobId: string }> {
    alice = await callingUser('Alice');
    const bob = await newUserToken();
    const bobToken = options.bobCredential ? new AzureCommunicationTokenCredential(bob.token) : bob.token;
    const { endpoint } = await testService();
    const deviceManager = await alice.client.getDeviceManager();
    const container = await fixture<HTMLDivElement>(
      html`<div style="display: grid; grid-template-columns: 1fr 1fr; gap: 8px">
        <acs-call .callAgent=${alice.agent} .deviceManager=${deviceManager} display-name="Alice"></acs-call>
        <acs-call endpoint=${endpoint} .token=${bobToken} display-name="Bob"></acs-call>
      </div>`,
    );
    const [aliceEl, bobEl] = [...container.querySelectorAll('acs-call')] as AcsCall[];
    elements = [aliceEl!, bobEl!];
    await bobEl!.whenReady();
    return { aliceEl: aliceEl!, bobEl: bobEl!, bobId: bob.userId };
  }

  afterEach(async () => {
    await Promise.allSettled(elements.map((el) => el.dispose()));
    elements = [];
    await disposeAll(alice);
    alice = undefined;
  });

  it('calls through the form; the callee accepts from the prompt; both see video; mute shows across; hang up ends both', async function () {
    this.timeout(90_000);
    const { aliceEl, bobEl, bobId } = await twoCalls();
    expect(aliceEl.screen).to.equal('setup');

    // Alice turns her camera on in the setup and calls Bob by his identifier.
    const setup = inner<AcsDeviceSetup>(aliceEl, 'acs-device-setup')!;
    await until(() => setup.camera !== undefined, 'Alice’s camera listed');
    inner<HTMLButtonElement>(setup, '[part~="camera-toggle"]')!.click();
    const aliceStates: string[] = [];
    aliceEl.addEventListener('acs-call-state-change', (e) => aliceStates.push(e.detail.state));
    await submitCallForm(aliceEl, bobId);
    await until(() => aliceEl.screen === 'in-call', 'Alice in the call screen');

    // Bob's prompt rings, naming Alice; he accepts with video.
    await until(() => inner(bobEl, 'acs-incoming-call') !== null, 'Bob’s incoming call prompt');
    const prompt = inner<AcsIncomingCall>(bobEl, 'acs-incoming-call')!;
    await prompt.updateComplete;
    expect(prompt.shadowRoot!.querySelector('[part~="description"]')!.textContent).to.equal('Alice is calling');
    expect(prompt.shadowRoot!.querySelector('[part~="base"]')!.getAttribute('role')).to.equal('alertdialog');
    // The prompt replaces Bob's setup screen: nothing under it can be used meanwhile.
    expect(bobEl.shadowRoot!.querySelector<HTMLElement>('.screen')!.inert).to.equal(true);
    expect(bobEl.shadowRoot!.querySelector('.overlay')!.classList.contains('replaces')).to.equal(true);
    prompt.shadowRoot!.querySelector<HTMLButtonElement>('[part~="accept-video"]')!.click();

    await until(() => bobEl.screen === 'in-call' && inner(bobEl, 'acs-incoming-call') === null, 'Bob in the call screen');
    await until(() => aliceEl.call?.state === 'Connected' && bobEl.call?.state === 'Connected', 'both calls connected');
    expect(aliceStates).to.include('Connected');
    await until(() => statusText(aliceEl) === 'Connected' && statusText(bobEl) === 'Connected', 'both statuses Connected');

    // Each gallery shows the other's tile with their video decoding frames.
    await until(() => remoteTile(aliceEl)?.videoElement !== undefined, 'Bob’s video at Alice');
    await until(() => remoteTile(bobEl)?.videoElement !== undefined, 'Alice’s video at Bob');
    expect(inner(remoteTile(aliceEl), '[part~="name"]')!.textContent).to.equal('Bob');
    expect(inner(remoteTile(bobEl), '[part~="name"]')!.textContent).to.equal('Alice');
    await Promise.all([decodedFrames(remoteTile(aliceEl)!.videoElement!), decodedFrames(remoteTile(bobEl)!.videoElement!)]);

    // "Connection info" shows how Bob's media reaches Alice on his tile, and hides it again.
    const statsToggle = inner<HTMLButtonElement>(aliceEl, '[part~="stats-toggle"]')!;
    expect(statsToggle.textContent!.trim()).to.equal('Connection info');
    expect(statsToggle.getAttribute('aria-pressed')).to.equal('false');
    statsToggle.click();
    await until(() => inner(remoteTile(aliceEl), '[part~="stats"]') !== null, 'diagnostics on Bob’s tile');
    expect(statsToggle.getAttribute('aria-pressed')).to.equal('true');
    expect(inner(remoteTile(aliceEl), '[part~="stats"]')!.getAttribute('aria-label')).to.match(
      /^Connection: Direct(, \d+ ms)?, \d+\.\d % lost$/,
    );
    statsToggle.click();
    await until(() => inner(remoteTile(aliceEl), '[part~="stats"]') === null, 'diagnostics hidden');

    // Alice mutes with her controls: Bob's tile of her shows the mute icon.
    expect(inner(remoteTile(bobEl), '[part~="mute-icon"]')).to.equal(null);
    const controls = inner<AcsCallControls>(aliceEl, 'acs-call-controls')!;
    inner<HTMLButtonElement>(controls, '[part~="microphone"]')!.click();
    await until(() => inner(remoteTile(bobEl), '[part~="mute-icon"]') !== null, 'the mute icon on Alice’s tile at Bob');
    await controls.updateComplete;
    expect(inner(controls, '[part~="microphone"]')!.getAttribute('aria-pressed')).to.equal('false');

    // The people panel lists both, Alice's own row muted; the devices panel offers the selects.
    inner<HTMLButtonElement>(controls, '[part~="participants"]')!.click();
    await aliceEl.updateComplete;
    const list = inner(aliceEl, 'acs-call-participant-list')!;
    await until(() => list.shadowRoot!.querySelectorAll('[part~="item"]').length === 2, 'two people listed');
    const names = [...list.shadowRoot!.querySelectorAll('[part~="name"]')].map((n) => n.textContent);
    expect(names).to.deep.equal(['Alice (you)', 'Bob']);
    expect(list.shadowRoot!.querySelector('[part~="item"] [part~="mute-icon"]')).to.not.equal(null);
    inner<HTMLButtonElement>(controls, '[part~="devices"]')!.click();
    await aliceEl.updateComplete;
    expect(inner(aliceEl, 'acs-call-participant-list')).to.equal(null);
    expect(inner<AcsDeviceSetup>(aliceEl, '[part~="panel"] acs-device-setup')!.compact).to.equal(true);
    expect(inner(controls, '[part~="devices"]')!.getAttribute('aria-pressed')).to.equal('true');
    expect(inner(controls, '[part~="participants"]')!.getAttribute('aria-pressed')).to.equal('false');

    // Alice hangs up: both show the ended screen, in words.
    const bobEnded = nextEvent(bobEl, 'acs-call-ended') as Promise<CustomEvent<CallEndedDetail>>;
    const aliceEnded = nextEvent(aliceEl, 'acs-call-ended') as Promise<CustomEvent<CallEndedDetail>>;
    inner<HTMLButtonElement>(controls, '[part~="hang-up"]')!.click();
    expect((await aliceEnded).detail.callEndReason?.code).to.equal(0);
    expect((await bobEnded).detail.callEndReason?.code).to.equal(0);
    await until(() => aliceEl.screen === 'ended' && bobEl.screen === 'ended', 'both ended screens');
    await aliceEl.updateComplete;
    await bobEl.updateComplete;
    expect(statusText(aliceEl)).to.equal('Call ended');
    expect(statusText(bobEl)).to.equal('Call ended');
    expect(inner(aliceEl, '[part~="call-again-button"]')).to.not.equal(null);

    // "New call" goes back to the setup screen.
    inner<HTMLButtonElement>(aliceEl, '[part~="new-call-button"]')!.click();
    await aliceEl.updateComplete;
    expect(aliceEl.screen).to.equal('setup');
  });

  it('says "Call declined" to the caller when the callee declines (the callee signed in with a credential)', async function () {
    this.timeout(60_000);
    const { aliceEl, bobEl, bobId } = await twoCalls({ bobCredential: true });
    expect(bobEl.currentCallAgent?.displayName).to.equal('Bob');
    await aliceEl.startCall(bobId, { video: false });
    await until(() => inner(bobEl, 'acs-incoming-call') !== null, 'Bob’s incoming call prompt');
    await until(() => statusText(aliceEl) === 'Ringing…', 'Alice ringing');
    const prompt = inner<AcsIncomingCall>(bobEl, 'acs-incoming-call')!;
    await prompt.updateComplete;
    prompt.shadowRoot!.querySelector<HTMLButtonElement>('[part~="decline"]')!.click();
    await until(() => aliceEl.screen === 'ended', 'Alice’s ended screen');
    await aliceEl.updateComplete;
    expect(statusText(aliceEl)).to.equal('Call declined');
    await until(() => inner(bobEl, 'acs-incoming-call') === null, 'Bob’s prompt gone');
    expect(bobEl.screen).to.equal('setup');
  });

  it('says it could not reach an identifier nobody has, naming it (in the words given)', async function () {
    this.timeout(30_000);
    alice = await callingUser('Alice');
    const el = await fixture<AcsCall>(
      html`<acs-call .callAgent=${alice.agent} .strings=${{ statusUnreachable: 'Injoignable : {name}' }}></acs-call>`,
    );
    elements = [el];
    const nobody = '8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000000';
    await submitCallForm(el, nobody);
    await until(() => el.screen === 'ended', 'the ended screen');
    await el.updateComplete;
    // The strings given to acs-call reach the components inside it.
    expect(statusText(el)).to.equal(`Injoignable : ${nobody}`);
  });

  it('asks for someone to call when the form is empty, and takes overriding strings', async () => {
    alice = await callingUser('Alice');
    const el = await fixture<AcsCall>(
      html`<acs-call .callAgent=${alice.agent} .strings=${{ calleeMissing: 'Qui appeler ?', startCall: 'Appeler' }}></acs-call>`,
    );
    elements = [el];
    await submitCallForm(el, '  ');
    await el.updateComplete;
    const input = inner<HTMLInputElement>(el, '[part~="callee-input"]')!;
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(inner(el, '#callee-error')!.textContent).to.equal('Qui appeler ?');
    expect(inner(el, '[part~="start-call-button"]')!.textContent!.trim()).to.equal('Appeler');
    expect(el.screen).to.equal('setup');
  });

  it('disposes of the call agent it made when it leaves the page, and makes a new one when it comes back', async () => {
    const bob = await newUserToken();
    const { endpoint } = await testService();
    const el = await fixture<AcsCall>(html`<acs-call endpoint=${endpoint} .token=${bob.token} display-name="Bob"></acs-call>`);
    elements = [el];
    const first = (await el.whenReady())!;
    expect(first.userId).to.equal(bob.userId);
    const parent = el.parentElement!;
    el.remove();
    await until(() => el.currentCallAgent === undefined, 'the agent let go');
    expect(() => first.startCall([{ communicationUserId: `${bob.userId}x` }]))
      .to.throw()
      .with.property('code', 'AgentDisposed');
    parent.append(el);
    await until(() => el.currentCallAgent !== undefined && el.currentCallAgent !== first, 'a new agent');
    expect(el.currentCallAgent!.userId).to.equal(bob.userId);
  });

  it('emits acs-error when it cannot make a call agent from the token', async () => {
    const { endpoint } = await testService();
    // The event may come before the fixture resolves: listen first (it bubbles out to the document).
    const error = nextEvent(document, 'acs-error');
    const el = await fixture<AcsCall>(html`<acs-call endpoint=${endpoint} .token=${'not-a-token'}></acs-call>`);
    elements = [el];
    const { detail, target } = await error;
    expect(target).to.equal(el);
    expect(detail.error).to.be.instanceOf(Error);
    await el.updateComplete;
    expect(inner(el, '[role="alert"]')!.textContent).to.contain('Could not connect to the service');
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible in the ${theme} theme: setup, ringing, in the call, ended`, async function () {
      this.timeout(60_000);
      const { aliceEl, bobEl, bobId } = await twoCalls();
      applyTheme(aliceEl.parentElement!, theme);
      aliceEl.parentElement!.style.background = 'var(--acs-color-surface)';
      await until(() => inner<AcsDeviceSetup>(aliceEl, 'acs-device-setup')?.camera !== undefined, 'devices listed');
      await expect(aliceEl).to.be.accessible();
      await aliceEl.startCall(bobId, { video: false });
      await until(() => inner(bobEl, 'acs-incoming-call') !== null, 'Bob’s incoming call prompt');
      await expect(bobEl).to.be.accessible();
      await bobEl.acceptIncomingCall({ video: false });
      await until(() => aliceEl.call?.state === 'Connected' && remoteTile(aliceEl) !== null, 'connected');
      await expect(aliceEl).to.be.accessible();
      await aliceEl.hangUp();
      await until(() => aliceEl.screen === 'ended', 'the ended screen');
      await aliceEl.updateComplete;
      await expect(aliceEl).to.be.accessible();
    });
  }
});

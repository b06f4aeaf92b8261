import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/video-tile/video-tile.js';
import type { AcsVideoTile } from '../../src/ui/video-tile/video-tile.js';
import { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import { FakeParticipant, part } from './callingFakes.js';
import { canvasStream, decodedFrames, stopCanvasStreams } from '../kit/browser.js';
import { themedFixture } from '../kit/ui.js';
import { rememberDisplayName } from '../../src/ui/shared/callingNames.js';
import { until } from '../kit/wait.js';

describe('acs-video-tile', () => {
  afterEach(() => stopCanvasStreams());

  it('shows the avatar and name while the participant sends no video', async () => {
    const bo = new FakeParticipant('Bo Diddley');
    const el = await fixture<AcsVideoTile>(html`<acs-video-tile .participant=${bo.asReal}></acs-video-tile>`);
    expect(part(el, 'name')!.textContent).to.equal('Bo Diddley');
    expect(part(el, 'avatar')).to.not.equal(null);
    expect(part(el, 'video')).to.equal(null);
    expect(part(el, 'base')!.getAttribute('aria-label')).to.equal('Bo Diddley');
  });

  it('renders the video once the stream is available, decoding frames, and the avatar again when it stops', async () => {
    const bo = new FakeParticipant('Bo');
    const el = await fixture<AcsVideoTile>(html`<acs-video-tile .participant=${bo.asReal}></acs-video-tile>`);
    bo.camera.setAvailable(canvasStream());
    await until(() => el.videoElement !== undefined, 'a video element');
    expect(part(el, 'video')!.querySelector('video')).to.equal(el.videoElement);
    await decodedFrames(el.videoElement!);
    expect(part(el, 'avatar')).to.equal(null);
    bo.camera.setAvailable(undefined);
    await until(() => part(el, 'avatar') !== null, 'the avatar back');
    expect(el.videoElement).to.equal(undefined);
  });

  it('shows the screen share stream when stream-type is ScreenSharing, named as the screen', async () => {
    const bo = new FakeParticipant('Bo');
    bo.camera.setAvailable(canvasStream());
    const el = await fixture<AcsVideoTile>(html`<acs-video-tile stream-type="ScreenSharing" .participant=${bo.asReal}></acs-video-tile>`);
    expect(part(el, 'name')!.textContent).to.equal('Bo (screen)');
    expect(el.videoElement).to.equal(undefined);
    const screen = canvasStream();
    bo.screen.setAvailable(screen);
    await until(() => el.videoElement !== undefined, 'the screen video');
    expect((el.videoElement!.srcObject as MediaStream).getVideoTracks()[0]).to.equal(screen.getVideoTracks()[0]);
  });

  it('shows the mute icon, the speaking ring and a changed name as the participant’s events arrive', async () => {
    const bo = new FakeParticipant('Bo');
    const el = await fixture<AcsVideoTile>(html`<acs-video-tile .participant=${bo.asReal}></acs-video-tile>`);
    expect(part(el, 'mute-icon')).to.equal(null);
    bo.setMuted(true);
    await el.updateComplete;
    expect(part(el, 'mute-icon')!.getAttribute('aria-label')).to.equal('Muted');
    bo.setSpeaking(true);
    await el.updateComplete;
    expect(part(el, 'base')!.classList.contains('speaking')).to.equal(true);
    bo.setSpeaking(false);
    bo.setDisplayName('Bo D.');
    await el.updateComplete;
    expect(part(el, 'base')!.classList.contains('speaking')).to.equal(false);
    expect(part(el, 'name')!.textContent).to.equal('Bo D.');
  });

  it('badges Ringing, Connecting and On hold, and nothing once connected', async () => {
    const bo = new FakeParticipant('Bo', 'Ringing');
    const el = await fixture<AcsVideoTile>(html`<acs-video-tile .participant=${bo.asReal}></acs-video-tile>`);
    expect(part(el, 'state')!.textContent).to.equal('Ringing');
    bo.setState('Connecting');
    await el.updateComplete;
    expect(part(el, 'state')!.textContent).to.equal('Connecting');
    bo.setState('Hold');
    await el.updateComplete;
    expect(part(el, 'state')!.textContent).to.equal('On hold');
    bo.setState('Connected');
    await el.updateComplete;
    expect(part(el, 'state')).to.equal(null);
  });

  it('takes overriding strings', async () => {
    const bo = new FakeParticipant(undefined, 'Hold');
    bo.setMuted(true);
    const el = await fixture<AcsVideoTile>(
      html`<acs-video-tile
        .participant=${bo.asReal}
        .strings=${{ unnamedParticipant: 'Invité', stateOnHold: 'En attente', muted: 'Micro coupé' }}
      ></acs-video-tile>`,
    );
    expect(part(el, 'name')!.textContent).to.equal('Invité');
    expect(part(el, 'state')!.textContent).to.equal('En attente');
    expect(part(el, 'mute-icon')!.getAttribute('aria-label')).to.equal('Micro coupé');
  });

  it('stops listening when it leaves the page, and listens again when it comes back', async () => {
    const bo = new FakeParticipant('Bo');
    const el = await fixture<AcsVideoTile>(html`<acs-video-tile .participant=${bo.asReal}></acs-video-tile>`);
    expect(bo.listenerCount('isMutedChanged')).to.equal(1);
    expect(bo.camera.listenerCount('isAvailableChanged')).to.equal(1);
    const parent = el.parentElement!;
    el.remove();
    expect(bo.listenerCount('isMutedChanged')).to.equal(0);
    expect(bo.listenerCount('stateChanged')).to.equal(0);
    expect(bo.camera.listenerCount('isAvailableChanged')).to.equal(0);
    parent.append(el);
    bo.setMuted(true);
    await el.updateComplete;
    expect(part(el, 'mute-icon')).to.not.equal(null);
  });

  it('names a participant the call has no name for by what the app remembered, else as unnamed', async () => {
    const ringing = new FakeParticipant(undefined, 'Ringing');
    const el = await fixture<AcsVideoTile>(html`<acs-video-tile .participant=${ringing.asReal}></acs-video-tile>`);
    expect(part(el, 'name')!.textContent).to.equal('Unnamed participant');
    rememberDisplayName(ringing.identifier, 'Ann from the directory');
    el.requestUpdate();
    await el.updateComplete;
    expect(part(el, 'name')!.textContent).to.equal('Ann from the directory');
    // The call's own name wins once it has one.
    ringing.displayName = 'Ann';
    el.requestUpdate();
    await el.updateComplete;
    expect(part(el, 'name')!.textContent).to.equal('Ann');
    rememberDisplayName(ringing.identifier, '');
  });

  it('your own tile reads "You" when small, the full name (and its label) otherwise', async () => {
    const el = await fixture<AcsVideoTile>(html`<acs-video-tile local display-name="Dee Longname"></acs-video-tile>`);
    const shown = () => (part(el, 'name')!.checkVisibility() ? part(el, 'name')! : part(el, 'short-name')!).textContent;
    el.style.width = '20rem';
    await until(() => shown() === 'Dee Longname (you)', 'the full name on a large tile');
    el.style.width = '7rem';
    await until(() => shown() === 'You', '"You" on a small tile');
    expect(part(el, 'short-name')!.getAttribute('aria-hidden')).to.equal('true');
    expect(part(el, 'base')!.getAttribute('aria-label')).to.equal('Dee Longname (you)');
  });

  it('renders a local stream mirrored, with the given name and mute state', async () => {
    const stream = new LocalVideoStream(canvasStream());
    const el = await fixture<AcsVideoTile>(
      html`<acs-video-tile local .localVideoStream=${stream} display-name="Dee" muted mirrored></acs-video-tile>`,
    );
    await until(() => el.videoElement !== undefined, 'the local video');
    expect(el.videoElement!.style.transform).to.equal('scaleX(-1)');
    expect(part(el, 'name')!.textContent).to.equal('Dee (you)');
    expect(part(el, 'mute-icon')).to.not.equal(null);
    await decodedFrames(el.videoElement!);
  });

  it('shows connection diagnostics while they are set: path, round trip and loss, in words', async () => {
    const bo = new FakeParticipant('Bo');
    const el = await fixture<AcsVideoTile>(html`<acs-video-tile .participant=${bo.asReal}></acs-video-tile>`);
    expect(part(el, 'stats')).to.equal(null);
    el.connectionStats = {
      path: 'relayed',
      roundTripTimeMs: 41.6,
      packetsReceived: 988,
      packetsLost: 12,
      packetLossFraction: 0.012,
      framesDecoded: 30,
    };
    await el.updateComplete;
    expect(part(el, 'stats')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Relayed · 42 ms · 1.2 % lost');
    expect(part(el, 'stats')!.getAttribute('aria-label')).to.equal('Connection: Relayed, 42 ms, 1.2 % lost');
    el.connectionStats = { path: 'unknown', packetsReceived: 0, packetsLost: 0, packetLossFraction: 0, framesDecoded: 0 };
    el.strings = { pathUnknown: 'Verbinden', packetLoss: '{percent} % verloren' };
    await el.updateComplete;
    expect(part(el, 'stats')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Verbinden · 0.0 % verloren');
    el.connectionStats = undefined;
    await el.updateComplete;
    expect(part(el, 'stats')).to.equal(null);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible in the ${theme} theme, with connection diagnostics`, async () => {
      const bo = new FakeParticipant('Bo');
      const stats = {
        path: 'direct' as const,
        roundTripTimeMs: 3,
        packetsReceived: 10,
        packetsLost: 0,
        packetLossFraction: 0,
        framesDecoded: 1,
      };
      const el = await themedFixture<AcsVideoTile>(
        html`<acs-video-tile .participant=${bo.asReal} .connectionStats=${stats}></acs-video-tile>`,
        theme,
      );
      await expect(el).to.be.accessible();
    });

    it(`is accessible in the ${theme} theme, with and without video`, async () => {
      const bo = new FakeParticipant('Bo', 'Hold');
      bo.setMuted(true);
      const el = await themedFixture<AcsVideoTile>(html`<acs-video-tile .participant=${bo.asReal}></acs-video-tile>`, theme);
      await expect(el).to.be.accessible();
      bo.camera.setAvailable(canvasStream());
      await until(() => el.videoElement !== undefined, 'video');
      await expect(el).to.be.accessible();
    });
  }
});

import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/video-gallery/video-gallery.js';
import type { AcsVideoGallery } from '../../src/ui/video-gallery/video-gallery.js';
import type { AcsVideoTile } from '../../src/ui/video-tile/video-tile.js';
import { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import { FakeCall, FakeParticipant, part } from './callingFakes.js';
import { themedFixture } from '../kit/ui.js';
import { until } from '../kit/wait.js';
import { canvasStream, stopCanvasStreams } from '../kit/browser.js';

function remoteTiles(el: AcsVideoGallery): AcsVideoTile[] {
  return [...el.shadowRoot!.querySelectorAll<AcsVideoTile>('acs-video-tile[part="tile"]')];
}

describe('acs-video-gallery', () => {
  afterEach(() => stopCanvasStreams());

  it('shows a tile per remote participant in a grid, and your own tile in the corner', async () => {
    const call = new FakeCall([new FakeParticipant('Ann'), new FakeParticipant('Bo'), new FakeParticipant('Cy')]);
    const el = await fixture<AcsVideoGallery>(html`<acs-video-gallery .call=${call.asReal} display-name="Dee"></acs-video-gallery>`);
    expect(remoteTiles(el).map((t) => t.participant!.displayName)).to.deep.equal(['Ann', 'Bo', 'Cy']);
    expect(part(el, 'grid')!.style.getPropertyValue('--acs-columns')).to.equal('2');
    const local = part<AcsVideoTile>(el, 'local-tile')!;
    expect(part(local, 'name')!.textContent).to.equal('Dee (you)');
    expect(part(local, 'avatar')!.getAttribute('display-name'), 'initials from the name alone').to.equal('Dee');
    expect(local.mirrored).to.equal(true);
    expect(getComputedStyle(local).position).to.equal('absolute');
  });

  it('adds and removes tiles as participants join and leave, and says when nobody else is there', async () => {
    const call = new FakeCall();
    const el = await fixture<AcsVideoGallery>(html`<acs-video-gallery .call=${call.asReal}></acs-video-gallery>`);
    expect(part(el, 'waiting')!.textContent).to.equal('Waiting for others to join…');
    const ann = new FakeParticipant('Ann');
    call.add(ann);
    await el.updateComplete;
    expect(remoteTiles(el)).to.have.length(1);
    expect(part(el, 'waiting')).to.equal(null);
    call.remove(ann);
    await el.updateComplete;
    expect(remoteTiles(el)).to.have.length(0);
  });

  it('shows your own muted state and camera from the call', async () => {
    const call = new FakeCall([new FakeParticipant('Ann')]);
    const el = await fixture<AcsVideoGallery>(html`<acs-video-gallery .call=${call.asReal}></acs-video-gallery>`);
    const local = part<AcsVideoTile>(el, 'local-tile')!;
    await call.mute();
    await el.updateComplete;
    expect(local.muted).to.equal(true);
    const camera = new LocalVideoStream(canvasStream());
    await call.startVideo(camera);
    await el.updateComplete;
    expect(local.localVideoStream).to.equal(camera);
    await until(() => local.videoElement !== undefined, 'your video');
    await call.stopVideo(camera);
    await el.updateComplete;
    expect(local.localVideoStream).to.equal(undefined);
  });

  it('shows a remote screen share large with the other tiles in a strip', async () => {
    const ann = new FakeParticipant('Ann');
    const bo = new FakeParticipant('Bo');
    const call = new FakeCall([ann, bo]);
    const el = await fixture<AcsVideoGallery>(html`<acs-video-gallery .call=${call.asReal}></acs-video-gallery>`);
    expect(part(el, 'screen-share')).to.equal(null);
    bo.screen.setAvailable(canvasStream());
    await el.updateComplete;
    const screen = part<AcsVideoTile>(el, 'screen-share')!;
    expect(screen.participant).to.equal(bo.asReal);
    expect(screen.streamType).to.equal('ScreenSharing');
    expect(part(el, 'grid')!.classList.contains('strip')).to.equal(true);
    expect(remoteTiles(el)).to.have.length(2);
    await until(() => screen.videoElement !== undefined, 'the screen video');
    bo.screen.setAvailable(undefined);
    await el.updateComplete;
    expect(part(el, 'screen-share')).to.equal(null);
    expect(part(el, 'grid')!.classList.contains('grid')).to.equal(true);
  });

  it('says when you share your screen', async () => {
    const call = new FakeCall([new FakeParticipant('Ann')]);
    const el = await fixture<AcsVideoGallery>(html`<acs-video-gallery .call=${call.asReal}></acs-video-gallery>`);
    await call.startScreenSharing();
    await el.updateComplete;
    expect(part(el, 'sharing-notice')!.textContent).to.equal('You are sharing your screen');
  });

  it('your own screen share (a ScreenSharing stream in localVideoStreams) never takes your camera tile', async () => {
    const call = new FakeCall([new FakeParticipant('Ann')]);
    const el = await fixture<AcsVideoGallery>(html`<acs-video-gallery .call=${call.asReal}></acs-video-gallery>`);
    const local = part<AcsVideoTile>(el, 'local-tile')!;
    const camera = new LocalVideoStream(canvasStream());
    await call.startVideo(camera);
    await call.startScreenSharing();
    await el.updateComplete;
    expect(
      call.localVideoStreams.map((s) => s.mediaStreamType),
      'the fake adds the screen as Call does',
    ).to.deep.equal(['Video', 'ScreenSharing']);
    expect(local.localVideoStream, 'your tile keeps your camera').to.equal(camera);
    expect(part(el, 'sharing-notice')).not.to.equal(null);
    expect(part(el, 'screen-share'), 'your own share is not shown large to you').to.equal(null);

    await call.stopVideo(camera);
    await el.updateComplete;
    expect(local.localVideoStream, 'sharing without a camera: no video on your tile').to.equal(undefined);
    await call.stopScreenSharing();
    await el.updateComplete;
    expect(call.localVideoStreams).to.deep.equal([]);
    expect(part(el, 'sharing-notice')).to.equal(null);
  });

  it('shows each remote tile its connection diagnostics while show-connection-stats is set, and stops reading them after', async () => {
    const ann = new FakeParticipant('Ann');
    const bo = new FakeParticipant('Bo');
    const call = new FakeCall([ann, bo]);
    call.connectionStats.set(ann, {
      path: 'direct',
      roundTripTimeMs: 2,
      packetsReceived: 100,
      packetsLost: 0,
      packetLossFraction: 0,
      framesDecoded: 9,
    });
    call.connectionStats.set(bo, {
      path: 'relayed',
      roundTripTimeMs: 30,
      packetsReceived: 95,
      packetsLost: 5,
      packetLossFraction: 0.05,
      framesDecoded: 9,
    });
    const el = await fixture<AcsVideoGallery>(html`<acs-video-gallery .call=${call.asReal}></acs-video-gallery>`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(call.statsReads, 'nothing read while off').to.equal(0);
    expect(remoteTiles(el).map((t) => t.connectionStats)).to.deep.equal([undefined, undefined]);

    el.showConnectionStats = true;
    await until(() => remoteTiles(el).every((t) => t.connectionStats !== undefined), 'diagnostics on both tiles');
    expect(remoteTiles(el).map((t) => t.connectionStats!.path)).to.deep.equal(['direct', 'relayed']);
    await remoteTiles(el)[1]!.updateComplete;
    expect(part(remoteTiles(el)[1]!, 'stats')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Relayed · 30 ms · 5.0 % lost');

    // Refreshed: a change shows on the next read.
    call.connectionStats.set(ann, {
      path: 'relayed',
      roundTripTimeMs: 9,
      packetsReceived: 100,
      packetsLost: 0,
      packetLossFraction: 0,
      framesDecoded: 9,
    });
    await until(() => remoteTiles(el)[0]!.connectionStats?.path === 'relayed', 'the refreshed diagnostics');

    el.showConnectionStats = false;
    await el.updateComplete;
    expect(remoteTiles(el).map((t) => t.connectionStats)).to.deep.equal([undefined, undefined]);
    const reads = call.statsReads;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(call.statsReads, 'no reads after it was turned off').to.equal(reads);
  });

  it('stops listening to the call and its participants when it leaves the page', async () => {
    const ann = new FakeParticipant('Ann');
    const call = new FakeCall([ann]);
    const el = await fixture<AcsVideoGallery>(html`<acs-video-gallery .call=${call.asReal}></acs-video-gallery>`);
    expect(call.listenerCount('remoteParticipantsUpdated')).to.equal(1);
    el.remove();
    expect(call.listenerCount('remoteParticipantsUpdated')).to.equal(0);
    expect(ann.listenerCount('stateChanged')).to.equal(0);
    expect(ann.screen.listenerCount('isAvailableChanged')).to.equal(0);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible in the ${theme} theme`, async () => {
      const bo = new FakeParticipant('Bo');
      bo.setMuted(true);
      const call = new FakeCall([new FakeParticipant('Ann', 'Ringing'), bo]);
      const el = await themedFixture<AcsVideoGallery>(
        html`<acs-video-gallery .call=${call.asReal} display-name="Dee"></acs-video-gallery>`,
        theme,
      );
      await expect(el).to.be.accessible();
      const empty = await themedFixture<AcsVideoGallery>(
        html`<acs-video-gallery .call=${new FakeCall().asReal}></acs-video-gallery>`,
        theme,
      );
      await expect(empty).to.be.accessible();
    });
  }
});

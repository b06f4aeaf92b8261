import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/ui/call-controls/call-controls.js';
import type { AcsCallControls } from '../../src/ui/call-controls/call-controls.js';
import '../../src/ui/call-participant-list/call-participant-list.js';
import type { AcsCallParticipantList } from '../../src/ui/call-participant-list/call-participant-list.js';
import '../../src/ui/video-gallery/video-gallery.js';
import type { AcsVideoGallery } from '../../src/ui/video-gallery/video-gallery.js';
import type { AcsVideoTile } from '../../src/ui/video-tile/video-tile.js';
import '../../src/ui/video-tile/video-tile.js';
import { FakeCall, FakeParticipant, part } from './callingFakes.js';
import { themedFixture } from '../kit/ui.js';
import { until } from '../kit/wait.js';

function tileOf(el: AcsVideoGallery, name: string): AcsVideoTile {
  const tiles = [...el.shadowRoot!.querySelectorAll<AcsVideoTile>('acs-video-tile')];
  const tile = tiles.find((t) => t.participant?.displayName === name);
  if (!tile) throw new Error(`no tile of ${name}`);
  return tile;
}

function activeIn(host: Element): Element | null {
  return host.shadowRoot!.activeElement;
}

/** A key pressed on what has focus in `host` (as the keyboard sends it). */
function press(host: Element, key: string): void {
  activeIn(host)!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
}

describe('raise hand', () => {
  it('the controls raise and lower your hand, in words with aria-pressed', async () => {
    const call = new FakeCall([new FakeParticipant('Ann')]);
    const el = await fixture<AcsCallControls>(html`<acs-call-controls .call=${call.asReal}></acs-call-controls>`);
    const button = part(el, 'raise-hand')!;
    expect(button.textContent!.trim()).to.equal('Raise hand');
    expect(button.getAttribute('aria-pressed')).to.equal('false');
    const toggled = oneEvent(el, 'acs-raise-hand-toggle');
    button.click();
    expect((await toggled).detail.raised).to.equal(true);
    await until(() => button.getAttribute('aria-pressed') === 'true', 'the hand up');
    expect(button.textContent!.trim()).to.equal('Lower hand');
    expect(call.actions).to.include('raiseHand');
    button.click();
    await until(() => button.getAttribute('aria-pressed') === 'false', 'the hand down');
    expect(call.actions).to.include('lowerHand');
  });

  it('tiles show each hand with its place in the queue, and your own on your tile', async () => {
    const ann = new FakeParticipant('Ann');
    const bo = new FakeParticipant('Bo');
    const call = new FakeCall([ann, bo]);
    const el = await fixture<AcsVideoGallery>(html`<acs-video-gallery .call=${call.asReal}></acs-video-gallery>`);
    call.raiseHand.raise(bo);
    await call.raiseHand.raiseHand();
    call.raiseHand.raise(ann);
    await el.updateComplete;
    const hand = (tile: AcsVideoTile) => part(tile, 'raised-hand');
    expect(hand(tileOf(el, 'Bo'))!.getAttribute('aria-label')).to.equal('Hand raised, 1st');
    expect(hand(tileOf(el, 'Bo'))!.textContent!.trim()).to.equal('1');
    expect(hand(tileOf(el, 'Ann'))!.getAttribute('aria-label')).to.equal('Hand raised, 3rd');
    expect(hand(part<AcsVideoTile>(el, 'local-tile')!)!.getAttribute('aria-label')).to.equal('Hand raised, 2nd');
    call.raiseHand.lower(bo);
    await el.updateComplete;
    expect(hand(tileOf(el, 'Bo'))).to.equal(null);
    expect(hand(tileOf(el, 'Ann'))!.getAttribute('aria-label'), 'the queue moves up').to.equal('Hand raised, 2nd');
  });

  it('the participant list puts raised hands first, in order', async () => {
    const ann = new FakeParticipant('Ann');
    const bo = new FakeParticipant('Bo');
    const cy = new FakeParticipant('Cy');
    const call = new FakeCall([ann, bo, cy]);
    const el = await fixture<AcsCallParticipantList>(
      html`<acs-call-participant-list .call=${call.asReal} display-name="Dee"></acs-call-participant-list>`,
    );
    const names = () => [...el.shadowRoot!.querySelectorAll('[part="name"]')].map((n) => n.textContent);
    expect(names()).to.deep.equal(['Dee (you)', 'Ann', 'Bo', 'Cy']);
    call.raiseHand.raise(cy);
    call.raiseHand.raise(ann);
    await el.updateComplete;
    expect(names()).to.deep.equal(['Cy', 'Ann', 'Dee (you)', 'Bo']);
    const hands = [...el.shadowRoot!.querySelectorAll('[part="raised-hand"]')].map((h) => h.getAttribute('aria-label'));
    expect(hands).to.deep.equal(['Hand raised, 1st', 'Hand raised, 2nd']);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`the participant list with raised hands is accessible (${theme})`, async () => {
      const ann = new FakeParticipant('Ann');
      const call = new FakeCall([ann, new FakeParticipant('Bo')]);
      call.raiseHand.raise(ann);
      await call.raiseHand.raiseHand();
      const el = await themedFixture<AcsCallParticipantList>(
        html`<acs-call-participant-list .call=${call.asReal} display-name="Dee"></acs-call-participant-list>`,
        theme,
      );
      await expect(el).to.be.accessible();
    });
  }
});

describe('reactions', () => {
  it('"React" opens a menu of reactions: arrow keys move, Escape closes, a choice sends it', async () => {
    const call = new FakeCall([new FakeParticipant('Ann')]);
    const el = await fixture<AcsCallControls>(html`<acs-call-controls .call=${call.asReal}></acs-call-controls>`);
    const react = part(el, 'react')!;
    expect(react.getAttribute('aria-haspopup')).to.equal('menu');
    react.click();
    await el.updateComplete;
    const menu = part(el, 'reactions-menu')!;
    expect(menu.getAttribute('role')).to.equal('menu');
    expect(react.getAttribute('aria-expanded')).to.equal('true');
    const items = [...menu.querySelectorAll('[role="menuitem"]')];
    expect(items.map((i) => i.textContent!.trim())).to.deep.equal(['Like', 'Heart', 'Laugh', 'Applause', 'Surprised']);
    await until(() => activeIn(el) === items[0], 'focus on the first reaction');
    press(el, 'ArrowDown');
    expect(activeIn(el)).to.equal(items[1]);
    press(el, 'ArrowUp');
    press(el, 'ArrowUp');
    expect(activeIn(el), 'wraps').to.equal(items[4]);
    press(el, 'Escape');
    await el.updateComplete;
    expect(part(el, 'reactions-menu')).to.equal(null);
    await until(() => activeIn(el) === react, 'focus back on React');
    react.click();
    await el.updateComplete;
    const sent = oneEvent(el, 'acs-reaction-send');
    part(el, 'reactions-menu')!.querySelectorAll<HTMLElement>('[role="menuitem"]')[3]!.click();
    expect((await sent).detail.reactionType).to.equal('applause');
    await until(() => call.reaction.sent.length === 1, 'the reaction sent');
    expect(call.reaction.sent).to.deep.equal(['applause']);
    expect(part(el, 'reactions-menu')).to.equal(null);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`the controls with the reactions menu open are accessible (${theme})`, async () => {
      const call = new FakeCall([new FakeParticipant('Ann')]);
      const el = await themedFixture<AcsCallControls>(html`<acs-call-controls .call=${call.asReal}></acs-call-controls>`, theme);
      part(el, 'react')!.click();
      await el.updateComplete;
      await expect(el).to.be.accessible();
    });
  }

  it("a reaction floats over its sender's tile for a while and is announced politely", async () => {
    const bob = new FakeParticipant('Bob');
    const call = new FakeCall([new FakeParticipant('Ann'), bob]);
    const el = await fixture<AcsVideoGallery>(html`<acs-video-gallery .call=${call.asReal}></acs-video-gallery>`);
    const announcer = part(el, 'announcer')!;
    expect(announcer.getAttribute('aria-live')).to.equal('polite');
    call.reaction.receive(bob, 'applause');
    await until(() => part(tileOf(el, 'Bob'), 'reaction') !== null, 'the reaction on the tile');
    const reaction = part(tileOf(el, 'Bob'), 'reaction')!;
    expect(reaction.getAttribute('role')).to.equal('img');
    expect(reaction.getAttribute('aria-label')).to.equal('Applause');
    expect(part(tileOf(el, 'Ann'), 'reaction')).to.equal(null);
    expect(announcer.textContent).to.equal('Bob reacted with applause');
    await until(() => part(tileOf(el, 'Bob'), 'reaction') === null, {
      what: 'the reaction gone after about three seconds',
      timeoutMs: 5000,
    });
  });

  it('with reduced motion the reaction does not float (it shows, still)', async () => {
    const tile = await fixture<AcsVideoTile>(html`<acs-video-tile display-name="Bob" reaction="heart"></acs-video-tile>`);
    const reaction = part(tile, 'reaction')!;
    const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
    expect(getComputedStyle(reaction).animationName).to.equal(reduced ? 'none' : 'acs-reaction-float');
    // Whichever this browser prefers, the tile's styles turn the float off for reduced motion.
    const rules = tile.shadowRoot!.adoptedStyleSheets.flatMap((sheet) => [...sheet.cssRules]);
    const reducedRules = rules.filter(
      (rule): rule is CSSMediaRule => rule instanceof CSSMediaRule && rule.conditionText.includes('prefers-reduced-motion: reduce'),
    );
    const still = reducedRules.flatMap((rule) => [...rule.cssRules]).find((rule) => (rule as CSSStyleRule).selectorText === '.reaction');
    expect((still as CSSStyleRule | undefined)?.style.animationName).to.equal('none');
  });
});

describe('pin and spotlight', () => {
  it('a tile offers "More options for {name}": Pin makes it large for this viewer only, Unpin undoes it', async () => {
    const ann = new FakeParticipant('Ann');
    const bo = new FakeParticipant('Bo');
    const call = new FakeCall([ann, bo]);
    call.setRole('Attendee');
    const el = await fixture<AcsVideoGallery>(html`<acs-video-gallery .call=${call.asReal}></acs-video-gallery>`);
    const bob = tileOf(el, 'Bo');
    const more = part(bob, 'more-button')!;
    expect(more.getAttribute('aria-label')).to.equal('More options for Bo');
    more.click();
    await bob.updateComplete;
    const items = [...part(bob, 'menu')!.querySelectorAll('[role="menuitem"]')].map((i) => i.textContent!.trim());
    expect(items, 'no spotlight for an Attendee').to.deep.equal(['Pin']);
    await until(() => activeIn(bob) !== null, 'focus in the menu');
    (activeIn(bob) as HTMLElement).click();
    await el.updateComplete;
    const large = part<AcsVideoTile>(el, 'large-tile')!;
    expect(large.participant).to.equal(bo.asReal);
    expect(large.pinned).to.equal(true);
    expect(part(el, 'grid')!.classList.contains('strip')).to.equal(true);
    expect(el.pinned).to.equal(bo.asReal);
    part(large, 'more-button')!.click();
    await large.updateComplete;
    const unpin = part(large, 'menu')!.querySelector<HTMLElement>('[role="menuitem"]')!;
    expect(unpin.textContent!.trim()).to.equal('Unpin');
    unpin.click();
    await el.updateComplete;
    expect(part(el, 'large-tile')).to.equal(null);
  });

  it('a Presenter spotlights for everyone; the spotlighted participant shows large', async () => {
    const ann = new FakeParticipant('Ann');
    const bo = new FakeParticipant('Bo');
    const call = new FakeCall([ann, bo]);
    const el = await fixture<AcsVideoGallery>(html`<acs-video-gallery .call=${call.asReal}></acs-video-gallery>`);
    const ann1 = tileOf(el, 'Ann');
    part(ann1, 'more-button')!.click();
    await ann1.updateComplete;
    const spotlight = [...part(ann1, 'menu')!.querySelectorAll<HTMLElement>('[role="menuitem"]')].find(
      (i) => i.textContent!.trim() === 'Spotlight for everyone',
    )!;
    spotlight.click();
    await until(() => part<AcsVideoTile>(el, 'large-tile')?.participant === ann.asReal, 'Ann large');
    expect(call.spotlight.getSpotlightedParticipants().map((s) => s.identifier)).to.deep.equal([ann.identifier]);
    const large = part<AcsVideoTile>(el, 'large-tile')!;
    expect(large.spotlighted).to.equal(true);
    part(large, 'more-button')!.click();
    await large.updateComplete;
    const stop = [...part(large, 'menu')!.querySelectorAll<HTMLElement>('[role="menuitem"]')].find(
      (i) => i.textContent!.trim() === 'Stop spotlight',
    )!;
    stop.click();
    await until(() => part(el, 'large-tile') === null, 'back to the grid');
  });

  it('the speaker layout shows the dominant speaker large; a pin wins over the speaker', async () => {
    const ann = new FakeParticipant('Ann');
    const bo = new FakeParticipant('Bo');
    const cy = new FakeParticipant('Cy');
    const call = new FakeCall([ann, bo, cy]);
    const el = await fixture<AcsVideoGallery>(html`<acs-video-gallery .call=${call.asReal} layout="speaker"></acs-video-gallery>`);
    expect(part<AcsVideoTile>(el, 'large-tile')!.participant, 'before anyone spoke: the first').to.equal(ann.asReal);
    call.dominantSpeakers.speak(cy);
    await el.updateComplete;
    expect(part<AcsVideoTile>(el, 'large-tile')!.participant).to.equal(cy.asReal);
    el.pin(bo.asReal);
    await el.updateComplete;
    expect(part<AcsVideoTile>(el, 'large-tile')!.participant).to.equal(bo.asReal);
    el.layout = 'grid';
    el.pin(undefined);
    await el.updateComplete;
    expect(part(el, 'large-tile')).to.equal(null);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`a gallery with a hand, a reaction, a spotlight and an open menu is accessible (${theme})`, async () => {
      const ann = new FakeParticipant('Ann');
      const bo = new FakeParticipant('Bo');
      const call = new FakeCall([ann, bo]);
      const el = await themedFixture<AcsVideoGallery>(
        html`<div style="height: 480px"><acs-video-gallery .call=${call.asReal}></acs-video-gallery></div>`,
        theme,
      ).then((wrapper) => wrapper.querySelector<AcsVideoGallery>('acs-video-gallery')!);
      call.raiseHand.raise(ann);
      await call.spotlight.startSpotlight([bo.identifier]);
      call.reaction.receive(ann, 'heart');
      await until(() => part(tileOf(el, 'Ann'), 'reaction') !== null, 'the reaction');
      const tile = tileOf(el, 'Ann');
      part(tile, 'more-button')!.click();
      await tile.updateComplete;
      await expect(el).to.be.accessible();
    });
  }
});

describe('role-aware controls', () => {
  it('a control your role does not allow is aria-disabled, says why, and follows role changes', async () => {
    const call = new FakeCall([new FakeParticipant('Ann')]);
    call.isMuted = true;
    const el = await fixture<AcsCallControls>(html`<acs-call-controls .call=${call.asReal}></acs-call-controls>`);
    const share = part(el, 'screen-share')!;
    expect(share.hasAttribute('aria-disabled')).to.equal(false);
    call.setRole('Attendee');
    await el.updateComplete;
    expect(share.getAttribute('aria-disabled')).to.equal('true');
    const why = el.shadowRoot!.getElementById(share.getAttribute('aria-describedby')!)!;
    expect(why.textContent).to.equal("Your role (Attendee) can't share the screen");
    expect(part(el, 'microphone')!.hasAttribute('aria-disabled'), 'an Attendee may unmute').to.equal(false);
    share.focus();
    expect(activeIn(el), 'still focusable').to.equal(share);
    let asked = false;
    el.addEventListener('acs-screen-share-toggle', () => (asked = true));
    share.click();
    await el.updateComplete;
    expect(asked, 'pressing it does nothing').to.equal(false);
    expect(call.actions).to.not.include('startScreenSharing');
    call.setRole('Consumer');
    await el.updateComplete;
    const mic = part(el, 'microphone')!;
    expect(mic.getAttribute('aria-disabled')).to.equal('true');
    expect(el.shadowRoot!.getElementById(mic.getAttribute('aria-describedby')!)!.textContent).to.equal("Your role (Consumer) can't unmute");
    expect(part(el, 'camera')!.getAttribute('aria-disabled')).to.equal('true');
    call.setRole('Presenter');
    await el.updateComplete;
    expect(share.hasAttribute('aria-disabled')).to.equal(false);
    expect(el.shadowRoot!.querySelector('[part="restriction"]')).to.equal(null);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`restricted controls are accessible (${theme})`, async () => {
      const call = new FakeCall([new FakeParticipant('Ann')]);
      call.isMuted = true;
      call.setRole('Consumer');
      const el = await themedFixture<AcsCallControls>(html`<acs-call-controls .call=${call.asReal}></acs-call-controls>`, theme);
      await expect(el).to.be.accessible();
    });
  }
});

import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/call/call.js';
import type { AcsCall } from '../../src/ui/call/call.js';
import type { AcsCallControls } from '../../src/ui/call-controls/call-controls.js';
import type { AcsVideoGallery } from '../../src/ui/video-gallery/video-gallery.js';
import type { AcsVideoTile } from '../../src/ui/video-tile/video-tile.js';
import '../../src/ui/call-with-chat/call-with-chat.js';
import type { AcsCallWithChat } from '../../src/ui/call-with-chat/call-with-chat.js';
import { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';
import { testService } from '../browser/service.js';
import { FakeCallAgent, part } from './callingFakes.js';
import { themedFixture } from '../kit/ui.js';
import { until } from '../kit/wait.js';

const GROUP = '3f2a6b1e-9c4d-4e8f-a1b2-c3d4e5f60718';

function inner<T extends Element>(host: Element | null | undefined, selector: string): T | null {
  return host?.shadowRoot?.querySelector<T>(selector) ?? null;
}

function gallery(el: AcsCall): AcsVideoGallery {
  return inner<AcsVideoGallery>(el, 'acs-video-gallery')!;
}

function controls(el: AcsCall): AcsCallControls {
  return inner<AcsCallControls>(el, 'acs-call-controls')!;
}

function remoteTiles(el: AcsCall): AcsVideoTile[] {
  return [...gallery(el).shadowRoot!.querySelectorAll<AcsVideoTile>('acs-video-tile:not([part~="local-tile"])')];
}

function tileNamed(el: AcsCall, name: string): AcsVideoTile | undefined {
  return remoteTiles(el).find((t) => t.participant?.displayName === name);
}

describe('acs-call with group-id or room-id (fake agent)', () => {
  it('offers "Join call" instead of the form, joins the group, and offers "Rejoin" once it ended', async () => {
    const agent = new FakeCallAgent();
    const el = await fixture<AcsCall>(html`<acs-call .callAgent=${agent.asReal} group-id=${GROUP}></acs-call>`);
    await el.updateComplete;
    expect(inner(el, '.heading')!.textContent).to.equal('Join the group call');
    expect(part(el, 'call-form')).to.equal(null);
    part(el, 'join-button')!.click();
    await until(() => el.screen === 'in-call', 'in the call');
    expect(agent.joined.map((j) => j.locator)).to.deep.equal([{ groupId: GROUP }]);
    const call = agent.joined[0]!.call;
    await el.updateComplete;
    expect(inner(el, 'acs-call-status')!.getAttribute('remote-name')).to.equal('Group call');
    await call.hangUp();
    await until(() => el.screen === 'ended', 'the ended screen');
    await el.updateComplete;
    expect(part(el, 'call-again-button')).to.equal(null);
    part(el, 'rejoin-button')!.click();
    await until(() => agent.joined.length === 2 && el.screen === 'in-call', 'joined again');
    expect(agent.joined[1]!.locator).to.deep.equal({ groupId: GROUP });
  });

  it('joinCall() joins a room by room-id; the heading says so', async () => {
    const agent = new FakeCallAgent();
    const el = await fixture<AcsCall>(html`<acs-call .callAgent=${agent.asReal} room-id="99123"></acs-call>`);
    expect(inner(el, '.heading')!.textContent).to.equal('Join the room call');
    await el.joinCall();
    expect(agent.joined[0]!.locator).to.deep.equal({ roomId: '99123' });
    expect(el.screen).to.equal('in-call');
  });

  it('"Speaker view" next to "Connection info" switches the gallery layout', async () => {
    const agent = new FakeCallAgent();
    const el = await fixture<AcsCall>(html`<acs-call .callAgent=${agent.asReal} group-id=${GROUP}></acs-call>`);
    await el.joinCall();
    await el.updateComplete;
    const toggle = part(el, 'layout-toggle')!;
    expect(toggle.textContent!.trim()).to.equal('Speaker view');
    expect(toggle.getAttribute('aria-pressed')).to.equal('false');
    expect(gallery(el).layout).to.equal('grid');
    toggle.click();
    await el.updateComplete;
    expect(toggle.getAttribute('aria-pressed')).to.equal('true');
    expect(gallery(el).layout).to.equal('speaker');
  });

  it('acs-call-with-chat passes group-id on to its acs-call', async () => {
    const el = await fixture<AcsCallWithChat>(html`<acs-call-with-chat group-id=${GROUP}></acs-call-with-chat>`);
    await el.updateComplete;
    expect(el.callElement!.groupId).to.equal(GROUP);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`the join screen and the call with its new controls are accessible (${theme})`, async () => {
      const agent = new FakeCallAgent();
      const el = await themedFixture<AcsCall>(html`<acs-call .callAgent=${agent.asReal} group-id=${GROUP}></acs-call>`, theme);
      await expect(el).to.be.accessible();
      await el.joinCall();
      await el.updateComplete;
      await expect(el).to.be.accessible();
    });
  }
});

describe('acs-call group call (real agents, the test service)', () => {
  let elements: AcsCall[] = [];

  afterEach(async () => {
    await Promise.allSettled(elements.map((el) => el.dispose()));
    elements = [];
  });

  it('three join one group call; a raised hand and a reaction show on the tiles of the others', async function () {
    this.timeout(120_000);
    const { connectionString, endpoint } = await testService();
    const identity = new CommunicationIdentityClient(connectionString);
    const users = await Promise.all(['Ann', 'Bob', 'Cy'].map(() => identity.createUserAndToken(['voip'])));
    const groupId = crypto.randomUUID();
    const container = await fixture<HTMLDivElement>(
      html`<div style="display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px">
        ${['Ann', 'Bob', 'Cy'].map(
          (name, i) => html`<acs-call endpoint=${endpoint} .token=${users[i]!.token} display-name=${name} group-id=${groupId}></acs-call>`,
        )}
      </div>`,
    );
    elements = [...container.querySelectorAll('acs-call')] as AcsCall[];
    const [ann, bob, cy] = elements as [AcsCall, AcsCall, AcsCall];
    await Promise.all(elements.map((el) => el.whenReady()));
    for (const el of elements) {
      await el.updateComplete;
      expect(inner(el, '.heading')!.textContent).to.equal('Join the group call');
      part(el, 'join-button')!.click();
      await until(() => el.call?.state === 'Connected', 'connected');
    }
    await until(() => elements.every((el) => remoteTiles(el).length === 2), 'everyone sees two tiles');

    // Bob raises his hand: Ann and Cy see it on his tile, first in the queue.
    part(controls(bob), 'raise-hand')!.click();
    await until(() => part(controls(bob), 'raise-hand')!.getAttribute('aria-pressed') === 'true', 'Bob’s hand up');
    for (const el of [ann, cy]) {
      await until(() => {
        const tile = tileNamed(el, 'Bob');
        return tile && part(tile, 'raised-hand')?.getAttribute('aria-label') === 'Hand raised, 1st';
      }, 'Bob’s hand on his tile');
    }
    await until(() => part(part<AcsVideoTile>(gallery(bob), 'local-tile')!, 'raised-hand') !== null, 'Bob’s hand on his own tile');

    // Cy reacts with applause: Ann and Bob see it float over Cy's tile and hear it announced.
    part(controls(cy), 'react')!.click();
    await controls(cy).updateComplete;
    const applause = [...part(controls(cy), 'reactions-menu')!.querySelectorAll<HTMLElement>('[role="menuitem"]')].find(
      (item) => item.textContent!.trim() === 'Applause',
    )!;
    applause.click();
    for (const el of [ann, bob]) {
      await until(() => {
        const tile = tileNamed(el, 'Cy');
        return tile && part(tile, 'reaction')?.getAttribute('aria-label') === 'Applause';
      }, 'the applause on Cy’s tile');
      expect(part(gallery(el), 'announcer')!.textContent).to.equal('Cy reacted with applause');
    }

    // Bob lowers his hand: it goes from the others' tiles.
    part(controls(bob), 'raise-hand')!.click();
    await until(() => [ann, cy].every((el) => part(tileNamed(el, 'Bob')!, 'raised-hand') === null), 'Bob’s hand down everywhere');
  });
});

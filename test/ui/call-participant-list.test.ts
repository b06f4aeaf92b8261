import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/call-participant-list/call-participant-list.js';
import type { AcsCallParticipantList } from '../../src/ui/call-participant-list/call-participant-list.js';
import { FakeCall, FakeParticipant } from './callingFakes.js';
import { themedFixture } from '../kit/ui.js';

function rows(el: AcsCallParticipantList): { name: string; state: string; muted: boolean }[] {
  return [...el.shadowRoot!.querySelectorAll('[part="item"]')].map((item) => ({
    name: item.querySelector('[part="name"]')!.textContent!,
    state: item.querySelector('[part="state"]')!.textContent!,
    muted: item.querySelector('[part="mute-icon"]') !== null,
  }));
}

describe('acs-call-participant-list', () => {
  it('lists you first, then everyone else with their state and mute', async () => {
    const bo = new FakeParticipant('Bo', 'Ringing');
    const cy = new FakeParticipant('Cy');
    cy.setMuted(true);
    const call = new FakeCall([bo, cy]);
    const el = await fixture<AcsCallParticipantList>(
      html`<acs-call-participant-list .call=${call.asReal} display-name="Ann"></acs-call-participant-list>`,
    );
    expect(el.shadowRoot!.querySelector('[part="heading"]')!.textContent).to.equal('People (3)');
    expect(rows(el)).to.deep.equal([
      { name: 'Ann (you)', state: 'In the call', muted: false },
      { name: 'Bo', state: 'Ringing', muted: false },
      { name: 'Cy', state: 'In the call', muted: true },
    ]);
  });

  it('follows the call: people joining and leaving, state, mute and names changing', async () => {
    const bo = new FakeParticipant('Bo', 'Ringing');
    const call = new FakeCall([bo]);
    const el = await fixture<AcsCallParticipantList>(html`<acs-call-participant-list .call=${call.asReal}></acs-call-participant-list>`);
    bo.setState('Connecting');
    await el.updateComplete;
    expect(rows(el)[1]!.state).to.equal('Connecting');
    bo.setState('Hold');
    bo.setMuted(true);
    bo.setDisplayName('Bo D.');
    await call.mute();
    await el.updateComplete;
    expect(rows(el)).to.deep.equal([
      { name: 'You', state: 'In the call', muted: true },
      { name: 'Bo D.', state: 'On hold', muted: true },
    ]);
    const dee = new FakeParticipant(undefined);
    call.add(dee);
    await el.updateComplete;
    expect(rows(el)[2]!.name).to.equal('Unnamed participant');
    call.remove(bo);
    await el.updateComplete;
    expect(rows(el).map((r) => r.name)).to.deep.equal(['You', 'Unnamed participant']);
    expect(bo.listenerCount('stateChanged'), 'no listener left on who left').to.equal(0);
  });

  it('takes overriding strings', async () => {
    const call = new FakeCall([new FakeParticipant('Bo', 'Hold')]);
    const el = await fixture<AcsCallParticipantList>(
      html`<acs-call-participant-list
        .call=${call.asReal}
        .strings=${{ participantListHeading: 'Personnes : {count}', you: 'Vous', stateOnHold: 'En attente' }}
      ></acs-call-participant-list>`,
    );
    expect(el.shadowRoot!.querySelector('[part="heading"]')!.textContent).to.equal('Personnes : 2');
    expect(rows(el).map((r) => r.state)).to.deep.equal(['In the call', 'En attente']);
    expect(rows(el)[0]!.name).to.equal('Vous');
  });

  it('can hide its heading, keeping the list labelled', async () => {
    const call = new FakeCall([new FakeParticipant('Bo')]);
    const el = await fixture<AcsCallParticipantList>(
      html`<acs-call-participant-list no-heading .call=${call.asReal}></acs-call-participant-list>`,
    );
    expect(el.shadowRoot!.querySelector('[part="heading"]')).to.equal(null);
    expect(el.shadowRoot!.querySelector('[part="list"]')!.getAttribute('aria-label')).to.equal('People (2)');
    await expect(el).to.be.accessible();
  });

  it('stops listening when it leaves the page', async () => {
    const bo = new FakeParticipant('Bo');
    const call = new FakeCall([bo]);
    const el = await fixture<AcsCallParticipantList>(html`<acs-call-participant-list .call=${call.asReal}></acs-call-participant-list>`);
    el.remove();
    expect(call.listenerCount('remoteParticipantsUpdated')).to.equal(0);
    expect(bo.listenerCount('isMutedChanged')).to.equal(0);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible in the ${theme} theme`, async () => {
      const bo = new FakeParticipant('Bo', 'Ringing');
      bo.setMuted(true);
      const call = new FakeCall([bo, new FakeParticipant('Cy')]);
      const el = await themedFixture<AcsCallParticipantList>(
        html`<acs-call-participant-list .call=${call.asReal} display-name="Ann"></acs-call-participant-list>`,
        theme,
      );
      await expect(el).to.be.accessible();
    });
  }
});

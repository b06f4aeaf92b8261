import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/ui/participant-list/participant-list.js';
import type { AcsParticipantList } from '../../src/ui/participant-list/participant-list.js';
import { ALICE, BOB, CAROL, participant, sourceWith, texts } from './chatUiHelpers.js';
import { nextEvent } from './events.js';
import { themedFixture } from '../kit/ui.js';
import { until } from '../kit/wait.js';

const people = [participant(ALICE, 'Alice'), participant(BOB, 'Bob'), participant(CAROL, '')];

describe('acs-participant-list', () => {
  it('lists participants with avatars and marks the user', async () => {
    const el = await fixture<AcsParticipantList>(
      html`<acs-participant-list .participants=${people} user-id=${ALICE}></acs-participant-list>`,
    );
    expect(texts(el, '[part="name"]')).to.deep.equal(['Alice (you)', 'Bob', 'Unnamed participant']);
    const avatars = [...el.shadowRoot!.querySelectorAll('acs-avatar')];
    expect(avatars.map((a) => a.getAttribute('display-name'))).to.deep.equal(['Alice', 'Bob', 'Unnamed participant']);
    expect(texts(el, '[part="heading"]')).to.deep.equal(['In this chat (3)']);
    expect(el.shadowRoot!.querySelector('ul')!.getAttribute('aria-labelledby')).to.equal('heading');
  });

  it('emits acs-participant-click on click and on Enter', async () => {
    const el = await fixture<AcsParticipantList>(html`<acs-participant-list .participants=${people}></acs-participant-list>`);
    const buttons = el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="participant"]');
    const clicked = nextEvent(el, 'acs-participant-click');
    buttons[1]!.click();
    const event = await clicked;
    expect(event.detail.rawId).to.equal(BOB);
    expect(event.detail.participant.displayName).to.equal('Bob');
    expect(event.bubbles && event.composed).to.equal(true);

    buttons[0]!.focus();
    const pressed = nextEvent(el, 'acs-participant-click');
    await sendKeys({ press: 'Enter' });
    expect((await pressed).detail.rawId).to.equal(ALICE);
  });

  it('follows the participants of a bound thread', async () => {
    const source = sourceWith({ userId: BOB, participants: people.slice(0, 2) });
    const el = await fixture<AcsParticipantList>(html`<acs-participant-list .source=${source}></acs-participant-list>`);
    expect(texts(el, '[part="name"]')).to.deep.equal(['Alice', 'Bob (you)']);
    source.handleParticipantsAdded({
      threadId: source.threadId,
      version: '1',
      addedOn: new Date(),
      participantsAdded: [{ id: people[2]!.id, displayName: 'Carol', metadata: {} }],
      addedBy: { id: people[0]!.id, displayName: 'Alice', metadata: {} },
    });
    await until(() => texts(el, '[part="name"]').length === 3, 'Carol appears');
    source.handleParticipantsRemoved({
      threadId: source.threadId,
      version: '2',
      removedOn: new Date(),
      participantsRemoved: [{ id: people[0]!.id, displayName: 'Alice', metadata: {} }],
      removedBy: { id: people[0]!.id, displayName: 'Alice', metadata: {} },
    });
    await until(() => texts(el, '[part="name"]').join() === 'Bob (you),Carol', 'Alice leaves');
  });

  it('takes overridden strings', async () => {
    const el = await fixture<AcsParticipantList>(
      html`<acs-participant-list
        .participants=${people.slice(0, 1)}
        user-id=${ALICE}
        .strings=${{ participantsHeading: 'Personnes ({count})', youSuffix: '(vous)' }}
      ></acs-participant-list>`,
    );
    expect(texts(el, '[part="heading"]')).to.deep.equal(['Personnes (1)']);
    expect(texts(el, '[part="name"]')).to.deep.equal(['Alice (vous)']);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible in the ${theme} theme`, async () => {
      const el = await themedFixture<AcsParticipantList>(
        html`<acs-participant-list .participants=${people} user-id=${ALICE}></acs-participant-list>`,
        theme,
      );
      await expect(el).to.be.accessible();
    });
  }
});

import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/typing-indicator/typing-indicator.js';
import { type AcsTypingIndicator, TYPING_INDICATOR_STRINGS, typingText } from '../../src/ui/typing-indicator/typing-indicator.js';
import { BOB, CAROL, sourceWith } from './chatUiHelpers.js';
import { themedFixture } from '../kit/ui.js';
import { until } from '../kit/wait.js';

const textOf = (el: AcsTypingIndicator) => el.shadowRoot!.querySelector('[part="base"]')!.textContent!.replace(/\s+/g, ' ').trim();

describe('acs-typing-indicator', () => {
  it('says who is typing: one, two, or how many', () => {
    const strings = TYPING_INDICATOR_STRINGS;
    expect(typingText([], strings)).to.equal('');
    expect(typingText([{ displayName: 'Alice' }], strings)).to.equal('Alice is typing…');
    expect(typingText([{ displayName: 'Alice' }, { displayName: 'Bob' }], strings)).to.equal('Alice and Bob are typing…');
    expect(typingText([{ displayName: 'A' }, { displayName: 'B' }, { displayName: 'C' }], strings)).to.equal('3 people are typing…');
    expect(typingText([{ displayName: '' }], strings)).to.equal('Someone is typing…');
  });

  it('renders the users it is given, in a polite live region', async () => {
    const el = await fixture<AcsTypingIndicator>(
      html`<acs-typing-indicator .users=${[{ displayName: 'Alice' }, { displayName: 'Bob' }]}></acs-typing-indicator>`,
    );
    const base = el.shadowRoot!.querySelector('[part="base"]')!;
    expect(base.getAttribute('aria-live')).to.equal('polite');
    expect(textOf(el)).to.equal('Alice and Bob are typing…');
    el.users = [];
    await el.updateComplete;
    expect(textOf(el)).to.equal('');
  });

  it('takes overridden strings', async () => {
    const el = await fixture<AcsTypingIndicator>(
      html`<acs-typing-indicator
        .users=${[{ displayName: 'A' }, { displayName: 'B' }, { displayName: 'C' }, { displayName: 'D' }]}
        .strings=${{ typingMany: '{count} personnes écrivent…' }}
      ></acs-typing-indicator>`,
    );
    expect(textOf(el)).to.equal('4 personnes écrivent…');
  });

  it('follows the typing users of a bound thread', async () => {
    const source = sourceWith({ userId: '8:acs:test_alice' });
    const el = await fixture<AcsTypingIndicator>(html`<acs-typing-indicator .source=${source}></acs-typing-indicator>`);
    expect(textOf(el)).to.equal('');
    const now = new Date();
    const typing = (rawId: string, name: string) =>
      source.handleTypingIndicator({
        threadId: source.threadId,
        sender: { kind: 'communicationUser', communicationUserId: rawId },
        senderDisplayName: name,
        recipient: { kind: 'communicationUser', communicationUserId: '8:acs:test_alice' },
        version: String(now.getTime()),
        receivedOn: now,
      });
    typing(BOB, 'Bob');
    await until(() => textOf(el) === 'Bob is typing…', 'Bob shows as typing');
    typing(CAROL, 'Carol');
    await until(() => textOf(el) === 'Bob and Carol are typing…', 'both show as typing');
    // The user's own typing notifications (echoed back by the service) are not shown.
    typing('8:acs:test_alice', 'Alice');
    await el.updateComplete;
    expect(textOf(el)).to.equal('Bob and Carol are typing…');
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible in the ${theme} theme`, async () => {
      const el = await themedFixture<AcsTypingIndicator>(
        html`<acs-typing-indicator .users=${[{ displayName: 'Alice' }]}></acs-typing-indicator>`,
        theme,
      );
      await expect(el).to.be.accessible();
    });
  }
});

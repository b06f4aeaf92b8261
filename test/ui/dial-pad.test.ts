import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/dial-pad/dial-pad.js';
import { type AcsDialPad, normalizeDialString } from '../../src/ui/dial-pad/dial-pad.js';
import { applyTheme } from '../../src/ui/shared/theme.js';
import { nextEvent } from './events.js';

const key = (el: AcsDialPad, name: string) => el.shadowRoot!.querySelector<HTMLButtonElement>(`button[data-key="${name}"]`)!;

describe('acs-dial-pad', () => {
  it('dials a number tapped on the keys', async () => {
    const el = await fixture<AcsDialPad>(html`<acs-dial-pad></acs-dial-pad>`);
    for (const digit of '+14255550100') key(el, digit).click();
    key(el, '+').click(); // a second + is ignored
    await el.updateComplete;
    expect(el.value).to.equal('+14255550100');
    const dialled = nextEvent(el, 'acs-dial');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="call-button"]')!.click();
    expect((await dialled).detail).to.deep.equal({ phoneNumber: '+14255550100' });
  });

  it('takes a typed number with spaces, calls on Enter, and refuses what is not E.164', async () => {
    const el = await fixture<AcsDialPad>(html`<acs-dial-pad></acs-dial-pad>`);
    const input = el.shadowRoot!.querySelector('input')!;
    input.value = '555 0100';
    input.dispatchEvent(new InputEvent('input'));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="alert"]')?.textContent).to.contain('international form');
    input.value = '+1 (425) 555-0100';
    input.dispatchEvent(new InputEvent('input'));
    const dialled = nextEvent(el, 'acs-dial');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    expect((await dialled).detail.phoneNumber).to.equal('+14255550100');
    expect(normalizeDialString(' +44 20-7946 0000 ')).to.equal('+442079460000');
  });

  it('deletes the last digit and does not dial while disabled', async () => {
    const el = await fixture<AcsDialPad>(html`<acs-dial-pad value="+1425" disabled></acs-dial-pad>`);
    key(el, 'backspace').click();
    expect(el.value).to.equal('+142');
    let dialled = false;
    el.addEventListener('acs-dial', () => (dialled = true));
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="call-button"]')!.click();
    expect(dialled).to.equal(false);
  });

  it('is accessible in light and dark', async () => {
    const el = await fixture<AcsDialPad>(html`<acs-dial-pad></acs-dial-pad>`);
    await expect(el).to.be.accessible();
    applyTheme(el, 'dark');
    await expect(el).to.be.accessible();
  });
});

import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/avatar/avatar.js';
import { colorOf, initialsOf } from '../../src/ui/avatar/avatar.js';

describe('acs-avatar', () => {
  it('shows the initials of the first and last word, labelled with the full name', async () => {
    const el = await fixture(html`<acs-avatar display-name="Ada Byron Lovelace"></acs-avatar>`);
    const base = el.shadowRoot!.querySelector('[part="base"]')!;
    expect(base.textContent).to.equal('AL');
    expect(base.getAttribute('aria-label')).to.equal('Ada Byron Lovelace');
  });

  it('falls back to "?" without a name and keeps one color per key', async () => {
    expect(initialsOf('')).to.equal('?');
    expect(initialsOf('émile')).to.equal('é');
    expect(colorOf('8:acs:x')).to.equal(colorOf('8:acs:x'));
  });

  it('shows the speaking ring when speaking', async () => {
    const el = await fixture(html`<acs-avatar display-name="Bo" speaking></acs-avatar>`);
    expect(el.shadowRoot!.querySelector('.speaking')).not.to.equal(null);
  });

  it('is accessible', async () => {
    const el = await fixture(html`<acs-avatar display-name="Bo"></acs-avatar>`);
    await expect(el).to.be.accessible();
  });
});

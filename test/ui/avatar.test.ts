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

  it('falls back to "?" without a name', () => {
    expect(initialsOf('')).to.equal('?');
    expect(initialsOf('émile')).to.equal('é');
  });

  it('keeps one color per key, another key another color, and paints the color-key’s color', async () => {
    // Known values: a change to the hash or the palette shows here, and two ids must not share one.
    expect(colorOf('8:acs:x')).to.equal('#00838f');
    expect(colorOf('8:acs:y')).to.equal('#5d4037');
    const el = await fixture(html`<acs-avatar display-name="Bo" color-key="8:acs:x"></acs-avatar>`);
    const base = el.shadowRoot!.querySelector<HTMLElement>('[part="base"]')!;
    expect(getComputedStyle(base).backgroundColor).to.equal('rgb(0, 131, 143)');
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

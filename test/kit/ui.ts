/**
 * Browser-only test kit for the Lit components (web-test-runner pages, @open-wc/testing).
 */
import { fixture, html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import { type ThemeName, applyTheme } from '../../src/ui/shared/theme.js';

/**
 * Renders `template` inside a wrapper in `theme` (its tokens set, its surface painted behind it, as
 * a page in that theme has), so accessibility checks see the colours that page would; returns the
 * wrapper's first element once it has rendered.
 */
export async function themedFixture<T extends Element>(template: TemplateResult, theme: ThemeName = 'light'): Promise<T> {
  const wrapper = await fixture<HTMLDivElement>(
    html`<div style="background: var(--acs-color-surface); color: var(--acs-color-text); padding: 8px">${template}</div>`,
  );
  applyTheme(wrapper, theme);
  const element = wrapper.firstElementChild as T;
  await (element as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
  return element;
}

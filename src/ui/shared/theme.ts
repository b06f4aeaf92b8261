import { css } from 'lit';

/**
 * Design tokens. Every component reads these custom properties with its own fallback, so a page
 * themes all components at once by setting them on any ancestor (custom properties cross shadow
 * roots; nothing else does). `lightTheme` and `darkTheme` are ready-made sets; apply one with
 * `applyTheme(element, 'dark')` or copy its values into your own CSS.
 */
export const THEME_TOKENS = {
  light: {
    '--acs-color-surface': '#ffffff',
    '--acs-color-surface-raised': '#f5f6f8',
    '--acs-color-surface-sunken': '#eceef2',
    '--acs-color-text': '#1b1d21',
    '--acs-color-text-muted': '#5c6370',
    '--acs-color-border': '#d5d9e0',
    '--acs-color-accent': '#2459d6',
    '--acs-color-accent-text': '#ffffff',
    '--acs-color-danger': '#c42b1c',
    '--acs-color-danger-text': '#ffffff',
    '--acs-color-success': '#107c41',
    '--acs-color-own-message': '#dbe6ff',
    '--acs-color-video-background': '#1f2126',
    '--acs-focus-ring': '0 0 0 3px rgba(36, 89, 214, 0.45)',
  },
  dark: {
    '--acs-color-surface': '#1b1d21',
    '--acs-color-surface-raised': '#25282e',
    '--acs-color-surface-sunken': '#131418',
    '--acs-color-text': '#eef0f4',
    '--acs-color-text-muted': '#a5acb8',
    '--acs-color-border': '#3a3f48',
    '--acs-color-accent': '#7aa2ff',
    '--acs-color-accent-text': '#0d1220',
    '--acs-color-danger': '#ff7a6b',
    '--acs-color-danger-text': '#1b0d0b',
    '--acs-color-success': '#6ccf96',
    '--acs-color-own-message': '#273a66',
    '--acs-color-video-background': '#0b0c0e',
    '--acs-focus-ring': '0 0 0 3px rgba(122, 162, 255, 0.55)',
  },
} as const;

export type ThemeName = keyof typeof THEME_TOKENS;

/** Sets a theme's tokens on `element` (inline custom properties): it and everything inside follow. */
export function applyTheme(element: HTMLElement, theme: ThemeName): void {
  for (const [name, value] of Object.entries(THEME_TOKENS[theme])) element.style.setProperty(name, value);
  element.dataset.acsTheme = theme;
}

/** Styles every component shares: typography, focus ring, the visually-hidden helper. */
export const baseStyles = css`
  :host {
    box-sizing: border-box;
    font-family: var(--acs-font-family, system-ui, -apple-system, 'Segoe UI', sans-serif);
    font-size: var(--acs-font-size, 0.9375rem);
    line-height: 1.4;
    color: var(--acs-color-text, #1b1d21);
  }
  :host([hidden]) {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: none;
    box-shadow: var(--acs-focus-ring, 0 0 0 3px rgba(36, 89, 214, 0.45));
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;

import { css } from 'lit';

export default css`
  :host {
    --acs-device-setup-background: var(--acs-color-surface, #ffffff);
    --acs-device-setup-preview-background: var(--acs-color-video-background, #1f2126);
    --acs-device-setup-preview-radius: 0.5rem;
    --acs-device-setup-toggle-on-background: var(--acs-color-accent, #2459d6);
    --acs-device-setup-toggle-on-color: var(--acs-color-accent-text, #ffffff);
    display: block;
  }
  .base {
    display: flex;
    flex-direction: column;
    gap: 0.75rem;
    background: var(--acs-device-setup-background);
  }
  .preview {
    position: relative;
    aspect-ratio: 16 / 9;
    border-radius: var(--acs-device-setup-preview-radius);
    background: var(--acs-device-setup-preview-background);
    overflow: hidden;
    display: flex;
    align-items: center;
    justify-content: center;
  }
  .preview > div {
    position: absolute;
    inset: 0;
  }
  .preview-note {
    margin: 0;
    padding: 0 1rem;
    text-align: center;
    color: #e6e8ec;
  }
  .permission {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
    padding: 0.625rem 0.75rem;
    border: 1px solid var(--acs-color-border, #d5d9e0);
    border-radius: 0.5rem;
    background: var(--acs-color-surface-raised, #f5f6f8);
  }
  .permission p {
    margin: 0;
    flex: 1 1 12rem;
  }
  .toggles {
    display: flex;
    gap: 0.5rem;
  }
  button {
    display: inline-flex;
    align-items: center;
    gap: 0.375rem;
    padding: 0.4375rem 0.75rem;
    border: 1px solid var(--acs-color-border, #d5d9e0);
    border-radius: 0.375rem;
    background: var(--acs-color-surface-raised, #f5f6f8);
    color: var(--acs-color-text, #1b1d21);
    font: inherit;
    cursor: pointer;
  }
  button[aria-checked='true'] {
    background: var(--acs-device-setup-toggle-on-background);
    border-color: var(--acs-device-setup-toggle-on-background);
    color: var(--acs-device-setup-toggle-on-color);
  }
  .selects {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0.25rem;
  }
  label {
    font-weight: 600;
    font-size: 0.875em;
    margin-top: 0.25rem;
  }
  select {
    width: 100%;
    padding: 0.375rem 0.5rem;
    border: 1px solid var(--acs-color-border, #d5d9e0);
    border-radius: 0.375rem;
    background: var(--acs-color-surface, #ffffff);
    color: var(--acs-color-text, #1b1d21);
    font: inherit;
  }
`;

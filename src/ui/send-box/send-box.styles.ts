import { css } from 'lit';

export default css`
  :host {
    display: block;
    --acs-send-box-max-height: 10rem;
    --acs-send-box-background: var(--acs-color-surface, #ffffff);
  }
  .base {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    padding: 0.5rem 0.75rem;
    background: var(--acs-color-surface, #ffffff);
  }
  .banner {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem;
    font-size: 0.8125rem;
    color: var(--acs-color-text, #1b1d21);
  }
  .row {
    display: flex;
    align-items: flex-end;
    gap: 0.5rem;
  }
  textarea {
    flex: 1;
    min-height: 2.5rem;
    max-height: var(--acs-send-box-max-height);
    field-sizing: content;
    resize: none;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--acs-color-border, #d5d9e0);
    border-radius: 0.5rem;
    background: var(--acs-send-box-background);
    color: var(--acs-color-text, #1b1d21);
    font: inherit;
  }
  textarea::placeholder {
    color: var(--acs-color-text-muted, #5c6370);
  }
  textarea[aria-invalid='true'] {
    border-color: var(--acs-color-danger, #c42b1c);
  }
  textarea:disabled {
    opacity: 0.6;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: 0.375rem;
  }
  .banner button {
    border: 1px solid var(--acs-color-border, #d5d9e0);
    background: transparent;
    color: var(--acs-color-text, #1b1d21);
    padding: 0.125rem 0.5rem;
  }
  .send {
    flex: none;
    width: 2.5rem;
    height: 2.5rem;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    border: none;
    border-radius: 50%;
    background: var(--acs-color-accent, #2459d6);
    color: var(--acs-color-accent-text, #ffffff);
  }
  .send:disabled {
    cursor: default;
    background: var(--acs-color-surface-sunken, #eceef2);
    color: var(--acs-color-text-muted, #5c6370);
  }
  .send svg {
    width: 1.25rem;
    height: 1.25rem;
    fill: currentColor;
  }
  .counter {
    font-size: 0.75rem;
    color: var(--acs-color-text-muted, #5c6370);
    text-align: right;
  }
  .counter.hidden {
    display: none;
  }
  .counter.error {
    color: var(--acs-color-danger, #c42b1c);
  }
`;

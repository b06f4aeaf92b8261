import { css } from 'lit';

export default css`
  :host {
    --acs-call-controls-background: var(--acs-color-surface, #ffffff);
    --acs-call-controls-button-background: var(--acs-color-surface-raised, #f5f6f8);
    --acs-call-controls-button-color: var(--acs-color-text, #1b1d21);
    --acs-call-controls-button-pressed-background: var(--acs-color-accent, #2459d6);
    --acs-call-controls-button-pressed-color: var(--acs-color-accent-text, #ffffff);
    --acs-call-controls-hang-up-background: var(--acs-color-danger, #c42b1c);
    --acs-call-controls-hang-up-color: var(--acs-color-danger-text, #ffffff);
    --acs-call-controls-button-size: 3.5rem;
    display: block;
    container-type: inline-size;
  }
  .base {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: 0.5rem;
    padding: 0.5rem;
    background: var(--acs-call-controls-background);
  }
  button {
    min-width: var(--acs-call-controls-button-size);
    min-height: var(--acs-call-controls-button-size);
    padding: 0.375rem 0.5rem;
    display: inline-flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 0.125rem;
    border: 1px solid var(--acs-color-border, #d5d9e0);
    border-radius: 0.5rem;
    background: var(--acs-call-controls-button-background);
    color: var(--acs-call-controls-button-color);
    font: inherit;
    font-size: 0.8125em;
    cursor: pointer;
  }
  button:hover {
    filter: brightness(0.96);
  }
  button[aria-pressed='true'] {
    background: var(--acs-call-controls-button-pressed-background);
    border-color: var(--acs-call-controls-button-pressed-background);
    color: var(--acs-call-controls-button-pressed-color);
  }
  button.hang-up {
    background: var(--acs-call-controls-hang-up-background);
    border-color: var(--acs-call-controls-hang-up-background);
    color: var(--acs-call-controls-hang-up-color);
  }
  button[aria-disabled='true'] {
    cursor: default;
    opacity: 0.6;
  }
  .label {
    white-space: nowrap;
  }
  /* A narrow call (a phone, or beside a chat): smaller buttons, so the eight fit in fewer rows. */
  @container (max-width: 36rem) {
    .base {
      gap: 0.25rem;
      padding: 0.375rem 0.25rem;
    }
    button[part~='button'] {
      min-width: 2.75rem;
      min-height: 3rem;
      padding: 0.25rem 0.375rem;
      font-size: 0.75em;
    }
  }
  .react-wrapper {
    position: relative;
    display: flex;
  }
  .reactions {
    bottom: calc(100% + 0.375rem);
    left: 50%;
    transform: translateX(-50%);
  }
  .restrictions {
    padding: 0 0.5rem 0.5rem;
    background: var(--acs-call-controls-background);
    text-align: center;
  }
  .restriction {
    margin: 0;
    color: var(--acs-color-text-muted, #5c6370);
    font-size: 0.8125em;
  }
`;

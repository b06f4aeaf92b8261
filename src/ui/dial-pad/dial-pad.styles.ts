import { css } from 'lit';

export default css`
  :host {
    display: block;
    max-width: 20rem;
    --acs-dial-pad-key-size: 3.25rem;
    --acs-dial-pad-gap: 0.5rem;
  }
  .base {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: var(--acs-dial-pad-gap);
    padding: 0.75rem;
    border-radius: 0.9rem;
    background: var(--acs-color-surface, #ffffff);
    color: var(--acs-color-text, #1b1d21);
    border: 1px solid var(--acs-color-border, #d5d9e0);
  }
  .display {
    display: flex;
    gap: 0.25rem;
  }
  input {
    flex: 1;
    min-width: 0;
    width: 100%;
    font: inherit;
    font-size: 1.25rem;
    letter-spacing: 0.05em;
    padding: 0.4rem 0.6rem;
    border-radius: 0.5rem;
    border: 1px solid var(--acs-color-border, #d5d9e0);
    background: var(--acs-color-surface-sunken, #eceef2);
    color: inherit;
  }
  .keys {
    display: grid;
    grid-template-columns: repeat(3, var(--acs-dial-pad-key-size));
    gap: var(--acs-dial-pad-gap);
    justify-content: center;
  }
  button {
    font: inherit;
    border-radius: 50%;
    border: 1px solid var(--acs-color-border, #d5d9e0);
    background: var(--acs-color-surface-raised, #f5f6f8);
    color: inherit;
    cursor: pointer;
  }
  .key {
    width: var(--acs-dial-pad-key-size);
    height: var(--acs-dial-pad-key-size);
    display: grid;
    place-items: center;
    line-height: 1.1;
  }
  .key .digit {
    font-size: 1.2rem;
    font-weight: 600;
  }
  .key .letters {
    font-size: 0.6rem;
    letter-spacing: 0.1em;
    color: var(--acs-color-text-muted, #5c6370);
  }
  .backspace {
    border-radius: 0.5rem;
    padding: 0 0.6rem;
  }
  .call {
    border-radius: 999px;
    padding: 0.55rem 1rem;
    background: var(--acs-color-accent, #2459d6);
    color: var(--acs-color-accent-text, #ffffff);
    border-color: transparent;
    font-weight: 600;
  }
  .call[aria-disabled='true'] {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .error {
    margin: 0;
    color: var(--acs-color-danger, #c42b1c);
    font-size: 0.85rem;
  }
`;

import { css } from 'lit';

export default css`
  :host {
    display: block;
    --acs-chat-header-background: var(--acs-color-surface-raised, #f5f6f8);
    --acs-chat-header-padding: 0.5rem 0.75rem;
  }
  .base {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    padding: var(--acs-chat-header-padding);
    background: var(--acs-chat-header-background);
    border-bottom: 1px solid var(--acs-color-border, #d5d9e0);
  }
  button {
    font: inherit;
    color: var(--acs-color-text, #1b1d21);
    cursor: pointer;
    border-radius: 0.375rem;
  }
  .topic,
  .topic-input {
    flex: 1;
    min-width: 0;
    font-size: 1.0625rem;
    font-weight: 600;
    padding: 0.25rem 0.5rem;
  }
  .topic {
    text-align: left;
    border: 1px solid transparent;
    background: transparent;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .topic:hover:not(:disabled) {
    border-color: var(--acs-color-border, #d5d9e0);
  }
  .topic:disabled {
    cursor: default;
  }
  .topic-input {
    font-family: inherit;
    border: 1px solid var(--acs-color-accent, #2459d6);
    border-radius: 0.375rem;
    background: var(--acs-color-surface, #ffffff);
    color: var(--acs-color-text, #1b1d21);
  }
  .participants {
    display: inline-flex;
    align-items: center;
    gap: 0.375rem;
    flex: none;
    padding: 0.25rem 0.625rem;
    border: 1px solid var(--acs-color-border, #d5d9e0);
    background: transparent;
    font-size: 0.8125rem;
  }
  .participants[aria-pressed='true'] {
    background: var(--acs-color-surface-sunken, #eceef2);
  }
  .participants svg {
    width: 1.125rem;
    height: 1.125rem;
    fill: currentColor;
  }
`;

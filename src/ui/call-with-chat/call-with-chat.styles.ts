import { css } from 'lit';

export default css`
  :host {
    display: block;
    background: var(--acs-color-surface, #ffffff);
    color: var(--acs-color-text, #1b1d21);
    --acs-call-with-chat-height: 36rem;
    --acs-call-with-chat-chat-width: 22rem;
    --acs-call-with-chat-gap: 0.75rem;
  }
  .base {
    display: grid;
    grid-template-columns: minmax(0, 1fr) var(--acs-call-with-chat-chat-width);
    gap: var(--acs-call-with-chat-gap);
    height: var(--acs-call-with-chat-height);
  }
  .base.chat-hidden {
    grid-template-columns: minmax(0, 1fr);
  }
  .call,
  .chat {
    min-height: 0;
    min-width: 0;
  }
  acs-call,
  acs-chat {
    height: 100%;
    --acs-chat-height: 100%;
  }
  .empty {
    display: grid;
    place-items: center;
    height: 100%;
    padding: 1rem;
    text-align: center;
    color: var(--acs-color-text-muted, #5c6370);
    border: 1px dashed var(--acs-color-border, #d5d9e0);
    border-radius: 0.75rem;
  }
  .toggle {
    justify-self: end;
    font: inherit;
    padding: 0.35rem 0.8rem;
    border-radius: 0.5rem;
    border: 1px solid var(--acs-color-border, #d5d9e0);
    background: var(--acs-color-surface-raised, #f5f6f8);
    color: var(--acs-color-text, #1b1d21);
    cursor: pointer;
  }
  .bar {
    display: flex;
    justify-content: flex-end;
    margin-bottom: 0.5rem;
  }
  @media (max-width: 56rem) {
    /* Stacked, each part as tall as it needs (at least a usable height): a fixed height shared
       by both squeezed the call setup over the chat. */
    .base {
      grid-template-columns: minmax(0, 1fr);
      grid-template-rows: auto auto;
      height: auto;
    }
    .call {
      min-height: min(34rem, 85vh);
    }
    .chat {
      height: min(30rem, 80vh);
    }
  }
`;

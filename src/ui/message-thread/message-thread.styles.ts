import { css } from 'lit';

export default css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    --acs-message-thread-own-background: var(--acs-color-own-message, #dbe6ff);
    --acs-message-thread-other-background: var(--acs-color-surface-raised, #f5f6f8);
    --acs-message-thread-background: var(--acs-color-surface, #ffffff);
    --acs-message-thread-bubble-radius: 0.75rem;
    --acs-message-thread-bubble-max-width: 75%;
  }
  /* The full height of the host even when a page makes the host a block: the log scrolls, not the page. */
  .base {
    position: relative;
    display: flex;
    flex-direction: column;
    flex: 1;
    height: 100%;
    min-height: 0;
    background: var(--acs-message-thread-background);
  }
  /*
   * Block layout, not flex: appending a message to a long log then lays out only the new one.
   * Positioned: the offsets of the items are measured from it. Its own scroll anchoring is off: the
   * component keeps the item at the top of the view in place as the rendered items change.
   */
  .log {
    position: relative;
    overflow-anchor: none;
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    display: block;
    padding: 0.75rem;
    overscroll-behavior: contain;
  }
  .older {
    display: flex;
    justify-content: center;
    padding-bottom: 0.5rem;
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
    border-radius: 0.375rem;
  }
  .older button,
  .jump {
    border: 1px solid var(--acs-color-border, #d5d9e0);
    background: var(--acs-color-surface-raised, #f5f6f8);
    color: var(--acs-color-text, #1b1d21);
    padding: 0.25rem 0.75rem;
  }
  .jump {
    position: absolute;
    bottom: 0.75rem;
    left: 50%;
    transform: translateX(-50%);
    border-radius: 999px;
    background: var(--acs-color-accent, #2459d6);
    color: var(--acs-color-accent-text, #ffffff);
    border-color: transparent;
  }
  .empty,
  .notice {
    color: var(--acs-color-text-muted, #5c6370);
    text-align: center;
    padding: 1.5rem 1rem;
  }
  .notice {
    margin: 0;
    padding: 0.5rem 1rem;
    background: var(--acs-color-surface-sunken, #eceef2);
    color: var(--acs-color-text, #1b1d21);
  }
  .day {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    margin: 0.75rem 0 0.5rem;
    color: var(--acs-color-text-muted, #5c6370);
    font-size: 0.8125rem;
  }
  .day::before,
  .day::after {
    content: '';
    flex: 1;
    border-top: 1px solid var(--acs-color-border, #d5d9e0);
  }
  .system {
    width: fit-content;
    text-align: center;
    max-width: 90%;
    margin: 0.375rem auto;
    padding: 0.125rem 0.5rem;
    border-radius: 0.375rem;
    color: var(--acs-color-text-muted, #5c6370);
    font-size: 0.8125rem;
  }
  .system time {
    margin-left: 0.25rem;
  }
  .message {
    position: relative;
    display: grid;
    grid-template-columns: auto minmax(0, 1fr);
    grid-template-areas: 'avatar bubble' '. status';
    column-gap: 0.5rem;
    align-items: end;
    width: fit-content;
    max-width: var(--acs-message-thread-bubble-max-width);
    margin: 0.5rem auto 0 0;
    border-radius: var(--acs-message-thread-bubble-radius);
  }
  .message.continued {
    margin-top: 0.125rem;
  }
  .message.own {
    margin-left: auto;
    margin-right: 0;
    grid-template-columns: minmax(0, 1fr);
    grid-template-areas: 'bubble' 'status';
  }
  /* Sized here, not only inside the avatar: the thread measures a message before its avatar renders. */
  .avatar {
    grid-area: avatar;
    --acs-avatar-size: 2rem;
    width: 2rem;
    height: 2rem;
  }
  .avatar-space {
    grid-area: avatar;
    width: 2rem;
  }
  .bubble {
    grid-area: bubble;
    padding: 0.375rem 0.75rem;
    border-radius: var(--acs-message-thread-bubble-radius);
    background: var(--acs-message-thread-other-background);
    color: var(--acs-color-text, #1b1d21);
    overflow-wrap: anywhere;
  }
  .own .bubble {
    background: var(--acs-message-thread-own-background);
  }
  .meta {
    display: flex;
    gap: 0.5rem;
    align-items: baseline;
    font-size: 0.8125rem;
  }
  .sender {
    font-weight: 600;
  }
  .meta time,
  .footer {
    color: var(--acs-color-text-muted, #5c6370);
    font-size: 0.75rem;
  }
  .footer {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
  }
  .content {
    white-space: pre-wrap;
  }
  .deleted .content {
    font-style: italic;
    color: var(--acs-color-text-muted, #5c6370);
  }
  .status {
    grid-area: status;
    justify-self: end;
    font-size: 0.75rem;
    color: var(--acs-color-text-muted, #5c6370);
  }
  .status.failed {
    color: var(--acs-color-danger, #c42b1c);
  }
  /* Over the bubble's top corner, so a message is as wide with or without them. */
  .actions {
    position: absolute;
    top: -0.625rem;
    right: 0.5rem;
    display: flex;
    gap: 0.25rem;
    opacity: 0;
  }
  .message:hover .actions,
  .message:focus-within .actions {
    opacity: 1;
  }
  .actions button {
    border: 1px solid var(--acs-color-border, #d5d9e0);
    background: var(--acs-color-surface, #ffffff);
    color: var(--acs-color-text, #1b1d21);
    padding: 0.125rem 0.5rem;
    font-size: 0.8125rem;
  }
  .message:focus-visible,
  .system:focus-visible {
    box-shadow: var(--acs-focus-ring, 0 0 0 3px rgba(36, 89, 214, 0.45));
  }
`;

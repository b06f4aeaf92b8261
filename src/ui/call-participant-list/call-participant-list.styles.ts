import { css } from 'lit';

export default css`
  :host {
    --acs-call-participant-list-background: var(--acs-color-surface, #ffffff);
    --acs-call-participant-list-avatar-size: 2rem;
    display: block;
  }
  .base {
    background: var(--acs-call-participant-list-background);
    padding: 0.5rem 0;
  }
  .heading {
    margin: 0;
    padding: 0 0.75rem 0.5rem;
    font-weight: 600;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li {
    display: flex;
    align-items: center;
    gap: 0.625rem;
    padding: 0.375rem 0.75rem;
    --acs-avatar-size: var(--acs-call-participant-list-avatar-size);
  }
  .who {
    flex: 1;
    min-width: 0;
    display: flex;
    flex-direction: column;
  }
  .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .state {
    font-size: 0.8125em;
    color: var(--acs-color-text-muted, #5c6370);
  }
  .mute {
    display: inline-flex;
    color: var(--acs-color-text-muted, #5c6370);
  }
  .hand {
    display: inline-flex;
    align-items: center;
    gap: 0.125rem;
    padding: 0.0625rem 0.375rem;
    border-radius: 999px;
    background: #ffd75e;
    color: #1b1d21;
    font-size: 0.8125em;
    font-weight: 700;
  }
`;

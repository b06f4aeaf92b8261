import { css } from 'lit';

export default css`
  :host {
    display: block;
    --acs-participant-list-avatar-size: 2rem;
    --acs-participant-list-background: var(--acs-color-surface, #ffffff);
  }
  .base {
    height: 100%;
    overflow-y: auto;
    padding: 0.5rem;
    background: var(--acs-participant-list-background);
  }
  .heading {
    font-weight: 600;
    font-size: 0.8125rem;
    padding: 0.25rem 0.5rem 0.5rem;
    color: var(--acs-color-text-muted, #5c6370);
  }
  .list {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .participant {
    display: flex;
    align-items: center;
    gap: 0.625rem;
    width: 100%;
    padding: 0.375rem 0.5rem;
    border: none;
    border-radius: 0.375rem;
    background: transparent;
    color: var(--acs-color-text, #1b1d21);
    font: inherit;
    text-align: left;
    cursor: pointer;
  }
  .participant:hover {
    background: var(--acs-color-surface-raised, #f5f6f8);
  }
  acs-avatar {
    --acs-avatar-size: var(--acs-participant-list-avatar-size);
  }
  .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .you {
    color: var(--acs-color-text-muted, #5c6370);
  }
  .empty {
    margin: 0.5rem;
    color: var(--acs-color-text-muted, #5c6370);
  }
`;

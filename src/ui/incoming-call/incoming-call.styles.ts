import { css } from 'lit';

export default css`
  :host {
    --acs-incoming-call-background: var(--acs-color-surface-raised, #f5f6f8);
    --acs-incoming-call-accept-background: var(--acs-color-success, #107c41);
    --acs-incoming-call-accept-color: var(--acs-color-success-text, var(--acs-color-accent-text, #ffffff));
    --acs-incoming-call-decline-background: var(--acs-color-danger, #c42b1c);
    --acs-incoming-call-decline-color: var(--acs-color-danger-text, #ffffff);
    --acs-incoming-call-avatar-size: 4rem;
    display: block;
  }
  .base {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 0.5rem;
    padding: 1.25rem;
    border: 1px solid var(--acs-color-border, #d5d9e0);
    border-radius: 0.75rem;
    background: var(--acs-incoming-call-background);
    box-shadow: 0 8px 24px rgba(0, 0, 0, 0.25);
    text-align: center;
    --acs-avatar-size: var(--acs-incoming-call-avatar-size);
  }
  .base:focus {
    outline: none;
  }
  .ringing {
    border-radius: 50%;
    animation: ring 1.6s ease-out infinite;
  }
  @keyframes ring {
    0% {
      box-shadow: 0 0 0 0 rgba(16, 124, 65, 0.5);
    }
    100% {
      box-shadow: 0 0 0 1rem rgba(16, 124, 65, 0);
    }
  }
  .title {
    margin: 0;
    font-size: 1.125em;
    font-weight: 600;
  }
  .description {
    margin: 0;
    color: var(--acs-color-text-muted, #5c6370);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: 0.5rem;
    margin-top: 0.5rem;
  }
  button {
    display: inline-flex;
    align-items: center;
    gap: 0.375rem;
    padding: 0.5rem 0.875rem;
    border: none;
    border-radius: 999px;
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  .accept {
    background: var(--acs-incoming-call-accept-background);
    color: var(--acs-incoming-call-accept-color);
  }
  .decline {
    background: var(--acs-incoming-call-decline-background);
    color: var(--acs-incoming-call-decline-color);
  }
  @media (prefers-reduced-motion: reduce) {
    .ringing {
      animation: none;
    }
  }
`;

import { css } from 'lit';

export default css`
  :host {
    --acs-call-status-color: var(--acs-color-text, #1b1d21);
    --acs-call-status-indicator-color: var(--acs-color-text-muted, #5c6370);
    --acs-call-status-connected-color: var(--acs-color-success, #107c41);
    --acs-call-status-ended-color: var(--acs-color-danger, #c42b1c);
    display: block;
  }
  .base {
    margin: 0;
    display: inline-flex;
    align-items: center;
    gap: 0.5rem;
    color: var(--acs-call-status-color);
  }
  .indicator {
    width: 0.625rem;
    height: 0.625rem;
    border-radius: 50%;
    background: var(--acs-call-status-indicator-color);
    flex: none;
  }
  .base[data-phase='connected'] .indicator {
    background: var(--acs-call-status-connected-color);
  }
  .base[data-phase='ended'] .indicator {
    background: var(--acs-call-status-ended-color);
  }
  .base[data-phase='pending'] .indicator {
    animation: pulse 1.2s ease-in-out infinite;
  }
  @keyframes pulse {
    50% {
      opacity: 0.3;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .base[data-phase='pending'] .indicator {
      animation: none;
    }
  }
`;

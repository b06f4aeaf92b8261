import { css } from 'lit';

export default css`
  :host {
    display: block;
    --acs-typing-indicator-color: var(--acs-color-text-muted, #5c6370);
    --acs-typing-indicator-min-height: 1.5rem;
  }
  .base {
    display: flex;
    align-items: center;
    gap: 0.375rem;
    min-height: var(--acs-typing-indicator-min-height);
    padding: 0 0.75rem;
    font-size: 0.8125rem;
    color: var(--acs-typing-indicator-color);
    background: var(--acs-color-surface, #ffffff);
  }
  .dots {
    display: inline-flex;
    gap: 0.1875rem;
  }
  .dots span {
    width: 0.3125rem;
    height: 0.3125rem;
    border-radius: 50%;
    background: currentColor;
    animation: bounce 1.2s infinite ease-in-out;
  }
  .dots span:nth-child(2) {
    animation-delay: 0.15s;
  }
  .dots span:nth-child(3) {
    animation-delay: 0.3s;
  }
  @keyframes bounce {
    0%,
    80%,
    100% {
      opacity: 0.3;
    }
    40% {
      opacity: 1;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .dots span {
      animation: none;
    }
  }
`;

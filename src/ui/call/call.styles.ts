import { css } from 'lit';

export default css`
  :host {
    --acs-call-background: var(--acs-color-surface, #ffffff);
    --acs-call-panel-width: 18rem;
    --acs-call-overlay-background: rgba(0, 0, 0, 0.45);
    display: block;
    position: relative;
    height: 100%;
    min-height: 26rem;
  }
  .base {
    position: relative;
    height: 100%;
    min-height: inherit;
    background: var(--acs-call-background);
    color: var(--acs-color-text, #1b1d21);
    display: flex;
    flex-direction: column;
    container-type: inline-size;
  }
  /* Setup: it never spills out of the call's box (it scrolls inside it, when it must). */
  .setup {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
    gap: 1.25rem;
    padding: 1rem;
    align-content: start;
    overflow: auto;
  }
  /* One column (preview above the form): a shorter preview keeps "Start call" in view. */
  @container (max-width: 34rem) {
    .setup acs-device-setup::part(preview) {
      aspect-ratio: auto;
      height: min(10rem, 28vh);
    }
  }
  .heading {
    margin: 0 0 0.5rem;
    font-size: 1.25em;
    font-weight: 600;
  }
  form {
    display: flex;
    flex-direction: column;
    gap: 0.375rem;
  }
  label {
    font-weight: 600;
  }
  input {
    padding: 0.5rem 0.625rem;
    border: 1px solid var(--acs-color-border, #d5d9e0);
    border-radius: 0.375rem;
    background: var(--acs-color-surface, #ffffff);
    color: var(--acs-color-text, #1b1d21);
    font: inherit;
  }
  input[aria-invalid='true'] {
    border-color: var(--acs-color-danger, #c42b1c);
  }
  .hint,
  .identity {
    margin: 0;
    font-size: 0.875em;
    color: var(--acs-color-text-muted, #5c6370);
  }
  .identity {
    margin-top: 1rem;
  }
  .identity code {
    word-break: break-all;
    color: var(--acs-color-text, #1b1d21);
  }
  .notice {
    margin: 0.5rem 0 0;
    color: var(--acs-color-text-muted, #5c6370);
  }
  .notice:empty {
    margin: 0;
  }
  .error {
    margin: 0;
    color: var(--acs-color-danger, #c42b1c);
  }
  .primary,
  .secondary {
    align-self: flex-start;
    display: inline-flex;
    align-items: center;
    gap: 0.375rem;
    padding: 0.5rem 1rem;
    border-radius: 0.375rem;
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  .primary {
    border: 1px solid var(--acs-color-accent, #2459d6);
    background: var(--acs-color-accent, #2459d6);
    color: var(--acs-color-accent-text, #ffffff);
  }
  .secondary {
    border: 1px solid var(--acs-color-border, #d5d9e0);
    background: var(--acs-color-surface-raised, #f5f6f8);
    color: var(--acs-color-text, #1b1d21);
  }
  .primary[aria-disabled='true'] {
    opacity: 0.6;
    cursor: default;
  }
  /* In a call */
  .in-call {
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  .top {
    padding: 0.5rem 0.75rem;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }
  .top > acs-call-status {
    flex: 1 1 8rem;
    min-width: 0;
  }
  .secondary.small {
    flex: none;
    padding: 0.25rem 0.625rem;
    font-size: 0.8125em;
  }
  .secondary[aria-pressed='true'] {
    border-color: var(--acs-color-accent, #2459d6);
    background: var(--acs-color-accent, #2459d6);
    color: var(--acs-color-accent-text, #ffffff);
  }
  .stage {
    position: relative;
    flex: 1;
    min-height: 0;
    display: flex;
  }
  .stage > acs-video-gallery {
    flex: 1;
    min-width: 0;
    /* The controls keep their room: the gallery gives way on a short screen. */
    min-height: 8rem;
    height: auto;
  }
  .in-call > acs-call-controls {
    flex: none;
  }
  .panel {
    flex: 0 0 var(--acs-call-panel-width);
    max-width: 100%;
    overflow-y: auto;
    border-left: 1px solid var(--acs-color-border, #d5d9e0);
    background: var(--acs-color-surface, #ffffff);
  }
  .panel-header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    padding: 0.5rem 0.75rem;
  }
  .panel-header h2 {
    margin: 0;
    font-size: 1em;
  }
  .panel-body {
    padding: 0 0.75rem 0.75rem;
  }
  .panel acs-call-participant-list {
    margin: 0 -0.75rem;
  }
  .close {
    padding: 0.25rem 0.5rem;
  }
  /* Narrow: the panel goes under the video, which gives it room (it covers nothing). */
  @container (max-width: 36rem) {
    .stage {
      flex-direction: column;
    }
    .panel {
      flex: 0 1 auto;
      max-height: 60%;
      min-height: 8rem;
      border-left: 0;
      border-top: 1px solid var(--acs-color-border, #d5d9e0);
    }
  }
  /* Ended */
  .ended {
    flex: 1;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 1rem;
    padding: 1rem;
    text-align: center;
  }
  .ended acs-call-status {
    font-size: 1.25em;
  }
  .ended-actions {
    display: flex;
    gap: 0.5rem;
  }
  /* Incoming call */
  .overlay {
    position: absolute;
    inset: 0;
    z-index: 3;
    display: flex;
    align-items: center;
    justify-content: center;
    padding: 1rem;
    background: var(--acs-call-overlay-background);
  }
  .overlay.replaces {
    background: var(--acs-call-background);
  }
  .screen {
    display: contents;
  }
  .overlay {
    flex-direction: column;
    gap: 0.5rem;
  }
  .call-waiting-note {
    margin: 0;
    padding: 0.375rem 0.75rem;
    border-radius: 0.375rem;
    background: var(--acs-color-surface, #ffffff);
    color: var(--acs-color-text, #1b1d21);
    font-size: 0.875em;
  }
  .overlay acs-incoming-call {
    width: min(24rem, 100%);
  }
`;

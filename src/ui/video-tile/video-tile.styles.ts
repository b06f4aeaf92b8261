import { css } from 'lit';

export default css`
  :host {
    --acs-video-tile-background: var(--acs-color-video-background, #1f2126);
    --acs-video-tile-radius: 0.5rem;
    --acs-video-tile-speaking-color: var(--acs-color-success, #107c41);
    --acs-video-tile-avatar-size: 4rem;
    --acs-video-tile-aspect-ratio: 16 / 9;
    display: block;
    position: relative;
    min-width: 0;
    min-height: 0;
  }
  .base {
    position: relative;
    width: 100%;
    min-height: 6rem;
    aspect-ratio: var(--acs-video-tile-aspect-ratio);
    border-radius: var(--acs-video-tile-radius);
    background: var(--acs-video-tile-background);
    overflow: hidden;
    display: flex;
    align-items: center;
    justify-content: center;
  }
  :host([fill]) .base {
    height: 100%;
    aspect-ratio: auto;
  }
  .base::after {
    content: '';
    position: absolute;
    inset: 0;
    border-radius: inherit;
    pointer-events: none;
    transition: box-shadow 120ms ease-out;
  }
  .base.speaking::after {
    box-shadow: inset 0 0 0 3px var(--acs-video-tile-speaking-color);
  }
  .video {
    position: absolute;
    inset: 0;
  }
  .placeholder {
    display: flex;
    align-items: center;
    justify-content: center;
    --acs-avatar-size: var(--acs-video-tile-avatar-size);
  }
  .label {
    position: absolute;
    left: 0.5rem;
    bottom: 0.5rem;
    max-width: calc(100% - 1rem);
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
    padding: 0.125rem 0.5rem;
    border-radius: 0.25rem;
    background: rgba(0, 0, 0, 0.66);
    color: #fff;
    font-size: 0.875em;
  }
  .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .mute {
    display: inline-flex;
    color: #fff;
  }
  .state {
    position: absolute;
    top: 0.5rem;
    left: 0.5rem;
    padding: 0.125rem 0.5rem;
    border-radius: 999px;
    background: var(--acs-color-surface, #ffffff);
    color: var(--acs-color-text, #1b1d21);
    font-size: 0.8125em;
    font-weight: 600;
  }
  .stats {
    position: absolute;
    top: 0.5rem;
    right: 0.5rem;
    max-width: calc(100% - 1rem);
    margin: 0;
    padding: 0.125rem 0.5rem;
    border-radius: 0.25rem;
    background: rgba(0, 0, 0, 0.66);
    color: #fff;
    font-size: 0.75em;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .stats .path {
    font-weight: 600;
  }
  @media (prefers-reduced-motion: reduce) {
    .base::after {
      transition: none;
    }
  }
`;

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
  /* Your own tile, when small (the floating self view on a phone): "You", not a cut-off name. */
  :host([local]) .base {
    container-type: inline-size;
  }
  .short-name {
    display: none;
  }
  @container (max-width: 10rem) {
    .name.has-short {
      display: none;
    }
    .short-name {
      display: inline;
    }
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
  .flag {
    display: inline-flex;
    flex: none;
  }
  .hand {
    position: absolute;
    top: 0.5rem;
    left: 0.5rem;
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
    padding: 0.125rem 0.5rem;
    border-radius: 999px;
    background: #ffd75e;
    color: #1b1d21;
    font-size: 0.875em;
    font-weight: 700;
  }
  .state.below-hand {
    top: 2.25rem;
  }
  .reaction {
    position: absolute;
    left: 50%;
    bottom: 20%;
    z-index: 2;
    display: inline-flex;
    padding: 0.5rem;
    border-radius: 50%;
    background: #ffffff;
    box-shadow: 0 2px 8px rgba(0, 0, 0, 0.4);
    font-size: clamp(1.25rem, 12cqmin, 2.5rem);
    transform: translateX(-50%);
    animation: acs-reaction-float 3s ease-out forwards;
    pointer-events: none;
  }
  @keyframes acs-reaction-float {
    0% {
      opacity: 0;
      transform: translate(-50%, 1rem) scale(0.6);
    }
    12% {
      opacity: 1;
      transform: translate(-50%, 0) scale(1);
    }
    80% {
      opacity: 1;
    }
    100% {
      opacity: 0;
      transform: translate(-50%, -3rem) scale(1);
    }
  }
  .more {
    position: absolute;
    top: 0.25rem;
    right: 0.25rem;
    z-index: 3;
  }
  .more-button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 2rem;
    height: 2rem;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: rgba(0, 0, 0, 0.66);
    color: #fff;
    cursor: pointer;
  }
  .more .menu {
    top: calc(100% + 0.25rem);
    right: 0;
  }
  :host([pinnable]) .stats,
  :host([spotlightable]) .stats {
    right: 2.75rem;
    max-width: calc(100% - 3.25rem);
  }
  @media (prefers-reduced-motion: reduce) {
    .base::after {
      transition: none;
    }
    .reaction {
      animation: none;
    }
  }
`;

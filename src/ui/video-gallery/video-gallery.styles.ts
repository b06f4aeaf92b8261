import { css } from 'lit';

export default css`
  :host {
    --acs-video-gallery-gap: 0.5rem;
    --acs-video-gallery-background: var(--acs-color-surface-sunken, #eceef2);
    --acs-video-gallery-local-tile-width: clamp(7rem, 22%, 14rem);
    --acs-video-gallery-strip-height: 7rem;
    display: block;
    height: 100%;
    min-height: 14rem;
  }
  .base {
    position: relative;
    height: 100%;
    min-height: inherit;
    padding: var(--acs-video-gallery-gap);
    background: var(--acs-video-gallery-background);
    display: flex;
    flex-direction: column;
    gap: var(--acs-video-gallery-gap);
    container-type: inline-size;
    overflow: hidden;
  }
  .grid {
    flex: 1;
    min-height: 0;
    display: grid;
    gap: var(--acs-video-gallery-gap);
    grid-template-columns: repeat(var(--acs-columns, 1), minmax(0, 1fr));
    grid-auto-rows: minmax(0, 1fr);
  }
  @container (max-width: 32rem) {
    .grid {
      grid-template-columns: repeat(min(var(--acs-columns, 1), 2), minmax(0, 1fr));
    }
  }
  .grid > acs-video-tile {
    height: 100%;
  }
  .screen-share,
  .large {
    flex: 1;
    min-height: 0;
  }
  .strip {
    flex: 0 0 var(--acs-video-gallery-strip-height);
    display: flex;
    gap: var(--acs-video-gallery-gap);
    overflow-x: auto;
  }
  .strip > acs-video-tile {
    flex: 0 0 calc(var(--acs-video-gallery-strip-height) * 16 / 9);
    height: 100%;
    --acs-video-tile-avatar-size: 2.5rem;
  }
  .waiting {
    flex: 1;
    display: flex;
    align-items: center;
    justify-content: center;
    text-align: center;
    color: var(--acs-color-text-muted, #5c6370);
  }
  .local {
    position: absolute;
    right: calc(var(--acs-video-gallery-gap) * 2);
    bottom: calc(var(--acs-video-gallery-gap) * 2);
    width: var(--acs-video-gallery-local-tile-width);
    box-shadow: 0 2px 8px rgba(0, 0, 0, 0.35);
    border-radius: 0.5rem;
    z-index: 1;
    --acs-video-tile-avatar-size: 2.5rem;
  }
  .base.with-screen .local {
    bottom: calc(var(--acs-video-gallery-strip-height) + var(--acs-video-gallery-gap) * 3);
  }
  /* Beside a large person (pinned, spotlighted, speaking) your tile sits at the strip's end, off their face. */
  .base.with-large .strip {
    flex-basis: min(var(--acs-video-gallery-strip-height), 40%);
    padding-right: calc(var(--acs-video-gallery-local-tile-width) + var(--acs-video-gallery-gap));
  }
  .base.with-large .local {
    bottom: var(--acs-video-gallery-gap);
    max-height: min(var(--acs-video-gallery-strip-height), 40%);
  }
  .base.with-large .local::part(base) {
    min-height: 0;
  }
  .sharing {
    position: absolute;
    top: calc(var(--acs-video-gallery-gap) * 2);
    left: 50%;
    transform: translateX(-50%);
    z-index: 1;
    padding: 0.25rem 0.75rem;
    border-radius: 999px;
    background: var(--acs-color-accent, #2459d6);
    color: var(--acs-color-accent-text, #ffffff);
    font-size: 0.875em;
  }
`;

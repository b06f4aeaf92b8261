import { LitElement, type PropertyValues, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { Call } from '../../calling/call.js';
import type { LocalVideoStream } from '../../calling/localVideoStream.js';
import type { RemoteParticipant } from '../../calling/remoteParticipant.js';
import { CallController } from '../controllers/callController.js';
import { ConnectionStatsController } from '../controllers/connectionStatsController.js';
import { keyOf } from '../shared/callingNames.js';
import { mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import '../video-tile/video-tile.js';
import type { VideoTileStrings } from '../video-tile/video-tile.js';
import styles from './video-gallery.styles.js';

export const videoGalleryStrings = {
  galleryLabel: 'Video gallery',
  waitingForOthers: 'Waiting for others to join…',
  youAreSharing: 'You are sharing your screen',
};
export type VideoGalleryStrings = typeof videoGalleryStrings;

const TILE_PARTS =
  'base: tile__base, video: tile__video, name: tile__name, mute-icon: tile__mute-icon, state: tile__state, stats: tile__stats';

/** Columns for `count` tiles: as square a grid as fits. */
function columnsFor(count: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(count)));
}

/**
 * @summary The people in a call: a responsive grid of remote tiles with your own tile in a
 * picture-in-picture corner. A remote screen share shows large, with everyone else in a strip.
 *
 * @csspart base - The gallery.
 * @csspart grid - The grid of remote tiles (or, during a screen share, the strip).
 * @csspart tile - Each remote `acs-video-tile`; its parts are exported as `tile__base`, `tile__video`, `tile__name`, `tile__mute-icon`, `tile__state`, `tile__stats`.
 * @csspart screen-share - The large tile of a remote screen share.
 * @csspart local-tile - Your own tile.
 * @csspart waiting - The note shown while nobody else is in the call.
 * @csspart sharing-notice - The note shown while you share your screen.
 *
 * @cssproperty --acs-video-gallery-gap - Space between tiles (default 0.5rem).
 * @cssproperty --acs-video-gallery-background - Behind the tiles (default the theme's sunken surface).
 * @cssproperty --acs-video-gallery-local-tile-width - Width of your own tile (default clamp(7rem, 22%, 14rem)).
 * @cssproperty --acs-video-gallery-strip-height - Height of the strip beside a screen share (default 7rem).
 */
@customElement('acs-video-gallery')
export class AcsVideoGallery extends LitElement {
  static override styles = [baseStyles, styles];

  readonly #callController = new CallController(this, { watchParticipants: true });
  readonly #stats = new ConnectionStatsController(this);

  /** The call whose participants are shown; the gallery follows its events. */
  @property({ attribute: false }) call: Call | undefined;

  /** Your name, on your own tile. */
  @property({ attribute: 'display-name' }) displayName = '';

  /** Your video when there is no call to take it from (a preview before joining). */
  @property({ attribute: false }) localVideoStream: LocalVideoStream | undefined;

  /** Hides your own tile. */
  @property({ type: Boolean, attribute: 'no-local-tile' }) noLocalTile = false;

  /**
   * Shows each remote tile's connection diagnostics (direct or relayed, round trip, packet loss),
   * refreshed every two seconds while set.
   */
  @property({ type: Boolean, attribute: 'show-connection-stats' }) showConnectionStats = false;

  /** Overrides for the gallery's and its tiles' words. */
  @property({ attribute: false }) strings: Partial<VideoGalleryStrings & VideoTileStrings> | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('call')) this.#callController.call = this.call;
    if (changed.has('call') || changed.has('showConnectionStats')) this.#stats.call = this.showConnectionStats ? this.call : undefined;
  }

  #remoteTile(participant: RemoteParticipant) {
    return html`<acs-video-tile
      part="tile"
      exportparts=${TILE_PARTS}
      fill
      .participant=${participant}
      .connectionStats=${this.#stats.of(participant)}
      .strings=${this.strings}
    ></acs-video-tile>`;
  }

  override render() {
    const strings = mergeStrings(videoGalleryStrings, this.strings);
    const call = this.call;
    const remotes = (call?.remoteParticipants ?? []).filter((p) => p.state !== 'Disconnected');
    const sharer = remotes.find((p) => p.videoStreams.some((s) => s.mediaStreamType === 'ScreenSharing' && s.isAvailable));
    const localStream = call ? call.localVideoStreams.find((s) => s.mediaStreamType === 'Video') : this.localVideoStream;
    const tiles = repeat(
      remotes,
      (p) => keyOf(p.identifier),
      (p) => this.#remoteTile(p),
    );
    let body;
    if (sharer) {
      body = html`<acs-video-tile
          part="screen-share"
          class="screen-share"
          exportparts=${TILE_PARTS}
          fill
          stream-type="ScreenSharing"
          scaling-mode="Fit"
          .participant=${sharer}
          .strings=${this.strings}
        ></acs-video-tile>
        <div part="grid" class="strip">${tiles}</div>`;
    } else if (remotes.length > 0) {
      body = html`<div part="grid" class="grid" style=${styleMap({ '--acs-columns': String(columnsFor(remotes.length)) })}>${tiles}</div>`;
    } else {
      body = html`<p part="waiting" class="waiting">${strings.waitingForOthers}</p>`;
    }
    return html`<section
      part="base"
      class=${classMap({ base: true, 'with-screen': sharer !== undefined })}
      aria-label=${strings.galleryLabel}
    >
      ${call?.isScreenSharingOn ? html`<p part="sharing-notice" class="sharing" role="status">${strings.youAreSharing}</p>` : nothing}
      ${body}
      ${
        this.noLocalTile
          ? nothing
          : html`<acs-video-tile
              part="local-tile"
              class="local"
              exportparts="base: local-tile__base, video: local-tile__video, name: local-tile__name, mute-icon: local-tile__mute-icon"
              local
              .localVideoStream=${localStream}
              display-name=${this.displayName}
              ?muted=${call?.isMuted ?? false}
              mirrored
              .strings=${this.strings}
            ></acs-video-tile>`
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-video-gallery': AcsVideoGallery;
  }
}

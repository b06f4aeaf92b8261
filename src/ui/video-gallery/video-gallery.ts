import { LitElement, type PropertyValues, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { Call } from '../../calling/call.js';
import type { LocalVideoStream } from '../../calling/localVideoStream.js';
import type { RemoteParticipant } from '../../calling/remoteParticipant.js';
import { CallController } from '../controllers/callController.js';
import type { ReactionType } from '../../calling/callingProtocol.js';
import type { ReactionEventPayload } from '../../calling/features/reaction.js';
import { getIdentifierRawId } from '../../common/identifiers.js';
import { CallFeaturesController } from '../controllers/callFeaturesController.js';
import { ConnectionStatsController } from '../controllers/connectionStatsController.js';
import { type AcsErrorDetail, emit } from '../shared/events.js';
import { reactionName, reactionStrings } from '../shared/reactions.js';
import { keyOf } from '../shared/callingNames.js';
import { format, mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import '../video-tile/video-tile.js';
import type { PinToggleDetail, SpotlightToggleDetail, VideoTileStrings } from '../video-tile/video-tile.js';
import styles from './video-gallery.styles.js';

export const videoGalleryStrings = {
  galleryLabel: 'Video gallery',
  waitingForOthers: 'Waiting for others to join…',
  youAreSharing: 'You are sharing your screen',
  reactedWith: '{name} reacted with {reaction}',
  unnamedParticipant: 'Unnamed participant',
  ...reactionStrings,
};
export type VideoGalleryStrings = typeof videoGalleryStrings;

const TILE_PARTS =
  'base: tile__base, video: tile__video, name: tile__name, mute-icon: tile__mute-icon, state: tile__state, stats: tile__stats, raised-hand: tile__raised-hand, reaction: tile__reaction, more-button: tile__more-button, menu: tile__menu, menu-item: tile__menu-item';

/** Detail of `acs-error` from `<acs-video-gallery>`. */
export type VideoGalleryErrorDetail = AcsErrorDetail;

/** How long a reaction floats over its sender's tile. */
const REACTION_SHOWN_MS = 3000;

/** `grid`: everyone alike; `speaker`: the dominant speaker large, the rest in a strip. */
export type VideoGalleryLayout = 'grid' | 'speaker';

/** Columns for `count` tiles: as square a grid as fits. */
function columnsFor(count: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(count)));
}

/**
 * @summary The people in a call: a responsive grid of remote tiles with your own tile in a
 * picture-in-picture corner. A remote screen share shows large, with everyone else in a strip.
 *
 * One participant shows large, the rest in a strip, when someone is pinned (by you, from a tile's
 * "More options" menu: only your view changes), spotlighted (for everyone, by a Presenter), or
 * sharing a screen, and in the `speaker` layout (the dominant speaker). Which one: pinned, then a
 * screen share, then the first spotlighted, then the dominant speaker. Raised hands show on the
 * tiles with their place in the queue, and reactions float over their sender's tile for three
 * seconds (announced politely to screen readers).
 *
 * @event {CustomEvent<VideoGalleryErrorDetail>} acs-error - Spotlighting or ending a spotlight from a tile's menu failed.
 *
 * @csspart base - The gallery.
 * @csspart grid - The grid of remote tiles (or, during a screen share, the strip).
 * @csspart tile - Each remote `acs-video-tile`; its parts are exported as `tile__base`, `tile__video`, `tile__name`, `tile__mute-icon`, `tile__state`, `tile__stats`.
 * @csspart screen-share - The large tile of a remote screen share.
 * @csspart large-tile - The large tile of the pinned, spotlighted or speaking participant.
 * @csspart announcer - The visually hidden live region that announces reactions.
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
  readonly #features = new CallFeaturesController(this, { onReaction: (reaction) => this.#onReaction(reaction) });
  readonly #reactionTimers = new Map<string, ReturnType<typeof setTimeout>>();

  /** Reactions floating now, by the sender's raw id. */
  @state() private reactions = new Map<string, ReactionType>();
  @state() private announcement = '';
  /** The raw id of the participant pinned here (this viewer only). */
  @state() private pinnedId: string | undefined;

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

  /** `grid` (default) or `speaker`: the dominant speaker large and the rest in a strip. */
  @property({ reflect: true }) layout: VideoGalleryLayout = 'grid';

  /** Your raw id, to show your own raised hand (without it, a hand that is no remote participant's is yours). */
  @property({ attribute: 'user-id' }) userId = '';

  /** Overrides for the gallery's and its tiles' words. */
  @property({ attribute: false }) strings: Partial<VideoGalleryStrings & VideoTileStrings> | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('call')) this.#callController.call = this.call;
    if (changed.has('call') || changed.has('showConnectionStats')) this.#stats.call = this.showConnectionStats ? this.call : undefined;
    if (changed.has('call')) {
      this.#features.call = this.call;
      this.#clearReactions();
      this.pinnedId = undefined;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#clearReactions();
  }

  /** Pins a participant here (this viewer only), or unpins with undefined. */
  pin(participant: RemoteParticipant | undefined): void {
    this.pinnedId = participant ? getIdentifierRawId(participant.identifier) : undefined;
  }

  /** The participant pinned here, if any. */
  get pinned(): RemoteParticipant | undefined {
    return this.call?.remoteParticipants.find((p) => getIdentifierRawId(p.identifier) === this.pinnedId);
  }

  #clearReactions(): void {
    for (const timer of this.#reactionTimers.values()) clearTimeout(timer);
    this.#reactionTimers.clear();
    this.reactions = new Map();
  }

  #onReaction({ identifier, reactionMessage }: ReactionEventPayload): void {
    const strings = mergeStrings(videoGalleryStrings, this.strings);
    const rawId = getIdentifierRawId(identifier);
    const sender = this.call?.remoteParticipants.find((p) => getIdentifierRawId(p.identifier) === rawId);
    const name = sender?.displayName?.trim() || strings.unnamedParticipant;
    const reaction = reactionName(reactionMessage.reactionType, strings).toLocaleLowerCase();
    this.announcement = format(strings.reactedWith, { name, reaction });
    // The same reaction again floats anew: the tile drops it for a frame, then shows it again.
    const reactions = new Map(this.reactions);
    reactions.delete(rawId);
    this.reactions = reactions;
    clearTimeout(this.#reactionTimers.get(rawId));
    void this.updateComplete.then(() => {
      this.reactions = new Map(this.reactions).set(rawId, reactionMessage.reactionType);
      this.#reactionTimers.set(
        rawId,
        setTimeout(() => {
          this.#reactionTimers.delete(rawId);
          const next = new Map(this.reactions);
          next.delete(rawId);
          this.reactions = next;
        }, REACTION_SHOWN_MS),
      );
    });
  }

  #onPinToggle(event: CustomEvent<PinToggleDetail>): void {
    if (event.defaultPrevented) return;
    this.pin(event.detail.pinned ? event.detail.participant : undefined);
  }

  #onSpotlightToggle(event: CustomEvent<SpotlightToggleDetail>): void {
    const spotlight = this.#features.spotlight;
    if (event.defaultPrevented || !spotlight) return;
    const { participant, on } = event.detail;
    const asked = on ? spotlight.startSpotlight([participant.identifier]) : spotlight.stopSpotlight([participant.identifier]);
    asked.catch((error: unknown) => emit(this, 'acs-error', { error }));
  }

  /** Who shows large: pinned, a screen share, the first spotlighted, or (speaker layout) the dominant speaker. */
  #large(
    remotes: RemoteParticipant[],
    sharer: RemoteParticipant | undefined,
  ): { participant: RemoteParticipant; screen: boolean } | undefined {
    const byId = (rawId: string | undefined) => remotes.find((p) => getIdentifierRawId(p.identifier) === rawId);
    const pinned = byId(this.pinnedId);
    if (pinned) return { participant: pinned, screen: false };
    if (sharer) return { participant: sharer, screen: true };
    const spotlighted = this.#features.spotlighted.map(byId).find((p) => p !== undefined);
    if (spotlighted) return { participant: spotlighted, screen: false };
    if (this.layout === 'speaker' && remotes.length > 0)
      return { participant: byId(this.#features.dominantSpeaker) ?? remotes[0]!, screen: false };
    return undefined;
  }

  #remoteTile(participant: RemoteParticipant, hands: Map<string, number>, spotlighted: string[], large = false) {
    const rawId = getIdentifierRawId(participant.identifier);
    return html`<acs-video-tile
      part=${large ? 'large-tile' : 'tile'}
      class=${large ? 'large' : ''}
      exportparts=${TILE_PARTS}
      fill
      .participant=${participant}
      .connectionStats=${this.#stats.of(participant)}
      raised-hand=${hands.get(rawId) ?? 0}
      reaction=${this.reactions.get(rawId) ?? ''}
      ?pinned=${this.pinnedId === rawId}
      ?spotlighted=${spotlighted.includes(rawId)}
      pinnable
      ?spotlightable=${this.#features.can('spotlightParticipant')}
      .strings=${this.strings}
    ></acs-video-tile>`;
  }

  override render() {
    const strings = mergeStrings(videoGalleryStrings, this.strings);
    const call = this.call;
    const remotes = (call?.remoteParticipants ?? []).filter((p) => p.state !== 'Disconnected');
    const sharer = remotes.find((p) => p.videoStreams.some((s) => s.mediaStreamType === 'ScreenSharing' && s.isAvailable));
    const localStream = call ? call.localVideoStreams.find((s) => s.mediaStreamType === 'Video') : this.localVideoStream;
    const hands = this.#features.handQueue;
    const spotlighted = this.#features.spotlighted;
    const large = this.#large(remotes, sharer);
    const tiles = repeat(
      large && !large.screen ? remotes.filter((p) => p !== large.participant) : remotes,
      (p) => keyOf(p.identifier),
      (p) => this.#remoteTile(p, hands, spotlighted),
    );
    const ownHand = this.#features.ownHandOrder(this.userId || undefined);
    let body;
    if (large && !large.screen) {
      body = html`${this.#remoteTile(large.participant, hands, spotlighted, true)}
      ${remotes.length > 1 ? html`<div part="grid" class="strip">${tiles}</div>` : nothing}`;
    } else if (sharer) {
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
      class=${classMap({
        base: true,
        'with-screen': large?.screen === true,
        'with-large': large?.screen === false && remotes.length > 1,
      })}
      aria-label=${strings.galleryLabel}
      @acs-pin-toggle=${this.#onPinToggle}
      @acs-spotlight-toggle=${this.#onSpotlightToggle}
    >
      <p part="announcer" class="visually-hidden" role="status" aria-live="polite">${this.announcement}</p>
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
              user-id=${this.userId}
              ?muted=${call?.isMuted ?? false}
              raised-hand=${ownHand ?? 0}
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

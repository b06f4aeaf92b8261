import { LitElement, type PropertyValues, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import type { ConnectionStats } from '../../calling/call.js';
import type { MediaStreamType } from '../../calling/deviceInfo.js';
import type { LocalVideoStream } from '../../calling/localVideoStream.js';
import type { RemoteParticipant, RemoteParticipantState } from '../../calling/remoteParticipant.js';
import type { RemoteVideoStream } from '../../calling/remoteVideoStream.js';
import type { ScalingMode } from '../../calling/videoStreamRenderer.js';
import '../avatar/avatar.js';
import { ParticipantController } from '../controllers/participantController.js';
import { VideoViewController } from '../controllers/videoViewController.js';
import { callingIcon } from '../shared/callingIcons.js';
import { raisedHandBadge, raisedHandStrings } from '../shared/raisedHand.js';
import { keyOf, nameOf } from '../shared/callingNames.js';
import type { ReactionType } from '../../calling/callingProtocol.js';
import { emit } from '../shared/events.js';
import { focusFirstItem, menuStyles, onMenuKeyDown } from '../shared/menu.js';
import { reactionIcon, reactionIconStyles, reactionName, reactionStrings } from '../shared/reactions.js';
import { format, mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import styles from './video-tile.styles.js';

export const videoTileStrings = {
  unnamedParticipant: 'Unnamed participant',
  you: 'You',
  youNamed: '{name} (you)',
  muted: 'Muted',
  stateIdle: 'Waiting',
  stateRinging: 'Ringing',
  stateConnecting: 'Connecting',
  stateOnHold: 'On hold',
  screenShareOf: '{name} (screen)',
  connectionLabel: 'Connection',
  pathDirect: 'Direct',
  pathRelayed: 'Relayed',
  pathUnknown: 'Connecting',
  roundTrip: '{ms} ms',
  packetLoss: '{percent} % lost',
  ...raisedHandStrings,
  pinned: 'Pinned',
  spotlighted: 'Spotlighted',
  moreOptions: 'More options for {name}',
  pin: 'Pin',
  unpin: 'Unpin',
  spotlightForEveryone: 'Spotlight for everyone',
  stopSpotlight: 'Stop spotlight',
  ...reactionStrings,
};
export type VideoTileStrings = typeof videoTileStrings;

export interface PinToggleDetail {
  participant: RemoteParticipant;
  /** The state asked for. */
  pinned: boolean;
}
export interface SpotlightToggleDetail {
  participant: RemoteParticipant;
  /** The state asked for: spotlighted for everyone, or not. */
  on: boolean;
}

const STATE_KEYS: Partial<Record<RemoteParticipantState, keyof VideoTileStrings>> = {
  Idle: 'stateIdle',
  Ringing: 'stateRinging',
  Connecting: 'stateConnecting',
  Hold: 'stateOnHold',
};

/**
 * @summary One person in a call: their video while it is available, else their avatar; their name,
 * a mute icon, a ring while they speak, and a badge while they ring, connect or are on hold.
 *
 * Give it a remote `participant` (it follows that participant's events), or, for yourself, set
 * `local` with a `localVideoStream`, `display-name`, `muted` and `mirrored`.
 *
 * @csspart base - The tile.
 * @csspart video - The wrapper of the rendered video (present while video shows).
 * @csspart placeholder - The wrapper of the avatar (present while there is no video).
 * @csspart avatar - The `acs-avatar`; its circle is `avatar__base`.
 * @csspart label - The name plate.
 * @csspart short-name - "You", shown instead of the name on your own tile when it is small.
 * @csspart name - The name.
 * @csspart mute-icon - The muted microphone icon.
 * @csspart state - The state badge (Ringing, Connecting, On hold).
 * @csspart stats - The connection diagnostics (shown while `connectionStats` is set): path, round trip, loss.
 * @csspart raised-hand - The raised hand badge with its place in the queue ("✋ 2").
 * @csspart reaction - A reaction floating over the tile.
 * @csspart more-button - The "More options for {name}" button (with `pinnable` or `spotlightable`).
 * @csspart menu - Its menu (Pin/Unpin, Spotlight for everyone/Stop spotlight).
 * @csspart menu-item - Each item of the menu.
 *
 * @event {CustomEvent<PinToggleDetail>} acs-pin-toggle - "Pin" or "Unpin" was chosen (cancelable); `<acs-video-gallery>` pins the tile for this viewer.
 * @event {CustomEvent<SpotlightToggleDetail>} acs-spotlight-toggle - "Spotlight for everyone" or "Stop spotlight" was chosen (cancelable); `<acs-video-gallery>` asks the call.
 *
 * @cssproperty --acs-video-tile-background - Behind the video and avatar (default the theme's video background).
 * @cssproperty --acs-video-tile-radius - Corner radius (default 0.5rem).
 * @cssproperty --acs-video-tile-speaking-color - The speaking ring (default the theme's success color).
 * @cssproperty --acs-video-tile-avatar-size - Avatar diameter (default 4rem).
 * @cssproperty --acs-video-tile-aspect-ratio - Tile shape unless `fill` is set (default 16 / 9).
 */
@customElement('acs-video-tile')
export class AcsVideoTile extends LitElement {
  static override styles = [baseStyles, menuStyles, reactionIconStyles, styles];

  readonly #participantController = new ParticipantController(this);
  readonly #video = new VideoViewController(this);

  /** The remote participant shown; the tile follows its events. */
  @property({ attribute: false }) participant: RemoteParticipant | undefined;

  /** Which of the participant's streams to show: the camera (`Video`) or the screen (`ScreenSharing`). */
  @property({ attribute: 'stream-type' }) streamType: MediaStreamType = 'Video';

  /** Your own video, for the local tile (no participant). */
  @property({ attribute: false }) localVideoStream: LocalVideoStream | undefined;

  /** The name shown when there is no participant, or the participant has no display name. */
  @property({ attribute: 'display-name' }) displayName = '';

  /** Your own tile: the name reads "{name} (you)". */
  @property({ type: Boolean }) local = false;

  /** Whose tile this is when it has no `participant` (your own): their raw id, so their avatar has the color others see. */
  @property({ attribute: 'user-id' }) userId = '';

  /** Shows the mute icon (for the local tile; a participant's own state wins). */
  @property({ type: Boolean }) muted = false;

  /** Shows the speaking ring (for the local tile; a participant's own state wins). */
  @property({ type: Boolean }) speaking = false;

  /** Mirrors the video, as a selfie view. */
  @property({ type: Boolean }) mirrored = false;

  /** Fills its container instead of keeping the aspect ratio. */
  @property({ type: Boolean, reflect: true }) fill = false;

  /** How video fits the tile: `Crop` (fill, cut edges) or `Fit` (whole picture, bars). */
  @property({ attribute: 'scaling-mode' }) scalingMode: ScalingMode = 'Crop';

  /**
   * Connection diagnostics to show on the tile (`call.getConnectionStats()`): whether the media goes
   * direct or through a relay, the round-trip time and the packets lost. Unset, nothing shows.
   */
  @property({ attribute: false }) connectionStats: ConnectionStats | undefined;

  /** The participant's place in the queue of raised hands (1 is first); 0 while the hand is down. */
  @property({ type: Number, attribute: 'raised-hand' }) raisedHand = 0;

  /** A reaction to float over the tile (the gallery sets it for about three seconds). */
  @property() reaction: ReactionType | '' = '';

  /** Pinned by this viewer (shown on the name plate; the menu offers "Unpin"). */
  @property({ type: Boolean }) pinned = false;

  /** Spotlighted for everyone (shown on the name plate; the menu offers "Stop spotlight"). */
  @property({ type: Boolean }) spotlighted = false;

  /** Offers "Pin"/"Unpin" in a "More options" menu (for a remote participant). */
  @property({ type: Boolean, reflect: true }) pinnable = false;

  /** Offers "Spotlight for everyone"/"Stop spotlight" in the menu (when your role may spotlight). */
  @property({ type: Boolean, reflect: true }) spotlightable = false;

  /** Overrides for the tile's words. */
  @property({ attribute: false }) strings: Partial<VideoTileStrings> | undefined;

  @state() private menuOpen = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('participant')) this.#participantController.participant = this.participant;
    this.#video.show(this.#shownStream(), { isMirrored: this.mirrored, scalingMode: this.scalingMode });
  }

  #shownStream(): LocalVideoStream | RemoteVideoStream | undefined {
    if (this.participant) {
      return this.participant.videoStreams.find((s) => s.mediaStreamType === this.streamType && s.isAvailable);
    }
    return this.localVideoStream;
  }

  /** The `<video>` element while video shows (to watch frames, or for picture-in-picture). */
  get videoElement(): HTMLVideoElement | undefined {
    return this.#video.view?.videoElement;
  }

  #menu(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('[part~="menu"]');
  }

  #toggleMenu(): void {
    this.menuOpen = !this.menuOpen;
    if (this.menuOpen) void this.updateComplete.then(() => focusFirstItem(this.#menu()));
  }

  #closeMenu(returnFocus: boolean): void {
    this.menuOpen = false;
    if (returnFocus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part~="more-button"]')?.focus());
  }

  #onMenuFocusOut(event: FocusEvent): void {
    const wrapper = event.currentTarget as HTMLElement;
    if (!wrapper.contains(event.relatedTarget as Node | null)) this.menuOpen = false;
  }

  #choose(action: 'pin' | 'spotlight'): void {
    const participant = this.participant;
    this.#closeMenu(true);
    if (!participant) return;
    if (action === 'pin') {
      emit(this, 'acs-pin-toggle', { participant, pinned: !this.pinned }, { cancelable: true });
    } else {
      emit(this, 'acs-spotlight-toggle', { participant, on: !this.spotlighted }, { cancelable: true });
    }
  }

  #renderMenu(name: string, strings: VideoTileStrings) {
    if (!this.pinnable && !this.spotlightable) return nothing;
    const open = this.menuOpen;
    return html`<div class="more" @focusout=${this.#onMenuFocusOut}>
      <button
        type="button"
        part="more-button"
        class="more-button"
        aria-label=${format(strings.moreOptions, { name })}
        aria-haspopup="menu"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls="menu"
        @click=${this.#toggleMenu}
      >
        ${callingIcon('more')}
      </button>
      ${
        open
          ? html`<div
              part="menu"
              id="menu"
              class="menu"
              role="menu"
              aria-label=${format(strings.moreOptions, { name })}
              @keydown=${(e: KeyboardEvent) => onMenuKeyDown(e, e.currentTarget as HTMLElement, (back) => this.#closeMenu(back))}
            >
              ${
                this.pinnable
                  ? html`<button type="button" part="menu-item" role="menuitem" tabindex="-1" @click=${() => this.#choose('pin')}>
                      ${callingIcon('pin')}${this.pinned ? strings.unpin : strings.pin}
                    </button>`
                  : nothing
              }
              ${
                this.spotlightable
                  ? html`<button type="button" part="menu-item" role="menuitem" tabindex="-1" @click=${() => this.#choose('spotlight')}>
                      ${callingIcon('applause')}${this.spotlighted ? strings.stopSpotlight : strings.spotlightForEveryone}
                    </button>`
                  : nothing
              }
            </div>`
          : nothing
      }
    </div>`;
  }

  override render() {
    const strings = mergeStrings(videoTileStrings, this.strings);
    const participant = this.participant;
    const person = participant ?? { displayName: this.displayName };
    // The person's own name (for the avatar's initials) and the name as shown.
    let personName = nameOf(person, this.displayName || strings.unnamedParticipant);
    if (participant && !participant.displayName?.trim() && this.displayName) personName = this.displayName;
    let name = personName;
    const ownTile = this.local && !participant && this.streamType !== 'ScreenSharing';
    if (this.local && !participant) {
      personName = this.displayName || strings.you;
      name = this.displayName ? format(strings.youNamed, { name: this.displayName }) : strings.you;
    }
    if (this.streamType === 'ScreenSharing') name = format(strings.screenShareOf, { name });
    const muted = participant ? participant.isMuted : this.muted;
    const speaking = participant ? participant.isSpeaking : this.speaking;
    const stateKey = participant ? STATE_KEYS[participant.state] : undefined;
    const view = this.#video.view;
    return html`<div
        part="base"
        class=${classMap({ base: true, speaking, 'has-video': view !== undefined })}
        role="group"
        aria-label=${name}
      >
        ${
          view
            ? html`<div part="video" class="video">${view.target}</div>`
            : html`<div part="placeholder" class="placeholder">
                <acs-avatar
                  part="avatar"
                  exportparts="base: avatar__base"
                  aria-hidden="true"
                  display-name=${personName}
                  color-key=${keyOf(participant?.identifier) || this.userId || personName}
                  ?speaking=${speaking}
                ></acs-avatar>
              </div>`
        }
        <div part="label" class="label">
          ${
            muted
              ? html`<span part="mute-icon" class="mute" role="img" aria-label=${strings.muted}>${callingIcon('microphoneOff')}</span>`
              : nothing
          }
          ${this.pinned ? html`<span class="flag" role="img" aria-label=${strings.pinned}>${callingIcon('pin')}</span>` : nothing}
          ${this.spotlighted ? html`<span class="flag" role="img" aria-label=${strings.spotlighted}>${callingIcon('applause')}</span>` : nothing}
          <span part="name" class=${classMap({ name: true, 'has-short': ownTile })}>${name}</span>
          ${ownTile ? html`<span part="short-name" class="short-name" aria-hidden="true">${strings.you}</span>` : nothing}
        </div>
        ${this.raisedHand > 0 ? raisedHandBadge(this.raisedHand, strings) : nothing}
        ${stateKey ? html`<span part="state" class=${classMap({ state: true, 'below-hand': this.raisedHand > 0 })}>${strings[stateKey]}</span>` : nothing}
        ${
          this.reaction
            ? html`<span part="reaction" class="reaction" role="img" aria-label=${reactionName(this.reaction, strings)}
                >${reactionIcon(this.reaction)}</span
              >`
            : nothing
        }
        ${this.connectionStats ? this.#renderStats(this.connectionStats, strings) : nothing}
      </div>
      ${this.#renderMenu(name, strings)}`;
  }

  #renderStats(stats: ConnectionStats, strings: VideoTileStrings) {
    const path = stats.path === 'direct' ? strings.pathDirect : stats.path === 'relayed' ? strings.pathRelayed : strings.pathUnknown;
    const parts = [path];
    if (stats.roundTripTimeMs !== undefined) parts.push(format(strings.roundTrip, { ms: String(Math.round(stats.roundTripTimeMs)) }));
    parts.push(format(strings.packetLoss, { percent: (stats.packetLossFraction * 100).toFixed(1) }));
    return html`<p part="stats" class="stats" aria-label=${`${strings.connectionLabel}: ${parts.join(', ')}`}>
      <span class=${classMap({ path: true, relayed: stats.path === 'relayed' })}>${path}</span>${parts
        .slice(1)
        .map((part) => html`<span aria-hidden="true"> · </span><span>${part}</span>`)}
    </p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-video-tile': AcsVideoTile;
  }
  interface GlobalEventHandlersEventMap {
    'acs-pin-toggle': CustomEvent<PinToggleDetail>;
    'acs-spotlight-toggle': CustomEvent<SpotlightToggleDetail>;
  }
}

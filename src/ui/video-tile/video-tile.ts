import { LitElement, type PropertyValues, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
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
import { keyOf, nameOf } from '../shared/callingNames.js';
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
};
export type VideoTileStrings = typeof videoTileStrings;

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
 * @csspart name - The name.
 * @csspart mute-icon - The muted microphone icon.
 * @csspart state - The state badge (Ringing, Connecting, On hold).
 * @csspart stats - The connection diagnostics (shown while `connectionStats` is set): path, round trip, loss.
 *
 * @cssproperty --acs-video-tile-background - Behind the video and avatar (default the theme's video background).
 * @cssproperty --acs-video-tile-radius - Corner radius (default 0.5rem).
 * @cssproperty --acs-video-tile-speaking-color - The speaking ring (default the theme's success color).
 * @cssproperty --acs-video-tile-avatar-size - Avatar diameter (default 4rem).
 * @cssproperty --acs-video-tile-aspect-ratio - Tile shape unless `fill` is set (default 16 / 9).
 */
@customElement('acs-video-tile')
export class AcsVideoTile extends LitElement {
  static override styles = [baseStyles, styles];

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

  /** Overrides for the tile's words. */
  @property({ attribute: false }) strings: Partial<VideoTileStrings> | undefined;

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

  override render() {
    const strings = mergeStrings(videoTileStrings, this.strings);
    const participant = this.participant;
    const person = participant ?? { displayName: this.displayName };
    // The person's own name (for the avatar's initials) and the name as shown.
    let personName = nameOf(person, this.displayName || strings.unnamedParticipant);
    if (participant && !participant.displayName?.trim() && this.displayName) personName = this.displayName;
    let name = personName;
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
                color-key=${keyOf(participant?.identifier) || personName}
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
        <span part="name" class="name">${name}</span>
      </div>
      ${stateKey ? html`<span part="state" class="state">${strings[stateKey]}</span>` : nothing}
      ${this.connectionStats ? this.#renderStats(this.connectionStats, strings) : nothing}
    </div>`;
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
}

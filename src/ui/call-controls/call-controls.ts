import { LitElement, type PropertyValues, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Call } from '../../calling/call.js';
import type { VideoDeviceInfo } from '../../calling/deviceInfo.js';
import type { DeviceManager } from '../../calling/deviceManager.js';
import { LocalVideoStream } from '../../calling/localVideoStream.js';
import type { ParticipantCapabilityName } from '../../calling/features/capabilities.js';
import type { ReactionType } from '../../calling/callingProtocol.js';
import { CallController } from '../controllers/callController.js';
import { CallFeaturesController } from '../controllers/callFeaturesController.js';
import { focusFirstItem, menuStyles, onMenuKeyDown } from '../shared/menu.js';
import { REACTIONS, reactionIcon, reactionIconStyles, reactionName, reactionStrings } from '../shared/reactions.js';
import { type CallingIconName, callingIcon } from '../shared/callingIcons.js';
import { type AcsErrorDetail, type PanelToggleDetail, emit } from '../shared/events.js';
import { format, mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import styles from './call-controls.styles.js';

export const callControlsStrings = {
  controlsLabel: 'Call controls',
  mute: 'Mute',
  unmute: 'Unmute',
  cameraOff: 'Turn camera off',
  cameraOn: 'Turn camera on',
  screenShare: 'Share screen',
  stopScreenShare: 'Stop sharing',
  devices: 'Devices',
  participants: 'People',
  hangUp: 'Leave',
  noCamera: 'No camera was found.',
  raiseHand: 'Raise hand',
  lowerHand: 'Lower hand',
  react: 'React',
  reactionsMenu: 'Reactions',
  roleCannotUnmute: "Your role ({role}) can't unmute",
  roleCannotTurnVideoOn: "Your role ({role}) can't turn the camera on",
  roleCannotShareScreen: "Your role ({role}) can't share the screen",
  roleCannotRaiseHand: "Your role ({role}) can't raise a hand",
  roleCannotReact: "Your role ({role}) can't react",
  ...reactionStrings,
};
export type CallControlsStrings = typeof callControlsStrings;

export interface ToggleMicrophoneDetail {
  /** The state asked for. */
  muted: boolean;
}
export interface ToggleOnDetail {
  on: boolean;
}
export type TogglePanelDetail = PanelToggleDetail;
export interface RaiseHandToggleDetail {
  /** The state asked for. */
  raised: boolean;
}
export interface ReactionSendDetail {
  reactionType: ReactionType;
}
/** `acs-hang-up` carries nothing: the button says it all. */
export type HangUpDetail = Record<string, never>;
export type CallControlsErrorDetail = AcsErrorDetail;

type Action = 'microphone' | 'camera' | 'screenShare' | 'raiseHand' | 'react' | 'devices' | 'participants' | 'hangUp';

/** The capability each action needs (from `Features.Capabilities`), and the words saying it is missing. */
const NEEDS: Partial<Record<Action, [ParticipantCapabilityName, keyof CallControlsStrings]>> = {
  microphone: ['unmuteMic', 'roleCannotUnmute'],
  camera: ['turnVideoOn', 'roleCannotTurnVideoOn'],
  screenShare: ['shareScreen', 'roleCannotShareScreen'],
  raiseHand: ['raiseHand', 'roleCannotRaiseHand'],
  react: ['useReactions', 'roleCannotReact'],
};

/**
 * @summary The buttons of a call: microphone, camera, screen share, raise hand, react, devices,
 * people, and leave.
 *
 * Every button emits its event first (cancelable). Given a `call`, the controls then act on it
 * (mute, start or stop video, share the screen, hang up) and show its state; without one, or when a
 * listener calls `preventDefault()`, the page acts and sets `muted`, `camera-on` and so on itself.
 * The toggles are `aria-pressed` buttons (pressed while the microphone, camera, screen share or
 * hand is on) whose words say what a press does ("Mute" / "Unmute", "Turn camera off" / "Turn
 * camera on", "Share screen" / "Stop sharing"); arrow keys, Home and End move between
 * them. "React" opens a menu of reactions (arrow keys move, Escape closes).
 *
 * A control your role does not allow now (`Features.Capabilities`: an Attendee shares no screen, a
 * Consumer neither speaks nor shows video) stays focusable but is `aria-disabled`, described by a
 * line saying why ("Your role (Attendee) can't share the screen"); it follows role changes live.
 *
 * @event {CustomEvent<ToggleMicrophoneDetail>} acs-microphone-toggle - The microphone button was pressed; `muted` is the state asked for.
 * @event {CustomEvent<ToggleOnDetail>} acs-camera-toggle - The camera button was pressed; `on` is the state asked for.
 * @event {CustomEvent<ToggleOnDetail>} acs-screen-share-toggle - The screen share button was pressed.
 * @event {CustomEvent<RaiseHandToggleDetail>} acs-raise-hand-toggle - The raise hand button was pressed; `raised` is the state asked for.
 * @event {CustomEvent<ReactionSendDetail>} acs-reaction-send - A reaction was chosen from the menu.
 * @event {CustomEvent<TogglePanelDetail>} acs-devices-toggle - The devices button was pressed; `open` is the state asked for.
 * @event {CustomEvent<TogglePanelDetail>} acs-participants-toggle - The people button was pressed.
 * @event {CustomEvent<HangUpDetail>} acs-hang-up - The leave button was pressed.
 * @event {CustomEvent<CallControlsErrorDetail>} acs-error - Acting on the call failed (no camera, screen share refused…).
 *
 * @csspart base - The toolbar.
 * @csspart button - Each button; also `microphone`, `camera`, `screen-share`, `raise-hand`, `react`, `devices`, `participants`, `hang-up`.
 * @csspart reactions-menu - The menu of reactions.
 * @csspart reaction - Each reaction in it.
 * @csspart restriction - A line saying why a control is disabled for your role.
 * @csspart icon - The icon of a button.
 * @csspart label - The word under a button's icon.
 *
 * @cssproperty --acs-call-controls-background - Behind the buttons (default the theme's surface).
 * @cssproperty --acs-call-controls-button-background - A button (default the theme's raised surface).
 * @cssproperty --acs-call-controls-button-color - A button's icon and label.
 * @cssproperty --acs-call-controls-button-pressed-background - A button that is on (default the accent).
 * @cssproperty --acs-call-controls-button-pressed-color - A button that is on: icon and label.
 * @cssproperty --acs-call-controls-hang-up-background - The leave button (default the theme's danger color).
 * @cssproperty --acs-call-controls-hang-up-color - The leave button's icon and label.
 * @cssproperty --acs-call-controls-button-size - Smallest width and height of a button (default 3.5rem).
 */
@customElement('acs-call-controls')
export class AcsCallControls extends LitElement {
  static override styles = [baseStyles, menuStyles, reactionIconStyles, styles];

  readonly #callController = new CallController(this);
  readonly #features = new CallFeaturesController(this);

  /** Actions on the call in progress: a second press meanwhile is ignored (the button keeps focus). */
  @state() private busy = new Set<Action>();
  @state() private reactionsOpen = false;

  /** The call to act on and show the state of. */
  @property({ attribute: false }) call: Call | undefined;

  /** Where to find a camera when the camera is turned on (the first one, unless `camera` is given). */
  @property({ attribute: false }) deviceManager: DeviceManager | undefined;

  /** The camera to turn on. */
  @property({ attribute: false }) camera: VideoDeviceInfo | undefined;

  /** Microphone off (without a call; a call's own state wins). */
  @property({ type: Boolean }) muted = false;

  /** Camera on (without a call). */
  @property({ type: Boolean, attribute: 'camera-on' }) cameraOn = false;

  /** Screen shared (without a call). */
  @property({ type: Boolean, attribute: 'screen-sharing' }) screenSharing = false;

  /** The devices panel is open. */
  @property({ type: Boolean, attribute: 'devices-open' }) devicesOpen = false;

  /** The people panel is open. */
  @property({ type: Boolean, attribute: 'participants-open' }) participantsOpen = false;

  /** Hides the screen share button (it is hidden anyway where the browser cannot share a screen). */
  @property({ type: Boolean, attribute: 'no-screen-share' }) noScreenShare = false;

  /** Hand raised (without a call; the call's raised hands win). */
  @property({ type: Boolean, attribute: 'hand-raised' }) handRaised = false;

  /** Your raw id, to find your hand among the raised ones (without it, a hand that is no remote participant's is yours). */
  @property({ attribute: 'user-id' }) userId = '';

  /** Hides the raise hand and react buttons. */
  @property({ type: Boolean, attribute: 'no-reactions' }) noReactions = false;

  /** Hides the devices button. */
  @property({ type: Boolean, attribute: 'no-devices' }) noDevices = false;

  /** Hides the people button. */
  @property({ type: Boolean, attribute: 'no-participants' }) noParticipants = false;

  /** Overrides for the buttons' words. */
  @property({ attribute: false }) strings: Partial<CallControlsStrings> | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('call')) {
      this.#callController.call = this.call;
      this.#features.call = this.call;
    }
  }

  get #isHandRaised(): boolean {
    return this.call ? this.#features.isOwnHandRaised(this.userId || undefined) : this.handRaised;
  }

  /** Why `action` is not allowed now (the words), or undefined when it is. */
  #restriction(action: Action, strings: CallControlsStrings): string | undefined {
    const need = NEEDS[action];
    if (!need || !this.call || this.#features.can(need[0])) return undefined;
    // What stops (muting, camera off, lowering a hand) stays allowed.
    if (action === 'microphone' && !this.#isMuted) return undefined;
    if (action === 'camera' && this.#isCameraOn) return undefined;
    if (action === 'screenShare' && this.#isSharing) return undefined;
    if (action === 'raiseHand' && this.#isHandRaised) return undefined;
    return format(strings[need[1]], { role: this.#features.role });
  }

  #openReactions(): void {
    this.reactionsOpen = !this.reactionsOpen;
    if (this.reactionsOpen)
      void this.updateComplete.then(() => focusFirstItem(this.renderRoot.querySelector<HTMLElement>('[part~="reactions-menu"]')));
  }

  #closeReactions(returnFocus: boolean): void {
    this.reactionsOpen = false;
    if (returnFocus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('button.react')?.focus());
  }

  #onReactFocusOut(event: FocusEvent): void {
    if (!(event.currentTarget as HTMLElement).contains(event.relatedTarget as Node | null)) this.reactionsOpen = false;
  }

  async #sendReaction(reactionType: ReactionType): Promise<void> {
    this.#closeReactions(true);
    const proceed = emit(this, 'acs-reaction-send', { reactionType }, { cancelable: true });
    const reaction = this.#features.reaction;
    if (!proceed || !reaction) return;
    try {
      await reaction.sendReaction({ reactionType });
    } catch (error) {
      emit(this, 'acs-error', { error });
    }
  }

  get #isMuted(): boolean {
    return this.call ? this.call.isMuted : this.muted;
  }

  get #isCameraOn(): boolean {
    return this.call ? this.call.localVideoStreams.some((s) => s.mediaStreamType === 'Video') : this.cameraOn;
  }

  get #isSharing(): boolean {
    return this.call ? this.call.isScreenSharingOn : this.screenSharing;
  }

  async #press(action: Action): Promise<void> {
    if (this.busy.has(action)) return;
    if (this.#restriction(action, mergeStrings(callControlsStrings, this.strings))) return;
    const call = this.call;
    let proceed: boolean;
    let work: (() => Promise<void>) | undefined;
    switch (action) {
      case 'microphone': {
        const muted = !this.#isMuted;
        proceed = emit(this, 'acs-microphone-toggle', { muted }, { cancelable: true });
        if (!call) {
          if (proceed) this.muted = muted;
        } else work = () => (muted ? call.mute() : call.unmute());
        break;
      }
      case 'camera': {
        const on = !this.#isCameraOn;
        proceed = emit(this, 'acs-camera-toggle', { on }, { cancelable: true });
        if (!call) {
          if (proceed) this.cameraOn = on;
        } else work = () => (on ? this.#startVideo(call) : this.#stopVideo(call));
        break;
      }
      case 'screenShare': {
        const on = !this.#isSharing;
        proceed = emit(this, 'acs-screen-share-toggle', { on }, { cancelable: true });
        if (!call) {
          if (proceed) this.screenSharing = on;
        } else work = () => (on ? call.startScreenSharing() : call.stopScreenSharing());
        break;
      }
      case 'raiseHand': {
        const raised = !this.#isHandRaised;
        proceed = emit(this, 'acs-raise-hand-toggle', { raised }, { cancelable: true });
        const raiseHand = this.#features.raiseHand;
        if (!call || !raiseHand) {
          if (proceed) this.handRaised = raised;
        } else work = () => (raised ? raiseHand.raiseHand() : raiseHand.lowerHand());
        break;
      }
      case 'react':
        this.#openReactions();
        return;
      case 'devices': {
        const open = !this.devicesOpen;
        proceed = emit(this, 'acs-devices-toggle', { open }, { cancelable: true });
        if (proceed) this.devicesOpen = open;
        break;
      }
      case 'participants': {
        const open = !this.participantsOpen;
        proceed = emit(this, 'acs-participants-toggle', { open }, { cancelable: true });
        if (proceed) this.participantsOpen = open;
        break;
      }
      case 'hangUp':
        proceed = emit(this, 'acs-hang-up', {}, { cancelable: true });
        if (call) work = () => call.hangUp();
        break;
    }
    if (!proceed || !work) return;
    this.busy = new Set([...this.busy, action]);
    try {
      await work();
    } catch (error) {
      emit(this, 'acs-error', { error });
    } finally {
      const busy = new Set(this.busy);
      busy.delete(action);
      this.busy = busy;
    }
  }

  async #startVideo(call: Call): Promise<void> {
    const camera = this.camera ?? (await this.deviceManager?.getCameras())?.[0];
    if (!camera) throw new Error(mergeStrings(callControlsStrings, this.strings).noCamera);
    const stream = new LocalVideoStream(camera);
    try {
      await call.startVideo(stream);
    } catch (error) {
      stream.dispose();
      throw error;
    }
  }

  async #stopVideo(call: Call): Promise<void> {
    const stream = call.localVideoStreams.find((s) => s.mediaStreamType === 'Video');
    if (!stream) return;
    await call.stopVideo(stream);
    stream.dispose();
  }

  /** Focuses the first control (Mute), as after answering a call. */
  override focus(options?: FocusOptions): void {
    void this.updateComplete.then(() => this.shadowRoot?.querySelector<HTMLButtonElement>('button[part~="button"]')?.focus(options));
  }

  #onKeyDown(event: KeyboardEvent): void {
    const buttons = [...this.shadowRoot!.querySelectorAll<HTMLButtonElement>('button[part~="button"]')];
    const index = buttons.indexOf(this.shadowRoot!.activeElement as HTMLButtonElement);
    if (index < 0) return;
    const next = {
      ArrowRight: index + 1,
      ArrowDown: index + 1,
      ArrowLeft: index - 1,
      ArrowUp: index - 1,
      Home: 0,
      End: buttons.length - 1,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    buttons[(next + buttons.length) % buttons.length]!.focus();
  }

  #button(action: Action, partName: string, label: string, icon: CallingIconName, pressed?: boolean, restricted?: string) {
    return html`<button
      type="button"
      part="button ${partName}"
      class=${partName}
      aria-pressed=${pressed === undefined ? nothing : String(pressed)}
      aria-disabled=${this.busy.has(action) || restricted ? 'true' : nothing}
      aria-describedby=${restricted ? `why-${partName}` : nothing}
      aria-haspopup=${action === 'react' ? 'menu' : nothing}
      aria-expanded=${action === 'react' ? String(this.reactionsOpen) : nothing}
      @click=${() => void this.#press(action)}
    >
      ${callingIcon(icon)}<span part="label" class="label">${label}</span>
    </button>`;
  }

  override render() {
    const strings = mergeStrings(callControlsStrings, this.strings);
    const muted = this.#isMuted;
    const cameraOn = this.#isCameraOn;
    const canShare = !this.noScreenShare && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
    const handRaised = this.#isHandRaised;
    const why = (action: Action) => this.#restriction(action, strings);
    const restrictions = (
      [
        ['microphone', 'microphone'],
        ['camera', 'camera'],
        ...(canShare ? [['screenShare', 'screen-share']] : []),
        ...(this.noReactions
          ? []
          : [
              ['raiseHand', 'raise-hand'],
              ['react', 'react'],
            ]),
      ] as [Action, string][]
    ).flatMap(([action, partName]) => {
      const text = why(action);
      return text ? [{ id: `why-${partName}`, text }] : [];
    });
    return html`<div part="base" class="base" role="toolbar" aria-label=${strings.controlsLabel} @keydown=${this.#onKeyDown}>
        ${this.#button('microphone', 'microphone', muted ? strings.unmute : strings.mute, muted ? 'microphoneOff' : 'microphone', !muted, why('microphone'))}
        ${this.#button('camera', 'camera', cameraOn ? strings.cameraOff : strings.cameraOn, cameraOn ? 'camera' : 'cameraOff', cameraOn, why('camera'))}
        ${canShare ? this.#button('screenShare', 'screen-share', this.#isSharing ? strings.stopScreenShare : strings.screenShare, 'screenShare', this.#isSharing, why('screenShare')) : nothing}
        ${
          this.noReactions
            ? nothing
            : html`${this.#button('raiseHand', 'raise-hand', handRaised ? strings.lowerHand : strings.raiseHand, 'hand', handRaised, why('raiseHand'))}
                <div class="react-wrapper" @focusout=${this.#onReactFocusOut}>
                  ${this.#button('react', 'react', strings.react, 'react', undefined, why('react'))}
                  ${this.reactionsOpen ? this.#renderReactions(strings) : nothing}
                </div>`
        }
        ${this.noDevices ? nothing : this.#button('devices', 'devices', strings.devices, 'devices', this.devicesOpen)}
        ${this.noParticipants ? nothing : this.#button('participants', 'participants', strings.participants, 'people', this.participantsOpen)}
        ${this.#button('hangUp', 'hang-up', strings.hangUp, 'hangUp')}
      </div>
      ${
        restrictions.length > 0
          ? html`<div class="restrictions">
              ${restrictions.map((r) => html`<p part="restriction" class="restriction" id=${r.id}>${r.text}</p>`)}
            </div>`
          : nothing
      }`;
  }

  #renderReactions(strings: CallControlsStrings) {
    return html`<div
      part="reactions-menu"
      class="menu reactions"
      role="menu"
      aria-label=${strings.reactionsMenu}
      @keydown=${(e: KeyboardEvent) => onMenuKeyDown(e, e.currentTarget as HTMLElement, (back) => this.#closeReactions(back))}
    >
      ${REACTIONS.map(
        (type) =>
          html`<button type="button" part="reaction" role="menuitem" tabindex="-1" @click=${() => void this.#sendReaction(type)}>
            ${reactionIcon(type)}<span>${reactionName(type, strings)}</span>
          </button>`,
      )}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-call-controls': AcsCallControls;
  }
  interface GlobalEventHandlersEventMap {
    'acs-microphone-toggle': CustomEvent<ToggleMicrophoneDetail>;
    'acs-camera-toggle': CustomEvent<ToggleOnDetail>;
    'acs-screen-share-toggle': CustomEvent<ToggleOnDetail>;
    'acs-devices-toggle': CustomEvent<TogglePanelDetail>;
    'acs-raise-hand-toggle': CustomEvent<RaiseHandToggleDetail>;
    'acs-reaction-send': CustomEvent<ReactionSendDetail>;
    'acs-hang-up': CustomEvent<HangUpDetail>;
  }
}

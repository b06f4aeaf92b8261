import { LitElement, type PropertyValues, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Call } from '../../calling/call.js';
import type { VideoDeviceInfo } from '../../calling/deviceInfo.js';
import type { DeviceManager } from '../../calling/deviceManager.js';
import { LocalVideoStream } from '../../calling/localVideoStream.js';
import { CallController } from '../controllers/callController.js';
import { type CallingIconName, callingIcon } from '../shared/callingIcons.js';
import { type AcsErrorDetail, type PanelToggleDetail, emit } from '../shared/events.js';
import { mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import styles from './call-controls.styles.js';

export const callControlsStrings = {
  controlsLabel: 'Call controls',
  microphone: 'Microphone',
  camera: 'Camera',
  screenShare: 'Share screen',
  devices: 'Devices',
  participants: 'People',
  hangUp: 'Leave',
  noCamera: 'No camera was found.',
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
/** `acs-hang-up` carries nothing: the button says it all. */
export type HangUpDetail = Record<string, never>;
export type CallControlsErrorDetail = AcsErrorDetail;

type Action = 'microphone' | 'camera' | 'screenShare' | 'devices' | 'participants' | 'hangUp';

/**
 * @summary The buttons of a call: microphone, camera, screen share, devices, people, and leave.
 *
 * Every button emits its event first (cancelable). Given a `call`, the controls then act on it
 * (mute, start or stop video, share the screen, hang up) and show its state; without one, or when a
 * listener calls `preventDefault()`, the page acts and sets `muted`, `camera-on` and so on itself.
 * The toggles are `aria-pressed` buttons with fixed labels; arrow keys, Home and End move between
 * them.
 *
 * @event {CustomEvent<ToggleMicrophoneDetail>} acs-microphone-toggle - The microphone button was pressed; `muted` is the state asked for.
 * @event {CustomEvent<ToggleOnDetail>} acs-camera-toggle - The camera button was pressed; `on` is the state asked for.
 * @event {CustomEvent<ToggleOnDetail>} acs-screen-share-toggle - The screen share button was pressed.
 * @event {CustomEvent<TogglePanelDetail>} acs-devices-toggle - The devices button was pressed; `open` is the state asked for.
 * @event {CustomEvent<TogglePanelDetail>} acs-participants-toggle - The people button was pressed.
 * @event {CustomEvent<HangUpDetail>} acs-hang-up - The leave button was pressed.
 * @event {CustomEvent<CallControlsErrorDetail>} acs-error - Acting on the call failed (no camera, screen share refused…).
 *
 * @csspart base - The toolbar.
 * @csspart button - Each button; also `microphone`, `camera`, `screen-share`, `devices`, `participants`, `hang-up`.
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
  static override styles = [baseStyles, styles];

  readonly #callController = new CallController(this);

  /** Actions on the call in progress: a second press meanwhile is ignored (the button keeps focus). */
  @state() private busy = new Set<Action>();

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

  /** Hides the devices button. */
  @property({ type: Boolean, attribute: 'no-devices' }) noDevices = false;

  /** Hides the people button. */
  @property({ type: Boolean, attribute: 'no-participants' }) noParticipants = false;

  /** Overrides for the buttons' words. */
  @property({ attribute: false }) strings: Partial<CallControlsStrings> | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('call')) this.#callController.call = this.call;
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

  #onKeyDown(event: KeyboardEvent): void {
    const buttons = [...this.shadowRoot!.querySelectorAll<HTMLButtonElement>('button:not([hidden])')];
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

  #button(action: Action, partName: string, label: string, icon: CallingIconName, pressed?: boolean) {
    return html`<button
      type="button"
      part="button ${partName}"
      class=${partName}
      aria-pressed=${pressed === undefined ? nothing : String(pressed)}
      aria-disabled=${this.busy.has(action) ? 'true' : nothing}
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
    return html`<div part="base" class="base" role="toolbar" aria-label=${strings.controlsLabel} @keydown=${this.#onKeyDown}>
      ${this.#button('microphone', 'microphone', strings.microphone, muted ? 'microphoneOff' : 'microphone', !muted)}
      ${this.#button('camera', 'camera', strings.camera, cameraOn ? 'camera' : 'cameraOff', cameraOn)}
      ${canShare ? this.#button('screenShare', 'screen-share', strings.screenShare, 'screenShare', this.#isSharing) : nothing}
      ${this.noDevices ? nothing : this.#button('devices', 'devices', strings.devices, 'devices', this.devicesOpen)}
      ${this.noParticipants ? nothing : this.#button('participants', 'participants', strings.participants, 'people', this.participantsOpen)}
      ${this.#button('hangUp', 'hang-up', strings.hangUp, 'hangUp')}
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
    'acs-hang-up': CustomEvent<HangUpDetail>;
  }
}

import { LitElement, type PropertyValues, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { AudioDeviceInfo, VideoDeviceInfo } from '../../calling/deviceInfo.js';
import type { DeviceManager, PermissionConstraints } from '../../calling/deviceManager.js';
import { LocalVideoStream } from '../../calling/localVideoStream.js';
import { DeviceController } from '../controllers/deviceController.js';
import { VideoViewController } from '../controllers/videoViewController.js';
import { callingIcon } from '../shared/callingIcons.js';
import { emit } from '../shared/events.js';
import { mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import styles from './device-setup.styles.js';

export const deviceSetupStrings = {
  deviceSetupLabel: 'Camera and microphone',
  previewLabel: 'Your camera preview',
  cameraIsOff: 'Your camera is off',
  previewStarting: 'Starting your camera…',
  previewFailed: 'Your camera could not be started.',
  noCameraFound: 'No camera found',
  noMicrophoneFound: 'No microphone found',
  noSpeakerFound: 'No speaker found',
  cameraToggle: 'Camera',
  microphoneToggle: 'Microphone',
  chooseCamera: 'Choose a camera',
  chooseMicrophone: 'Choose a microphone',
  chooseSpeaker: 'Choose a speaker',
  permissionPrompt: 'Allow access to your camera and microphone so others can see and hear you.',
  permissionDenied: 'Your camera or microphone is blocked. Allow it in your browser’s site settings, then try again.',
  allowPermission: 'Allow camera and microphone',
  retryPermission: 'Try again',
};
export type DeviceSetupStrings = typeof deviceSetupStrings;

/** Whether the page may use the camera and microphone: not asked yet, asked and refused, or allowed. */
export type DevicePermissionState = 'unknown' | 'prompt' | 'denied' | 'granted';

export interface DevicesChangeDetail {
  camera: VideoDeviceInfo | undefined;
  microphone: AudioDeviceInfo | undefined;
  speaker: AudioDeviceInfo | undefined;
  cameraOn: boolean;
  muted: boolean;
}

/**
 * @summary Choosing devices before or during a call: a mirrored preview of the camera, camera and
 * microphone on/off switches, camera, microphone and speaker selects (the speaker only where the
 * browser can choose one), and a prompt while the page may not use them yet.
 *
 * Microphone and speaker choices go to the DeviceManager (calls in progress switch at once); the
 * chosen camera is `camera`, for the page to start video with.
 *
 * @event {CustomEvent<DevicesChangeDetail>} acs-devices-change - The user chose a device or switched the camera or microphone on or off.
 *
 * @csspart base - The wrapper.
 * @csspart preview - The camera preview box.
 * @csspart preview-note - The words in the preview box while there is no video.
 * @csspart permission - The permission prompt.
 * @csspart permission-button - Its button.
 * @csspart toggles - The switches' row.
 * @csspart camera-toggle - The camera switch.
 * @csspart microphone-toggle - The microphone switch.
 * @csspart selects - The selects' column.
 * @csspart label - Each select's label.
 * @csspart select - Each select; also `camera-select`, `microphone-select`, `speaker-select`.
 *
 * @cssproperty --acs-device-setup-background - Behind the setup (default the theme's surface).
 * @cssproperty --acs-device-setup-preview-background - The preview box (default the theme's video background).
 * @cssproperty --acs-device-setup-preview-radius - The preview's corners (default 0.5rem).
 * @cssproperty --acs-device-setup-toggle-on-background - A switch that is on (default the accent).
 * @cssproperty --acs-device-setup-toggle-on-color - Its text.
 */
@customElement('acs-device-setup')
export class AcsDeviceSetup extends LitElement {
  static override styles = [baseStyles, styles];

  readonly #devices = new DeviceController(this);
  readonly #video = new VideoViewController(this);
  #preview: LocalVideoStream | undefined;
  #permissionStatuses: PermissionStatus[] = [];
  readonly #onPermissionChange = () => void this.#checkPermission();

  /** Whether the page may use the camera and microphone. */
  @state() permission: DevicePermissionState = 'unknown';

  /** The device manager to list and choose devices with. */
  @property({ attribute: false }) deviceManager: DeviceManager | undefined;

  /** The camera is on: the preview shows. */
  @property({ type: Boolean, attribute: 'camera-on' }) cameraOn = false;

  /** The microphone is off. */
  @property({ type: Boolean }) muted = false;

  /** The chosen camera's id (default: the first camera). */
  @property({ attribute: 'camera-id' }) cameraId = '';

  /** Only the selects (and the permission prompt): for use beside call controls, during a call. */
  @property({ type: Boolean }) compact = false;

  /** Overrides for the setup's words. */
  @property({ attribute: false }) strings: Partial<DeviceSetupStrings> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#checkPermission();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const status of this.#permissionStatuses) status.removeEventListener('change', this.#onPermissionChange);
    this.#permissionStatuses = [];
    // The camera closes with the page's view of it; it opens again if the setup comes back.
    this.#preview?.dispose();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('deviceManager')) this.#devices.deviceManager = this.deviceManager;
    const camera = this.camera;
    const showPreview = this.cameraOn && !this.compact && camera !== undefined && this.permission !== 'denied';
    // The camera is open only while its preview shows.
    if (this.#preview && (!showPreview || this.#preview.source?.id !== camera?.id)) {
      this.#preview.dispose();
      this.#preview = undefined;
    }
    if (showPreview) this.#preview ??= new LocalVideoStream(camera);
    this.#video.show(showPreview ? this.#preview : undefined, { isMirrored: true, scalingMode: 'Crop' });
  }

  async #checkPermission(): Promise<void> {
    const permissions = navigator.permissions;
    if (!permissions?.query) return;
    try {
      const statuses = await Promise.all(
        (['camera', 'microphone'] as const).map((name) => permissions.query({ name } as unknown as PermissionDescriptor)),
      );
      if (!this.isConnected) return;
      for (const status of statuses) {
        if (this.#permissionStatuses.includes(status)) continue;
        status.addEventListener('change', this.#onPermissionChange);
      }
      this.#permissionStatuses = statuses;
      const states = statuses.map((s) => s.state);
      const next: DevicePermissionState = states.includes('denied')
        ? 'denied'
        : states.every((s) => s === 'granted')
          ? 'granted'
          : 'prompt';
      if (next !== this.permission) {
        this.permission = next;
        if (next === 'granted') void this.#devices.refresh();
      }
    } catch {
      // Browsers that cannot tell ("camera" is not a known permission name): the button stays.
    }
  }

  #emitChange(): void {
    emit(this, 'acs-devices-change', {
      camera: this.camera,
      microphone: this.microphone,
      speaker: this.#devices.selectedSpeaker,
      cameraOn: this.cameraOn,
      muted: this.muted,
    });
  }

  #onCameraChange(event: Event): void {
    this.cameraId = (event.target as HTMLSelectElement).value;
    this.#emitChange();
  }

  async #onMicrophoneChange(event: Event): Promise<void> {
    const device = this.#devices.microphones.find((d) => d.id === (event.target as HTMLSelectElement).value);
    if (device) await this.deviceManager?.selectMicrophone(device);
    this.#emitChange();
  }

  async #onSpeakerChange(event: Event): Promise<void> {
    const device = this.#devices.speakers.find((d) => d.id === (event.target as HTMLSelectElement).value);
    if (device) await this.deviceManager?.selectSpeaker(device);
    this.#emitChange();
  }

  #toggleCamera(): void {
    this.cameraOn = !this.cameraOn;
    this.#emitChange();
  }

  #toggleMicrophone(): void {
    this.muted = !this.muted;
    this.#emitChange();
  }

  /** The chosen camera: the one `camera-id` names, else the first. */
  get camera(): VideoDeviceInfo | undefined {
    const cameras = this.#devices.cameras;
    return cameras.find((c) => c.id === this.cameraId) ?? cameras[0];
  }

  /** The microphone calls use: the selected one, else the system default, else the first. */
  get microphone(): AudioDeviceInfo | undefined {
    const microphones = this.#devices.microphones;
    const selected = this.#devices.selectedMicrophone;
    return (selected && microphones.find((m) => m.id === selected.id)) ?? microphones.find((m) => m.isSystemDefault) ?? microphones[0];
  }

  /** The preview's `<video>` element while the camera shows. */
  get previewVideoElement(): HTMLVideoElement | undefined {
    return this.#video.view?.videoElement;
  }

  /** Asks the browser for the camera and microphone; the device names appear once allowed. */
  async requestPermission(): Promise<PermissionConstraints> {
    const granted = (await this.deviceManager?.askDevicePermission({ audio: true, video: true })) ?? { audio: false, video: false };
    this.permission = granted.audio && granted.video ? 'granted' : 'denied';
    await this.#devices.refresh();
    return granted;
  }

  #renderPermission(strings: DeviceSetupStrings) {
    if (this.permission === 'granted' || !this.deviceManager) return nothing;
    const denied = this.permission === 'denied';
    return html`<div part="permission" class="permission">
      <p>${denied ? strings.permissionDenied : strings.permissionPrompt}</p>
      <button type="button" part="permission-button" @click=${() => void this.requestPermission()}>
        ${denied ? strings.retryPermission : strings.allowPermission}
      </button>
    </div>`;
  }

  #renderPreview(strings: DeviceSetupStrings) {
    if (this.compact) return nothing;
    const view = this.#video.view;
    let note = strings.cameraIsOff;
    if (this.cameraOn) note = this.#video.error ? strings.previewFailed : this.camera ? strings.previewStarting : strings.noCameraFound;
    return html`<div part="preview" class="preview" role="img" aria-label=${view ? strings.previewLabel : note}>
      ${view ? view.target : html`<p part="preview-note" class="preview-note">${note}</p>`}
    </div>`;
  }

  #renderToggles(strings: DeviceSetupStrings) {
    if (this.compact) return nothing;
    return html`<div part="toggles" class="toggles">
      <button type="button" role="switch" part="camera-toggle" aria-checked=${String(this.cameraOn)} @click=${this.#toggleCamera}>
        ${callingIcon(this.cameraOn ? 'camera' : 'cameraOff')}${strings.cameraToggle}
      </button>
      <button type="button" role="switch" part="microphone-toggle" aria-checked=${String(!this.muted)} @click=${this.#toggleMicrophone}>
        ${callingIcon(this.muted ? 'microphoneOff' : 'microphone')}${strings.microphoneToggle}
      </button>
    </div>`;
  }

  #select<T extends { id: string; name: string }>(
    id: string,
    label: string,
    devices: T[],
    selectedId: string | undefined,
    empty: string,
    onChange: (event: Event) => void,
  ) {
    return html`<label part="label" for=${id}>${label}</label>
      <select part="select ${id}-select" id=${id} ?disabled=${devices.length === 0} @change=${onChange}>
        ${
          devices.length === 0
            ? html`<option value="">${empty}</option>`
            : devices.map((d) => html`<option value=${d.id} ?selected=${d.id === selectedId}>${d.name}</option>`)
        }
      </select>`;
  }

  override render() {
    const strings = mergeStrings(deviceSetupStrings, this.strings);
    const devices = this.#devices;
    return html`<div part="base" class="base" role="group" aria-label=${strings.deviceSetupLabel}>
      ${this.#renderPreview(strings)} ${this.#renderPermission(strings)} ${this.#renderToggles(strings)}
      <div part="selects" class="selects">
        ${this.#select('camera', strings.chooseCamera, devices.cameras, this.camera?.id, strings.noCameraFound, (e) => this.#onCameraChange(e))}
        ${this.#select(
          'microphone',
          strings.chooseMicrophone,
          devices.microphones,
          this.microphone?.id,
          strings.noMicrophoneFound,
          (e) => void this.#onMicrophoneChange(e),
        )}
        ${
          devices.isSpeakerSelectionAvailable
            ? this.#select(
                'speaker',
                strings.chooseSpeaker,
                devices.speakers,
                devices.selectedSpeaker?.id ?? devices.speakers.find((s) => s.isSystemDefault)?.id,
                strings.noSpeakerFound,
                (e) => void this.#onSpeakerChange(e),
              )
            : nothing
        }
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-device-setup': AcsDeviceSetup;
  }
  interface GlobalEventHandlersEventMap {
    'acs-devices-change': CustomEvent<DevicesChangeDetail>;
  }
}

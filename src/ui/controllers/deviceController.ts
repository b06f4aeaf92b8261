import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AudioDeviceInfo, VideoDeviceInfo } from '../../calling/deviceInfo.js';
import type { DeviceManager } from '../../calling/deviceManager.js';
import { Subscriptions } from './subscriptions.js';

/**
 * Renders a host from a device manager: the cameras, microphones and speakers there are (listed
 * again whenever the manager reports a change, such as a headset plugged in) and the selected
 * microphone and speaker.
 */
export class DeviceController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #subscriptions = new Subscriptions();
  #deviceManager: DeviceManager | undefined;
  #connected = false;
  #generation = 0;
  cameras: VideoDeviceInfo[] = [];
  microphones: AudioDeviceInfo[] = [];
  speakers: AudioDeviceInfo[] = [];
  /** False until the first listing has arrived. */
  loaded = false;
  /** Why the devices could not be listed, if they could not. */
  error: unknown;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  get deviceManager(): DeviceManager | undefined {
    return this.#deviceManager;
  }

  set deviceManager(deviceManager: DeviceManager | undefined) {
    if (deviceManager === this.#deviceManager) return;
    this.#subscriptions.clear();
    this.#deviceManager = deviceManager;
    this.cameras = [];
    this.microphones = [];
    this.speakers = [];
    this.loaded = false;
    if (this.#connected) this.#subscribe();
  }

  get selectedMicrophone(): AudioDeviceInfo | undefined {
    return this.#deviceManager?.selectedMicrophone;
  }

  get selectedSpeaker(): AudioDeviceInfo | undefined {
    return this.#deviceManager?.selectedSpeaker;
  }

  get isSpeakerSelectionAvailable(): boolean {
    return this.#deviceManager?.isSpeakerSelectionAvailable ?? false;
  }

  /** Lists the devices again (after a permission was granted, names appear). */
  async refresh(): Promise<void> {
    const deviceManager = this.#deviceManager;
    if (!deviceManager) return;
    const generation = ++this.#generation;
    try {
      const [cameras, microphones, speakers] = await Promise.all([
        deviceManager.getCameras(),
        deviceManager.getMicrophones(),
        deviceManager.isSpeakerSelectionAvailable ? deviceManager.getSpeakers() : Promise.resolve([]),
      ]);
      if (generation !== this.#generation || deviceManager !== this.#deviceManager) return;
      Object.assign(this, { cameras, microphones, speakers, loaded: true, error: undefined });
    } catch (error) {
      if (generation !== this.#generation) return;
      this.error = error;
      this.loaded = true;
    }
    this.#host.requestUpdate();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#subscribe();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#generation++;
    this.#subscriptions.clear();
  }

  #subscribe(): void {
    const deviceManager = this.#deviceManager;
    if (!deviceManager) return;
    const relist = () => void this.refresh();
    const update = () => this.#host.requestUpdate();
    this.#subscriptions.on(deviceManager, 'videoDevicesUpdated', relist);
    this.#subscriptions.on(deviceManager, 'audioDevicesUpdated', relist);
    this.#subscriptions.on(deviceManager, 'selectedMicrophoneChanged', update);
    this.#subscriptions.on(deviceManager, 'selectedSpeakerChanged', update);
    void this.refresh();
  }
}

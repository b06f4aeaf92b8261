import type { AudioDeviceInfo, VideoDeviceInfo } from '../../calling/deviceInfo.js';
import type { DeviceManager } from '../../calling/deviceManager.js';
import { FollowingController } from './followingController.js';
import { Subscriptions } from '../shared/subscriptions.js';

/**
 * Renders a host from a device manager: the cameras, microphones and speakers there are (listed
 * again whenever the manager reports a change, such as a headset plugged in) and the selected
 * microphone and speaker.
 */
export class DeviceController extends FollowingController<DeviceManager> {
  readonly #subscriptions = new Subscriptions();
  #generation = 0;
  cameras: VideoDeviceInfo[] = [];
  microphones: AudioDeviceInfo[] = [];
  speakers: AudioDeviceInfo[] = [];
  /** False until the first listing has arrived. */
  loaded = false;
  /** Why the devices could not be listed, if they could not. */
  error: unknown;

  get deviceManager(): DeviceManager | undefined {
    return this.target;
  }

  set deviceManager(deviceManager: DeviceManager | undefined) {
    if (deviceManager === this.target) return;
    this.cameras = [];
    this.microphones = [];
    this.speakers = [];
    this.loaded = false;
    this.setTarget(deviceManager);
  }

  get selectedMicrophone(): AudioDeviceInfo | undefined {
    return this.target?.selectedMicrophone;
  }

  get selectedSpeaker(): AudioDeviceInfo | undefined {
    return this.target?.selectedSpeaker;
  }

  get isSpeakerSelectionAvailable(): boolean {
    return this.target?.isSpeakerSelectionAvailable ?? false;
  }

  /** Lists the devices again (after a permission was granted, names appear). */
  async refresh(): Promise<void> {
    const deviceManager = this.target;
    if (!deviceManager) return;
    const generation = ++this.#generation;
    try {
      const [cameras, microphones, speakers] = await Promise.all([
        deviceManager.getCameras(),
        deviceManager.getMicrophones(),
        deviceManager.isSpeakerSelectionAvailable ? deviceManager.getSpeakers() : Promise.resolve([]),
      ]);
      if (generation !== this.#generation || deviceManager !== this.target) return;
      Object.assign(this, { cameras, microphones, speakers, loaded: true, error: undefined });
    } catch (error) {
      if (generation !== this.#generation) return;
      this.error = error;
      this.loaded = true;
    }
    this.host.requestUpdate();
  }

  override hostDisconnected(): void {
    this.#generation++; // A listing still on its way must not land on a host that left.
    super.hostDisconnected();
  }

  protected unfollow(): void {
    this.#subscriptions.clear();
  }

  protected follow(deviceManager: DeviceManager): void {
    const relist = () => void this.refresh();
    const update = () => this.host.requestUpdate();
    this.#subscriptions.on(deviceManager, 'videoDevicesUpdated', relist);
    this.#subscriptions.on(deviceManager, 'audioDevicesUpdated', relist);
    this.#subscriptions.on(deviceManager, 'selectedMicrophoneChanged', update);
    this.#subscriptions.on(deviceManager, 'selectedSpeakerChanged', update);
    void this.refresh();
  }
}

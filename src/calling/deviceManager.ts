import { TypedEventEmitter } from '../common/events.js';
import { CallingError, DeviceAccessError } from './callingErrors.js';
import type { AudioDeviceInfo, VideoDeviceInfo } from './deviceInfo.js';

export type DeviceManagerEvents = {
  videoDevicesUpdated: { added: VideoDeviceInfo[]; removed: VideoDeviceInfo[] };
  audioDevicesUpdated: { added: AudioDeviceInfo[]; removed: AudioDeviceInfo[] };
  selectedMicrophoneChanged: { microphone: AudioDeviceInfo | undefined };
  selectedSpeakerChanged: { speaker: AudioDeviceInfo | undefined };
};

export interface PermissionConstraints {
  audio: boolean;
  video: boolean;
}

/**
 * Cameras, microphones and speakers: lists them (names appear once permission is granted), asks for
 * permission, and keeps the microphone and speaker that calls use. Changes (a headset plugged in)
 * arrive as events.
 */
export class DeviceManager extends TypedEventEmitter<DeviceManagerEvents> {
  #selectedMicrophone: AudioDeviceInfo | undefined;
  #selectedSpeaker: AudioDeviceInfo | undefined;
  #cameras: VideoDeviceInfo[] = [];
  #audio: AudioDeviceInfo[] = [];
  readonly #onDeviceChange = () => void this.#refresh();

  /** @internal Use `CallClient.getDeviceManager()`. */
  constructor() {
    super();
    if (!navigator.mediaDevices) throw CallingError.unsupported('Media devices (a secure context)');
    navigator.mediaDevices.addEventListener('devicechange', this.#onDeviceChange);
  }

  /** True where audio output can be chosen (`HTMLMediaElement.setSinkId`). */
  get isSpeakerSelectionAvailable(): boolean {
    return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
  }

  get selectedMicrophone(): AudioDeviceInfo | undefined {
    return this.#selectedMicrophone;
  }

  get selectedSpeaker(): AudioDeviceInfo | undefined {
    return this.#selectedSpeaker;
  }

  /** Asks the browser for camera and/or microphone permission; says what was granted. */
  async askDevicePermission(constraints: PermissionConstraints): Promise<PermissionConstraints> {
    const granted = { audio: false, video: false };
    if (!constraints.audio && !constraints.video) return granted;
    try {
      const stream = await navigator.mediaDevices.getUserMedia(constraints);
      granted.audio = stream.getAudioTracks().length > 0;
      granted.video = stream.getVideoTracks().length > 0;
      stream.getTracks().forEach((track) => track.stop());
    } catch {
      // Ask one at a time: a missing camera must not cost the microphone.
      if (constraints.audio && constraints.video) {
        const audio = await this.askDevicePermission({ audio: true, video: false });
        const video = await this.askDevicePermission({ audio: false, video: true });
        return { audio: audio.audio, video: video.video };
      }
    }
    await this.#refresh();
    return granted;
  }

  async getCameras(): Promise<VideoDeviceInfo[]> {
    await this.#refresh();
    return [...this.#cameras];
  }

  async getMicrophones(): Promise<AudioDeviceInfo[]> {
    await this.#refresh();
    return this.#audio.filter((device) => device.deviceType === 'Microphone');
  }

  async getSpeakers(): Promise<AudioDeviceInfo[]> {
    await this.#refresh();
    return this.#audio.filter((device) => device.deviceType === 'Speaker');
  }

  /** The microphone calls use from now on; calls in progress switch without renegotiating. */
  async selectMicrophone(device: AudioDeviceInfo): Promise<void> {
    if (device?.deviceType !== 'Microphone') throw new TypeError('Pass a microphone from getMicrophones().');
    if (device.id === this.#selectedMicrophone?.id) return;
    this.#selectedMicrophone = device;
    this.emit('selectedMicrophoneChanged', { microphone: device });
  }

  /** Where calls play sound. */
  async selectSpeaker(device: AudioDeviceInfo): Promise<void> {
    if (device?.deviceType !== 'Speaker') throw new TypeError('Pass a speaker from getSpeakers().');
    if (!this.isSpeakerSelectionAvailable) throw CallingError.unsupported('Speaker selection');
    if (device.id === this.#selectedSpeaker?.id) return;
    this.#selectedSpeaker = device;
    this.emit('selectedSpeakerChanged', { speaker: device });
  }

  /**
   * @internal Opens the selected microphone (or the default one). Fails with a
   * {@link DeviceAccessError} whose `code` says why (`PermissionDenied`, `DeviceNotFound`,
   * `DeviceInUse`, `DeviceUnavailable`); a call that gets one goes on, sending silence.
   */
  async openMicrophone(): Promise<MediaStreamTrack> {
    const deviceId = this.#selectedMicrophone?.id;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: deviceId ? { deviceId: { exact: deviceId } } : true,
        video: false,
      });
    } catch (cause) {
      throw DeviceAccessError.from('microphone', cause);
    }
    const track = stream.getAudioTracks()[0];
    if (!track) throw new DeviceAccessError('DeviceNotFound', 'microphone', 'The browser gave no microphone track.');
    return track;
  }

  dispose(): void {
    navigator.mediaDevices.removeEventListener('devicechange', this.#onDeviceChange);
    this.removeAllListeners();
  }

  async #refresh(): Promise<void> {
    const devices = await navigator.mediaDevices.enumerateDevices();
    const cameras: VideoDeviceInfo[] = devices
      .filter((d) => d.kind === 'videoinput' && d.deviceId)
      .map((d, i) => ({ id: d.deviceId, name: d.label || `Camera ${i + 1}`, deviceType: 'UsbCamera' }));
    const audio: AudioDeviceInfo[] = devices
      .filter((d) => (d.kind === 'audioinput' || d.kind === 'audiooutput') && d.deviceId)
      .map((d, i) => ({
        id: d.deviceId,
        name: d.label || `${d.kind === 'audioinput' ? 'Microphone' : 'Speaker'} ${i + 1}`,
        deviceType: d.kind === 'audioinput' ? 'Microphone' : 'Speaker',
        isSystemDefault: d.deviceId === 'default',
      }));
    const diff = <T extends { id: string; deviceType: string }>(before: T[], after: T[]) => ({
      added: after.filter((a) => !before.some((b) => b.id === a.id && b.deviceType === a.deviceType)),
      removed: before.filter((b) => !after.some((a) => a.id === b.id && a.deviceType === b.deviceType)),
    });
    const videoChange = diff(this.#cameras, cameras);
    const audioChange = diff(this.#audio, audio);
    this.#cameras = cameras;
    this.#audio = audio;
    if (videoChange.added.length || videoChange.removed.length) this.emit('videoDevicesUpdated', videoChange);
    if (audioChange.added.length || audioChange.removed.length) this.emit('audioDevicesUpdated', audioChange);
    if (this.#selectedMicrophone && audioChange.removed.some((d) => d.id === this.#selectedMicrophone!.id)) {
      this.#selectedMicrophone = undefined;
      this.emit('selectedMicrophoneChanged', { microphone: undefined });
    }
    if (this.#selectedSpeaker && audioChange.removed.some((d) => d.id === this.#selectedSpeaker!.id)) {
      this.#selectedSpeaker = undefined;
      this.emit('selectedSpeakerChanged', { speaker: undefined });
    }
  }
}

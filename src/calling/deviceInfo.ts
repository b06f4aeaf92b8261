/** Device descriptions, as the ACS calling SDK names them. */
export type VideoDeviceType = 'Unknown' | 'UsbCamera' | 'CaptureAdapter' | 'Virtual';
export type AudioDeviceType = 'Microphone' | 'Speaker' | 'Headphone' | 'Headset' | 'Handset' | 'Speakerphone';

export interface VideoDeviceInfo {
  readonly id: string;
  readonly name: string;
  readonly deviceType: VideoDeviceType;
}

export interface AudioDeviceInfo {
  readonly id: string;
  readonly name: string;
  readonly deviceType: AudioDeviceType;
  readonly isSystemDefault: boolean;
}

export type MediaStreamType = 'Video' | 'ScreenSharing';

/**
 * Stand-ins for the calling library's objects, for component tests that need no service: the same
 * typed events, driven by the test. Cast to the real types where a component takes them.
 */
import { TypedEventEmitter } from '../../src/common/events.js';
import { fixture, html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import { applyTheme } from '../../src/ui/shared/theme.js';
import type { CommunicationIdentifierKind } from '../../src/common/identifiers.js';
import type { Call, CallEvents, CallState } from '../../src/calling/call.js';
import type { CallAgent, CallAgentEvents } from '../../src/calling/callAgent.js';
import type { CallEndReason, RemoteParticipantState } from '../../src/calling/callingProtocol.js';
import type { AudioDeviceInfo, MediaStreamType, VideoDeviceInfo } from '../../src/calling/deviceInfo.js';
import type { DeviceManager, DeviceManagerEvents, PermissionConstraints } from '../../src/calling/deviceManager.js';
import type { IncomingCall, IncomingCallEvents } from '../../src/calling/incomingCall.js';
import type { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import type { RemoteParticipant, RemoteParticipantEvents } from '../../src/calling/remoteParticipant.js';
import type { RemoteVideoStream, RemoteVideoStreamEvents } from '../../src/calling/remoteVideoStream.js';

let counter = 0;

export class FakeRemoteVideoStream extends TypedEventEmitter<RemoteVideoStreamEvents> {
  readonly id: number;
  isAvailable = false;
  #stream: MediaStream | undefined;

  constructor(readonly mediaStreamType: MediaStreamType) {
    super();
    this.id = mediaStreamType === 'Video' ? 1 : 2;
  }

  getMediaStream(): MediaStream | undefined {
    return this.#stream;
  }

  /** Makes the stream available with `stream`'s frames, or unavailable. */
  setAvailable(stream: MediaStream | undefined): void {
    this.#stream = stream;
    this.isAvailable = stream !== undefined;
    this.emit('isAvailableChanged', { isAvailable: this.isAvailable });
  }

  get asReal(): RemoteVideoStream {
    return this as unknown as RemoteVideoStream;
  }
}

export class FakeParticipant extends TypedEventEmitter<RemoteParticipantEvents> {
  readonly identifier: CommunicationIdentifierKind;
  readonly camera = new FakeRemoteVideoStream('Video');
  readonly screen = new FakeRemoteVideoStream('ScreenSharing');
  readonly videoStreams = [this.camera, this.screen];
  displayName: string | undefined;
  state: RemoteParticipantState;
  isMuted = false;
  isSpeaking = false;
  callEndReason: CallEndReason | undefined;

  constructor(displayName: string | undefined, state: RemoteParticipantState = 'Connected') {
    super();
    this.identifier = { kind: 'communicationUser', communicationUserId: `8:acs:fake_${++counter}` };
    this.displayName = displayName;
    this.state = state;
  }

  setState(state: RemoteParticipantState): void {
    this.state = state;
    this.emit('stateChanged', { state });
  }

  setMuted(isMuted: boolean): void {
    this.isMuted = isMuted;
    this.emit('isMutedChanged', { isMuted });
  }

  setSpeaking(isSpeaking: boolean): void {
    this.isSpeaking = isSpeaking;
    this.emit('isSpeakingChanged', { isSpeaking });
  }

  setDisplayName(displayName: string | undefined): void {
    this.displayName = displayName;
    this.emit('displayNameChanged', { displayName });
  }

  get asReal(): RemoteParticipant {
    return this as unknown as RemoteParticipant;
  }
}

export class FakeCall extends TypedEventEmitter<CallEvents> {
  id = `call-${++counter}`;
  direction: 'Incoming' | 'Outgoing' = 'Outgoing';
  state: CallState = 'Connected';
  callEndReason: CallEndReason | undefined;
  isMuted = false;
  isScreenSharingOn = false;
  localVideoStreams: LocalVideoStream[] = [];
  remoteParticipants: FakeParticipant[] = [];
  /** Calls made to the call's methods, in order. */
  readonly actions: string[] = [];

  constructor(participants: FakeParticipant[] = []) {
    super();
    this.remoteParticipants = participants;
  }

  setState(state: CallState, callEndReason?: CallEndReason): void {
    if (callEndReason) this.callEndReason = callEndReason;
    this.state = state;
    this.emit('stateChanged', { state });
  }

  add(participant: FakeParticipant): void {
    this.remoteParticipants = [...this.remoteParticipants, participant];
    this.emit('remoteParticipantsUpdated', { added: [participant.asReal], removed: [] });
  }

  remove(participant: FakeParticipant): void {
    this.remoteParticipants = this.remoteParticipants.filter((p) => p !== participant);
    this.emit('remoteParticipantsUpdated', { added: [], removed: [participant.asReal] });
  }

  async mute(): Promise<void> {
    this.actions.push('mute');
    this.isMuted = true;
    this.emit('isMutedChanged', { isMuted: true });
  }

  async unmute(): Promise<void> {
    this.actions.push('unmute');
    this.isMuted = false;
    this.emit('isMutedChanged', { isMuted: false });
  }

  async startVideo(stream: LocalVideoStream): Promise<void> {
    this.actions.push('startVideo');
    this.localVideoStreams = [...this.localVideoStreams, stream];
    this.emit('localVideoStreamsUpdated', { added: [stream], removed: [] });
  }

  async stopVideo(stream: LocalVideoStream): Promise<void> {
    this.actions.push('stopVideo');
    this.localVideoStreams = this.localVideoStreams.filter((s) => s !== stream);
    this.emit('localVideoStreamsUpdated', { added: [], removed: [stream] });
  }

  async startScreenSharing(): Promise<void> {
    this.actions.push('startScreenSharing');
    this.isScreenSharingOn = true;
    this.emit('isScreenSharingOnChanged', { isScreenSharingOn: true });
  }

  async stopScreenSharing(): Promise<void> {
    this.actions.push('stopScreenSharing');
    this.isScreenSharingOn = false;
    this.emit('isScreenSharingOnChanged', { isScreenSharingOn: false });
  }

  async hangUp(): Promise<void> {
    this.actions.push('hangUp');
    this.setState('Disconnected', { code: 0, subCode: 0 });
  }

  get asReal(): Call {
    return this as unknown as Call;
  }
}

export class FakeIncomingCall extends TypedEventEmitter<IncomingCallEvents> {
  readonly id = `call-${++counter}`;
  readonly callerInfo: { identifier: CommunicationIdentifierKind; displayName?: string };
  callEndReason: CallEndReason | undefined;

  constructor(displayName?: string) {
    super();
    this.callerInfo = { identifier: { kind: 'communicationUser', communicationUserId: `8:acs:fake_${++counter}` } };
    if (displayName !== undefined) this.callerInfo.displayName = displayName;
  }

  stopRinging(callEndReason: CallEndReason): void {
    this.callEndReason = callEndReason;
    this.emit('callEnded', { callEndReason });
  }

  get asReal(): IncomingCall {
    return this as unknown as IncomingCall;
  }
}

export class FakeCallAgent extends TypedEventEmitter<CallAgentEvents> {
  calls: Call[] = [];
  ring(incoming: FakeIncomingCall): void {
    this.emit('incomingCall', { incomingCall: incoming.asReal });
  }
  get asReal(): CallAgent {
    return this as unknown as CallAgent;
  }
}

/** Devices as a test lists them; selection and permission behave as DeviceManager's do. */
export class FakeDeviceManager extends TypedEventEmitter<DeviceManagerEvents> {
  cameras: VideoDeviceInfo[] = [{ id: 'cam-1', name: 'Front camera', deviceType: 'UsbCamera' }];
  microphones: AudioDeviceInfo[] = [
    { id: 'mic-1', name: 'Built-in microphone', deviceType: 'Microphone', isSystemDefault: true },
    { id: 'mic-2', name: 'Headset microphone', deviceType: 'Microphone', isSystemDefault: false },
  ];
  speakers: AudioDeviceInfo[] = [{ id: 'spk-1', name: 'Speakers', deviceType: 'Speaker', isSystemDefault: true }];
  isSpeakerSelectionAvailable = true;
  selectedMicrophone: AudioDeviceInfo | undefined;
  selectedSpeaker: AudioDeviceInfo | undefined;
  /** What askDevicePermission answers; the requests it got. */
  grant: PermissionConstraints = { audio: true, video: true };
  readonly permissionRequests: PermissionConstraints[] = [];

  async getCameras(): Promise<VideoDeviceInfo[]> {
    return [...this.cameras];
  }
  async getMicrophones(): Promise<AudioDeviceInfo[]> {
    return [...this.microphones];
  }
  async getSpeakers(): Promise<AudioDeviceInfo[]> {
    return [...this.speakers];
  }
  async askDevicePermission(constraints: PermissionConstraints): Promise<PermissionConstraints> {
    this.permissionRequests.push(constraints);
    return { ...this.grant };
  }
  async selectMicrophone(device: AudioDeviceInfo): Promise<void> {
    this.selectedMicrophone = device;
    this.emit('selectedMicrophoneChanged', { microphone: device });
  }
  async selectSpeaker(device: AudioDeviceInfo): Promise<void> {
    this.selectedSpeaker = device;
    this.emit('selectedSpeakerChanged', { speaker: device });
  }
  /** A device was plugged in. */
  plugIn(microphone: AudioDeviceInfo): void {
    this.microphones = [...this.microphones, microphone];
    this.emit('audioDevicesUpdated', { added: [microphone], removed: [] });
  }
  get asReal(): DeviceManager {
    return this as unknown as DeviceManager;
  }
}

const loops: (() => void)[] = [];

/** A canvas stream that keeps drawing (stands in for received video); stopped by {@link stopCanvases}. */
export function paintedStream(fps = 15): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = 160;
  canvas.height = 90;
  const context = canvas.getContext('2d')!;
  let frame = 0;
  const draw = () => {
    context.fillStyle = `hsl(${(++frame * 9) % 360} 70% 45%)`;
    context.fillRect(0, 0, canvas.width, canvas.height);
  };
  draw();
  const timer = setInterval(draw, 1000 / fps);
  const stream = canvas.captureStream(fps);
  loops.push(() => {
    clearInterval(timer);
    stream.getTracks().forEach((track) => track.stop());
  });
  return stream;
}

export function stopCanvases(): void {
  for (const stop of loops.splice(0)) stop();
}

/** Resolves when `check()` holds (polled); rejects after a generous timeout naming `what`. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves once the video element has decoded `frames` frames (requestVideoFrameCallback). */
export function decodedFrames(video: HTMLVideoElement, frames = 3, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const timer = setTimeout(() => reject(new Error(`only ${seen} frames decoded`)), timeoutMs);
    const onFrame = () => {
      if (++seen >= frames) {
        clearTimeout(timer);
        resolve();
      } else video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  });
}

/** Shadow-root query: `part` of `host`. */
export function part<T extends Element = HTMLElement>(host: Element, name: string): T | null {
  return host.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
}

/**
 * Renders `template` inside a wrapper in the given theme, with the theme's surface behind it (as a
 * page in that theme has); returns the wrapper's first element.
 */
export async function themedFixture<T extends Element>(theme: 'light' | 'dark', template: TemplateResult): Promise<T> {
  const container = await fixture<HTMLDivElement>(
    html`<div style="background: var(--acs-color-surface); color: var(--acs-color-text); padding: 8px">${template}</div>`,
  );
  applyTheme(container, theme);
  const el = container.firstElementChild as T;
  await (el as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
  return el;
}

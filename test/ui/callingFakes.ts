/**
 * Stand-ins for the calling library's objects, for component tests that need no service: the same
 * typed events, driven by the test, and the same effects where the components can see them (a
 * screen share adds its stream to `localVideoStreams`, as Call does). Each `implements` the part of
 * the real class the components use (`Fake<…>` below), so a changed signature fails to compile here;
 * `asReal` casts to the real type where a component takes one.
 */
import { TypedEventEmitter } from '../../src/common/events.js';
import type { CommunicationIdentifier, CommunicationIdentifierKind } from '../../src/common/identifiers.js';
import type { Call, CallEvents, CallState, ConnectionStats, ParticipantConnectionStats } from '../../src/calling/call.js';
import type { CallAgent, CallAgentEvents, StartCallOptions } from '../../src/calling/callAgent.js';
import type { CallEndReason, RemoteParticipantState } from '../../src/calling/callingProtocol.js';
import type { AudioDeviceInfo, MediaStreamType, VideoDeviceInfo } from '../../src/calling/deviceInfo.js';
import type { DeviceManager, DeviceManagerEvents, PermissionConstraints } from '../../src/calling/deviceManager.js';
import type { AcceptCallOptions, IncomingCall, IncomingCallEvents } from '../../src/calling/incomingCall.js';
import { LocalVideoStream } from '../../src/calling/localVideoStream.js';
import { canvasStream } from '../kit/browser.js';
import type { RemoteParticipant, RemoteParticipantEvents } from '../../src/calling/remoteParticipant.js';
import type { RemoteVideoStream, RemoteVideoStreamEvents } from '../../src/calling/remoteVideoStream.js';

let counter = 0;

/** The members of the real `T` named by `K`, with those named by `R` replaced by the fakes' own types. */
type Fake<T, K extends keyof T, R extends keyof T = never> = Omit<Pick<T, K>, R>;

type FakeCallShape = Fake<
  Call,
  | 'id'
  | 'direction'
  | 'state'
  | 'callEndReason'
  | 'isMuted'
  | 'isScreenSharingOn'
  | 'localVideoStreams'
  | 'remoteParticipants'
  | 'mute'
  | 'unmute'
  | 'startVideo'
  | 'stopVideo'
  | 'startScreenSharing'
  | 'stopScreenSharing'
  | 'hangUp'
  | 'getConnectionStats'
  | 'on'
  | 'off',
  'remoteParticipants'
> & { remoteParticipants: readonly FakeParticipant[] };

export class FakeRemoteVideoStream
  extends TypedEventEmitter<RemoteVideoStreamEvents>
  implements Fake<RemoteVideoStream, 'id' | 'mediaStreamType' | 'isAvailable' | 'getMediaStream' | 'on' | 'off'>
{
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

export class FakeParticipant
  extends TypedEventEmitter<RemoteParticipantEvents>
  implements
    Fake<
      RemoteParticipant,
      'identifier' | 'displayName' | 'state' | 'isMuted' | 'isSpeaking' | 'callEndReason' | 'videoStreams' | 'on' | 'off',
      'videoStreams'
    >
{
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

export class FakeCall extends TypedEventEmitter<CallEvents> implements FakeCallShape {
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
  /** What `getConnectionStats()` answers, per participant; and how often it was asked. */
  readonly connectionStats = new Map<FakeParticipant, ConnectionStats>();
  statsReads = 0;
  #screen: LocalVideoStream | undefined;

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

  async getConnectionStats(): Promise<ParticipantConnectionStats[]> {
    this.statsReads++;
    return [...this.connectionStats].map(([participant, stats]) => ({ participant: participant.asReal, ...stats }));
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

  /** As Call does: the screen's stream joins `localVideoStreams` (a painted canvas unless one is given). */
  async startScreenSharing(stream?: LocalVideoStream): Promise<void> {
    this.actions.push('startScreenSharing');
    if (this.#screen) return;
    const share = stream ?? new LocalVideoStream(canvasStream(), 'ScreenSharing');
    this.#screen = share;
    this.localVideoStreams = [...this.localVideoStreams, share];
    this.emit('localVideoStreamsUpdated', { added: [share], removed: [] });
    this.isScreenSharingOn = true;
    this.emit('isScreenSharingOnChanged', { isScreenSharingOn: true });
  }

  /** As Call does: the screen's stream leaves `localVideoStreams` and its tracks stop. */
  async stopScreenSharing(): Promise<void> {
    this.actions.push('stopScreenSharing');
    await this.#endScreenShare();
  }

  async #endScreenShare(): Promise<void> {
    const share = this.#screen;
    if (!share) return;
    this.#screen = undefined;
    (await share.getMediaStream()).getTracks().forEach((track) => track.stop());
    this.localVideoStreams = this.localVideoStreams.filter((s) => s !== share);
    this.emit('localVideoStreamsUpdated', { added: [], removed: [share] });
    this.isScreenSharingOn = false;
    this.emit('isScreenSharingOnChanged', { isScreenSharingOn: false });
  }

  async hangUp(): Promise<void> {
    this.actions.push('hangUp');
    // As Call does: leaving ends a screen share.
    await this.#endScreenShare();
    this.setState('Disconnected', { code: 0, subCode: 0 });
  }

  get asReal(): Call {
    return this as unknown as Call;
  }
}

export class FakeIncomingCall
  extends TypedEventEmitter<IncomingCallEvents>
  implements Fake<IncomingCall, 'id' | 'callerInfo' | 'callEndReason' | 'accept' | 'reject' | 'on' | 'off'>
{
  readonly id = `call-${++counter}`;
  readonly callerInfo: { identifier: CommunicationIdentifierKind; displayName?: string };
  callEndReason: CallEndReason | undefined;
  /** The call `accept` answers with, and the options it was given. */
  readonly call = new FakeCall();
  acceptedWith: AcceptCallOptions | undefined;
  rejected = false;

  constructor(displayName?: string) {
    super();
    this.callerInfo = { identifier: { kind: 'communicationUser', communicationUserId: `8:acs:fake_${++counter}` } };
    if (displayName !== undefined) this.callerInfo.displayName = displayName;
  }

  async accept(options: AcceptCallOptions = {}): Promise<Call> {
    this.acceptedWith = options;
    this.call.direction = 'Incoming';
    this.call.localVideoStreams = [...(options.videoOptions?.localVideoStreams ?? [])];
    this.call.isMuted = options.audioOptions?.muted ?? false;
    this.stopRinging({ code: 0, subCode: 0 });
    return this.call.asReal;
  }

  async reject(): Promise<void> {
    this.rejected = true;
    this.stopRinging({ code: 0, subCode: 0 });
  }

  stopRinging(callEndReason: CallEndReason): void {
    this.callEndReason = callEndReason;
    this.emit('callEnded', { callEndReason });
  }

  get asReal(): IncomingCall {
    return this as unknown as IncomingCall;
  }
}

export class FakeCallAgent extends TypedEventEmitter<CallAgentEvents> implements Fake<CallAgent, 'calls' | 'startCall' | 'on' | 'off'> {
  calls: Call[] = [];
  /** What `startCall` was asked, in order; each answer is a connected FakeCall. */
  readonly started: { targets: CommunicationIdentifier[]; options: StartCallOptions; call: FakeCall }[] = [];

  ring(incoming: FakeIncomingCall): void {
    this.emit('incomingCall', { incomingCall: incoming.asReal });
  }

  /** As CallAgent does: the call joins `calls` (and `callsUpdated` says so), sending what it was given. */
  startCall(targets: CommunicationIdentifier[], options: StartCallOptions = {}): Call {
    const call = new FakeCall();
    call.localVideoStreams = [...(options.videoOptions?.localVideoStreams ?? [])];
    call.isMuted = options.audioOptions?.muted ?? false;
    this.started.push({ targets, options, call });
    this.calls = [...this.calls, call.asReal];
    this.emit('callsUpdated', { added: [call.asReal], removed: [] });
    return call.asReal;
  }
  get asReal(): CallAgent {
    return this as unknown as CallAgent;
  }
}

/** Devices as a test lists them; selection and permission behave as DeviceManager's do. */
export class FakeDeviceManager
  extends TypedEventEmitter<DeviceManagerEvents>
  implements
    Fake<
      DeviceManager,
      | 'isSpeakerSelectionAvailable'
      | 'selectedMicrophone'
      | 'selectedSpeaker'
      | 'getCameras'
      | 'getMicrophones'
      | 'getSpeakers'
      | 'askDevicePermission'
      | 'selectMicrophone'
      | 'selectSpeaker'
      | 'on'
      | 'off'
    >
{
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

/** Shadow-root query: `part` of `host`. */
export function part<T extends Element = HTMLElement>(host: Element, name: string): T | null {
  return host.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
}

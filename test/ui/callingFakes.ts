/**
 * Stand-ins for the calling library's objects, for component tests that need no service: the same
 * typed events, driven by the test, and the same effects where the components can see them (a
 * screen share adds its stream to `localVideoStreams`, as Call does). Each `implements` the part of
 * the real class the components use (`Fake<…>` below), so a changed signature fails to compile here;
 * `asReal` casts to the real type where a component takes one.
 */
import { TypedEventEmitter } from '../../src/common/events.js';
import type { CommunicationIdentifier, CommunicationIdentifierKind, CommunicationUserKind } from '../../src/common/identifiers.js';
import type { Call, CallEvents, CallInfo, CallState, ConnectionStats, ParticipantConnectionStats } from '../../src/calling/call.js';
import { CallingError } from '../../src/calling/callingErrors.js';
import { CALL_CAPABILITIES, type CallParticipantRole, type ReactionType, roleCan } from '../../src/calling/callingProtocol.js';
import type { CallFeature, CallFeatureFactory } from '../../src/calling/features/callFeature.js';
import type { CapabilitiesEvents, CapabilitiesFeature, ParticipantCapabilities } from '../../src/calling/features/capabilities.js';
import type {
  DominantSpeakersCallFeature,
  DominantSpeakersEvents,
  DominantSpeakersInfo,
} from '../../src/calling/features/dominantSpeakers.js';
import type { RaiseHandCallFeature, RaiseHandEvents, RaisedHand } from '../../src/calling/features/raiseHand.js';
import type { ReactionCallFeature, ReactionEvents } from '../../src/calling/features/reaction.js';
import type { SpotlightCallFeature, SpotlightEvents, SpotlightedParticipant } from '../../src/calling/features/spotlight.js';
import type {
  CallAgent,
  CallAgentEvents,
  GroupCallLocator,
  JoinCallOptions,
  RoomCallLocator,
  StartCallOptions,
} from '../../src/calling/callAgent.js';
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
  | 'role'
  | 'info'
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
  role: CallParticipantRole = 'Presenter';
  info: CallInfo = { groupId: undefined, roomId: undefined, getServerCallId: async () => this.id };
  /** The call's features, as `call.feature()` hands them out (one each). */
  readonly raiseHand = new FakeRaiseHand(this);
  readonly reaction = new FakeReaction(this);
  readonly spotlight = new FakeSpotlight(this);
  readonly capabilities = new FakeCapabilities(this);
  readonly dominantSpeakers = new FakeDominantSpeakers();

  constructor(participants: FakeParticipant[] = []) {
    super();
    this.remoteParticipants = participants;
  }

  /** As Call does: the one instance of a feature, by its factory (the fakes of the features the UI uses). */
  feature<T extends CallFeature>(factory: CallFeatureFactory<T>): T {
    const fakes: Record<string, unknown> = {
      RaiseHand: this.raiseHand,
      Reaction: this.reaction,
      Spotlight: this.spotlight,
      Capabilities: this.capabilities,
      DominantSpeakers: this.dominantSpeakers,
    };
    const fake = fakes[factory.name];
    if (!fake) throw new TypeError(`FakeCall has no ${factory.name} feature.`);
    return fake as T;
  }

  /** As the service does on a role change: the role applies, and Capabilities says what changed. */
  setRole(role: CallParticipantRole): void {
    this.role = role;
    this.capabilities.update();
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

const SELF: CommunicationUserKind = { kind: 'communicationUser', communicationUserId: '8:acs:fake_self' };

/** Raised hands, held in order as the service holds them; `self` is whose hand `raiseHand()` raises. */
export class FakeRaiseHand
  extends TypedEventEmitter<RaiseHandEvents>
  implements Fake<RaiseHandCallFeature, 'raiseHand' | 'lowerHand' | 'getRaisedHands' | 'on' | 'off'>
{
  readonly name = 'RaiseHand';
  self: CommunicationUserKind = SELF;
  #hands: RaisedHand[] = [];
  #order = 0;

  constructor(readonly call: FakeCall) {
    super();
  }

  async raiseHand(): Promise<void> {
    this.call.actions.push('raiseHand');
    this.raise(this.self);
  }

  async lowerHand(): Promise<void> {
    this.call.actions.push('lowerHand');
    this.lower(this.self);
  }

  getRaisedHands(): RaisedHand[] {
    return [...this.#hands].sort((a, b) => a.order - b.order);
  }

  /** Someone's hand goes up (a remote participant's, or `self`'s). */
  raise(identifier: CommunicationUserKind | FakeParticipant): void {
    const id = 'asReal' in identifier ? (identifier.identifier as CommunicationUserKind) : identifier;
    if (this.#hands.some((h) => h.identifier.communicationUserId === id.communicationUserId)) return;
    this.#hands.push({ identifier: id, order: ++this.#order });
    this.emit('raisedHandEvent', { identifier: id });
  }

  lower(identifier: CommunicationUserKind | FakeParticipant): void {
    const id = 'asReal' in identifier ? (identifier.identifier as CommunicationUserKind) : identifier;
    const before = this.#hands.length;
    this.#hands = this.#hands.filter((h) => h.identifier.communicationUserId !== id.communicationUserId);
    if (this.#hands.length !== before) this.emit('loweredHandEvent', { identifier: id });
  }

  dispose(): void {}
}

/** Reactions: what was sent, and `receive()` for one from someone else. */
export class FakeReaction extends TypedEventEmitter<ReactionEvents> implements Fake<ReactionCallFeature, 'sendReaction' | 'on' | 'off'> {
  readonly name = 'Reaction';
  readonly sent: ReactionType[] = [];

  constructor(readonly call: FakeCall) {
    super();
  }

  async sendReaction(message: { reactionType: ReactionType }): Promise<void> {
    if (!this.call.capabilities.capabilities.useReactions.isPresent) throw CallingError.roleRestricted('sendReaction', this.call.role);
    this.sent.push(message.reactionType);
  }

  receive(from: FakeParticipant, reactionType: ReactionType): void {
    this.emit('reaction', {
      identifier: from.identifier as CommunicationUserKind,
      reactionMessage: { reactionType },
      receivedOn: new Date(),
    });
  }

  dispose(): void {}
}

/** Spotlights, in order; refused as the service refuses them for a role without `spotlightParticipant`. */
export class FakeSpotlight
  extends TypedEventEmitter<SpotlightEvents>
  implements Fake<SpotlightCallFeature, 'startSpotlight' | 'stopSpotlight' | 'getSpotlightedParticipants' | 'on' | 'off'>
{
  readonly name = 'Spotlight';
  readonly maxParticipantsToSpotlight = 7;
  #spotlights: SpotlightedParticipant[] = [];
  #order = 0;

  constructor(readonly call: FakeCall) {
    super();
  }

  async startSpotlight(participants?: object[]): Promise<void> {
    if (!this.call.capabilities.capabilities.spotlightParticipant.isPresent)
      throw CallingError.roleRestricted('startSpotlight', this.call.role);
    const added = (participants ?? [SELF])
      .map((p) => p as CommunicationUserKind)
      .filter((id) => !this.#spotlights.some((s) => s.identifier.communicationUserId === id.communicationUserId))
      .map((identifier) => ({ identifier, order: ++this.#order }));
    this.#spotlights.push(...added);
    if (added.length) this.emit('spotlightChanged', { added, removed: [] });
  }

  async stopSpotlight(participants?: object[]): Promise<void> {
    const ids = new Set((participants ?? [SELF]).map((p) => (p as CommunicationUserKind).communicationUserId));
    const removed = this.#spotlights.filter((s) => ids.has(s.identifier.communicationUserId));
    this.#spotlights = this.#spotlights.filter((s) => !ids.has(s.identifier.communicationUserId));
    if (removed.length) this.emit('spotlightChanged', { added: [], removed });
  }

  getSpotlightedParticipants(): SpotlightedParticipant[] {
    return [...this.#spotlights];
  }

  dispose(): void {}
}

/** What the call's role allows, from the same table the library and the service read. */
export class FakeCapabilities
  extends TypedEventEmitter<CapabilitiesEvents>
  implements Fake<CapabilitiesFeature, 'capabilities' | 'role' | 'on' | 'off'>
{
  readonly name = 'Capabilities';
  #capabilities: ParticipantCapabilities;

  constructor(readonly call: FakeCall) {
    super();
    this.#capabilities = capabilitiesOf('Presenter');
  }

  get capabilities(): ParticipantCapabilities {
    return structuredClone(this.#capabilities);
  }

  get role(): CallParticipantRole {
    return this.call.role;
  }

  update(): void {
    const next = capabilitiesOf(this.call.role);
    const oldValue: Partial<ParticipantCapabilities> = {};
    const newValue: Partial<ParticipantCapabilities> = {};
    for (const name of CALL_CAPABILITIES) {
      if (next[name].isPresent === this.#capabilities[name].isPresent) continue;
      oldValue[name] = this.#capabilities[name];
      newValue[name] = next[name];
    }
    this.#capabilities = next;
    if (Object.keys(newValue).length) this.emit('capabilitiesChanged', { oldValue, newValue, reason: 'RoleChanged' });
  }

  dispose(): void {}
}

function capabilitiesOf(role: CallParticipantRole): ParticipantCapabilities {
  return Object.fromEntries(
    CALL_CAPABILITIES.map((name) => [name, { isPresent: roleCan(role, name), reason: roleCan(role, name) ? 'Capable' : 'RoleRestricted' }]),
  ) as ParticipantCapabilities;
}

/** The dominant speakers, as the test says who spoke last. */
export class FakeDominantSpeakers
  extends TypedEventEmitter<DominantSpeakersEvents>
  implements Fake<DominantSpeakersCallFeature, 'dominantSpeakers' | 'on' | 'off'>
{
  readonly name = 'DominantSpeakers';
  #list: CommunicationIdentifierKind[] = [];

  get dominantSpeakers(): DominantSpeakersInfo {
    return { speakersList: this.#list as DominantSpeakersInfo['speakersList'], timestamp: new Date() };
  }

  speak(participant: FakeParticipant): void {
    this.#list = [participant.identifier, ...this.#list.filter((id) => id !== participant.identifier)];
    this.emit('dominantSpeakersChanged', {});
  }

  dispose(): void {}
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

export class FakeCallAgent
  extends TypedEventEmitter<CallAgentEvents>
  implements Fake<CallAgent, 'calls' | 'startCall' | 'join' | 'on' | 'off'>
{
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
  /** What `join` was asked, in order; each answer is a connected FakeCall of that group or room. */
  readonly joined: { locator: GroupCallLocator | RoomCallLocator; options: JoinCallOptions; call: FakeCall }[] = [];

  /** As CallAgent does: the call of the group or room joins `calls`, with its `info`. */
  join(locator: GroupCallLocator | RoomCallLocator, options: JoinCallOptions = {}): Call {
    const call = new FakeCall();
    const { groupId, roomId } = locator as Partial<GroupCallLocator & RoomCallLocator>;
    call.info = { groupId, roomId, getServerCallId: async () => call.id };
    call.localVideoStreams = [...(options.videoOptions?.localVideoStreams ?? [])];
    call.isMuted = options.audioOptions?.muted ?? false;
    this.joined.push({ locator, options, call });
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

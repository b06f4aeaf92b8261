import type { MediaConnection } from 'peerjs';
import { RestError, throwIfAborted } from '../common/errors.js';
import { TypedEventEmitter } from '../common/events.js';
import type { HttpPipeline } from '../common/http.js';
import type { OperationOptions } from '../common/operationOptions.js';
import {
  type CommunicationIdentifier,
  type PhoneNumberIdentifier,
  getIdentifierRawId,
  isCommunicationIdentifier,
} from '../common/identifiers.js';
import { deserializeCommunicationIdentifier, serializeCommunicationIdentifier } from '../common/identifierModels.js';
import {
  type CallCapabilityName,
  type CallEndReason,
  CallEndReasons,
  type CallModel,
  type CallParticipantRole,
  type CallingEvents,
  type CallingRouteName,
  callingPath,
  roleCan,
} from './callingProtocol.js';
import { CallingError } from './callingErrors.js';
import { LocalVideoStream } from './localVideoStream.js';
import { CallMedia, mediaTimeouts } from './media/callMedia.js';
import { type ConnectionStats, connectionStatsOf } from './media/connectionStats.js';
import { LocalMedia } from './media/localMedia.js';
import type { PeerEndpoint } from './media/peerEndpoint.js';
import type { CallFeature, CallFeatureContext, CallFeatureFactory, MediaIssueName } from './features/callFeature.js';
import { type AudioOutput, RemoteParticipant } from './remoteParticipant.js';

export type CallState = 'None' | 'Connecting' | 'Ringing' | 'Connected' | 'LocalHold' | 'RemoteHold' | 'Disconnecting' | 'Disconnected';
export type CallDirection = 'Incoming' | 'Outgoing';

export type CallEvents = {
  stateChanged: { state: CallState };
  idChanged: { id: string };
  remoteParticipantsUpdated: { added: RemoteParticipant[]; removed: RemoteParticipant[] };
  isMutedChanged: { isMuted: boolean };
  isScreenSharingOnChanged: { isScreenSharingOn: boolean };
  localVideoStreamsUpdated: { added: LocalVideoStream[]; removed: LocalVideoStream[] };
};

/** About a call (`call.info`), as the ACS Calling SDK has it. */
export interface CallInfo {
  /** The group id the call was joined with (`callAgent.join({ groupId })`); undefined otherwise. */
  readonly groupId: string | undefined;
  /** The room whose call this is (`callAgent.join({ roomId })`); undefined otherwise. */
  readonly roomId: string | undefined;
  /** The call's id at the service. */
  getServerCallId(): Promise<string>;
}

export interface VideoOptions {
  localVideoStreams?: LocalVideoStream[];
}

/** Options of {@link Call.addParticipant}. */
export type AddParticipantOptions = OperationOptions;

export interface AudioOptions {
  /** Join muted. */
  muted?: boolean;
}

export interface HangUpOptions extends OperationOptions {
  /** End the call for everyone, not just leave it. */
  forEveryone?: boolean;
}

/** What a call needs from its agent. @internal */
export interface CallContext {
  pipeline: HttpPipeline;
  peer: PeerEndpoint;
  ownRawId: string;
  endpointId: string;
  displayName: string | undefined;
  output: AudioOutput;
  openMicrophone(): Promise<MediaStreamTrack | undefined>;
  /** Offers each connection that dialled ahead of the call to `accept`; those it refuses keep waiting. */
  claimPendingMedia(callId: string, accept: (connection: MediaConnection) => boolean): void;
  ended(call: Call): void;
}

export type { ConnectionStats, MediaPath } from './media/connectionStats.js';

/** One remote participant's connection diagnostics (see `Call.getConnectionStats()`). */
export interface ParticipantConnectionStats extends ConnectionStats {
  participant: RemoteParticipant;
}

/**
 * A call this endpoint is in. State changes in one place ({@link #setState}) from the service's
 * view and this endpoint's media; every change is an event.
 */
export class Call extends TypedEventEmitter<CallEvents> {
  readonly direction: CallDirection;
  #id = '';
  #state: CallState = 'None';
  #callEndReason: CallEndReason | undefined;
  #participants = new Map<string, RemoteParticipant>();
  #localVideoStreams: LocalVideoStream[] = [];
  #screen: LocalVideoStream | undefined;
  #onHold = false;
  #muted: boolean;
  #version = 0;
  readonly #context: CallContext;
  readonly #local: LocalMedia;
  #media: CallMedia | undefined;
  readonly #unsubscribers: (() => void)[] = [];
  readonly #features = new Map<CallFeatureFactory<CallFeature>, CallFeature>();
  /** A group call joined by id: connected once the service has this endpoint in it, alone or not. */
  #groupId: string | undefined;
  #roomId: string | undefined;
  /** The newest view of the call from the service, and events for the features. */
  #model: CallModel | undefined;
  readonly #featureEvents = new EventTarget();
  /** This participant's role (room calls); outside rooms none: everyone is a Presenter. */
  #role: CallParticipantRole | undefined;
  /** Media problems as they happen, for the diagnostics feature. */
  readonly #mediaIssues = new EventTarget();
  /** The last media issue of the camera and of the microphone, for a feature made after it. */
  readonly #pastMediaIssues = new Map<'camera' | 'microphone', MediaIssueName>();

  /** Ends the call if it stays Connecting too long (see `mediaTimeouts.callConnectMs`). */
  #connectTimer: ReturnType<typeof setTimeout> | undefined;

  /** @internal */
  constructor(
    context: CallContext,
    direction: CallDirection,
    options: { muted?: boolean; id?: string; groupId?: string; roomId?: string } = {},
  ) {
    super();
    this.#context = context;
    this.direction = direction;
    this.#groupId = options.groupId;
    this.#roomId = options.roomId;
    this.#muted = options.muted ?? false;
    this.#local = new LocalMedia();
    this.#local.setMuted(this.#muted);
    if (options.id) this.#id = options.id;
    this.#setState('Connecting');
  }

  get id(): string {
    return this.#id;
  }

  /** About the call: the group id it was joined with, and its id at the service. */
  get info(): CallInfo {
    return { groupId: this.#groupId, roomId: this.#roomId, getServerCallId: async () => this.#id };
  }

  get state(): CallState {
    return this.#state;
  }

  get callEndReason(): CallEndReason | undefined {
    return this.#callEndReason;
  }

  get isMuted(): boolean {
    return this.#muted;
  }

  get isScreenSharingOn(): boolean {
    return this.#screen !== undefined;
  }

  get localVideoStreams(): readonly LocalVideoStream[] {
    return this.#localVideoStreams;
  }

  get remoteParticipants(): readonly RemoteParticipant[] {
    return [...this.#participants.values()];
  }

  async mute(): Promise<void> {
    await this.#setMuted(true);
  }

  async unmute(): Promise<void> {
    this.#requireCapability('unmuteMic', 'unmute');
    await this.#setMuted(false);
  }

  /** Sends video from `stream` (a camera); no renegotiation, the sender was there from the start. */
  async startVideo(stream: LocalVideoStream): Promise<void> {
    this.#requireActive('start video');
    this.#requireCapability('turnVideoOn', 'turn the camera on');
    if (!(stream instanceof LocalVideoStream)) throw new TypeError('Pass a LocalVideoStream.');
    const current = this.#localVideoStreams.find((s) => s.mediaStreamType === 'Video');
    if (current === stream) return;
    let media: MediaStream;
    try {
      media = await stream.getMediaStream();
    } catch (error) {
      this.#reportMediaIssue('cameraStartFailed');
      throw error;
    }
    await this.#local.setCamera(media.getVideoTracks()[0]);
    this.#reportMediaIssue('cameraStarted');
    const onSwitch = ({ stream: next }: { stream: MediaStream }) => void this.#local.setCamera(next.getVideoTracks()[0]);
    stream.on('sourceChanged', onSwitch);
    this.#unsubscribers.push(() => stream.off('sourceChanged', onSwitch));
    const removed = current ? [current] : [];
    this.#localVideoStreams = [...this.#localVideoStreams.filter((s) => s !== current), stream];
    this.emit('localVideoStreamsUpdated', { added: [stream], removed });
    await this.#announce({ isVideoOn: true });
  }

  async stopVideo(stream: LocalVideoStream): Promise<void> {
    if (!this.#localVideoStreams.includes(stream) || stream.mediaStreamType !== 'Video') {
      throw new CallingError('StreamNotInCall', 'That video stream is not being sent in this call.');
    }
    await this.#local.setCamera(undefined);
    this.#localVideoStreams = this.#localVideoStreams.filter((s) => s !== stream);
    this.emit('localVideoStreamsUpdated', { added: [], removed: [stream] });
    await this.#announce({ isVideoOn: false });
  }

  /**
   * Shares the screen (the browser asks which), or the given stream. The first share on a
   * connection adds the screen's m-line (its link renegotiates); later ones are a `replaceTrack`.
   * Stopping from the browser's own UI ends the share too.
   */
  async startScreenSharing(stream?: LocalVideoStream): Promise<void> {
    this.#requireActive('share the screen');
    this.#requireCapability('shareScreen', 'share the screen');
    if (stream !== undefined && !(stream instanceof LocalVideoStream))
      throw new TypeError('Pass a LocalVideoStream, or nothing to let the browser ask.');
    if (this.#screen) return;
    let share = stream;
    if (!share) {
      if (!navigator.mediaDevices?.getDisplayMedia) throw CallingError.unsupported('Screen sharing');
      try {
        share = new LocalVideoStream(await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false }), 'ScreenSharing');
      } catch (cause) {
        throw CallingError.deviceUnavailable('screen', cause);
      }
    }
    const track = (await share.getMediaStream()).getVideoTracks()[0]!;
    this.#screen = share;
    track.addEventListener('ended', () => void this.stopScreenSharing().catch(() => undefined), { once: true });
    await this.#local.setScreen(track);
    this.#localVideoStreams = [...this.#localVideoStreams, share];
    this.emit('localVideoStreamsUpdated', { added: [share], removed: [] });
    this.emit('isScreenSharingOnChanged', { isScreenSharingOn: true });
    await this.#announce({ isScreenSharing: true });
  }

  async stopScreenSharing(): Promise<void> {
    const share = this.#screen;
    if (!share) return;
    this.#screen = undefined;
    await this.#local.setScreen(undefined);
    (await share.getMediaStream()).getTracks().forEach((track) => track.stop());
    this.#localVideoStreams = this.#localVideoStreams.filter((s) => s !== share);
    this.emit('localVideoStreamsUpdated', { added: [], removed: [share] });
    this.emit('isScreenSharingOnChanged', { isScreenSharingOn: false });
    if (this.#state !== 'Disconnected') await this.#announce({ isScreenSharing: false });
  }

  /** Stops sending and tells the others; they see this participant on hold. */
  async hold(): Promise<void> {
    this.#requireActive('hold');
    if (this.#onHold) return;
    this.#onHold = true;
    await this.#local.setOnHold(true);
    this.#recomputeState();
    await this.#announce({ onHold: true });
  }

  async resume(): Promise<void> {
    if (!this.#onHold) return;
    this.#onHold = false;
    await this.#local.setOnHold(false);
    this.#recomputeState();
    await this.#announce({ onHold: false });
  }

  async hangUp(options: HangUpOptions = {}): Promise<void> {
    if (this.#state === 'Disconnected' || this.#state === 'Disconnecting') return;
    throwIfAborted(options.abortSignal);
    this.#setState('Disconnecting');
    let reason: CallEndReason = CallEndReasons.normal;
    try {
      if (this.#id) {
        const { body } = await this.#context.pipeline.send<CallModel | undefined>({
          method: 'POST',
          path: callingPath('hangUp', this.#id),
          body: { forEveryone: options.forEveryone ?? false },
          abortSignal: options.abortSignal,
        });
        // The service says why it ended here: 487 when the caller cancels an unanswered call.
        const own = body && ownParticipant(body, this.#context.ownRawId);
        reason = own?.callEndReason ?? body?.callEndReason ?? reason;
      }
    } catch (error) {
      // The service had already ended the call (everyone hung up at once): hanging up is done.
      if (!(error instanceof RestError && error.statusCode === 404)) throw error;
    } finally {
      this.end(reason);
    }
  }

  /** Still Connecting after the time limit: leave the call at the service, and say why here. */
  async #connectTimedOut(): Promise<void> {
    if (this.#state !== 'Connecting') return;
    // Ended here first: the service's own "ended" for this hang-up must not replace the reason.
    const id = this.#id;
    this.end(CallEndReasons.connectTimedOut);
    if (id) await this.#leaveAtService(id);
  }

  /** Leaves the call at the service for this endpoint only, best effort (it may be gone already). */
  async #leaveAtService(id: string): Promise<void> {
    await this.#context.pipeline
      .send({ method: 'POST', path: callingPath('hangUp', id), body: { forEveryone: false } })
      .catch(() => undefined);
  }

  /** Invites someone into the call; they appear in `remoteParticipants`, ringing. */
  async addParticipant(identifier: CommunicationIdentifier, options: AddParticipantOptions = {}): Promise<RemoteParticipant> {
    this.#requireActive('add a participant');
    if (!isCommunicationIdentifier(identifier)) throw new TypeError('Pass the identifier of the participant to add.');
    throwIfAborted(options.abortSignal);
    const rawId = getIdentifierRawId(identifier);
    const { body } = await this.#context.pipeline.send<CallModel>({
      method: 'POST',
      path: callingPath('addParticipants', this.#id),
      body: { targets: [serializeCommunicationIdentifier(identifier)] },
      abortSignal: options.abortSignal,
    });
    this.applyModel(body);
    const participant = this.#participants.get(rawId);
    if (!participant) {
      throw new CallingError('ParticipantUnreachable', `${rawId} could not be added to the call.`);
    }
    return participant;
  }

  /** @internal Starts an outgoing call at the service. */
  async start(
    targets: CommunicationIdentifier[],
    videoStreams: LocalVideoStream[],
    alternateCallerId?: PhoneNumberIdentifier,
    abortSignal?: AbortSignal,
  ): Promise<void> {
    // The call rings while the microphone and camera open: neither waits for the other.
    await this.#enter('startCall', videoStreams, abortSignal, {
      targets: targets.map(serializeCommunicationIdentifier),
      ...(alternateCallerId ? { alternateCallerId: serializeCommunicationIdentifier(alternateCallerId) } : {}),
    });
  }

  /** @internal Joins a group or room call at the service. */
  async join(
    locator: { groupId: string } | { roomId: string },
    videoStreams: LocalVideoStream[],
    abortSignal?: AbortSignal,
  ): Promise<void> {
    // In the call at once: the others dial this endpoint while its microphone and camera open.
    await this.#enter('joinGroupCall', videoStreams, abortSignal, locator);
  }

  /** @internal Accepts an incoming call at the service. */
  async accept(videoStreams: LocalVideoStream[], abortSignal?: AbortSignal): Promise<void> {
    // Accepted at once: the caller's media connection is made while the camera opens.
    await this.#enter('accept', videoStreams, abortSignal);
  }

  /**
   * Enters the call at the service (starts, joins or accepts it) from this endpoint, with its name
   * and media state, while the devices open (see #whilePreparing).
   */
  async #enter(
    route: 'startCall' | 'joinGroupCall' | 'accept',
    videoStreams: LocalVideoStream[],
    abortSignal: AbortSignal | undefined,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await this.#whilePreparing(videoStreams, async () => {
      const { body: model } = await this.#context.pipeline.send<CallModel>({
        method: 'POST',
        path: route === 'accept' ? callingPath('accept', this.#id) : callingPath(route),
        body: {
          ...extra,
          endpointId: this.#context.endpointId,
          ...(this.#context.displayName !== undefined ? { displayName: this.#context.displayName } : {}),
          isMuted: this.#muted,
          isVideoOn: videoStreams.length > 0,
        },
        abortSignal,
      });
      // Ended here while the service was taking it (hung up, or timed out): leave it there too.
      if (this.#state === 'Disconnected') {
        void this.#leaveAtService(model.id);
        return model;
      }
      this.#setId(model.id);
      return model;
    });
  }

  /**
   * Runs a control-plane request while the microphone and camera open. Signalling is open first
   * (once the service has the call, others may dial this endpoint); a connection starts with the
   * tracks there are, placeholders for the others, and takes the real ones by replaceTrack as they
   * come, so media need not be ready. If
   * opening a device fails after the service took the call, this endpoint leaves it again.
   */
  async #whilePreparing(videoStreams: LocalVideoStream[], request: () => Promise<CallModel>): Promise<CallModel> {
    void this.#context.output.context.resume().catch(() => undefined);
    await this.#context.peer.open();
    // The answer is applied as soon as it comes: the media connections start then, not once the
    // camera is open.
    const answering = request().then((model) => {
      this.applyModel(model);
      return model;
    });
    const [prepared, answered] = await Promise.allSettled([this.#prepareMedia(videoStreams), answering]);
    if (answered.status === 'rejected') throw answered.reason;
    if (prepared.status === 'rejected') {
      if (this.#id) await this.#leaveAtService(this.#id);
      throw prepared.reason;
    }
    return answered.value;
  }

  /** @internal The service's view of the call (a response or a `callUpdated`/`callEnded` event). */
  applyModel(model: CallModel): void {
    if (this.#state === 'Disconnected' || model.id !== this.#id || model.version <= this.#version) return;
    this.#version = model.version;
    if (model.groupId) this.#groupId = model.groupId;
    if (model.roomId) this.#roomId = model.roomId;
    this.#model = model;
    const own = ownParticipant(model, this.#context.ownRawId);
    if (model.state === 'Ended' || !own || own.state === 'Disconnected') {
      this.end(model.callEndReason ?? own?.callEndReason ?? CallEndReasons.normal);
      return;
    }
    const added: RemoteParticipant[] = [];
    const removed: RemoteParticipant[] = [];
    for (const wire of model.participants) {
      const rawId = rawIdOf(wire.identifier);
      if (wire === own) continue;
      let participant = this.#participants.get(rawId);
      if (!participant) {
        if (wire.state === 'Disconnected') continue;
        participant = new RemoteParticipant(wire, this.#context.output);
        participant.on('stateChanged', () => this.#recomputeState());
        this.#participants.set(rawId, participant);
        added.push(participant);
        continue;
      }
      participant.applyModel(wire);
      if (wire.state === 'Disconnected') {
        this.#participants.delete(rawId);
        removed.push(participant);
      }
    }
    if (added.length || removed.length) this.emit('remoteParticipantsUpdated', { added, removed });
    this.#syncMedia();
    this.#recomputeState();
    this.#applyRole(own.role);
    this.#featureEvents.dispatchEvent(new CustomEvent('model', { detail: model }));
  }

  /** @internal A reaction someone in this call sent. */
  handleReaction(reaction: CallingEvents['callReactionReceived']): void {
    if (reaction.callId === this.#id && this.#state !== 'Disconnected') {
      this.#featureEvents.dispatchEvent(new CustomEvent('reaction', { detail: reaction }));
    }
  }

  /** This participant's role now (room calls; `Presenter` elsewhere). */
  get role(): CallParticipantRole {
    return this.#role ?? 'Presenter';
  }

  /**
   * A role that no longer allows what this endpoint does stops it at once: the microphone is
   * muted, the camera and the screen share stop (the service refuses them too).
   */
  #applyRole(role: CallParticipantRole | undefined): void {
    if (role === this.#role) return;
    this.#role = role;
    if (!roleCan(role, 'unmuteMic') && !this.#muted) void this.#setMuted(true).catch(() => undefined);
    if (!roleCan(role, 'turnVideoOn')) {
      for (const stream of this.#localVideoStreams.filter((s) => s.mediaStreamType === 'Video'))
        void this.stopVideo(stream).catch(() => undefined);
    }
    if (!roleCan(role, 'shareScreen') && this.#screen) void this.stopScreenSharing().catch(() => undefined);
  }

  #requireCapability(capability: CallCapabilityName, operation: string): void {
    if (!roleCan(this.#role, capability)) throw CallingError.roleRestricted(operation, this.role);
  }

  async #sendToCall(route: CallingRouteName, body: Record<string, unknown>): Promise<void> {
    this.#requireActive('change the call');
    if (!this.#id) throw CallingError.invalidState('change the call', this.#state);
    const { body: model } = await this.#context.pipeline.send<CallModel | undefined>({
      method: 'POST',
      path: callingPath(route as Parameters<typeof callingPath>[0], this.#id),
      body,
    });
    if (model && typeof model === 'object' && 'version' in model) this.applyModel(model);
  }

  /** @internal A remote endpoint dialled us for this call. */
  handleIncomingMedia(connection: MediaConnection): boolean {
    return this.#media?.accept(connection) ?? false;
  }

  /** @internal Ends the call here: media closed, participants released, the agent told. */
  end(reason: CallEndReason): void {
    if (this.#state === 'Disconnected') return;
    this.#callEndReason = reason;
    this.#media?.close();
    this.#local.dispose();
    this.#disposeFeatures();
    for (const unsubscribe of this.#unsubscribers) unsubscribe();
    void this.stopScreenSharing().catch(() => undefined);
    const removed = [...this.#participants.values()];
    for (const participant of removed) participant.disconnect();
    this.#participants.clear();
    if (removed.length) this.emit('remoteParticipantsUpdated', { added: [], removed });
    this.#setState('Disconnected');
    this.#context.ended(this);
  }

  /** @internal The selected microphone changed: swap the track, no renegotiation. */
  async switchMicrophone(track: MediaStreamTrack | undefined): Promise<void> {
    if (this.#state === 'Disconnected') {
      track?.stop();
      return;
    }
    await this.#local.setMicrophone(track);
    this.#reportMediaIssue(track ? 'microphoneAvailable' : 'microphoneUnavailable');
  }

  /**
   * A feature of this call, as the ACS Calling SDK has them: `call.feature(Features.MediaStats)`.
   * Each feature is made on first use, the same object after that, and disposed when the call ends.
   */
  feature<TFeature extends CallFeature>(factory: CallFeatureFactory<TFeature>): TFeature {
    if (!factory || typeof factory.callApiCtor !== 'function') throw new TypeError('Pass one of Features (Features.MediaStats, …).');
    const existing = this.#features.get(factory);
    if (existing) return existing as TFeature;
    const context: CallFeatureContext = {
      call: this,
      peerConnections: () =>
        this.remoteParticipants.flatMap((participant) => {
          const pc = this.peerConnectionOf(participant);
          return pc ? [{ participant, pc }] : [];
        }),
      localTracks: () => ({ microphone: this.#local.microphone, camera: this.#local.camera, screen: this.#local.screen }),
      mediaIssues: this.#mediaIssues,
      pastMediaIssues: () => [...this.#pastMediaIssues.values()],
      model: () => this.#model,
      events: this.#featureEvents,
      send: (route, body) => this.#sendToCall(route, body),
      dataChannel: (participant, reliability) =>
        participant.peerId ? this.#media?.dataChannel(participant.peerId, reliability) : undefined,
    };
    const feature = new factory.callApiCtor(context);
    this.#features.set(factory, feature);
    if (this.#state === 'Disconnected') this.#disposeFeatures();
    return feature;
  }

  /**
   * Connection diagnostics, one entry per remote participant with media: whether their media goes
   * direct or through the TURN relay, round-trip time and packet loss (from `getStats()`).
   */
  async getConnectionStats(): Promise<ParticipantConnectionStats[]> {
    const entries = await Promise.all(
      this.remoteParticipants.map(async (participant) => {
        const pc = this.peerConnectionOf(participant);
        return pc ? { participant, ...(await connectionStatsOf(pc)) } : undefined;
      }),
    );
    return entries.filter((entry): entry is ParticipantConnectionStats => entry !== undefined);
  }

  /** @internal Peer connections by remote peer id, for statistics. */
  peerConnectionOf(participant: RemoteParticipant): RTCPeerConnection | undefined {
    return participant.peerId ? this.#media?.peerConnection(participant.peerId) : undefined;
  }

  /** Opens the microphone and the cameras asked for and gives them to the call's senders. */
  async #prepareMedia(videoStreams: LocalVideoStream[]): Promise<void> {
    // The microphone and the camera open together: each is sent the moment it is ready.
    const openMicrophone = (async () => {
      const microphone = await this.#context.openMicrophone();
      await this.#local.setMicrophone(microphone);
      this.#reportMediaIssue(microphone ? 'microphoneAvailable' : 'microphoneUnavailable');
    })();
    const openCameras = (async () => {
      for (const stream of videoStreams) {
        let track: MediaStreamTrack | undefined;
        try {
          track = (await stream.getMediaStream()).getVideoTracks()[0];
        } catch (error) {
          this.#reportMediaIssue('cameraStartFailed');
          throw error;
        }
        this.#reportMediaIssue('cameraStarted');
        await this.#local.setCamera(track);
        this.#localVideoStreams = [...this.#localVideoStreams, stream];
        this.emit('localVideoStreamsUpdated', { added: [stream], removed: [] });
      }
    })();
    const [microphone, cameras] = await Promise.allSettled([openMicrophone, openCameras]);
    if (cameras.status === 'rejected') throw cameras.reason;
    if (microphone.status === 'rejected') throw microphone.reason;
  }

  #disposeFeatures(): void {
    for (const feature of this.#features.values()) {
      try {
        feature.dispose();
      } catch (error) {
        (globalThis as { reportError?: (error: unknown) => void }).reportError?.(error);
      }
    }
  }

  #reportMediaIssue(issue: MediaIssueName): void {
    this.#pastMediaIssues.set(issue.startsWith('camera') ? 'camera' : 'microphone', issue);
    this.#mediaIssues.dispatchEvent(new Event(issue));
  }

  #syncMedia(): void {
    if (!this.#id) return;
    if (!this.#media) {
      const media = new CallMedia(this.#id, this.#context.peer, this.#local);
      media.on('remoteMedia', ({ peerId, media: remote }) => this.#byPeer(peerId)?.applyMedia(remote));
      media.on('peerStateChanged', ({ peerId, state }) => this.#byPeer(peerId)?.applyMediaState(state));
      media.on('data', ({ peerId, bytes }) => {
        const participant = this.#byPeer(peerId);
        if (participant) this.#featureEvents.dispatchEvent(new CustomEvent('data', { detail: { participant, bytes } }));
      });
      this.#media = media;
    }
    const peers: string[] = [];
    for (const participant of this.#participants.values()) {
      if (participant.peerId && (participant.state === 'Connecting' || participant.state === 'Connected' || participant.state === 'Hold')) {
        peers.push(participant.peerId);
      }
    }
    this.#media.sync(peers);
    void this.#local.setMeshSize(peers.length);
    // A dialler this call does not know to be in it yet stays pending: closing it would leave the
    // dialler waiting for an answer that never comes (PeerJS does not tell it) until its connect
    // timeout gives the offer up and dials again.
    const media = this.#media;
    this.#context.claimPendingMedia(this.#id, (connection) => media.accept(connection));
  }

  #byPeer(peerId: string): RemoteParticipant | undefined {
    return [...this.#participants.values()].find((p) => p.peerId === peerId);
  }

  /** Call state from its parts: local hold, participants' media, who still rings. */
  #recomputeState(): void {
    // Ending (a reason is set): participants turning Disconnected must not move the call elsewhere.
    if (this.#state === 'Disconnected' || this.#state === 'Disconnecting' || !this.#id || this.#callEndReason) return;
    if (this.#onHold) return this.#setState('LocalHold');
    const participants = [...this.#participants.values()];
    const inCall = participants.filter((p) => p.state === 'Connected' || p.state === 'Hold');
    if (inCall.length > 0) return this.#setState(inCall.every((p) => p.state === 'Hold') ? 'RemoteHold' : 'Connected');
    if (this.#state === 'Connected' || this.#state === 'RemoteHold') return; // Media re-connecting: stay.
    if (this.#groupId || this.#roomId) return this.#setState('Connected'); // In the group or room call, alone for now.
    if (this.direction === 'Outgoing' && participants.some((p) => p.state === 'Ringing')) return this.#setState('Ringing');
    this.#setState('Connecting');
  }

  #setState(next: CallState): void {
    if (next === this.#state) return;
    this.#state = next;
    this.#armConnectTimer();
    this.emit('stateChanged', { state: next });
  }

  #setId(id: string): void {
    if (id === this.#id) return;
    this.#id = id;
    this.#armConnectTimer();
    this.emit('idChanged', { id });
  }

  /**
   * The connect time limit runs while the call is Connecting at the service (it has an id): the
   * request that enters the call has its own retries and timeouts, and a call ended before the
   * service knew it could not be hung up there.
   */
  #armConnectTimer(): void {
    clearTimeout(this.#connectTimer);
    this.#connectTimer =
      this.#state === 'Connecting' && this.#id ? setTimeout(() => void this.#connectTimedOut(), mediaTimeouts.callConnectMs) : undefined;
  }

  async #setMuted(muted: boolean): Promise<void> {
    if (this.#state === 'Disconnected') throw CallingError.invalidState(muted ? 'mute' : 'unmute', this.#state);
    if (muted === this.#muted) return;
    this.#muted = muted;
    this.#local.setMuted(muted);
    this.emit('isMutedChanged', { isMuted: muted });
    await this.#announce({ isMuted: muted });
  }

  /** Tells the others about a media state change (after the call has an id at the service). */
  async #announce(state: { isMuted?: boolean; isVideoOn?: boolean; isScreenSharing?: boolean; onHold?: boolean }): Promise<void> {
    if (!this.#id || this.#state === 'Disconnected' || this.#state === 'Disconnecting') return;
    try {
      const { body } = await this.#context.pipeline.send<CallModel>({
        method: 'POST',
        path: callingPath('updateMediaState', this.#id),
        body: state,
      });
      this.applyModel(body);
    } catch (error) {
      // The call ended meanwhile: the state change has nobody to reach.
      if (!(error instanceof RestError && (error.statusCode === 404 || error.statusCode === 409))) throw error;
    }
  }

  #requireActive(operation: string): void {
    if (this.#state === 'Disconnected' || this.#state === 'Disconnecting' || this.#state === 'None') {
      throw CallingError.invalidState(operation, this.#state);
    }
  }
}

/** The participant this user acts for: marked by the service (it may be their phone number). */
export function ownParticipant(model: CallModel, ownRawId: string): CallModel['participants'][number] | undefined {
  return model.participants.find((p) => p.isYou) ?? model.participants.find((p) => rawIdOf(p.identifier) === ownRawId);
}

function rawIdOf(identifier: CallModel['participants'][number]['identifier']): string {
  return getIdentifierRawId(deserializeCommunicationIdentifier(identifier));
}

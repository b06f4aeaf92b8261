import type { MediaConnection } from 'peerjs';
import type { CommunicationTokenCredential } from '../common/credential.js';
import { RestError, TokenCredentialError, throwIfAborted } from '../common/errors.js';
import { TypedEventEmitter } from '../common/events.js';
import { HttpPipeline, type PipelineOptions } from '../common/http.js';
import type { OperationOptions } from '../common/operationOptions.js';
import { bearerTokenAuthPolicy } from '../common/bearerTokenAuthPolicy.js';
import {
  type CommunicationIdentifier,
  getIdentifierRawId,
  type PhoneNumberIdentifier,
  isCommunicationIdentifier,
  isPhoneNumberIdentifier,
} from '../common/identifiers.js';
import { RealtimeChannel } from '../common/realtimeChannel.js';
import { isCallingEndpointId } from '../common/realtimeProtocol.js';
import { type TokenIdentifierKind, identifierFromToken } from '../common/tokenIdentity.js';
import type { NetworkConfiguration } from './callClient.js';
import { type AudioOptions, Call, type CallContext, type VideoOptions, ownParticipant } from './call.js';
import {
  CALLING_API_VERSION,
  CallEndReasons,
  type CallModel,
  type CallingEvents,
  GROUP_ID_PATTERN,
  callingPath,
} from './callingProtocol.js';
import { CallingError, DeviceAccessError } from './callingErrors.js';
import type { DeviceManager } from './deviceManager.js';
import { type AcceptCallOptions, IncomingCall } from './incomingCall.js';
import { LocalVideoStream } from './localVideoStream.js';
import { PeerEndpoint } from './media/peerEndpoint.js';
import { peerIdFor } from './peerIds.js';
import type { AudioOutput } from './remoteParticipant.js';

export interface CallAgentOptions {
  /** The name others see. */
  displayName?: string;
  /** A real-time channel to share with a ChatClient (one socket per endpoint). */
  realtimeChannel?: RealtimeChannel;
  /** HTTP retries and transport for the calling control requests. */
  pipelineOptions?: PipelineOptions;
}

export interface StartCallOptions extends OperationOptions {
  videoOptions?: VideoOptions;
  audioOptions?: AudioOptions;
  /** The number callees reached by phone see; required when calling a phone number (a number of the resource). */
  alternateCallerId?: PhoneNumberIdentifier;
}

/** Locates a group call: everyone who joins with the same `groupId` (a GUID) is in one call. */
export interface GroupCallLocator {
  groupId: string;
}
export type GroupLocator = GroupCallLocator;
/** Locates a room's call: only the room's participants get in, each with their role. */
export interface RoomCallLocator {
  roomId: string;
}

/** Options of {@link CallAgent.join}. */
export interface JoinCallOptions extends OperationOptions {
  videoOptions?: VideoOptions;
  audioOptions?: AudioOptions;
}

export type CallAgentEvents = {
  incomingCall: { incomingCall: IncomingCall };
  callsUpdated: { added: Call[]; removed: Call[] };
};

/** A media connection that arrived before its call knew the caller is in it; kept this long. */
const PENDING_MEDIA_MS = 15_000;

/** @internal What the agent takes from its CallClient. */
export interface CallAgentDependencies {
  endpoint: string;
  credential: CommunicationTokenCredential;
  deviceManager: DeviceManager;
  output: AudioOutput;
  network?: NetworkConfiguration;
  onDisposed(): void;
}

/** What `GET /calling/config` answers: ICE servers, and when their relay credentials expire. */
interface CallingConfig {
  iceServers: RTCIceServer[];
  expiresOn?: string;
}

/** Relay credentials are fetched again when this share of their lifetime has passed. */
const RELAY_REFRESH_AT = 0.75;

/**
 * Places and receives calls for one user on this endpoint. Rings for incoming calls arrive over the
 * real-time channel; media goes peer to peer through this endpoint's PeerJS peer.
 */
export class CallAgent extends TypedEventEmitter<CallAgentEvents> {
  readonly displayName: string | undefined;
  /**
   * The user (or calling application) this agent calls as, read from its token when the agent was
   * made. `userId` is its raw id.
   */
  readonly identifier: TokenIdentifierKind;
  readonly #deps: CallAgentDependencies;
  readonly #pipeline: HttpPipeline;
  readonly #channel: RealtimeChannel;
  readonly #ownsChannel: boolean;
  readonly #peer: PeerEndpoint;
  readonly #userRawId: string;
  readonly #calls = new Map<string, Call>();
  readonly #ringing = new Map<string, IncomingCall>();
  readonly #pendingMedia = new Map<string, { connection: MediaConnection; timer: ReturnType<typeof setTimeout> }[]>();
  /** Newest models of calls this agent does not know (yet): a response may trail its events. */
  readonly #unclaimed = new Map<string, CallModel>();
  readonly #unsubscribers: (() => void)[] = [];
  #disposed = false;
  #relayRefreshTimer: ReturnType<typeof setTimeout> | undefined;

  /** @internal Use `CallClient.createCallAgent()`. */
  static async create(deps: CallAgentDependencies, options: CallAgentOptions): Promise<CallAgent> {
    // Checked before any request: a shared channel's endpoint id also names this endpoint's peer.
    if (options.realtimeChannel && !isCallingEndpointId(options.realtimeChannel.endpointId)) {
      throw new TypeError('A calling endpoint id is letters and digits only; give the shared channel such an endpointId.');
    }
    const { token } = await deps.credential.getToken();
    const identifier = identifierFromToken(token);
    if (!identifier) throw TokenCredentialError.noUser();
    const pipeline = new HttpPipeline(deps.endpoint, CALLING_API_VERSION, bearerTokenAuthPolicy(deps.credential), options.pipelineOptions);
    // Also proves the token can call: a chat-only token is refused here, before anything connects.
    const { body: config } = await pipeline.send<CallingConfig>({ method: 'GET', path: callingPath('config') });
    const customTurn = deps.network?.turn;
    const channel =
      options.realtimeChannel ?? new RealtimeChannel(deps.endpoint, deps.credential, { endpointId: crypto.randomUUID().replace(/-/g, '') });
    const peer = new PeerEndpoint({
      endpoint: deps.endpoint,
      peerId: peerIdFor(getIdentifierRawId(identifier), channel.endpointId),
      credential: deps.credential,
      iceServers: customTurn ? customTurn.iceServers : config.iceServers,
      ...(deps.network?.iceTransportPolicy ? { iceTransportPolicy: deps.network.iceTransportPolicy } : {}),
    });
    const agent = new CallAgent(deps, options, pipeline, channel, !options.realtimeChannel, peer, identifier);
    try {
      await Promise.all([channel.start(), peer.open()]);
    } catch (error) {
      await agent.dispose();
      throw error;
    }
    if (!customTurn) agent.#scheduleRelayRefresh(config.expiresOn);
    return agent;
  }

  private constructor(
    deps: CallAgentDependencies,
    options: CallAgentOptions,
    pipeline: HttpPipeline,
    channel: RealtimeChannel,
    ownsChannel: boolean,
    peer: PeerEndpoint,
    identifier: TokenIdentifierKind,
  ) {
    super();
    this.#deps = deps;
    this.displayName = options.displayName;
    this.#pipeline = pipeline;
    this.#channel = channel;
    this.#ownsChannel = ownsChannel;
    this.#peer = peer;
    this.identifier = identifier;
    this.#userRawId = getIdentifierRawId(identifier);
    const on = <K extends keyof CallingEvents>(name: K, handle: (data: CallingEvents[K]) => void) =>
      this.#unsubscribers.push(channel.subscribe(name, handle));
    on('callIncoming', ({ call, callerDisplayName }) => this.#onIncoming(call, callerDisplayName));
    on('callUpdated', ({ call }) => this.#onCallModel(call));
    on('callEnded', ({ call }) => this.#onCallModel(call));
    on('callReactionReceived', (reaction) => this.#calls.get(reaction.callId)?.handleReaction(reaction));
    peer.on('incoming', (connection) => this.#onIncomingMedia(connection));
    const onMicrophone = () => void this.#switchMicrophones();
    const onSpeaker = ({ speaker }: { speaker: { id: string } | undefined }) => {
      deps.output.sinkId = speaker?.id;
      for (const call of this.#calls.values()) for (const p of call.remoteParticipants) p.applySink(speaker?.id);
    };
    deps.deviceManager.on('selectedMicrophoneChanged', onMicrophone);
    deps.deviceManager.on('selectedSpeakerChanged', onSpeaker);
    this.#unsubscribers.push(
      () => deps.deviceManager.off('selectedMicrophoneChanged', onMicrophone),
      () => deps.deviceManager.off('selectedSpeakerChanged', onSpeaker),
    );
  }

  /** Calls this endpoint is in. */
  get calls(): readonly Call[] {
    return [...this.#calls.values()];
  }

  /** The raw id of the user this agent calls as (`identifier`'s). */
  get userId(): string {
    return this.#userRawId;
  }

  /** This endpoint's id (the real-time channel's): other tabs of the same user have their own. */
  get endpointId(): string {
    return this.#channel.endpointId;
  }

  /**
   * Calls one or more identifiers: a 1:1 call, or a group call as a full mesh. Returns at once in
   * state `Connecting`; follow `stateChanged`.
   */
  startCall(participants: CommunicationIdentifier[], options: StartCallOptions = {}): Call {
    if (this.#disposed) throw CallingError.disposed();
    if (!Array.isArray(participants) || participants.length === 0 || !participants.every(isCommunicationIdentifier)) {
      throw new TypeError('Pass a non-empty array of identifiers to call.');
    }
    if (participants.some((p) => getIdentifierRawId(p) === this.#userRawId)) {
      throw new TypeError('A user cannot call themselves.');
    }
    // Every check before the call exists: a startCall that throws leaves no call behind (none
    // announced in callsUpdated, none stuck in Connecting).
    const callsPhone = participants.some(isPhoneNumberIdentifier);
    if (callsPhone && !options.alternateCallerId) {
      throw new TypeError('Calling a phone number needs options.alternateCallerId: a phone number of the resource.');
    }
    if (options.alternateCallerId && !isPhoneNumberIdentifier(options.alternateCallerId)) {
      throw new TypeError('alternateCallerId must be a phone number identifier ({ phoneNumber: "+1..." }).');
    }
    const videoStreams = checkVideoStreams(options.videoOptions);
    throwIfAborted(options.abortSignal);
    const call = new Call(this.#context(), 'Outgoing', { muted: options.audioOptions?.muted ?? false });
    this.#track(call);
    call.start(participants, videoStreams, options.alternateCallerId, options.abortSignal).catch((error: unknown) => {
      call.end(error instanceof RestError && error.statusCode ? { code: error.statusCode, subCode: 0 } : CallEndReasons.failed);
    });
    return call;
  }

  /**
   * Joins a group call by its id, or a room's call: the first to join starts it, later joiners are
   * in the same call, nobody rings, and it ends when the last one leaves. A room admits only its
   * participants while it is valid, each with their role (see `Features.Capabilities`). Returns at
   * once in state `Connecting`; the call is `Connected` once the service has it, alone or not. A
   * refused join ends the call with the service's status as its `callEndReason.code` (403).
   */
  join(locator: GroupCallLocator | RoomCallLocator, options: JoinCallOptions = {}): Call {
    if (this.#disposed) throw CallingError.disposed();
    const { groupId, roomId } = (locator ?? {}) as Partial<GroupCallLocator & RoomCallLocator>;
    if (roomId !== undefined) {
      if (typeof roomId !== 'string' || !/^\d{1,64}$/.test(roomId)) throw new TypeError('Pass { roomId } with the id of a room (digits).');
    } else if (typeof groupId !== 'string' || !GROUP_ID_PATTERN.test(groupId)) {
      throw new TypeError('Pass { groupId } with a GUID, such as crypto.randomUUID() gives, or { roomId }.');
    }
    const videoStreams = checkVideoStreams(options.videoOptions);
    throwIfAborted(options.abortSignal);
    const shared = roomId !== undefined ? { roomId } : { groupId: groupId!.toLowerCase() };
    const call = new Call(this.#context(), 'Outgoing', { muted: options.audioOptions?.muted ?? false, ...shared });
    this.#track(call);
    call.join(shared, videoStreams, options.abortSignal).catch((error: unknown) => {
      call.end(error instanceof RestError && error.statusCode ? { code: error.statusCode, subCode: 0 } : CallEndReasons.failed);
    });
    return call;
  }

  /** @internal For fault-injection tests: this endpoint's signalling peer. */
  get peerEndpointForTesting(): PeerEndpoint {
    return this.#peer;
  }

  /** Leaves every call, closes signalling and (its own) real-time channel. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await Promise.allSettled([...this.#calls.values()].map((call) => call.hangUp()));
    this.#release();
  }

  /**
   * @internal For tests: this endpoint vanishes as a closed tab does. Signalling and the real-time
   * channel drop and media stops, but no hang-up is sent: the service has to notice by itself.
   */
  simulateTabCloseForTesting(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const call of [...this.#calls.values()]) call.end(CallEndReasons.failed);
    this.#release();
    // A closed tab takes a channel it shares with chat down too.
    if (!this.#ownsChannel) this.#channel.stop();
  }

  /**
   * Relay credentials expire: before they do, fetch the config again and hand the new servers to
   * the peer (new connections) and to every open connection (`setConfiguration`), so a call longer
   * than the credentials' lifetime keeps its relay.
   */
  #scheduleRelayRefresh(expiresOn: string | undefined, retry = false): void {
    if (this.#disposed || expiresOn === undefined) return;
    const left = Date.parse(expiresOn) - Date.now();
    const delay = retry ? Math.min(5000, Math.max(250, left / 4)) : Math.max(250, left * RELAY_REFRESH_AT);
    clearTimeout(this.#relayRefreshTimer);
    this.#relayRefreshTimer = setTimeout(async () => {
      if (this.#disposed) return;
      try {
        const { body } = await this.#pipeline.send<CallingConfig>({ method: 'GET', path: callingPath('config') });
        if (this.#disposed) return;
        this.#peer.setIceServers(body.iceServers);
        this.#relayRefreshes++;
        this.#scheduleRelayRefresh(body.expiresOn);
      } catch {
        this.#scheduleRelayRefresh(expiresOn, true);
      }
    }, delay);
  }

  #relayRefreshes = 0;

  /** @internal For tests: how many times relay credentials were fetched again. */
  get relayRefreshesForTesting(): number {
    return this.#relayRefreshes;
  }

  #release(): void {
    clearTimeout(this.#relayRefreshTimer);
    for (const unsubscribe of this.#unsubscribers) unsubscribe();
    for (const pending of this.#pendingMedia.values())
      for (const { connection, timer } of pending) {
        clearTimeout(timer);
        connection.close();
      }
    this.#pendingMedia.clear();
    this.#peer.dispose();
    if (this.#ownsChannel) this.#channel.stop();
    this.#deps.onDisposed();
    this.removeAllListeners();
  }

  #context(): CallContext {
    return {
      pipeline: this.#pipeline,
      peer: this.#peer,
      ownRawId: this.#userRawId,
      endpointId: this.#channel.endpointId,
      displayName: this.displayName,
      output: this.#deps.output,
      openMicrophone: () => this.#openMicrophone(),
      claimPendingMedia: (callId, accept) => this.#claimPendingMedia(callId, accept),
      ended: (call) => {
        if (this.#calls.get(call.id) === call) {
          this.#calls.delete(call.id);
          this.emit('callsUpdated', { added: [], removed: [call] });
        }
      },
    };
  }

  #track(call: Call): void {
    const key = call.id || `pending:${crypto.randomUUID()}`;
    this.#calls.set(key, call);
    if (!call.id) {
      call.once('idChanged', ({ id }) => {
        this.#calls.delete(key);
        this.#calls.set(id, call);
        // Events that outran the response: apply after it (older versions are ignored).
        queueMicrotask(() => {
          const model = this.#unclaimed.get(id);
          this.#unclaimed.delete(id);
          if (model) call.applyModel(model);
        });
      });
    }
    this.emit('callsUpdated', { added: [call], removed: [] });
  }

  #onIncoming(model: CallModel, callerDisplayName: string | undefined): void {
    if (this.#disposed || this.#calls.has(model.id) || this.#ringing.has(model.id)) return;
    const own = ownParticipant(model, this.#userRawId);
    const deadline = model.ringDeadline ? Date.parse(model.ringDeadline) : Infinity;
    // A replayed ring for a call that has since moved on is no ring.
    if (own?.state !== 'Ringing' || deadline <= Date.now()) return;
    const incoming = new IncomingCall(model, callerDisplayName, {
      accept: (call, options) => this.#accept(call, options),
      reject: (call) => this.#reject(call),
    });
    this.#ringing.set(model.id, incoming);
    this.emit('incomingCall', { incomingCall: incoming });
  }

  #onCallModel(model: CallModel): void {
    const call = this.#calls.get(model.id);
    if (call) {
      call.applyModel(model);
      return;
    }
    const incoming = this.#ringing.get(model.id);
    if (!incoming) {
      const known = this.#unclaimed.get(model.id);
      if (!known || known.version < model.version) this.#unclaimed.set(model.id, model);
      // Bounded: only the latest few calls can still be waiting for their response.
      if (this.#unclaimed.size > 32) this.#unclaimed.delete(this.#unclaimed.keys().next().value!);
      return;
    }
    const own = ownParticipant(model, this.#userRawId);
    if (model.state !== 'Ended' && own?.state === 'Ringing') return;
    this.#ringing.delete(model.id);
    const elsewhere = own && (own.state === 'Connected' || own.state === 'Hold') && own.endpointId !== this.endpointId;
    incoming.end(elsewhere ? CallEndReasons.acceptedElsewhere : (own?.callEndReason ?? model.callEndReason ?? CallEndReasons.normal));
  }

  async #accept(incoming: IncomingCall, options: AcceptCallOptions): Promise<Call> {
    if (this.#disposed) throw CallingError.disposed();
    if (incoming.callEndReason) throw CallingError.invalidState('accept', 'no longer ringing');
    const videoStreams = checkVideoStreams(options.videoOptions);
    throwIfAborted(options.abortSignal);
    this.#ringing.delete(incoming.id);
    const call = new Call(this.#context(), 'Incoming', { id: incoming.id, muted: options.audioOptions?.muted ?? false });
    this.#track(call);
    try {
      await call.accept(videoStreams, options.abortSignal);
    } catch (error) {
      const elsewhere = error instanceof RestError && error.code === 'AcceptedElsewhere';
      const reason = elsewhere ? CallEndReasons.acceptedElsewhere : CallEndReasons.failed;
      call.end(reason);
      incoming.end(reason);
      throw error;
    }
    return call;
  }

  async #reject(incoming: IncomingCall): Promise<void> {
    if (incoming.callEndReason) return;
    this.#ringing.delete(incoming.id);
    incoming.end(CallEndReasons.declined);
    await this.#pipeline.send({ method: 'POST', path: callingPath('reject', incoming.id), body: {} });
  }

  #onIncomingMedia(connection: MediaConnection): void {
    const callId = (connection.metadata as { callId?: unknown } | undefined)?.callId;
    if (typeof callId !== 'string') {
      connection.close();
      return;
    }
    const call = this.#calls.get(callId);
    if (call?.handleIncomingMedia(connection)) return;
    // The dialler may be ahead of us: keep it until the call learns the dialler is in it.
    const pending = this.#pendingMedia.get(callId) ?? [];
    const timer = setTimeout(() => {
      const list = this.#pendingMedia.get(callId);
      const index = list?.findIndex((entry) => entry.connection === connection) ?? -1;
      if (list && index >= 0) {
        list.splice(index, 1);
        connection.close();
      }
    }, PENDING_MEDIA_MS);
    pending.push({ connection, timer });
    this.#pendingMedia.set(callId, pending);
  }

  #claimPendingMedia(callId: string, accept: (connection: MediaConnection) => boolean): void {
    const pending = this.#pendingMedia.get(callId);
    if (!pending) return;
    const waiting = pending.filter(({ connection, timer }) => {
      if (!accept(connection)) return true;
      clearTimeout(timer);
      return false;
    });
    if (waiting.length > 0) this.#pendingMedia.set(callId, waiting);
    else this.#pendingMedia.delete(callId);
  }

  /**
   * The microphone for a call, or `undefined` when it cannot be had (refused, missing, in use): a
   * call goes on without one, sending silence, as ACS calls do. Other failures are not swallowed.
   */
  async #openMicrophone(): Promise<MediaStreamTrack | undefined> {
    try {
      return await this.#deps.deviceManager.openMicrophone();
    } catch (error) {
      if (error instanceof DeviceAccessError) return undefined;
      throw error;
    }
  }

  async #switchMicrophones(): Promise<void> {
    for (const call of this.#calls.values()) {
      const track = await this.#openMicrophone();
      await call.switchMicrophone(track);
    }
  }
}

/** The streams of `videoOptions`, checked: a list of LocalVideoStreams (or none). */
function checkVideoStreams(videoOptions: VideoOptions | undefined): LocalVideoStream[] {
  const streams: unknown = videoOptions?.localVideoStreams ?? [];
  if (!Array.isArray(streams) || !streams.every((stream) => stream instanceof LocalVideoStream)) {
    throw new TypeError('videoOptions.localVideoStreams must be an array of LocalVideoStreams.');
  }
  return streams as LocalVideoStream[];
}

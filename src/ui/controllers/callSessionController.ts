import type { Call, CallState } from '../../calling/call.js';
import type { CallAgent, GroupCallLocator, RoomCallLocator } from '../../calling/callAgent.js';
import type { CallEndReason } from '../../calling/callingProtocol.js';
import type { VideoDeviceInfo } from '../../calling/deviceInfo.js';
import type { DeviceManager } from '../../calling/deviceManager.js';
import type { IncomingCall } from '../../calling/incomingCall.js';
import { LocalVideoStream } from '../../calling/localVideoStream.js';
import { TypedEventEmitter } from '../../common/events.js';
import { type CommunicationIdentifier, type PhoneNumberIdentifier, getIdentifierRawId } from '../../common/identifiers.js';
import { nameOf } from '../shared/callingNames.js';
import { Subscriptions } from '../shared/subscriptions.js';

export type CallSessionEvents = {
  /** Another call is shown (started or answered here, or through the agent). */
  callChanged: { call: Call; previous: Call | undefined };
  /** The shown call changed state. */
  stateChanged: { state: CallState; call: Call };
  /** The shown call ended; its cameras were released. */
  callEnded: { call: Call; callEndReason: CallEndReason | undefined };
};

/** How to start or answer: the host's setup choices. */
export interface CallSessionMediaOptions {
  /** Send video from the start. */
  video?: boolean;
  /** Start muted. */
  muted?: boolean;
  /** The camera to send (default: the device manager's first). */
  camera?: VideoDeviceInfo | undefined;
  /** The number callees reached by phone see (a phone number of the resource; needed to call one). */
  alternateCallerId?: PhoneNumberIdentifier | undefined;
}

/**
 * The calling policy of a calling experience, without the DOM: one call at a time (a running call
 * is left before another starts or is answered), cameras opened for a call and closed when it ends
 * or is replaced, a call started through the agent shown when none is, the camera being sent
 * switched when another is chosen. `<acs-call>` renders what it says and turns its events into DOM
 * events.
 *
 * Dependencies are properties (`agent`, `deviceManager`), input comes through methods and
 * `handleCallsUpdated`, output is typed events.
 */
export class CallSessionController extends TypedEventEmitter<CallSessionEvents> {
  /** Lists cameras when no camera is chosen. */
  deviceManager: DeviceManager | undefined;
  #agent: CallAgent | undefined;
  #call: Call | undefined;
  #remoteLabel = '';
  #lastTargets: CommunicationIdentifier[] = [];
  #lastLocator: GroupCallLocator | RoomCallLocator | undefined;
  readonly #subscriptions = new Subscriptions();

  /** Places calls. */
  get agent(): CallAgent | undefined {
    return this.#agent;
  }

  /** Set by the host when its agent is ready (or let go); a call the agent is already in shows. */
  set agent(agent: CallAgent | undefined) {
    this.#agent = agent;
    const active = agent?.calls.find((c) => c.state !== 'Disconnected');
    if (active) this.show(active);
  }

  /** The call shown: in progress, or ended (until another is shown). */
  get call(): Call | undefined {
    return this.#call;
  }

  /** Who the shown call is with, in words: names or what addresses them. */
  get remoteLabel(): string {
    return this.#remoteLabel;
  }

  /** Whom the last call started here went to, to call again. */
  get lastTargets(): readonly CommunicationIdentifier[] {
    return this.#lastTargets;
  }

  /** The group or room the last call joined here was, to join again. */
  get lastLocator(): GroupCallLocator | RoomCallLocator | undefined {
    return this.#lastLocator;
  }

  /** True while the shown call has not ended. */
  get isActive(): boolean {
    return isActive(this.#call);
  }

  /** Calls `targets`, leaving the call in progress first. */
  async startCall(targets: CommunicationIdentifier[], options: CallSessionMediaOptions = {}): Promise<Call> {
    const agent = this.#agent;
    if (!agent) throw new Error('There is no call agent: give callAgent, or endpoint and token.');
    if (targets.length === 0) throw new TypeError('Give someone to call.');
    await this.hangUp();
    const stream = options.video ? await this.#cameraStream(options.camera) : undefined;
    this.#lastTargets = [...targets];
    this.#lastLocator = undefined;
    this.#remoteLabel = labelOf(targets);
    const callsPhone = targets.some((target) => 'phoneNumber' in target);
    const call = agent.startCall(targets, {
      videoOptions: { localVideoStreams: stream ? [stream] : [] },
      audioOptions: { muted: options.muted ?? false },
      ...(callsPhone && options.alternateCallerId ? { alternateCallerId: options.alternateCallerId } : {}),
    });
    this.show(call);
    return call;
  }

  /** Joins a group call (`{ groupId }`) or a room's call (`{ roomId }`), leaving the call in progress first. */
  async join(locator: GroupCallLocator | RoomCallLocator, options: CallSessionMediaOptions = {}): Promise<Call> {
    const agent = this.#agent;
    if (!agent) throw new Error('There is no call agent: give callAgent, or endpoint and token.');
    await this.hangUp();
    const stream = options.video ? await this.#cameraStream(options.camera) : undefined;
    this.#lastTargets = [];
    this.#lastLocator = { ...locator };
    this.#remoteLabel = '';
    const call = agent.join(locator, {
      videoOptions: { localVideoStreams: stream ? [stream] : [] },
      audioOptions: { muted: options.muted ?? false },
    });
    this.show(call);
    return call;
  }

  /** Answers `incomingCall`, leaving the call in progress first. */
  async accept(incomingCall: IncomingCall, options: CallSessionMediaOptions = {}): Promise<Call> {
    await this.hangUp();
    const stream = options.video ? await this.#cameraStream(options.camera) : undefined;
    const caller = incomingCall.callerInfo;
    this.#remoteLabel = nameOf(caller, labelOf([caller.identifier]));
    this.#lastTargets = [caller.identifier];
    this.#lastLocator = undefined;
    const call = await incomingCall.accept({
      videoOptions: { localVideoStreams: stream ? [stream] : [] },
      audioOptions: { muted: options.muted ?? false },
    });
    this.show(call);
    return call;
  }

  /** Leaves the call in progress, if any. */
  async hangUp(): Promise<void> {
    const call = this.#call;
    if (isActive(call)) await call.hangUp();
  }

  /** During a call, sends from `camera` instead of the camera being sent (if any). */
  async switchCamera(camera: VideoDeviceInfo): Promise<void> {
    const call = this.#call;
    if (!isActive(call)) return;
    const sending = call.localVideoStreams.find((s) => s.mediaStreamType === 'Video');
    if (sending && sending.source?.id !== camera.id) await sending.switchSource(camera);
  }

  /** The agent's call list changed: a call started through the agent shows, unless one already does. */
  handleCallsUpdated({ added }: { added: readonly Call[] }): void {
    const call = added.find((c) => c.state !== 'Disconnected');
    if (call && !this.isActive) this.show(call);
  }

  /** Shows `call` (the agent's call in progress when a host gets its agent, say). */
  show(call: Call): void {
    const previous = this.#call;
    if (previous === call) return;
    this.#subscriptions.clear();
    this.#call = call;
    this.#subscriptions.on(call, 'stateChanged', ({ state }) => this.#onStateChanged(call, state));
    if (previous && previous.state === 'Disconnected') releaseCameras(previous);
    this.emit('callChanged', { call, previous });
  }

  /** Leaves any call and closes its cameras; stops following it. */
  async dispose(): Promise<void> {
    await this.hangUp().catch(() => undefined);
    if (this.#call) releaseCameras(this.#call);
    this.#subscriptions.clear();
  }

  #onStateChanged(call: Call, state: CallState): void {
    this.emit('stateChanged', { state, call });
    if (state !== 'Disconnected') return;
    releaseCameras(call);
    this.emit('callEnded', { call, callEndReason: call.callEndReason });
  }

  async #cameraStream(camera: VideoDeviceInfo | undefined): Promise<LocalVideoStream | undefined> {
    const chosen = camera ?? (await this.deviceManager?.getCameras())?.[0];
    return chosen ? new LocalVideoStream(chosen) : undefined;
  }
}

function isActive(call: Call | undefined): call is Call {
  return call !== undefined && call.state !== 'Disconnected';
}

/** Closes the cameras a call was sending (a call does not close its streams; a screen share closes itself). */
function releaseCameras(call: Call): void {
  for (const stream of call.localVideoStreams) if (stream.mediaStreamType === 'Video') stream.dispose();
}

/** Who `targets` are, in words: a phone number as dialled, anyone else by raw id. */
function labelOf(targets: readonly CommunicationIdentifier[]): string {
  return targets.map((target) => nameOf({ identifier: target }, getIdentifierRawId(target))).join(', ');
}

import type { CallingApplicationKind, CommunicationIdentifier, CommunicationIdentifierKind } from '../../common/identifiers.js';
import type { Call } from '../call.js';
import type { CallModel, CallingRouteName } from '../callingProtocol.js';
import type { DataReliability } from '../media/callMedia.js';
import type { RemoteParticipant } from '../remoteParticipant.js';

/**
 * Call features, as the ACS Calling SDK has them: `call.feature(Features.MediaStats)` returns the
 * call's one instance of that feature, made on first use and disposed when the call ends.
 */
export interface CallFeature {
  /** The feature's name (`MediaStats`, `UserFacingDiagnostics`, …). */
  readonly name: string;
  /** Stops what the feature runs (timers, listeners). The call disposes its features when it ends. */
  dispose(): void;
}

/** What a call shows its features: its media connections and local tracks. @internal */
export interface CallFeatureContext {
  readonly call: Call;
  /** The media connection to each remote participant that has one now. */
  peerConnections(): { participant: RemoteParticipant; pc: RTCPeerConnection }[];
  /** The tracks this endpoint sends (a muted microphone keeps its track, disabled). */
  localTracks(): { microphone?: MediaStreamTrack; camera?: MediaStreamTrack; screen?: MediaStreamTrack };
  /** Media problems the call runs into, as they happen (for the diagnostics). */
  readonly mediaIssues: EventTarget;
  /** The last issue of the camera and of the microphone so far (for a feature made after them). */
  pastMediaIssues(): MediaIssueName[];
  /** The newest view of the call from the service (undefined before it has one). */
  model(): CallModel | undefined;
  /**
   * The call's own events for features: `model` (a CustomEvent with the new CallModel) after each
   * update, `reaction` (a CustomEvent with the CallingEvents['callReactionReceived'] payload),
   * `data` (a CustomEvent with `{ participant, bytes }` from a data channel).
   */
  readonly events: EventTarget;
  /** Posts to one of the call's routes and applies the call model it answers with. */
  send(route: CallingRouteName, body: Record<string, unknown>): Promise<void>;
  /**
   * The data channel of a reliability on the media link to a participant (undefined while there is
   * no link). What arrives on them comes as `data` events (CustomEvent with `{ participant, bytes }`).
   */
  dataChannel(participant: RemoteParticipant, reliability: DataReliability): RTCDataChannel | undefined;
}

/** Creates a feature for a call; the keys of `Features` are these. */
export interface CallFeatureFactory<TFeature extends CallFeature> {
  readonly name: string;
  /** The constructor that returns an instance of the feature for one call (named as in the ACS SDK). */
  readonly callApiCtor: new (context: CallFeatureContext) => TFeature;
}

/**
 * Makes the factory of a feature. Each feature's module exports its own (`RaiseHandFeature` …) so
 * that code needing one feature (a component) does not bundle all of them through `Features`.
 */
export function featureFactory<T extends CallFeature>(name: string, ctor: CallFeatureFactory<T>['callApiCtor']): CallFeatureFactory<T> {
  return { name, callApiCtor: ctor };
}

/**
 * Media issues a call reports to its features (`mediaIssues`): `cameraStartFailed` /
 * `cameraStarted`, `microphoneUnavailable` / `microphoneAvailable`. @internal
 */
export type MediaIssueName = 'cameraStartFailed' | 'cameraStarted' | 'microphoneUnavailable' | 'microphoneAvailable';

/**
 * Identifiers a feature method takes: ours, or any other kind an ACS app may hold (a Teams user…),
 * which the method leaves out (nobody of those kinds is in a call here).
 */
export type IdentifierInput = CommunicationIdentifier | object;

/** Who can be heard or send data in a call: anyone but a calling application (it takes no media). */
export type MediaParticipantKind = Exclude<CommunicationIdentifierKind, CallingApplicationKind>;

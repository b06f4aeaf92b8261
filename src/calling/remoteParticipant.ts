import { TypedEventEmitter } from '../common/events.js';
import { type CommunicationIdentifierKind } from '../common/identifiers.js';
import { deserializeCommunicationIdentifier } from '../common/identifierModels.js';
import type { CallEndReason, CallParticipantModel, RemoteParticipantState } from './callingProtocol.js';
import type { PeerMediaState, RemoteMedia } from './media/callMedia.js';
import { SpeakingDetector } from './media/speakingDetector.js';
import { RemoteVideoStream } from './remoteVideoStream.js';

export type { RemoteParticipantState } from './callingProtocol.js';

export type RemoteParticipantEvents = {
  stateChanged: { state: RemoteParticipantState };
  isMutedChanged: { isMuted: boolean };
  isSpeakingChanged: { isSpeaking: boolean };
  displayNameChanged: { displayName: string | undefined };
  videoStreamsUpdated: { added: RemoteVideoStream[]; removed: RemoteVideoStream[] };
};

/** Audio output shared by a call's participants: the context, and where sound goes. */
export interface AudioOutput {
  context: AudioContext;
  sinkId: string | undefined;
}

/**
 * Someone else in the call. State combines the service's view (ringing, in the call, on hold,
 * gone) with this endpoint's media: `Connecting` until media with them is up, then `Connected`.
 */
export class RemoteParticipant extends TypedEventEmitter<RemoteParticipantEvents> {
  readonly identifier: CommunicationIdentifierKind;
  readonly videoStreams: readonly RemoteVideoStream[];
  #displayName: string | undefined;
  #serverState: RemoteParticipantState = 'Idle';
  #mediaState: PeerMediaState = 'disconnected';
  #state: RemoteParticipantState = 'Idle';
  #isMuted = false;
  #isSpeaking = false;
  /** What the speaking detector hears, muted or not: speaking is this while not muted. */
  #voiceActive = false;
  #callEndReason: CallEndReason | undefined;
  #peerId: string | undefined;
  #announced = { camera: false, screen: false };
  #media: RemoteMedia = {};
  readonly #camera = new RemoteVideoStream(1, 'Video');
  readonly #screen = new RemoteVideoStream(2, 'ScreenSharing');
  readonly #output: AudioOutput;
  #audioElement: HTMLAudioElement | undefined;
  #speaking: SpeakingDetector | undefined;

  /** @internal Made by the call from the service's participant model. */
  constructor(model: CallParticipantModel, output: AudioOutput) {
    super();
    this.identifier = deserializeCommunicationIdentifier(model.identifier);
    this.videoStreams = [this.#camera, this.#screen];
    this.#output = output;
    this.applyModel(model);
  }

  get displayName(): string | undefined {
    return this.#displayName;
  }

  get state(): RemoteParticipantState {
    return this.#state;
  }

  get isMuted(): boolean {
    return this.#isMuted;
  }

  get isSpeaking(): boolean {
    return this.#isSpeaking;
  }

  get callEndReason(): CallEndReason | undefined {
    return this.#callEndReason;
  }

  /** @internal The media peer id of the endpoint in the call. */
  get peerId(): string | undefined {
    return this.#peerId;
  }

  /** @internal The received audio track, for statistics and tests. */
  get audioTrack(): MediaStreamTrack | undefined {
    return this.#media.audio;
  }

  /** @internal */
  applyModel(model: CallParticipantModel): void {
    if (model.displayName !== this.#displayName) {
      this.#displayName = model.displayName;
      this.emit('displayNameChanged', { displayName: model.displayName });
    }
    this.#peerId = model.peerId;
    this.#serverState = model.state;
    if (model.callEndReason) this.#callEndReason = model.callEndReason;
    if (model.isMuted !== this.#isMuted) {
      this.#isMuted = model.isMuted;
      this.emit('isMutedChanged', { isMuted: model.isMuted });
      // Media and the control plane race: sound may resume before the unmute is announced.
      this.#setSpeaking(this.#voiceActive && !model.isMuted);
    }
    this.#announced = { camera: model.isVideoOn, screen: model.isScreenSharing };
    this.#refresh();
  }

  /** @internal */
  applyMedia(media: RemoteMedia): void {
    this.#media = media;
    if (media.audio && this.#audioElement?.srcObject instanceof MediaStream) {
      const [current] = this.#audioElement.srcObject.getAudioTracks();
      if (current !== media.audio) this.#playAudio(media.audio);
    } else if (media.audio) {
      this.#playAudio(media.audio);
    }
    this.#refresh();
  }

  /** @internal */
  applyMediaState(state: PeerMediaState): void {
    this.#mediaState = state;
    this.#refresh();
  }

  /** @internal Where remote audio plays (DeviceManager.selectSpeaker). */
  applySink(sinkId: string | undefined): void {
    const element = this.#audioElement as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | undefined;
    if (element?.setSinkId && sinkId !== undefined) void element.setSinkId(sinkId).catch(() => undefined);
  }

  /**
   * @internal The call ended here: the participant is out of it, whatever the service last said
   * (an ended call's snapshot is not applied participant by participant).
   */
  disconnect(): void {
    this.#serverState = 'Disconnected';
    this.#refresh();
    this.release();
  }

  /** @internal The participant has left: stop playing and analysing. */
  release(): void {
    this.#speaking?.dispose();
    this.#speaking = undefined;
    this.#voiceActive = false;
    if (this.#audioElement) {
      this.#audioElement.pause();
      this.#audioElement.srcObject = null;
      this.#audioElement = undefined;
    }
    this.#setSpeaking(false);
    this.#camera.update(undefined, false);
    this.#screen.update(undefined, false);
  }

  #playAudio(track: MediaStreamTrack): void {
    this.#speaking?.dispose();
    this.#voiceActive = false;
    this.#setSpeaking(false);
    const element = this.#audioElement ?? new Audio();
    element.autoplay = true;
    element.srcObject = new MediaStream([track]);
    this.#audioElement = element;
    this.applySink(this.#output.sinkId);
    void element.play().catch(() => undefined);
    this.#speaking = new SpeakingDetector(this.#output.context, track, (speaking) => {
      this.#voiceActive = speaking;
      this.#setSpeaking(speaking && !this.#isMuted);
    });
  }

  #setSpeaking(speaking: boolean): void {
    if (speaking === this.#isSpeaking) return;
    this.#isSpeaking = speaking;
    this.emit('isSpeakingChanged', { isSpeaking: speaking });
  }

  /** The one place the participant's state changes. */
  #refresh(): void {
    let next = this.#serverState;
    // A participant without an endpoint (an application) takes no media: in the call is connected.
    if (next === 'Connected' && this.#peerId !== undefined && this.#mediaState !== 'connected') next = 'Connecting';
    const inCall = next === 'Connected' || next === 'Hold';
    this.#camera.update(inCall ? this.#media.camera : undefined, this.#announced.camera);
    this.#screen.update(inCall ? this.#media.screen : undefined, this.#announced.screen);
    if (next === this.#state) return;
    this.#state = next;
    if (next === 'Disconnected') this.release();
    this.emit('stateChanged', { state: next });
  }
}

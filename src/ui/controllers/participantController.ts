import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RemoteParticipant } from '../../calling/remoteParticipant.js';
import type { RemoteVideoStream } from '../../calling/remoteVideoStream.js';
import { Subscriptions } from './subscriptions.js';

/**
 * Subscribes `subscriptions` to everything about a participant that shows: state, mute, speaking,
 * name, and whether each of its video streams is available. `changed` runs on each event.
 */
export function watchParticipant(subscriptions: Subscriptions, participant: RemoteParticipant, changed: () => void): void {
  subscriptions.on(participant, 'stateChanged', changed);
  subscriptions.on(participant, 'isMutedChanged', changed);
  subscriptions.on(participant, 'isSpeakingChanged', changed);
  subscriptions.on(participant, 'displayNameChanged', changed);
  const watchStream = (stream: RemoteVideoStream) => subscriptions.on(stream, 'isAvailableChanged', changed);
  participant.videoStreams.forEach(watchStream);
  subscriptions.on(participant, 'videoStreamsUpdated', ({ added }) => {
    added.forEach(watchStream);
    changed();
  });
}

/** Renders a host from one remote participant: any change of it requests an update. */
export class ParticipantController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #subscriptions = new Subscriptions();
  #participant: RemoteParticipant | undefined;
  #connected = false;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  get participant(): RemoteParticipant | undefined {
    return this.#participant;
  }

  /** Follows another participant (or none); call it when the host's property changes. */
  set participant(participant: RemoteParticipant | undefined) {
    if (participant === this.#participant) return;
    this.#subscriptions.clear();
    this.#participant = participant;
    if (this.#connected) this.#subscribe();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#subscribe();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#subscriptions.clear();
  }

  #subscribe(): void {
    if (this.#participant) watchParticipant(this.#subscriptions, this.#participant, () => this.#host.requestUpdate());
  }
}

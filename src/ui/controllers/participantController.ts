import type { RemoteParticipant } from '../../calling/remoteParticipant.js';
import type { RemoteVideoStream } from '../../calling/remoteVideoStream.js';
import { FollowingController } from './followingController.js';
import { Subscriptions } from '../shared/subscriptions.js';

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
export class ParticipantController extends FollowingController<RemoteParticipant> {
  readonly #subscriptions = new Subscriptions();

  get participant(): RemoteParticipant | undefined {
    return this.target;
  }

  /** Follows another participant (or none); call it when the host's property changes. */
  set participant(participant: RemoteParticipant | undefined) {
    this.setTarget(participant);
  }

  protected follow(participant: RemoteParticipant): void {
    watchParticipant(this.#subscriptions, participant, () => this.host.requestUpdate());
  }

  protected unfollow(): void {
    this.#subscriptions.clear();
  }
}

import type { ReactiveControllerHost } from 'lit';
import type { Call, CallEvents } from '../../calling/call.js';
import type { RemoteParticipant } from '../../calling/remoteParticipant.js';
import { watchParticipant } from './participantController.js';
import { FollowingController } from './followingController.js';
import { Subscriptions } from '../shared/subscriptions.js';

export interface CallControllerOptions {
  /** Runs on each of the call's own events, after the host was asked to update. */
  onCallEvent?: <K extends keyof CallEvents>(event: K, payload: CallEvents[K], call: Call) => void;
  /** Also follow each remote participant (state, mute, speaking, name, video availability). */
  watchParticipants?: boolean;
}

const CALL_EVENTS: (keyof CallEvents)[] = [
  'stateChanged',
  'idChanged',
  'remoteParticipantsUpdated',
  'isMutedChanged',
  'localVideoStreamsUpdated',
  'isScreenSharingOnChanged',
];

/**
 * Renders a host from a call: subscribes to the call's typed events (and, if asked, to those of
 * every remote participant and their video streams) and requests an update on each. Subscribes
 * while the host is connected; a host that leaves the page keeps no listener.
 */
export class CallController extends FollowingController<Call> {
  readonly #options: CallControllerOptions;
  readonly #subscriptions = new Subscriptions();
  readonly #participants = new Map<RemoteParticipant, Subscriptions>();

  constructor(host: ReactiveControllerHost, options: CallControllerOptions = {}) {
    super(host);
    this.#options = options;
  }

  get call(): Call | undefined {
    return this.target;
  }

  /** Follows another call (or none); call it when the host's property changes. */
  set call(call: Call | undefined) {
    this.setTarget(call);
  }

  protected follow(call: Call): void {
    for (const event of CALL_EVENTS) {
      this.#subscriptions.on(call, event, (payload) => {
        if (event === 'remoteParticipantsUpdated') this.#syncParticipants();
        this.host.requestUpdate();
        this.#options.onCallEvent?.(event, payload, call);
      });
    }
    this.#syncParticipants();
  }

  #syncParticipants(): void {
    if (!this.#options.watchParticipants) return;
    const current = new Set(this.target?.remoteParticipants ?? []);
    for (const [participant, subscriptions] of this.#participants) {
      if (current.has(participant)) continue;
      subscriptions.clear();
      this.#participants.delete(participant);
    }
    for (const participant of current) {
      if (this.#participants.has(participant)) continue;
      const subscriptions = new Subscriptions();
      watchParticipant(subscriptions, participant, () => this.host.requestUpdate());
      this.#participants.set(participant, subscriptions);
    }
  }

  protected unfollow(): void {
    this.#subscriptions.clear();
    for (const subscriptions of this.#participants.values()) subscriptions.clear();
    this.#participants.clear();
  }
}

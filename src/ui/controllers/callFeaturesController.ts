import type { ReactiveControllerHost } from 'lit';
import type { Call } from '../../calling/call.js';
import type { CallFeature, CallFeatureFactory } from '../../calling/features/callFeature.js';
import type { CallParticipantRole } from '../../calling/callingProtocol.js';
import {
  type CapabilitiesFeature,
  CapabilitiesFeatureFactory,
  type ParticipantCapabilityName,
} from '../../calling/features/capabilities.js';
import { type DominantSpeakersCallFeature, DominantSpeakersFeatureFactory } from '../../calling/features/dominantSpeakers.js';
import { type RaiseHandCallFeature, RaiseHandFeatureFactory } from '../../calling/features/raiseHand.js';
import { type ReactionCallFeature, type ReactionEventPayload, ReactionFeatureFactory } from '../../calling/features/reaction.js';
import { type SpotlightCallFeature, SpotlightFeatureFactory } from '../../calling/features/spotlight.js';
import { type CommunicationIdentifier, getIdentifierRawId } from '../../common/identifiers.js';
import { FollowingController } from './followingController.js';
import { Subscriptions } from '../shared/subscriptions.js';

export interface CallFeaturesControllerOptions {
  /** Runs on each reaction someone else sent (after the host was asked to update). */
  onReaction?: (reaction: ReactionEventPayload) => void;
}

/**
 * Renders a host from a call's features: raised hands, spotlights, the dominant speaker, what your
 * role lets you do, and reactions as they arrive. Uses the call's own feature objects (one per call,
 * shared by every component) and follows their events while the host is in the page.
 */
export class CallFeaturesController extends FollowingController<Call> {
  readonly #options: CallFeaturesControllerOptions;
  readonly #subscriptions = new Subscriptions();

  constructor(host: ReactiveControllerHost, options: CallFeaturesControllerOptions = {}) {
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

  #feature<T extends CallFeature>(factory: CallFeatureFactory<T>): T | undefined {
    // A call made elsewhere (a stand-in) may have no features, nor one that ended: then nothing shows.
    const call = this.target;
    return call && typeof (call as Partial<Call>).feature === 'function' ? call.feature(factory) : undefined;
  }

  get raiseHand(): RaiseHandCallFeature | undefined {
    return this.#feature(RaiseHandFeatureFactory);
  }

  get reaction(): ReactionCallFeature | undefined {
    return this.#feature(ReactionFeatureFactory);
  }

  get spotlight(): SpotlightCallFeature | undefined {
    return this.#feature(SpotlightFeatureFactory);
  }

  get capabilitiesFeature(): CapabilitiesFeature | undefined {
    return this.#feature(CapabilitiesFeatureFactory);
  }

  get dominantSpeakers(): DominantSpeakersCallFeature | undefined {
    return this.#feature(DominantSpeakersFeatureFactory);
  }

  /** Raw ids of the raised hands, each with its place in the queue now (1 is the first still up). */
  get handQueue(): Map<string, number> {
    const queue = new Map<string, number>();
    (this.raiseHand?.getRaisedHands() ?? []).forEach((hand, index) => queue.set(getIdentifierRawId(hand.identifier), index + 1));
    return queue;
  }

  /** Raw ids of the spotlighted participants, in spotlight order. */
  get spotlighted(): string[] {
    return (this.spotlight?.getSpotlightedParticipants() ?? []).map((entry) => getIdentifierRawId(entry.identifier));
  }

  /** The raw id of the dominant speaker, if anyone spoke yet. */
  get dominantSpeaker(): string | undefined {
    const first = this.dominantSpeakers?.dominantSpeakers.speakersList[0];
    return first ? getIdentifierRawId(first) : undefined;
  }

  /** Your role in the call. */
  get role(): CallParticipantRole {
    return this.capabilitiesFeature?.role ?? 'Presenter';
  }

  /** Whether your role lets you do `capability` now (true without a call). */
  can(capability: ParticipantCapabilityName): boolean {
    return this.capabilitiesFeature?.capabilities[capability]?.isPresent ?? true;
  }

  /**
   * Whether the hand of `selfId` (your raw id) is up; without it, whether a hand is up that is no
   * remote participant's (only people in the call raise hands, so it is yours).
   */
  isOwnHandRaised(selfId: string | undefined): boolean {
    return this.ownHandOrder(selfId) !== undefined;
  }

  /** Your place in the hand queue (see `isOwnHandRaised`), undefined while your hand is down. */
  ownHandOrder(selfId: string | undefined): number | undefined {
    const queue = this.handQueue;
    if (selfId) return queue.get(selfId);
    const remote = new Set((this.target?.remoteParticipants ?? []).map((p) => getIdentifierRawId(p.identifier)));
    return [...queue].find(([rawId]) => !remote.has(rawId))?.[1];
  }

  /** The place in the hand queue of `identifier` (undefined when their hand is down). */
  handOrderOf(identifier: CommunicationIdentifier | string | undefined): number | undefined {
    if (identifier === undefined) return undefined;
    return this.handQueue.get(typeof identifier === 'string' ? identifier : getIdentifierRawId(identifier));
  }

  protected follow(call: Call): void {
    if (typeof (call as Partial<Call>).feature !== 'function') return;
    const update = () => this.host.requestUpdate();
    const { raiseHand, spotlight, capabilitiesFeature, dominantSpeakers, reaction } = this;
    const subscriptions = this.#subscriptions;
    if (raiseHand) {
      subscriptions.on(raiseHand, 'raisedHandEvent', update);
      subscriptions.on(raiseHand, 'loweredHandEvent', update);
    }
    if (spotlight) subscriptions.on(spotlight, 'spotlightChanged', update);
    if (capabilitiesFeature) subscriptions.on(capabilitiesFeature, 'capabilitiesChanged', update);
    if (dominantSpeakers) subscriptions.on(dominantSpeakers, 'dominantSpeakersChanged', update);
    if (reaction) {
      subscriptions.on(reaction, 'reaction', (payload) => {
        update();
        this.#options.onReaction?.(payload);
      });
    }
  }

  protected unfollow(): void {
    this.#subscriptions.clear();
  }
}

import { TypedEventEmitter } from '../../common/events.js';
import { isCommunicationIdentifier } from '../../common/identifiers.js';
import { serializeCommunicationIdentifier } from '../../common/identifierModels.js';
import type { IdentifierInput } from './callFeature.js';
import { MAX_SPOTLIGHTED_PARTICIPANTS } from '../callingProtocol.js';
import type { CallFeature, CallFeatureContext } from './callFeature.js';
import { featureFactory } from './callFeature.js';
import { type OrderedParticipant, OrderedListFollower } from './callState.js';

/** A spotlighted participant and the order of their spotlight. */
export type SpotlightedParticipant = OrderedParticipant;

export type SpotlightEvents = {
  spotlightChanged: { added: SpotlightedParticipant[]; removed: SpotlightedParticipant[] };
};

/**
 * `Features.Spotlight`: spotlight participants for everyone in the call (Presenters), held by the
 * service; a layout shows them large. Your own spotlight you may always stop.
 */
export class SpotlightCallFeature extends TypedEventEmitter<SpotlightEvents> implements CallFeature {
  readonly name = 'Spotlight';
  readonly maxParticipantsToSpotlight = MAX_SPOTLIGHTED_PARTICIPANTS;
  readonly #context: CallFeatureContext;
  readonly #spotlights: OrderedListFollower;

  /** @internal */
  constructor(context: CallFeatureContext) {
    super();
    this.#context = context;
    this.#spotlights = new OrderedListFollower(
      context,
      (model) => model.spotlightedParticipants,
      (added, removed) => this.emit('spotlightChanged', { added, removed }),
    );
  }

  /** Spotlights these participants, or you when none are given. */
  startSpotlight(participants?: IdentifierInput[]): Promise<void> {
    return this.#context.send('startSpotlight', targets(participants));
  }

  /** Ends these participants' spotlights, or yours when none are given. */
  stopSpotlight(participants?: IdentifierInput[]): Promise<void> {
    return this.#context.send('stopSpotlight', targets(participants));
  }

  stopAllSpotlight(): Promise<void> {
    return this.#context.send('stopSpotlight', { all: true });
  }

  getSpotlightedParticipants(): SpotlightedParticipant[] {
    return this.#spotlights.list;
  }

  dispose(): void {
    this.#spotlights.dispose();
    this.removeAllListeners();
  }
}

function targets(participants: IdentifierInput[] | undefined): Record<string, unknown> {
  if (participants === undefined) return {};
  if (!Array.isArray(participants) || participants.length === 0 || !participants.every(isCommunicationIdentifier)) {
    throw new TypeError('Pass a non-empty array of identifiers, or nothing for yourself.');
  }
  return { targets: participants.filter(isCommunicationIdentifier).map(serializeCommunicationIdentifier) };
}

/** The factory of `Features.Spotlight` (the same object), for code that needs only this feature. */
export const SpotlightFeatureFactory = featureFactory<SpotlightCallFeature>('Spotlight', SpotlightCallFeature);

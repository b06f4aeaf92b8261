import { TypedEventEmitter } from '../../common/events.js';
import { type CommunicationUserKind, isCommunicationIdentifier } from '../../common/identifiers.js';
import { serializeCommunicationIdentifier } from '../../common/identifierModels.js';
import type { IdentifierInput } from './callFeature.js';
import type { CallFeature, CallFeatureContext } from './callFeature.js';
import { featureFactory } from './callFeature.js';
import { type OrderedParticipant, OrderedListFollower } from './callState.js';

/** A raised hand: whose, and its place in the order hands went up across the call (1 is first). */
export type RaisedHand = OrderedParticipant;

export interface RaisedHandChangedEvent {
  identifier: CommunicationUserKind;
}

export type RaiseHandEvents = {
  raisedHandEvent: RaisedHandChangedEvent;
  loweredHandEvent: RaisedHandChangedEvent;
};

/**
 * `Features.RaiseHand`: raise and lower hands, yours and (with `lowerHandForOthers`, a Presenter's)
 * others'. The service holds the hands, so someone who joins late sees them in order.
 */
export class RaiseHandCallFeature extends TypedEventEmitter<RaiseHandEvents> implements CallFeature {
  readonly name = 'RaiseHand';
  readonly #context: CallFeatureContext;
  readonly #hands: OrderedListFollower;

  /** @internal */
  constructor(context: CallFeatureContext) {
    super();
    this.#context = context;
    this.#hands = new OrderedListFollower(
      context,
      (model) => model.raisedHands,
      (added, removed) => {
        for (const hand of added) this.emit('raisedHandEvent', { identifier: hand.identifier });
        for (const hand of removed) this.emit('loweredHandEvent', { identifier: hand.identifier });
      },
    );
  }

  raiseHand(): Promise<void> {
    return this.#context.send('raiseHand', {});
  }

  lowerHand(): Promise<void> {
    return this.#context.send('lowerHands', {});
  }

  /** Lowers these participants' hands (needs `lowerHandForOthers` unless it is only yours). */
  lowerHands(identifiers: IdentifierInput[]): Promise<void> {
    if (!Array.isArray(identifiers) || identifiers.length === 0 || !identifiers.every(isCommunicationIdentifier)) {
      return Promise.reject(new TypeError('Pass a non-empty array of identifiers whose hands to lower.'));
    }
    return this.#context.send('lowerHands', {
      targets: identifiers.filter(isCommunicationIdentifier).map(serializeCommunicationIdentifier),
    });
  }

  lowerAllHands(): Promise<void> {
    return this.#context.send('lowerHands', { all: true });
  }

  /** Everyone whose hand is up, in the order they raised it. */
  getRaisedHands(): RaisedHand[] {
    return this.#hands.list;
  }

  dispose(): void {
    this.#hands.dispose();
    this.removeAllListeners();
  }
}

/** The factory of `Features.RaiseHand` (the same object), for code that needs only this feature. */
export const RaiseHandFeatureFactory = featureFactory<RaiseHandCallFeature>('RaiseHand', RaiseHandCallFeature);

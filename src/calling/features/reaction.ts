import { TypedEventEmitter } from '../../common/events.js';
import { type CommunicationUserKind } from '../../common/identifiers.js';
import { deserializeCommunicationIdentifier } from '../../common/identifierModels.js';
import { type CallingEvents, REACTION_TYPES, type ReactionType } from '../callingProtocol.js';
import type { CallFeature, CallFeatureContext } from './callFeature.js';
import { featureFactory } from './callFeature.js';

export type { ReactionType } from '../callingProtocol.js';
/** ACS's name for the reaction types. */
export type Reaction = ReactionType;

export interface ReactionMessage {
  reactionType: ReactionType;
}

export interface ReactionEventPayload {
  identifier: CommunicationUserKind;
  reactionMessage: ReactionMessage;
  /** When the service passed it on. */
  receivedOn: Date;
}

export type ReactionEvents = { reaction: ReactionEventPayload };

/** `Features.Reaction`: send a reaction to everyone else in the call; theirs arrive as `reaction`. Not stored. */
export class ReactionCallFeature extends TypedEventEmitter<ReactionEvents> implements CallFeature {
  readonly name = 'Reaction';
  readonly #context: CallFeatureContext;
  readonly #onReaction: (event: Event) => void;

  /** @internal */
  constructor(context: CallFeatureContext) {
    super();
    this.#context = context;
    this.#onReaction = (event) => {
      const { identifier, reactionType, receivedOn } = (event as CustomEvent<CallingEvents['callReactionReceived']>).detail;
      const sender = deserializeCommunicationIdentifier(identifier);
      if (sender.kind !== 'communicationUser') return;
      this.emit('reaction', {
        identifier: sender,
        reactionMessage: { reactionType },
        receivedOn: new Date(receivedOn),
      });
    };
    context.events.addEventListener('reaction', this.#onReaction);
  }

  sendReaction(reactionMessage: ReactionMessage): Promise<void> {
    const type = (reactionMessage as Partial<ReactionMessage> | undefined)?.reactionType;
    if (!REACTION_TYPES.includes(type as ReactionType)) {
      return Promise.reject(new TypeError(`reactionType is one of ${REACTION_TYPES.join(', ')}.`));
    }
    return this.#context.send('sendReaction', { reactionType: type });
  }

  dispose(): void {
    this.#context.events.removeEventListener('reaction', this.#onReaction);
    this.removeAllListeners();
  }
}

/** The factory of `Features.Reaction` (the same object), for code that needs only this feature. */
export const ReactionFeatureFactory = featureFactory<ReactionCallFeature>('Reaction', ReactionCallFeature);

import type { CommunicationUserKind } from '../../common/identifiers.js';
import { getIdentifierRawId } from '../../common/identifiers.js';
import { deserializeCommunicationIdentifier } from '../../common/identifierModels.js';
import type { CallModel, OrderedParticipantModel } from '../callingProtocol.js';
import type { CallFeatureContext } from './callFeature.js';

/** A participant (a user: only users raise hands and are spotlighted) with the order of their hand or spotlight. */
export interface OrderedParticipant {
  identifier: CommunicationUserKind;
  order: number;
}

/** Entries of an ordered list of the call model, by raw id. */
export function orderedOf(entries: OrderedParticipantModel[] | undefined): Map<string, OrderedParticipant> {
  const byRawId = new Map<string, OrderedParticipant>();
  for (const entry of entries ?? []) {
    const identifier = deserializeCommunicationIdentifier(entry.identifier);
    if (identifier.kind !== 'communicationUser') continue;
    byRawId.set(getIdentifierRawId(identifier), { identifier, order: entry.order });
  }
  return byRawId;
}

/**
 * Follows one ordered list of the call's model (raised hands, spotlights): calls `changed` with
 * what was added and removed after each model, and keeps the current list in order.
 */
export class OrderedListFollower {
  #current = new Map<string, OrderedParticipant>();
  readonly #events: EventTarget;
  readonly #onModel: (event: Event) => void;

  constructor(
    context: CallFeatureContext,
    pick: (model: CallModel) => OrderedParticipantModel[] | undefined,
    changed: (added: OrderedParticipant[], removed: OrderedParticipant[]) => void,
  ) {
    this.#events = context.events;
    const apply = (model: CallModel | undefined) => {
      const next = orderedOf(model ? pick(model) : undefined);
      const added = [...next].filter(([rawId]) => !this.#current.has(rawId)).map(([, entry]) => entry);
      const removed = [...this.#current].filter(([rawId]) => !next.has(rawId)).map(([, entry]) => entry);
      this.#current = next;
      if (added.length || removed.length) changed(added, removed);
    };
    this.#onModel = (event) => apply((event as CustomEvent<CallModel>).detail);
    // What the call already has is the starting point, not news.
    this.#current = orderedOf(context.model() ? pick(context.model()!) : undefined);
    this.#events.addEventListener('model', this.#onModel);
  }

  get list(): OrderedParticipant[] {
    return [...this.#current.values()].sort((a, b) => a.order - b.order).map((entry) => ({ ...entry }));
  }

  dispose(): void {
    this.#events.removeEventListener('model', this.#onModel);
  }
}

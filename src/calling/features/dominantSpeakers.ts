import { TypedEventEmitter } from '../../common/events.js';
import type { RemoteParticipant } from '../remoteParticipant.js';
import type { CallFeature, CallFeatureContext, MediaParticipantKind } from './callFeature.js';
import { featureFactory } from './callFeature.js';

export interface DominantSpeakersInfo {
  /** The remote participants by how recently they started speaking: [0] is the dominant speaker. */
  speakersList: readonly MediaParticipantKind[];
  timestamp: Date;
}

export type DominantSpeakersEvents = { dominantSpeakersChanged: Record<string, never> };

/**
 * `Features.DominantSpeakers`, from the speaking detection the call already runs on every remote
 * participant's audio: whoever starts speaking moves to the front; someone who leaves drops out.
 */
export class DominantSpeakersCallFeature extends TypedEventEmitter<DominantSpeakersEvents> implements CallFeature {
  readonly name = 'DominantSpeakers';
  readonly #context: CallFeatureContext;
  #order: RemoteParticipant[] = [];
  #timestamp = new Date();
  readonly #watched = new Map<RemoteParticipant, (change: { isSpeaking: boolean }) => void>();
  readonly #onParticipants: (change: { added: RemoteParticipant[]; removed: RemoteParticipant[] }) => void;

  /** @internal */
  constructor(context: CallFeatureContext) {
    super();
    this.#context = context;
    this.#onParticipants = ({ added, removed }) => {
      for (const participant of added) this.#watch(participant);
      for (const participant of removed) this.#unwatch(participant);
    };
    context.call.on('remoteParticipantsUpdated', this.#onParticipants);
    for (const participant of context.call.remoteParticipants) this.#watch(participant);
  }

  get dominantSpeakers(): DominantSpeakersInfo {
    const speakers = this.#order.map((p) => p.identifier).filter((id) => id.kind !== 'callingApplication');
    return { speakersList: speakers as MediaParticipantKind[], timestamp: this.#timestamp };
  }

  #watch(participant: RemoteParticipant): void {
    if (this.#watched.has(participant)) return;
    const onSpeaking = ({ isSpeaking }: { isSpeaking: boolean }) => {
      if (!isSpeaking || this.#order[0] === participant) return;
      this.#order = [participant, ...this.#order.filter((p) => p !== participant)];
      this.#changed();
    };
    participant.on('isSpeakingChanged', onSpeaking);
    this.#watched.set(participant, onSpeaking);
    if (participant.isSpeaking) onSpeaking({ isSpeaking: true });
  }

  #unwatch(participant: RemoteParticipant): void {
    const listener = this.#watched.get(participant);
    if (listener) participant.off('isSpeakingChanged', listener);
    this.#watched.delete(participant);
    if (this.#order.includes(participant)) {
      this.#order = this.#order.filter((p) => p !== participant);
      this.#changed();
    }
  }

  #changed(): void {
    this.#timestamp = new Date();
    this.emit('dominantSpeakersChanged', {});
  }

  dispose(): void {
    this.#context.call.off('remoteParticipantsUpdated', this.#onParticipants);
    for (const participant of [...this.#watched.keys()]) this.#unwatch(participant);
    this.removeAllListeners();
  }
}

/** The factory of `Features.DominantSpeakers` (the same object), for code that needs only this feature. */
export const DominantSpeakersFeatureFactory = featureFactory<DominantSpeakersCallFeature>('DominantSpeakers', DominantSpeakersCallFeature);

import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatThreadParticipant } from '../../chat/models.js';
import { getIdentifierRawId } from '../../common/identifiers.js';
import '../avatar/avatar.js';
import { ChatThreadElement } from '../shared/chatThreadElement.js';
import { emit } from '../shared/events.js';
import { format, mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import styles from './participant-list.styles.js';

/** The participant list's strings; pass any subset as `strings` to reword or translate. */
export const PARTICIPANT_LIST_STRINGS = {
  participantsHeading: 'In this chat ({count})',
  youSuffix: '(you)',
  unnamedParticipant: 'Unnamed participant',
  noParticipants: 'Nobody is here yet.',
};
export type ParticipantListStrings = typeof PARTICIPANT_LIST_STRINGS;

/** Detail of `acs-participant-click`. */
export interface ParticipantClickDetail {
  participant: ChatThreadParticipant;
  /** The participant's raw id. */
  rawId: string;
}

/**
 * @summary The people in a chat thread, with their avatars; the user is marked "(you)".
 *
 * Lists the participants of its thread (a `chatClient` + `threadId`, a `source`, or an
 * `<acs-chat>` around it); unbound, it lists `participants`.
 *
 * @event {CustomEvent<ParticipantClickDetail>} acs-participant-click - A participant was clicked or activated by keyboard.
 *
 * @csspart base - The wrapper.
 * @csspart heading - The heading with the count.
 * @csspart list - The list.
 * @csspart participant - One entry (a button).
 * @csspart avatar__base - A participant's avatar.
 * @csspart name - A participant's name.
 *
 * @cssproperty --acs-participant-list-avatar-size - Avatar size (default 2rem).
 * @cssproperty --acs-participant-list-background - Background (default `--acs-color-surface`).
 */
@customElement('acs-participant-list')
export class AcsParticipantList extends ChatThreadElement {
  static override styles = [baseStyles, styles];

  /** The participants to list when the component is not bound to a thread. */
  @property({ attribute: false }) participants: readonly ChatThreadParticipant[] = [];

  /** Overrides of the default strings. */
  @property({ attribute: false }) strings: Partial<ParticipantListStrings> | undefined;

  #onClick(participant: ChatThreadParticipant): void {
    emit(this, 'acs-participant-click', { participant, rawId: getIdentifierRawId(participant.id) });
  }

  override render() {
    const strings = mergeStrings(PARTICIPANT_LIST_STRINGS, this.strings);
    const participants = this.chat.source ? this.chat.state.participants : this.participants;
    const userId = this.chat.source ? this.chat.state.userId : this.userId || undefined;
    return html`<div part="base" class="base">
      <div part="heading" class="heading" id="heading">${format(strings.participantsHeading, { count: participants.length })}</div>
      ${
        participants.length === 0
          ? html`<p class="empty">${strings.noParticipants}</p>`
          : html`<ul part="list" class="list" aria-labelledby="heading">
              ${repeat(
                participants,
                (participant) => getIdentifierRawId(participant.id),
                (participant) => {
                  const rawId = getIdentifierRawId(participant.id);
                  const name = participant.displayName || strings.unnamedParticipant;
                  const you = rawId === userId;
                  return html`<li>
                    <button part="participant" class="participant" type="button" @click=${() => this.#onClick(participant)}>
                      <acs-avatar exportparts="base:avatar__base" display-name=${name} color-key=${rawId} aria-hidden="true"></acs-avatar>
                      <span part="name" class="name">${name}${you ? html` <span class="you">${strings.youSuffix}</span>` : ''}</span>
                    </button>
                  </li>`;
                },
              )}
            </ul>`
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-participant-list': AcsParticipantList;
  }
  interface GlobalEventHandlersEventMap {
    'acs-participant-click': CustomEvent<ParticipantClickDetail>;
  }
}

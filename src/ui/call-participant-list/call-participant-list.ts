import { LitElement, type PropertyValues, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Call } from '../../calling/call.js';
import type { RemoteParticipantState } from '../../calling/remoteParticipant.js';
import '../avatar/avatar.js';
import { getIdentifierRawId } from '../../common/identifiers.js';
import { CallController } from '../controllers/callController.js';
import { CallFeaturesController } from '../controllers/callFeaturesController.js';
import { callingIcon } from '../shared/callingIcons.js';
import { raisedHandBadge, raisedHandStrings } from '../shared/raisedHand.js';
import { keyOf, nameOf } from '../shared/callingNames.js';
import { format, mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import styles from './call-participant-list.styles.js';

export const callParticipantListStrings = {
  participantListHeading: 'People ({count})',
  unnamedParticipant: 'Unnamed participant',
  you: 'You',
  youNamed: '{name} (you)',
  muted: 'Muted',
  stateIdle: 'Waiting',
  stateConnecting: 'Connecting',
  stateRinging: 'Ringing',
  stateConnected: 'In the call',
  stateOnHold: 'On hold',
  stateDisconnected: 'Left',
  ...raisedHandStrings,
};
export type CallParticipantListStrings = typeof callParticipantListStrings;

const STATE_KEYS: Record<RemoteParticipantState, keyof CallParticipantListStrings> = {
  Idle: 'stateIdle',
  Connecting: 'stateConnecting',
  Ringing: 'stateRinging',
  Connected: 'stateConnected',
  Hold: 'stateOnHold',
  Disconnected: 'stateDisconnected',
};

interface Row {
  key: string;
  /** The person's own name, for the avatar's initials. */
  personName: string;
  name: string;
  state: string;
  muted: boolean;
  speaking: boolean;
  /** Place in the queue of raised hands (undefined while the hand is down). */
  hand: number | undefined;
}

/**
 * @summary Who is in a call (you first; raised hands before everyone, in the order they went up):
 * each person's name, state (ringing, connecting, in the call, on hold), whether they are muted, and
 * their place in the queue of raised hands. Named `acs-call-participant-list` to stay apart from
 * the chat thread's participant list.
 *
 * @csspart base - The wrapper.
 * @csspart heading - The heading with the count.
 * @csspart list - The list.
 * @csspart item - One person.
 * @csspart avatar - A person's avatar.
 * @csspart name - A person's name.
 * @csspart state - A person's state in words.
 * @csspart mute-icon - The muted microphone icon.
 * @csspart raised-hand - A raised hand with its place in the queue.
 *
 * @cssproperty --acs-call-participant-list-background - Behind the list (default the theme's surface).
 * @cssproperty --acs-call-participant-list-avatar-size - Avatar diameter (default 2rem).
 */
@customElement('acs-call-participant-list')
export class AcsCallParticipantList extends LitElement {
  static override styles = [baseStyles, styles];

  readonly #callController = new CallController(this, { watchParticipants: true });
  readonly #features = new CallFeaturesController(this);

  /** The call whose people are listed; the list follows its events. */
  @property({ attribute: false }) call: Call | undefined;

  /** Your own name, first in the list. */
  @property({ attribute: 'display-name' }) displayName = '';

  /** Your raw id, to find your own raised hand (without it, a hand that is no remote participant's is yours). */
  @property({ attribute: 'user-id' }) userId = '';

  /** Hides the heading (the list is still labelled with its words), for a panel with its own. */
  @property({ type: Boolean, attribute: 'no-heading' }) noHeading = false;

  /** Overrides for the list's words. */
  @property({ attribute: false }) strings: Partial<CallParticipantListStrings> | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('call')) {
      this.#callController.call = this.call;
      this.#features.call = this.call;
    }
  }

  #rows(strings: CallParticipantListStrings): Row[] {
    const call = this.call;
    if (!call) return [];
    const self: Row = {
      key: this.userId,
      personName: this.displayName || strings.you,
      name: this.displayName ? format(strings.youNamed, { name: this.displayName }) : strings.you,
      state: strings[call.state === 'LocalHold' ? 'stateOnHold' : 'stateConnected'],
      muted: call.isMuted,
      speaking: false,
      hand: this.#features.ownHandOrder(this.userId || undefined),
    };
    const hands = this.#features.handQueue;
    const remotes = call.remoteParticipants
      .filter((p) => p.state !== 'Disconnected')
      .map((p) => ({
        key: keyOf(p.identifier),
        personName: nameOf(p, strings.unnamedParticipant),
        name: nameOf(p, strings.unnamedParticipant),
        state: strings[STATE_KEYS[p.state]],
        muted: p.isMuted,
        speaking: p.isSpeaking,
        hand: hands.get(getIdentifierRawId(p.identifier)),
      }));
    const rows = [self, ...remotes];
    // Raised hands first, in the queue's order; everyone else keeps their place.
    const raised = rows.filter((row) => row.hand !== undefined).sort((a, b) => a.hand! - b.hand!);
    return [...raised, ...rows.filter((row) => row.hand === undefined)];
  }

  override render() {
    const strings = mergeStrings(callParticipantListStrings, this.strings);
    const rows = this.#rows(strings);
    const heading = format(strings.participantListHeading, { count: rows.length });
    return html`<div part="base" class="base">
      ${this.noHeading ? nothing : html`<p part="heading" class="heading" id="heading">${heading}</p>`}
      <ul part="list" aria-labelledby=${this.noHeading ? nothing : 'heading'} aria-label=${this.noHeading ? heading : nothing}>
        ${repeat(
          rows,
          (row) => row.key,
          (row) =>
            html`<li part="item">
              <acs-avatar
                part="avatar"
                aria-hidden="true"
                display-name=${row.personName}
                color-key=${row.key || row.personName}
                ?speaking=${row.speaking}
              ></acs-avatar>
              <span class="who">
                <span part="name" class="name">${row.name}</span>
                <span part="state" class="state">${row.state}</span>
              </span>
              ${row.hand !== undefined ? raisedHandBadge(row.hand, strings) : nothing}
              ${
                row.muted
                  ? html`<span part="mute-icon" class="mute" role="img" aria-label=${strings.muted}>${callingIcon('microphoneOff')}</span>`
                  : nothing
              }
            </li>`,
        )}
      </ul>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-call-participant-list': AcsCallParticipantList;
  }
}

import { LitElement, type PropertyValues, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Call, CallState } from '../../calling/call.js';
import type { CallEndReason } from '../../calling/callingProtocol.js';
import { CallController } from '../controllers/callController.js';
import { nameOf } from '../shared/callingNames.js';
import { format, mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import styles from './call-status.styles.js';

export const callStatusStrings = {
  statusIdle: 'Not in a call',
  statusConnecting: 'Connecting…',
  statusRinging: 'Ringing…',
  statusConnected: 'Connected',
  statusLocalHold: 'On hold',
  statusRemoteHold: 'The others have put the call on hold',
  statusDisconnecting: 'Ending the call…',
  statusEnded: 'Call ended',
  statusDeclined: 'Call declined',
  statusCancelled: 'Call cancelled',
  statusNoAnswer: 'No answer',
  statusUnreachable: 'Could not reach {name}',
  statusUnreachableUnnamed: 'Could not reach the person you called',
  statusFailed: 'Call failed: the connection was lost',
  statusAnsweredElsewhere: 'Answered on another device',
  statusConnectTimedOut: 'Call failed: no connection to {name} could be made',
  statusConnectTimedOutUnnamed: 'Call failed: no connection could be made',
  statusFailedWithCode: 'Call failed (code {code})',
};
export type CallStatusStrings = typeof callStatusStrings;

/** Where a call is, for styling: waiting for something, in the call, or over. */
export type CallPhase = 'idle' | 'pending' | 'connected' | 'ended';

/** The words for how a call ended, from its end reason's code and sub-code (as ACS reports them). */
export function callEndReasonText(reason: CallEndReason | undefined, strings: CallStatusStrings, name = ''): string {
  if (!reason) return strings.statusEnded;
  if (reason.subCode === 10003) return strings.statusAnsweredElsewhere;
  switch (reason.code) {
    case 0:
      return strings.statusEnded;
    case 487:
      return strings.statusCancelled;
    case 480:
      return strings.statusNoAnswer;
    case 603:
      return strings.statusDeclined;
    case 404:
      return name ? format(strings.statusUnreachable, { name }) : strings.statusUnreachableUnnamed;
    case 500:
      return strings.statusFailed;
    case 408:
      return name ? format(strings.statusConnectTimedOut, { name }) : strings.statusConnectTimedOutUnnamed;
    default:
      return reason.code >= 400 ? format(strings.statusFailedWithCode, { code: reason.code }) : strings.statusEnded;
  }
}

/** The words for a call's state (and, once it ended, why). */
export function callStatusText(
  state: CallState | undefined,
  reason: CallEndReason | undefined,
  strings: CallStatusStrings,
  name = '',
): string {
  switch (state) {
    case undefined:
    case 'None':
      return strings.statusIdle;
    case 'Connecting':
      return strings.statusConnecting;
    case 'Ringing':
      return strings.statusRinging;
    case 'Connected':
      return strings.statusConnected;
    case 'LocalHold':
      return strings.statusLocalHold;
    case 'RemoteHold':
      return strings.statusRemoteHold;
    case 'Disconnecting':
      return strings.statusDisconnecting;
    case 'Disconnected':
      return callEndReasonText(reason, strings, name);
  }
}

function phaseOf(state: CallState | undefined): CallPhase {
  if (state === undefined || state === 'None') return 'idle';
  if (state === 'Disconnected') return 'ended';
  if (state === 'Connected' || state === 'LocalHold' || state === 'RemoteHold') return 'connected';
  return 'pending';
}

/**
 * @summary A call's state in words, and once it ended, why: "Ringing…", "Connected", "Call
 * declined", "No answer", "Could not reach Ann", "Answered on another device"… A polite live
 * region, so screen readers announce each change.
 *
 * Give it a `call` to follow, or set `state` and `callEndReason` yourself.
 *
 * @csspart base - The status line; its `data-phase` is `idle`, `pending`, `connected` or `ended`.
 * @csspart indicator - The dot before the words.
 * @csspart text - The words.
 *
 * @cssproperty --acs-call-status-color - The words (default the theme's text color).
 * @cssproperty --acs-call-status-indicator-color - The dot while waiting (default the muted text color).
 * @cssproperty --acs-call-status-connected-color - The dot in a call (default the success color).
 * @cssproperty --acs-call-status-ended-color - The dot once ended (default the danger color).
 */
@customElement('acs-call-status')
export class AcsCallStatus extends LitElement {
  static override styles = [baseStyles, styles];

  readonly #callController = new CallController(this, { watchParticipants: true });
  /** Who was in the call, remembered for the words after it ended (the call forgets them). */
  #lastRemoteName = '';

  /** The call to follow. */
  @property({ attribute: false }) call: Call | undefined;

  /** The state to show when there is no call. */
  @property() state: CallState | undefined;

  /** Why the call ended, when there is no call. */
  @property({ attribute: false }) callEndReason: CallEndReason | undefined;

  /** Who was called, for "Could not reach {name}" (default: the names of the others in the call). */
  @property({ attribute: 'remote-name' }) remoteName = '';

  /** Overrides for the words. */
  @property({ attribute: false }) strings: Partial<CallStatusStrings> | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('call')) {
      this.#callController.call = this.call;
      this.#lastRemoteName = '';
    }
    const names = (this.call?.remoteParticipants ?? []).map((p) => nameOf(p, '')).filter(Boolean);
    if (names.length > 0) this.#lastRemoteName = names.join(', ');
  }

  /** The words shown now. */
  get text(): string {
    const strings = mergeStrings(callStatusStrings, this.strings);
    const state = this.call ? this.call.state : this.state;
    const reason = this.call ? this.call.callEndReason : this.callEndReason;
    return callStatusText(state, reason, strings, this.remoteName || this.#lastRemoteName);
  }

  override render() {
    const phase = phaseOf(this.call ? this.call.state : this.state);
    return html`<p part="base" class="base" data-phase=${phase} role="status" aria-live="polite">
      <span part="indicator" class="indicator"></span><span part="text" class="text">${this.text}</span>
    </p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-call-status': AcsCallStatus;
  }
}

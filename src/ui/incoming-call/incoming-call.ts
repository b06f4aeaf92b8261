import { LitElement, type PropertyValues, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { IncomingCall } from '../../calling/incomingCall.js';
import '../avatar/avatar.js';
import { Subscriptions } from '../shared/subscriptions.js';
import { callingIcon } from '../shared/callingIcons.js';
import { keyOf, nameOf } from '../shared/callingNames.js';
import { emit } from '../shared/events.js';
import { format, mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import styles from './incoming-call.styles.js';

export const incomingCallStrings = {
  incomingCallTitle: 'Incoming call',
  incomingCallFrom: '{name} is calling',
  unknownCaller: 'Someone',
  acceptWithVideo: 'Accept with video',
  acceptAudioOnly: 'Accept audio only',
  decline: 'Decline',
};
export type IncomingCallStrings = typeof incomingCallStrings;

export interface CallAcceptedDetail {
  incomingCall: IncomingCall | undefined;
  /** Accept with the camera on. */
  withVideo: boolean;
}
export interface CallDeclinedDetail {
  incomingCall: IncomingCall | undefined;
}

/**
 * @summary The prompt for a call ringing here: who calls, and Accept with video, Accept audio
 * only, Decline. An `alertdialog`; focus moves to it (to "Accept audio only") when it appears.
 *
 * It only asks: the page (or `acs-call`) answers or declines the call on its events. It shows
 * nothing once the call stops ringing (cancelled, answered elsewhere, not answered in time).
 *
 * @event {CustomEvent<CallAcceptedDetail>} acs-call-accepted - An accept button was pressed.
 * @event {CustomEvent<CallDeclinedDetail>} acs-call-declined - Decline was pressed.
 *
 * @csspart base - The dialog.
 * @csspart avatar - The caller's avatar.
 * @csspart title - "Incoming call".
 * @csspart description - Who is calling.
 * @csspart actions - The buttons' row.
 * @csspart button - Each button; also `accept-video`, `accept-audio`, `decline`.
 *
 * @cssproperty --acs-incoming-call-background - The dialog (default the theme's raised surface).
 * @cssproperty --acs-incoming-call-accept-background - The accept buttons (default the success color).
 * @cssproperty --acs-incoming-call-accept-color - The accept buttons' text (default the theme's accent text color, which reads on its success color).
 * @cssproperty --acs-incoming-call-decline-background - The decline button (default the danger color).
 * @cssproperty --acs-incoming-call-decline-color - The decline button's text.
 * @cssproperty --acs-incoming-call-avatar-size - The caller's avatar (default 4rem).
 */
@customElement('acs-incoming-call')
export class AcsIncomingCall extends LitElement {
  static override styles = [baseStyles, styles];

  readonly #subscriptions = new Subscriptions();

  private get acceptAudioButton(): HTMLButtonElement | null {
    return this.renderRoot.querySelector('[part~="accept-audio"]');
  }

  /** The ringing call. */
  @property({ attribute: false }) incomingCall: IncomingCall | undefined;

  /** The caller's name (default: the call's caller display name). */
  @property({ attribute: 'caller-name' }) callerName = '';

  /** Hides "Accept with video" (no camera). */
  @property({ type: Boolean, attribute: 'no-video' }) noVideo = false;

  /** Overrides for the prompt's words. */
  @property({ attribute: false }) strings: Partial<IncomingCallStrings> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#subscribe();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#subscriptions.clear();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('incomingCall') && this.isConnected) {
      this.#subscriptions.clear();
      this.#subscribe();
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A new ring takes focus, so a keyboard or screen reader user meets it at once.
    if (changed.has('incomingCall') && this.incomingCall) this.focus();
  }

  #subscribe(): void {
    if (this.incomingCall) this.#subscriptions.on(this.incomingCall, 'callEnded', () => this.requestUpdate());
  }

  #accept(withVideo: boolean): void {
    emit(this, 'acs-call-accepted', { incomingCall: this.incomingCall, withVideo });
  }

  #decline(): void {
    emit(this, 'acs-call-declined', { incomingCall: this.incomingCall });
  }

  /** Moves focus to the prompt ("Accept audio only"). */
  override focus(options?: FocusOptions): void {
    this.acceptAudioButton?.focus(options);
  }

  override render() {
    if (this.incomingCall?.callEndReason) return nothing;
    const strings = mergeStrings(incomingCallStrings, this.strings);
    const caller = this.incomingCall?.callerInfo;
    const name = this.callerName || nameOf(caller ?? {}, strings.unknownCaller);
    return html`<div part="base" class="base" role="alertdialog" aria-labelledby="title" aria-describedby="description">
      <acs-avatar
        part="avatar"
        class="ringing"
        aria-hidden="true"
        display-name=${name}
        color-key=${keyOf(caller?.identifier) || name}
      ></acs-avatar>
      <p part="title" class="title" id="title">${strings.incomingCallTitle}</p>
      <p part="description" class="description" id="description">${format(strings.incomingCallFrom, { name })}</p>
      <div part="actions" class="actions">
        ${
          this.noVideo
            ? nothing
            : html`<button type="button" part="button accept-video" class="accept" @click=${() => this.#accept(true)}>
                ${callingIcon('camera')}${strings.acceptWithVideo}
              </button>`
        }
        <button type="button" part="button accept-audio" class="accept" @click=${() => this.#accept(false)}>
          ${callingIcon('phone')}${strings.acceptAudioOnly}
        </button>
        <button type="button" part="button decline" class="decline" @click=${() => this.#decline()}>
          ${callingIcon('hangUp')}${strings.decline}
        </button>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-incoming-call': AcsIncomingCall;
  }
  interface GlobalEventHandlersEventMap {
    'acs-call-accepted': CustomEvent<CallAcceptedDetail>;
    'acs-call-declined': CustomEvent<CallDeclinedDetail>;
  }
}

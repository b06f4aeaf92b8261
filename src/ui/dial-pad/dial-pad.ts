import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { isE164PhoneNumber } from '../../common/identifiers.js';
import { emit } from '../shared/events.js';
import { mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import styles from './dial-pad.styles.js';

export const DIAL_PAD_STRINGS = {
  label: 'Phone number',
  placeholder: '+14255550100',
  call: 'Call',
  backspace: 'Delete last digit',
  invalid: 'Enter the number in international form: + then country code and number.',
  keypad: 'Dial pad',
};
export type DialPadStrings = typeof DIAL_PAD_STRINGS;

/** Detail of `acs-dial`. */
export interface DialDetail {
  /** The number in E.164 form (`+14255550100`). */
  phoneNumber: string;
}

const KEYS: [string, string][] = [
  ['1', ''],
  ['2', 'ABC'],
  ['3', 'DEF'],
  ['4', 'GHI'],
  ['5', 'JKL'],
  ['6', 'MNO'],
  ['7', 'PQRS'],
  ['8', 'TUV'],
  ['9', 'WXYZ'],
  ['+', ''],
  ['0', ''],
  ['#', ''],
];

/** Keeps what a phone number may hold: a leading +, then digits (spaces and dashes are dropped). */
export function normalizeDialString(text: string): string {
  const trimmed = text.trim();
  const digits = trimmed.replace(/[^\d#*]/g, '');
  return trimmed.startsWith('+') ? `+${digits}` : digits;
}

/**
 * @summary A dial pad for calling a phone number: type or tap the number, then Call.
 *
 * @event {CustomEvent<DialDetail>} acs-dial - The person asked to call a valid E.164 number.
 *
 * @csspart base - The pad.
 * @csspart input - The number field.
 * @csspart key - Each key.
 * @csspart call-button - The call button.
 *
 * @cssproperty --acs-dial-pad-key-size - Diameter of a key (default 3.25rem).
 * @cssproperty --acs-dial-pad-gap - Space between keys (default 0.5rem).
 */
@customElement('acs-dial-pad')
export class AcsDialPad extends LitElement {
  static override styles = [baseStyles, styles];

  @state() private error = '';

  /** The number typed so far. */
  @property() value = '';

  /** Disables calling (no call agent yet, or already in a call). */
  @property({ type: Boolean, reflect: true }) disabled = false;

  @property({ attribute: false }) strings: Partial<DialPadStrings> | undefined;

  /** The number as it would be dialled (E.164 when valid). */
  get phoneNumber(): string {
    return normalizeDialString(this.value);
  }

  #press(key: string): void {
    if (key === '+' && this.value !== '') return; // + only leads the number
    this.value += key;
    this.error = '';
  }

  #backspace(): void {
    this.value = this.value.slice(0, -1);
    this.error = '';
  }

  #call(strings: DialPadStrings): void {
    if (this.disabled) return;
    const phoneNumber = this.phoneNumber;
    if (!isE164PhoneNumber(phoneNumber)) {
      this.error = strings.invalid;
      return;
    }
    emit(this, 'acs-dial', { phoneNumber });
  }

  #onKeydown(event: KeyboardEvent, strings: DialPadStrings): void {
    if (event.key === 'Enter') {
      event.preventDefault();
      this.#call(strings);
    }
  }

  override render() {
    const strings = mergeStrings(DIAL_PAD_STRINGS, this.strings);
    return html`<div part="base" class="base">
      <div class="display">
        <input
          part="input"
          type="tel"
          inputmode="tel"
          autocomplete="tel"
          aria-label=${strings.label}
          placeholder=${strings.placeholder}
          .value=${this.value}
          aria-invalid=${this.error ? 'true' : 'false'}
          aria-describedby=${this.error ? 'error' : nothing}
          @input=${(event: InputEvent) => {
            this.value = (event.target as HTMLInputElement).value;
            this.error = '';
          }}
          @keydown=${(event: KeyboardEvent) => this.#onKeydown(event, strings)}
        />
        <button type="button" class="backspace" data-key="backspace" aria-label=${strings.backspace} @click=${this.#backspace}>
          <span aria-hidden="true">⌫</span>
        </button>
      </div>
      <div class="keys" role="group" aria-label=${strings.keypad}>
        ${KEYS.map(
          ([digit, letters]) =>
            html`<button type="button" part="key" class="key" data-key=${digit} @click=${() => this.#press(digit)}>
              <span class="digit">${digit}</span>${letters ? html`<span class="letters" aria-hidden="true">${letters}</span>` : nothing}
            </button>`,
        )}
      </div>
      ${this.error ? html`<p class="error" id="error" role="alert">${this.error}</p>` : nothing}
      <button
        type="button"
        part="call-button"
        class="call"
        aria-disabled=${this.disabled ? 'true' : 'false'}
        @click=${() => this.#call(strings)}
      >
        ${strings.call}
      </button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-dial-pad': AcsDialPad;
  }
  interface GlobalEventHandlersEventMap {
    'acs-dial': CustomEvent<DialDetail>;
  }
}

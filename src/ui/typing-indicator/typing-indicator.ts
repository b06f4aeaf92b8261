import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ChatThreadElement } from '../shared/chatThreadElement.js';
import type { TypingUser } from '../state/chatThreadState.js';
import { format, mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import styles from './typing-indicator.styles.js';

/** The typing indicator's strings; pass any subset as `strings` to reword or translate. */
export const TYPING_INDICATOR_STRINGS = {
  typingOne: '{name} is typing…',
  typingTwo: '{name1} and {name2} are typing…',
  typingMany: '{count} people are typing…',
  someoneTyping: 'Someone',
};
export type TypingIndicatorStrings = typeof TYPING_INDICATOR_STRINGS;

/** The sentence for who is typing ('' when nobody is). */
export function typingText(users: readonly Pick<TypingUser, 'displayName'>[], strings: TypingIndicatorStrings): string {
  const names = users.map((user) => user.displayName || strings.someoneTyping);
  if (names.length === 0) return '';
  if (names.length === 1) return format(strings.typingOne, { name: names[0]! });
  if (names.length === 2) return format(strings.typingTwo, { name1: names[0]!, name2: names[1]! });
  return format(strings.typingMany, { count: names.length });
}

/**
 * @summary Who else is typing in the thread: "Alice is typing…", "Alice and Bob are typing…",
 * "3 people are typing…". Announced politely to screen readers.
 *
 * Shows the typing users of its thread (a `chatClient` + `threadId`, a `source`, or an `<acs-chat>`
 * around it); unbound, it shows `users`.
 *
 * @csspart base - The live region.
 * @csspart dots - The animated dots.
 * @csspart text - The sentence.
 *
 * @cssproperty --acs-typing-indicator-color - Text color (default `--acs-color-text-muted`).
 * @cssproperty --acs-typing-indicator-min-height - Height kept even when nobody types, so the layout does not jump (default 1.5rem).
 */
@customElement('acs-typing-indicator')
export class AcsTypingIndicator extends ChatThreadElement {
  static override styles = [baseStyles, styles];

  /** Who is typing, when the component is not bound to a thread. */
  @property({ attribute: false }) users: readonly Pick<TypingUser, 'displayName'>[] = [];

  /** Overrides of the default strings. */
  @property({ attribute: false }) strings: Partial<TypingIndicatorStrings> | undefined;

  override render() {
    const strings = mergeStrings(TYPING_INDICATOR_STRINGS, this.strings);
    const users = this.chat.source ? this.chat.state.typingUsers : this.users;
    const text = typingText(users, strings);
    return html`<div part="base" class="base" role="status" aria-live="polite">
      ${
        text
          ? html`<span part="dots" class="dots" aria-hidden="true"><span></span><span></span><span></span></span>
              <span part="text" class="text">${text}</span>`
          : ''
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-typing-indicator': AcsTypingIndicator;
  }
}

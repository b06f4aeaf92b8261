import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { live } from 'lit/directives/live.js';
import { CHAT_LIMITS, utf8ByteLength } from '../../chat/chatProtocol.js';
import { isOwnMessage, isUserMessage } from '../state/chatMessages.js';
import { ChatThreadElement } from '../shared/chatThreadElement.js';
import { emit } from '../shared/events.js';
import { format, mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import styles from './send-box.styles.js';

/** The send box's strings; pass any subset as `strings` to reword or translate. */
export const SEND_BOX_STRINGS = {
  sendBoxLabel: 'Message',
  sendBoxPlaceholder: 'Type a message',
  sendBoxEditLabel: 'Edit message',
  sendButton: 'Send',
  saveButton: 'Save',
  editing: 'Editing message',
  cancelEditing: 'Cancel',
  sendBoxHint: 'Enter to send, Shift+Enter for a new line, Arrow Up to edit your last message.',
  byteCount: '{count} / {limit}',
  tooLong: 'Message is too long: {count} of {limit} bytes.',
};
export type SendBoxStrings = typeof SEND_BOX_STRINGS;

/** Detail of `acs-message-send`. */
export interface MessageSendDetail {
  content: string;
}

/** Detail of `acs-message-edit`. */
export interface MessageEditDetail {
  messageId: string;
  content: string;
}

/** The counter shows from this share of the limit on. */
const COUNTER_FROM = 0.9;

/**
 * @summary Where the user writes: Enter sends, Shift+Enter starts a new line, Arrow Up in an empty
 * box edits the user's last message, Escape cancels editing. Announces typing to the others.
 *
 * Bound to a thread (a `chatClient` + `threadId`, a `source`, or an `<acs-chat>` around it), it
 * sends and edits through it; unbound, it only emits its events.
 *
 * @event {CustomEvent<MessageSendDetail>} acs-message-send - Before a message is sent; cancelable (nothing is sent when a listener
 *   calls `preventDefault()`).
 * @event {CustomEvent<MessageEditDetail>} acs-message-edit - Before an edit is saved; cancelable.
 * @event {CustomEvent<AcsErrorDetail>} acs-error - Sending or saving failed.
 *
 * @csspart base - The wrapper.
 * @csspart editing-banner - "Editing message" line with its cancel button.
 * @csspart cancel-button - The button that cancels editing.
 * @csspart textarea - The text field.
 * @csspart send-button - The send (or save) button.
 * @csspart counter - The size of a message near or over the limit.
 *
 * @cssproperty --acs-send-box-max-height - Tallest the text field grows before it scrolls (default 10rem).
 * @cssproperty --acs-send-box-background - Background of the text field (default `--acs-color-surface`).
 */
@customElement('acs-send-box')
export class AcsSendBox extends ChatThreadElement {
  static override styles = [baseStyles, styles];
  static override shadowRootOptions = { ...ChatThreadElement.shadowRootOptions, delegatesFocus: true };

  /** The draft to restore when editing is cancelled. */
  #draftBeforeEdit = '';

  private get textarea(): HTMLTextAreaElement {
    return this.renderRoot.querySelector('textarea')!;
  }

  /** The message being edited, if any. */
  @state() private editingId: string | undefined;

  /** The text in the box. */
  @property() value = '';

  /** Disables the box. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  /** Overrides of the default strings. */
  @property({ attribute: false }) strings: Partial<SendBoxStrings> | undefined;

  /** The largest message, in UTF-8 bytes (the service's limit by default). */
  @property({ type: Number, attribute: 'max-bytes' }) maxBytes: number = CHAT_LIMITS.messageContentBytes;

  #bytes(): number {
    // Measured as the client and the service measure a message's content.
    return utf8ByteLength(this.value);
  }

  #isDisabled(): boolean {
    const { status } = this.chat.state;
    return this.disabled || status === 'deleted' || status === 'removed';
  }

  #onInput(event: InputEvent): void {
    this.value = (event.target as HTMLTextAreaElement).value;
    if (this.value.trim() !== '' && !this.editing && this.chat.canAct) {
      // The library sends at most one notification per 8 s; the rest resolve to false at once.
      this.chat.sendTypingNotification().catch(() => {
        // Typing notifications are best effort.
      });
    }
  }

  #onKeyDown(event: KeyboardEvent): void {
    if (event.isComposing) return;
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      this.submit();
    } else if (event.key === 'ArrowUp' && this.value === '' && !this.editing) {
      if (this.#editLastMessage()) event.preventDefault();
    } else if (event.key === 'Escape' && this.editing) {
      event.preventDefault();
      event.stopPropagation();
      this.cancelEditing();
    }
  }

  #editLastMessage(): boolean {
    const { messages, userId } = this.chat.state;
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i]!;
      if (isUserMessage(message) && isOwnMessage(message, userId) && !message.deletedOn && !message.localStatus) {
        this.editMessage(message.id, message.content?.message ?? '');
        return true;
      }
    }
    return false;
  }

  /** True while the user edits one of their messages. */
  get editing(): boolean {
    return this.editingId !== undefined;
  }

  /** Starts editing one of the user's messages: the box takes its text. */
  editMessage(messageId: string, content: string): void {
    if (!this.editing) this.#draftBeforeEdit = this.value;
    this.editingId = messageId;
    this.value = content;
    void this.updateComplete.then(() => {
      this.textarea.focus();
      this.textarea.setSelectionRange(content.length, content.length);
    });
  }

  /** Leaves editing; the draft from before comes back. */
  cancelEditing(): void {
    if (!this.editing) return;
    this.editingId = undefined;
    this.value = this.#draftBeforeEdit;
    this.#draftBeforeEdit = '';
    this.textarea?.focus();
  }

  /** Sends the text (or saves the edit), as Enter does. Resolves to false when nothing was sent. */
  async submit(): Promise<boolean> {
    const content = this.value.trim();
    if (content === '' || this.#isDisabled() || this.#bytes() > this.maxBytes) return false;
    const editingId = this.editingId;
    if (editingId !== undefined) {
      if (!emit(this, 'acs-message-edit', { messageId: editingId, content }, { cancelable: true })) {
        return false;
      }
      this.editingId = undefined;
      this.value = this.#draftBeforeEdit;
      this.#draftBeforeEdit = '';
      if (!this.chat.source) return true;
      try {
        await this.chat.editMessage(editingId, content);
        return true;
      } catch (error) {
        this.reportError(error);
        return false;
      }
    }
    if (!emit(this, 'acs-message-send', { content }, { cancelable: true })) return false;
    this.value = '';
    if (!this.chat.source) return true;
    try {
      await this.chat.sendMessage(content);
      return true;
    } catch (error) {
      // The message stays in the thread marked as failed.
      this.reportError(error);
      return false;
    }
  }

  override render() {
    const strings = mergeStrings(SEND_BOX_STRINGS, this.strings);
    const disabled = this.#isDisabled();
    const bytes = this.#bytes();
    const tooLong = bytes > this.maxBytes;
    const showCounter = bytes >= this.maxBytes * COUNTER_FROM;
    const counts = { count: bytes.toLocaleString(), limit: this.maxBytes.toLocaleString() };
    const canSend = !disabled && !tooLong && this.value.trim() !== '';
    return html`<div part="base" class=${classMap({ base: true, editing: this.editing, disabled })}>
      ${
        this.editing
          ? html`<div part="editing-banner" class="banner">
              <span>${strings.editing}</span>
              <button part="cancel-button" type="button" @click=${() => this.cancelEditing()}>${strings.cancelEditing}</button>
            </div>`
          : nothing
      }
      <div class="row">
        <textarea
          part="textarea"
          rows="1"
          .value=${live(this.value)}
          ?disabled=${disabled}
          aria-label=${this.editing ? strings.sendBoxEditLabel : strings.sendBoxLabel}
          aria-describedby="hint counter"
          aria-invalid=${tooLong ? 'true' : 'false'}
          placeholder=${strings.sendBoxPlaceholder}
          @input=${this.#onInput}
          @keydown=${this.#onKeyDown}
        ></textarea>
        <button
          part="send-button"
          class="send"
          type="button"
          aria-label=${this.editing ? strings.saveButton : strings.sendButton}
          ?disabled=${!canSend}
          @click=${() => void this.submit()}
        >
          ${
            this.editing
              ? html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z" /></svg>`
              : html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" /></svg>`
          }
        </button>
      </div>
      <div
        part="counter"
        id="counter"
        class=${classMap({ counter: true, error: tooLong, hidden: !showCounter })}
        role=${tooLong ? 'alert' : nothing}
      >
        ${showCounter ? (tooLong ? format(strings.tooLong, counts) : format(strings.byteCount, counts)) : nothing}
      </div>
      <span id="hint" class="visually-hidden">${strings.sendBoxHint}</span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-send-box': AcsSendBox;
  }
  interface GlobalEventHandlersEventMap {
    'acs-message-send': CustomEvent<MessageSendDetail>;
    'acs-message-edit': CustomEvent<MessageEditDetail>;
  }
}

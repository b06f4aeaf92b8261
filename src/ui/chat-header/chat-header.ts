import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { CHAT_LIMITS } from '../../chat/chatProtocol.js';
import { ChatThreadElement } from '../shared/chatThreadElement.js';
import { type PanelToggleDetail, emit } from '../shared/events.js';
import { format, mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import styles from './chat-header.styles.js';

/** The chat header's strings; pass any subset as `strings` to reword or translate. */
export const CHAT_HEADER_STRINGS = {
  untitledChat: 'Untitled chat',
  editTopicLabel: 'Topic: {topic}. Edit topic',
  topicInputLabel: 'Topic',
  participantCountOne: '1 participant',
  participantCountMany: '{count} participants',
  showParticipants: 'Show participants',
};
export type ChatHeaderStrings = typeof CHAT_HEADER_STRINGS;

/** Detail of `acs-topic-change`. */
export interface TopicChangeDetail {
  topic: string;
}

/** Detail of `acs-participants-toggle`. */
export type ParticipantsToggleDetail = PanelToggleDetail;

/**
 * @summary A chat's title bar: the topic (click it, or press Enter on it, to edit; Enter saves,
 * Escape cancels) and the number of participants, which toggles the participant list.
 *
 * Shows its thread (a `chatClient` + `threadId`, a `source`, or an `<acs-chat>` around it); unbound,
 * it shows `topic` and `participantCount`.
 *
 * @event {CustomEvent<TopicChangeDetail>} acs-topic-change - The user changed the topic; cancelable (a bound header saves it unless a
 *   listener calls `preventDefault()`).
 * @event {CustomEvent<ParticipantsToggleDetail>} acs-participants-toggle - The user pressed the participant count.
 * @event {CustomEvent<AcsErrorDetail>} acs-error - Saving the topic failed.
 *
 * @csspart base - The bar.
 * @csspart topic - The topic button.
 * @csspart topic-input - The field that edits the topic.
 * @csspart participants-button - The participant count.
 *
 * @cssproperty --acs-chat-header-background - Background (default `--acs-color-surface-raised`).
 * @cssproperty --acs-chat-header-padding - Padding (default 0.5rem 0.75rem).
 */
@customElement('acs-chat-header')
export class AcsChatHeader extends ChatThreadElement {
  static override styles = [baseStyles, styles];

  /** Set when Escape cancelled the edit, so the blur that follows does not save. */
  #cancelled = false;

  private get input(): HTMLInputElement | null {
    return this.renderRoot.querySelector('input');
  }

  @state() private editing = false;

  /** The topic to show when the header is not bound to a thread. */
  @property() topic = '';

  /** The participant count to show when the header is not bound to a thread. */
  @property({ type: Number, attribute: 'participant-count' }) participantCount = 0;

  /** Whether the participant list is shown (the count button is pressed). */
  @property({ type: Boolean, reflect: true, attribute: 'participants-open' }) participantsOpen = false;

  /**
   * What the header shows instead of the topic, when set: say, the other person's name in a
   * one-to-one chat whose topic names you both. Editing still edits the topic itself.
   */
  @property({ attribute: 'chat-title' }) chatTitle = '';

  /** The topic cannot be edited. */
  @property({ type: Boolean, attribute: 'topic-readonly' }) topicReadonly = false;

  /** Overrides of the default strings. */
  @property({ attribute: false }) strings: Partial<ChatHeaderStrings> | undefined;

  #currentTopic(): string {
    return this.chat.source ? this.chat.state.topic : this.topic;
  }

  #startEditing(): void {
    if (this.topicReadonly) return;
    this.editing = true;
    this.#cancelled = false;
    void this.updateComplete.then(() => {
      this.input?.focus();
      this.input?.select();
    });
  }

  #onInputKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.isComposing) {
      event.preventDefault();
      this.#commit();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.#cancelled = true;
      this.editing = false;
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part="topic"]')?.focus());
    }
  }

  #commit(): void {
    if (!this.editing || this.#cancelled) return;
    const topic = (this.input?.value ?? '').trim();
    this.editing = false;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part="topic"]')?.focus());
    if (topic === '' || topic === this.#currentTopic()) return;
    if (!emit(this, 'acs-topic-change', { topic }, { cancelable: true })) return;
    if (this.chat.source) {
      this.chat.updateTopic(topic).catch((error: unknown) => this.reportError(error));
    } else {
      this.topic = topic;
    }
  }

  #toggleParticipants(): void {
    this.participantsOpen = !this.participantsOpen;
    emit(this, 'acs-participants-toggle', { open: this.participantsOpen });
  }

  override render() {
    const strings = mergeStrings(CHAT_HEADER_STRINGS, this.strings);
    const topic = this.#currentTopic();
    const count = this.chat.source ? this.chat.state.participants.length : this.participantCount;
    const shown = this.chatTitle || topic || strings.untitledChat;
    return html`<div part="base" class="base">
      ${
        this.editing
          ? html`<input
              part="topic-input"
              class="topic-input"
              type="text"
              .value=${topic}
              maxlength=${CHAT_LIMITS.topicLength}
              aria-label=${strings.topicInputLabel}
              @keydown=${this.#onInputKeyDown}
              @blur=${() => this.#commit()}
            />`
          : html`<button
              part="topic"
              class="topic"
              type="button"
              ?disabled=${this.topicReadonly}
              aria-label=${this.topicReadonly ? nothing : format(strings.editTopicLabel, { topic: shown })}
              @click=${() => this.#startEditing()}
            >
              ${shown}
            </button>`
      }
      <button
        part="participants-button"
        class="participants"
        type="button"
        aria-pressed=${this.participantsOpen ? 'true' : 'false'}
        title=${strings.showParticipants}
        @click=${() => this.#toggleParticipants()}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path
            d="M16 11a3 3 0 1 0-3-3 3 3 0 0 0 3 3zm-8 0a3 3 0 1 0-3-3 3 3 0 0 0 3 3zm0 2c-2.3 0-7 1.2-7 3.5V19h14v-2.5C15 14.2 10.3 13 8 13zm8 0c-.3 0-.6 0-1 .1a4.2 4.2 0 0 1 2 3.4V19h6v-2.5c0-2.3-4.7-3.5-7-3.5z"
          />
        </svg>
        <span>${count === 1 ? strings.participantCountOne : format(strings.participantCountMany, { count })}</span>
      </button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-chat-header': AcsChatHeader;
  }
  interface GlobalEventHandlersEventMap {
    'acs-topic-change': CustomEvent<TopicChangeDetail>;
  }
}

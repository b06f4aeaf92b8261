import { type PropertyValues, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { getIdentifierRawId } from '../../common/identifiers.js';
import '../avatar/avatar.js';
import {
  type ChatThreadMessage,
  type MessageReadStatus,
  isOwnMessage,
  isUserMessage,
  messageText,
  readersOf,
  senderRawId,
} from '../state/chatMessages.js';
import { ChatThreadElement } from '../shared/chatThreadElement.js';
import type { ChatThreadState } from '../state/chatThreadState.js';
import { emit } from '../shared/events.js';
import { format, mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import { formatTime } from './formatting.js';
import { type MessageItem, type ThreadItems, keyOf, nameOf, namesByRawId, systemText, threadItems } from './threadItems.js';
import { ThreadViewport } from './threadViewport.js';
import styles from './message-thread.styles.js';

/** The message thread's strings; pass any subset as `strings` to reword or translate. */
export const MESSAGE_THREAD_STRINGS = {
  messagesLabel: 'Messages',
  noMessages: 'No messages yet.',
  loadingMessages: 'Loading messages…',
  loadError: 'The messages could not be loaded.',
  loadOlder: 'Load older messages',
  loadingOlder: 'Loading older messages…',
  jumpToLatest: 'New messages',
  today: 'Today',
  yesterday: 'Yesterday',
  you: 'You',
  youInSentence: 'you',
  and: 'and',
  someone: 'Someone',
  edited: 'Edited',
  deletedMessage: 'This message was deleted.',
  sending: 'Sending…',
  sent: 'Sent',
  read: 'Read',
  readBy: 'Read by {count} of {total}',
  failed: 'Failed to send',
  editMessage: 'Edit',
  deleteMessage: 'Delete',
  editMessageLabel: 'Edit message “{excerpt}” from {time}',
  deleteMessageLabel: 'Delete message “{excerpt}” from {time}',
  ownMessageHint: 'Press Enter to edit, Delete to delete.',
  participantAdded: '{initiator} added {names}.',
  participantJoined: '{names} joined the chat.',
  participantRemoved: '{initiator} removed {names}.',
  participantLeft: '{names} left the chat.',
  topicUpdated: '{initiator} changed the topic to “{topic}”.',
  threadDeleted: 'This chat was deleted.',
  userRemoved: 'You were removed from this chat.',
};
export type MessageThreadStrings = typeof MESSAGE_THREAD_STRINGS;

/** Detail of `acs-edit-request`. */
export interface EditRequestDetail {
  messageId: string;
  content: string;
}

/** Detail of `acs-delete-request`. */
export interface DeleteRequestDetail {
  messageId: string;
}

/** How close to an edge (px) counts as being at it. */
const EDGE_PX = 32;

/**
 * @summary The messages of a chat thread: own and others', system notes, day separators, read
 * status; pages in older messages and stays at the newest while the reader is there.
 *
 * Keyboard: Tab moves into the log (to the newest message), Arrow Up / Down, Home and End move
 * between messages; on one of your messages Enter asks to edit it and Delete deletes it.
 *
 * Long threads: only the messages around the view are in the DOM (about three views' worth), so
 * rendering does not slow down as history grows. Each message is an `article` with
 * `aria-posinset` / `aria-setsize`; the keyboard reaches every loaded message. Give the element a
 * height (or a flex parent that bounds it): its log is what scrolls.
 *
 * @event {CustomEvent<EditRequestDetail>} acs-edit-request - The user asked to edit one of their messages.
 * @event {CustomEvent<DeleteRequestDetail>} acs-delete-request - The user asked to delete one of their messages; cancelable (the
 *   message is deleted unless a listener calls `preventDefault()`).
 * @event {CustomEvent<AcsErrorDetail>} acs-error - An action failed.
 *
 * @csspart base - The wrapper.
 * @csspart log - The scrolling list of messages (`role="log"`).
 * @csspart load-older-button - The button that loads older messages.
 * @csspart empty - The note shown while there are no messages.
 * @csspart day-separator - The date between days.
 * @csspart message - A message people wrote (also `message--own` or `message--other`).
 * @csspart avatar__base - The sender's avatar.
 * @csspart bubble - A message's bubble.
 * @csspart sender - The sender's name.
 * @csspart time - When the message was sent.
 * @csspart edited - The "Edited" marker.
 * @csspart content - The text (or the note that it was deleted).
 * @csspart status - Read status of the user's own message.
 * @csspart actions - Edit and delete buttons of the user's own message.
 * @csspart edit-button - The edit button.
 * @csspart delete-button - The delete button.
 * @csspart system-message - A note about the thread (participants, topic).
 * @csspart jump-button - "New messages" button shown when messages arrive while the reader is scrolled up.
 * @csspart notice - Why the thread is unavailable (deleted, removed, failed to load).
 *
 * @cssproperty --acs-message-thread-own-background - Background of own messages (default `--acs-color-own-message`).
 * @cssproperty --acs-message-thread-other-background - Background of others' messages (default `--acs-color-surface-raised`).
 * @cssproperty --acs-message-thread-background - Background of the log (default `--acs-color-surface`).
 * @cssproperty --acs-message-thread-bubble-radius - Corner radius of a bubble (default 0.75rem).
 * @cssproperty --acs-message-thread-bubble-max-width - Widest a bubble gets (default 75%).
 */
@customElement('acs-message-thread')
export class AcsMessageThread extends ChatThreadElement {
  static override styles = [baseStyles, styles];

  /** Whether the reader is at the newest message; kept by the scroll listener. */
  #atBottom = true;
  #scrollToBottom = false;
  #rendered: readonly ChatThreadMessage[] = [];
  readonly #onVisibility = (): void => this.#markRead();
  /** A taller or narrower log (window resized, keyboard shown) may need more items, or a new bottom. */
  readonly #onResize = new ResizeObserver(() => {
    const log = this.log;
    if (!log) return;
    if (this.#atBottom) log.scrollTop = log.scrollHeight;
    this.#viewport.scrolled();
  });
  /** The one message in the Tab order (roving tabindex). */
  #tabStop = '';
  #names: { participants: ChatThreadState['participants']; names: Map<string, string> } | undefined;
  #strings: { input: Partial<MessageThreadStrings> | undefined; merged: MessageThreadStrings } | undefined;
  /** The items, made once per messages, receipts and strings; with their keys and the messages' keys. */
  #items: (ThreadItems & { inputs: unknown[] }) | undefined;
  /** Which items are in the DOM, and where the log is scrolled. */
  readonly #viewport = new ThreadViewport(this, () =>
    this.log ? { log: this.log, before: this.spacerBefore, after: this.spacerAfter } : undefined,
  );

  private get log(): HTMLElement {
    return this.#part('.log');
  }
  private get spacerBefore(): HTMLElement {
    return this.#part('.spacer-before');
  }
  private get spacerAfter(): HTMLElement {
    return this.#part('.spacer-after');
  }
  #part(selector: string): HTMLElement {
    return this.renderRoot.querySelector<HTMLElement>(selector)!;
  }

  /** The message that takes focus when Tab enters the log. */
  @state() private activeKey = '';
  /** Messages arrived below while the reader was scrolled up. */
  @state() private newBelow = false;

  /** Overrides of the default strings. */
  @property({ attribute: false }) strings: Partial<MessageThreadStrings> | undefined;

  /** Do not send read receipts when the user reads new messages. */
  @property({ type: Boolean, attribute: 'disable-read-receipts' }) disableReadReceipts = false;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#onResize.disconnect();
  }

  protected override firstUpdated(changed: PropertyValues<this>): void {
    super.firstUpdated(changed);
    this.#onResize.observe(this.log);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const next = this.chat.state.messages;
    const previous = this.#rendered;
    if (next !== previous) {
      this.#rendered = next;
      const last = next[next.length - 1];
      if (previous.length === 0) {
        if (next.length > 0) this.#scrollToBottom = true;
      } else if (last && keyOf(last) !== keyOf(previous[previous.length - 1]!)) {
        const own = isOwnMessage(last, this.chat.state.userId);
        if (this.#atBottom || (own && last.localStatus === 'sending')) this.#scrollToBottom = true;
        else if (!own) this.newBelow = true;
      }
    }
    this.#viewport.plan(this.#threadItems().keys, this.#scrollToBottom);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const log = this.log;
    if (!log) return;
    const toBottom = this.#scrollToBottom;
    this.#scrollToBottom = false;
    if (toBottom) {
      this.#atBottom = true;
      if (this.newBelow) this.newBelow = false;
    }
    this.#viewport.settle(toBottom);
    const { hasOlderMessages, loadingOlderMessages, status } = this.chat.state;
    // A first page too short to scroll could never reach "scrolled to the top": fill the view.
    if (status === 'ready' && hasOlderMessages && !loadingOlderMessages && log.scrollHeight <= log.clientHeight) {
      this.#loadOlder();
    }
    this.#markRead();
  }

  #onScroll(): void {
    const log = this.log;
    this.#atBottom = log.scrollHeight - log.scrollTop - log.clientHeight <= EDGE_PX;
    if (this.#atBottom) {
      this.newBelow = false;
      this.#markRead();
    }
    this.#viewport.scrolled();
    if (log.scrollTop <= EDGE_PX) this.#loadOlder();
  }

  /** The thread's items for the current state, made again only when what they depend on changed. */
  #threadItems(): ThreadItems {
    const state = this.chat.state;
    const strings = this.#mergedStrings();
    const inputs = [state.messages, state.userId, state.readReceipts, strings];
    if (!this.#items || this.#items.inputs.some((input, i) => input !== inputs[i])) {
      this.#items = { inputs, ...threadItems(state, strings) };
    }
    return this.#items;
  }

  #loadOlder(): void {
    const { hasOlderMessages, loadingOlderMessages } = this.chat.state;
    if (!hasOlderMessages || loadingOlderMessages || !this.chat.canAct) return;
    this.chat.loadOlderMessages().catch((error: unknown) => this.reportError(error));
  }

  /** Sends a read receipt for the newest message when the reader can see it. */
  #markRead(): void {
    if (this.disableReadReceipts || !this.chat.canAct || !this.isConnected) return;
    if (this.chat.state.status !== 'ready' || !this.#atBottom || document.visibilityState !== 'visible') return;
    this.chat.markAsRead().catch(() => {
      // A lost read receipt is harmless: the next one covers it.
    });
  }

  #onFocusIn(event: FocusEvent): void {
    const item = (event.target as HTMLElement).closest<HTMLElement>('[data-key]');
    if (item) this.activeKey = item.dataset.key!;
  }

  /**
   * Arrow keys, Home and End move between messages by their place in the thread, rendered or not:
   * one that is not rendered is brought into view, then focused. On the log itself (which holds the
   * focus while the focused message is scrolled out of the DOM) they go back to the tab stop.
   */
  #onKeyDown(event: KeyboardEvent): void {
    const target = event.target as HTMLElement;
    const item = target.closest<HTMLElement>('[data-key]');
    const key = item?.dataset.key ?? (target === this.log ? this.#tabStop : '');
    if (!key) return;
    const keys = this.#threadItems().messageKeys;
    const index = keys.indexOf(key);
    let next: string | undefined;
    switch (event.key) {
      case 'ArrowUp':
        next = item ? keys[Math.max(0, index - 1)] : key;
        if (item && index === 0) this.#loadOlder();
        break;
      case 'ArrowDown':
        next = item ? keys[Math.min(keys.length - 1, index + 1)] : key;
        break;
      case 'Home':
        next = keys[0];
        break;
      case 'End':
        next = keys[keys.length - 1];
        break;
      case 'Enter':
        if (!item || target !== item) return;
        this.#requestEdit(key);
        break;
      case 'Delete':
        if (!item || (target !== item && !target.matches('[part~="actions"] *'))) return;
        this.#requestDelete(key);
        break;
      default:
        return;
    }
    event.preventDefault();
    if (next !== undefined && (next !== key || !item)) this.#focusMessage(next);
  }

  /** Focuses the message with `key`, rendering it first when it is outside the rendered items. */
  #focusMessage(key: string): void {
    this.activeKey = key;
    this.#viewport.focus(key);
  }

  #find(key: string): ChatThreadMessage | undefined {
    return this.chat.state.messages.find((message) => keyOf(message) === key);
  }

  #requestEdit(key: string): void {
    const message = this.#find(key);
    if (!message || !this.#canChange(message)) return;
    emit(this, 'acs-edit-request', { messageId: message.id, content: message.content?.message ?? '' });
  }

  #requestDelete(key: string): void {
    const message = this.#find(key);
    if (!message || !this.#canChange(message)) return;
    if (!emit(this, 'acs-delete-request', { messageId: message.id }, { cancelable: true })) return;
    this.chat.deleteMessage(message.id).catch((error: unknown) => this.reportError(error));
  }

  #canChange(message: ChatThreadMessage): boolean {
    return (
      isUserMessage(message) && isOwnMessage(message, this.chat.state.userId) && !message.deletedOn && message.localStatus !== 'sending'
    );
  }

  #jumpToLatest(): void {
    const log = this.log;
    log.scrollTop = log.scrollHeight;
    // The newest items may not be rendered (nor the spacer's estimate exact): render, then scroll.
    this.#scrollToBottom = true;
    this.#atBottom = true;
    this.newBelow = false;
    this.requestUpdate();
    this.#markRead();
  }

  /** Display names by raw id, made once per participants list. */
  #namesOf(participants: ChatThreadState['participants']): Map<string, string> {
    if (!this.#names || this.#names.participants !== participants) {
      this.#names = { participants, names: namesByRawId(participants) };
    }
    return this.#names.names;
  }

  /** The merged strings, made once per `strings` value. */
  #mergedStrings(): MessageThreadStrings {
    if (!this.#strings || this.#strings.input !== this.strings) {
      this.#strings = { input: this.strings, merged: mergeStrings(MESSAGE_THREAD_STRINGS, this.strings) };
    }
    return this.#strings.merged;
  }

  #renderStatus(message: ChatThreadMessage, status: MessageReadStatus, state: ChatThreadState, strings: MessageThreadStrings) {
    const text = { sending: strings.sending, sent: strings.sent, read: strings.read, failed: strings.failed }[status];
    const others = state.participants.filter((p) => getIdentifierRawId(p.id) !== state.userId).length;
    const title =
      status === 'read' && others > 1
        ? format(strings.readBy, { count: readersOf(message, state.readReceipts, state.userId).length, total: others })
        : nothing;
    return html`<div part="status" class=${classMap({ status: true, [status]: true })} title=${title}>${text}</div>`;
  }

  #renderInputs(item: MessageItem, state: ChatThreadState, strings: MessageThreadStrings, setSize: number): unknown[] {
    return [
      item.message,
      item.own,
      item.continued,
      item.status,
      item.key === this.#tabStop,
      item.position,
      setSize,
      strings,
      state.participants,
      state.userId,
      item.status ? state.readReceipts : undefined,
      this.chat.canAct,
    ];
  }

  #renderMessage(item: MessageItem, state: ChatThreadState, strings: MessageThreadStrings, setSize: number) {
    const { message, own, continued, status } = item;
    const active = item.key === this.#tabStop;
    const time = formatTime(message.createdOn);
    if (!isUserMessage(message)) {
      return html`<div
        part="system-message"
        class="system"
        data-key=${item.key}
        tabindex=${active ? 0 : -1}
        role="article"
        aria-posinset=${item.position}
        aria-setsize=${setSize}
      >
        ${systemText(message, state, this.#namesOf(state.participants), strings)}
        <time datetime=${message.createdOn.toISOString()}>${time}</time>
      </div>`;
    }
    const senderId = senderRawId(message);
    const name = own ? strings.you : nameOf(senderId, state, this.#namesOf(state.participants), strings, message.senderDisplayName);
    const deleted = message.deletedOn !== undefined;
    const changeable = this.#canChange(message) && this.chat.canAct;
    const labelParts = { time, excerpt: changeable ? excerptOf(message) : '' };
    return html`<div
      part="message ${own ? 'message--own' : 'message--other'}"
      class=${classMap({ message: true, own, other: !own, continued, deleted })}
      data-key=${item.key}
      data-message-id=${message.id}
      tabindex=${active ? 0 : -1}
      role="article"
      aria-posinset=${item.position}
      aria-setsize=${setSize}
      aria-describedby=${changeable ? 'own-message-hint' : nothing}
    >
      ${
        own
          ? nothing
          : continued
            ? html`<span class="avatar-space"></span>`
            : html`<acs-avatar
                class="avatar"
                exportparts="base:avatar__base"
                display-name=${name}
                color-key=${senderId ?? name}
                aria-hidden="true"
              ></acs-avatar>`
      }
      <div part="bubble" class="bubble">
        <div class=${classMap({ meta: true, 'visually-hidden': continued || own })}>
          <span part="sender" class="sender">${name}</span>
          <time part="time" datetime=${message.createdOn.toISOString()}>${time}</time>
        </div>
        <div part="content" class="content">${deleted ? strings.deletedMessage : messageText(message)}</div>
        ${
          own || (message.editedOn && !deleted)
            ? html`<div class="footer">
                ${own ? html`<time class="own-time" datetime=${message.createdOn.toISOString()}>${time}</time>` : nothing}
                ${message.editedOn && !deleted ? html`<span part="edited" class="edited">${strings.edited}</span>` : nothing}
              </div>`
            : nothing
        }
      </div>
      ${
        changeable
          ? html`<div part="actions" class="actions">
              <button
                part="edit-button"
                type="button"
                tabindex=${active ? 0 : -1}
                aria-label=${format(strings.editMessageLabel, labelParts)}
                @click=${() => this.#requestEdit(item.key)}
              >
                ${strings.editMessage}
              </button>
              <button
                part="delete-button"
                type="button"
                tabindex=${active ? 0 : -1}
                aria-label=${format(strings.deleteMessageLabel, labelParts)}
                @click=${() => this.#requestDelete(item.key)}
              >
                ${strings.deleteMessage}
              </button>
            </div>`
          : nothing
      }
      ${status ? this.#renderStatus(message, status, state, strings) : nothing}
    </div>`;
  }

  #renderNotice(state: ChatThreadState, strings: MessageThreadStrings) {
    if (state.status === 'deleted') return html`<div part="notice" class="notice" role="status">${strings.threadDeleted}</div>`;
    if (state.status === 'removed') return html`<div part="notice" class="notice" role="status">${strings.userRemoved}</div>`;
    if (state.status === 'error') return html`<div part="notice" class="notice error" role="alert">${strings.loadError}</div>`;
    return nothing;
  }

  /** Scrolls to the newest message. */
  scrollToLatest(): void {
    this.#jumpToLatest();
  }

  override render() {
    const strings = this.#mergedStrings();
    const state = this.chat.state;
    const { items, messageKeys } = this.#threadItems();
    const { start, end } = this.#viewport.range;
    // Tab enters at the message last focused, or at the newest one; at the log while that one is not rendered.
    this.#tabStop = messageKeys.includes(this.activeKey) ? this.activeKey : (messageKeys[messageKeys.length - 1] ?? '');
    const tabStopRendered = this.#viewport.isRendered(this.#tabStop);
    const setSize = state.hasOlderMessages ? -1 : messageKeys.length;
    const loading = state.status === 'loading' && state.messages.length === 0;
    return html`<div part="base" class="base">
      ${this.#renderNotice(state, strings)}
      <div
        part="log"
        class="log"
        role="log"
        aria-live="polite"
        aria-label=${strings.messagesLabel}
        aria-busy=${loading || state.loadingOlderMessages ? 'true' : 'false'}
        tabindex=${tabStopRendered ? -1 : 0}
        @scroll=${this.#onScroll}
        @keydown=${this.#onKeyDown}
        @focusin=${this.#onFocusIn}
      >
        ${
          state.hasOlderMessages
            ? html`<div class="older">
                <button part="load-older-button" type="button" ?disabled=${state.loadingOlderMessages} @click=${() => this.#loadOlder()}>
                  ${state.loadingOlderMessages ? strings.loadingOlder : strings.loadOlder}
                </button>
              </div>`
            : nothing
        }
        ${
          state.messages.length === 0
            ? html`<div part="empty" class="empty">${loading ? strings.loadingMessages : strings.noMessages}</div>`
            : nothing
        }
        <div class="spacer-before" aria-hidden="true"></div>
        ${repeat(
          items.slice(start, end),
          (item) => item.key,
          (item) =>
            item.kind === 'day'
              ? html`<div part="day-separator" class="day"><span>${item.label}</span></div>`
              : // A message re-renders only when it, or something its rendering reads, changed.
                guard(this.#renderInputs(item, state, strings, setSize), () => this.#renderMessage(item, state, strings, setSize)),
        )}
        <div class="spacer-after" aria-hidden="true"></div>
      </div>
      ${
        this.newBelow
          ? html`<button part="jump-button" class="jump" type="button" @click=${() => this.#jumpToLatest()}>
              ${strings.jumpToLatest}
            </button>`
          : nothing
      }
      <span id="own-message-hint" class="visually-hidden">${strings.ownMessageHint}</span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-message-thread': AcsMessageThread;
  }
  interface GlobalEventHandlersEventMap {
    'acs-edit-request': CustomEvent<EditRequestDetail>;
    'acs-delete-request': CustomEvent<DeleteRequestDetail>;
  }
}

/** The start of a message's text, for the names of its buttons ("Delete message “See you at…” from 3:10 PM"). */
function excerptOf(message: ChatThreadMessage): string {
  const text = (message.content?.message ?? '').replace(/\s+/g, ' ');
  return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}

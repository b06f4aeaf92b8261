import { ContextProvider } from '@lit/context';
import { LitElement, type PropertyValues, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ChatClient } from '../../chat/chatClient.js';
import type { CommunicationTokenCredential } from '../../common/credential.js';
import '../chat-header/chat-header.js';
import type { ChatHeaderStrings } from '../chat-header/chat-header.js';
import { chatThreadContext } from '../state/chatContext.js';
import { TokenUrlController } from '../controllers/tokenUrlController.js';
import { ChatThreadSource } from '../state/chatThreadSource.js';
import '../message-thread/message-thread.js';
import type { EditRequestDetail, MessageThreadStrings } from '../message-thread/message-thread.js';
import '../participant-list/participant-list.js';
import type { ParticipantListStrings } from '../participant-list/participant-list.js';
import '../send-box/send-box.js';
import type { AcsSendBox, SendBoxStrings } from '../send-box/send-box.js';
import { type PanelToggleDetail, emit } from '../shared/events.js';
import { mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import '../typing-indicator/typing-indicator.js';
import type { TypingIndicatorStrings } from '../typing-indicator/typing-indicator.js';
import styles from './chat.styles.js';

/** The composite's own strings. */
export const CHAT_STRINGS = {
  chatLabel: 'Chat',
};

/** Every string of the chat components: `<acs-chat>` hands its `strings` to each of them. */
export type AcsChatStrings = typeof CHAT_STRINGS &
  MessageThreadStrings &
  SendBoxStrings &
  TypingIndicatorStrings &
  ParticipantListStrings &
  ChatHeaderStrings;

/** Detail of `acs-chat-ready`. */
export interface ChatReadyDetail {
  chatClient: ChatClient;
  threadId: string;
  /** The user's raw id, when known. */
  userId: string | undefined;
}

/**
 * @summary A whole chat: header (topic, participant count), message thread, typing indicator and
 * send box, with a participant list to toggle.
 *
 * Give it a ready `chatClient` and `threadId` (the page owns the client and its real-time
 * notifications), or an `endpoint`, a `token` (a user access token or a
 * `CommunicationTokenCredential`) and a `threadId`: then it makes the client, starts its real-time
 * notifications, and stops them when removed from the page.
 *
 * ```html
 * <acs-chat endpoint="https://…/" token="eyJ…" thread-id="19:…@thread.v2"></acs-chat>
 * ```
 *
 * The chat components inside take the thread from the composite through context.
 *
 * @slot - Extra content below the send box (e.g. a footer); chat components placed here share the thread.
 *
 * @event {CustomEvent<ChatReadyDetail>} acs-chat-ready - The thread is loaded and live.
 * @event {CustomEvent<AcsErrorDetail>} acs-error - Connecting, loading or an action failed.
 * @event {CustomEvent<PanelToggleDetail>} acs-participants-toggle - The user showed or hid the participant list.
 *
 * @csspart base - The layout grid.
 * @csspart header - The `<acs-chat-header>`; its parts are exported as `header__base`, `header__topic`, `header__participants-button`.
 * @csspart thread - The `<acs-message-thread>`; its parts as `thread__base`, `thread__log`, `thread__message`, `thread__bubble`, `thread__system-message`.
 * @csspart typing-indicator - The `<acs-typing-indicator>`.
 * @csspart send-box - The `<acs-send-box>`; its parts as `send-box__base`, `send-box__textarea`, `send-box__send-button`.
 * @csspart participant-list - The `<acs-participant-list>` (when open).
 *
 * @cssproperty --acs-chat-height - Height of the composite (default 36rem).
 * @cssproperty --acs-chat-participants-width - Width of the participant list (default 15rem).
 * @cssproperty --acs-chat-border - Border around the composite (default 1px solid `--acs-color-border`).
 */
@customElement('acs-chat')
export class AcsChat extends LitElement {
  static override styles = [baseStyles, styles];

  /** Hands `source` to the chat components inside; the controller, not the `@provide` decorator, saves that decorator's code. */
  readonly #provider = new ContextProvider(this, { context: chatThreadContext });
  readonly #tokenUrl = new TokenUrlController(this);
  /** The client this element made from `endpoint` + `token` (and so must stop). */
  #ownedClient: ChatClient | undefined;
  /** What the current setup was made from; a change means a new setup. */
  #configured: unknown[] | undefined;
  /** Bumped by every setup and teardown, so a slow setup that was overtaken gives up. */
  #generation = 0;

  private get sendBox(): AcsSendBox | null {
    return this.renderRoot.querySelector('acs-send-box');
  }

  /** The thread the components inside show (given to them through {@link #provider}). */
  @state() private source: ChatThreadSource | undefined;

  /** A ready chat client (the page starts and stops its real-time notifications). */
  @property({ attribute: false }) chatClient: ChatClient | undefined;

  /** The service's endpoint, when the element should make its own client. */
  @property() endpoint = '';

  /** A user access token, or a `CommunicationTokenCredential`, for the client the element makes. */
  @property() token: string | CommunicationTokenCredential | undefined;

  /**
   * Instead of a token: a URL of the page's own server that answers `POST` with `{ token }` for the
   * signed-in user (the credential refreshes from it before the token expires).
   */
  @property({ attribute: 'token-url' }) tokenUrl = '';

  /** The thread to show. */
  @property({ attribute: 'thread-id' }) threadId = '';

  /** The user's raw id; by default the chat client's (read from its token). */
  @property({ attribute: 'user-id' }) userId = '';

  /** The name sent with the user's messages. */
  @property({ attribute: 'display-name' }) displayName = '';

  /** Shows the participant list. */
  @property({ type: Boolean, reflect: true, attribute: 'participants-open' }) participantsOpen = false;

  /** What the header shows instead of the topic (see `<acs-chat-header chat-title>`). */
  @property({ attribute: 'chat-title' }) chatTitle = '';

  /** Do not send read receipts. */
  @property({ type: Boolean, attribute: 'disable-read-receipts' }) disableReadReceipts = false;

  /** Overrides of any component's strings. */
  @property({ attribute: false }) strings: Partial<AcsChatStrings> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    // Reconnected after a move: set up again on the next update.
    if (this.#configured === undefined) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#teardown();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (!this.isConnected) return;
    // A given token wins over token-url.
    const token = this.#tokenUrl.resolve(this.token, this.tokenUrl);
    const inputs = [this.chatClient, this.endpoint, token, this.threadId, this.userId, this.displayName];
    if (this.#configured && inputs.every((value, i) => value === this.#configured![i])) return;
    this.#teardown();
    this.#configured = inputs;
    void this.#setup(token);
  }

  async #setup(token: string | CommunicationTokenCredential | undefined): Promise<void> {
    const generation = ++this.#generation;
    const { threadId, displayName } = this;
    if (!threadId) return;
    let client = this.chatClient;
    const userId: string | undefined = this.userId || undefined;
    if (!client) {
      if (!this.endpoint || !token) return;
      const { endpoint } = this;
      try {
        // The client's code (HTTP, credential, real-time channel) loads only here: a page that hands
        // the element its own `chatClient` never needs it, and this setup waits on the network anyway.
        const { ChatClient } = await import('../../chat/chatClient.js');
        if (generation !== this.#generation) return;
        client = new ChatClient(endpoint, token);
      } catch (error) {
        this.#reportError(error);
        return;
      }
      this.#ownedClient = client;
      try {
        await client.startRealtimeNotifications();
      } catch (error) {
        // Without real-time the thread still loads; the channel keeps trying to reconnect.
        this.#reportError(error);
      }
      if (generation !== this.#generation) return;
    }
    const source = new ChatThreadSource({
      chatClient: client,
      threadId,
      ...(userId ? { userId } : {}),
      ...(displayName ? { displayName } : {}),
    });
    source.retain();
    this.#provide(source);
    await source.loaded;
    if (generation !== this.#generation) return;
    if (source.state.status === 'error') {
      this.#reportError(source.state.error);
    } else {
      emit(this, 'acs-chat-ready', { chatClient: client, threadId, userId: source.state.userId });
    }
  }

  #teardown(): void {
    this.#generation += 1;
    this.#configured = undefined;
    this.source?.release();
    this.#provide(undefined);
    const owned = this.#ownedClient;
    this.#ownedClient = undefined;
    if (owned) void owned.stopRealtimeNotifications();
  }

  #provide(source: ChatThreadSource | undefined): void {
    this.source = source;
    this.#provider.setValue(source);
  }

  #reportError(error: unknown): void {
    emit(this, 'acs-error', { error });
  }

  #onEditRequest(event: CustomEvent<EditRequestDetail>): void {
    this.sendBox?.editMessage(event.detail.messageId, event.detail.content);
  }

  #onParticipantsToggle(event: CustomEvent<PanelToggleDetail>): void {
    this.participantsOpen = event.detail.open;
  }

  /** The thread source the composite made (its state, its actions), once set up. */
  /** Puts the cursor in the message box (as after choosing a conversation; the box delegates focus). */
  focusSendBox(): void {
    void this.updateComplete.then(() => this.sendBox?.focus());
  }

  get threadSource(): ChatThreadSource | undefined {
    return this.source;
  }

  override render() {
    const strings = mergeStrings(CHAT_STRINGS, this.strings);
    return html`<div part="base" class="base" role="region" aria-label=${strings.chatLabel}>
      <acs-chat-header
        part="header"
        exportparts="base:header__base,topic:header__topic,participants-button:header__participants-button"
        .strings=${this.strings}
        ?participants-open=${this.participantsOpen}
        chat-title=${this.chatTitle}
        @acs-participants-toggle=${this.#onParticipantsToggle}
      ></acs-chat-header>
      <div class="body">
        <div class="main">
          <acs-message-thread
            part="thread"
            exportparts="base:thread__base,log:thread__log,message:thread__message,bubble:thread__bubble,system-message:thread__system-message"
            .strings=${this.strings}
            ?disable-read-receipts=${this.disableReadReceipts}
            @acs-edit-request=${this.#onEditRequest}
          ></acs-message-thread>
          <acs-typing-indicator part="typing-indicator" .strings=${this.strings}></acs-typing-indicator>
          <acs-send-box
            part="send-box"
            exportparts="base:send-box__base,textarea:send-box__textarea,send-button:send-box__send-button"
            .strings=${this.strings}
          ></acs-send-box>
          <slot></slot>
        </div>
        ${
          this.participantsOpen
            ? html`<acs-participant-list part="participant-list" .strings=${this.strings}></acs-participant-list>`
            : nothing
        }
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-chat': AcsChat;
  }
  interface GlobalEventHandlersEventMap {
    'acs-chat-ready': CustomEvent<ChatReadyDetail>;
  }
}

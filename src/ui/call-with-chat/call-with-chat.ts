import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import type { CallAgent } from '../../calling/callAgent.js';
import type { DeviceManager } from '../../calling/deviceManager.js';
import type { ChatClient } from '../../chat/chatClient.js';
import type { CommunicationTokenCredential } from '../../common/credential.js';
import '../call/call.js';
import '../chat/chat.js';
import { TokenUrlController } from '../controllers/tokenUrlController.js';
import { type PanelToggleDetail, emit } from '../shared/events.js';
import { mergeStrings } from '../shared/strings.js';
import { baseStyles } from '../shared/theme.js';
import styles from './call-with-chat.styles.js';

export const CALL_WITH_CHAT_STRINGS = {
  showChat: 'Show chat',
  hideChat: 'Hide chat',
  noThread: 'Pick or start a conversation to chat during the call.',
  chatRegion: 'Chat',
  callRegion: 'Call',
};
export type CallWithChatStrings = typeof CALL_WITH_CHAT_STRINGS;

/** Detail of `acs-chat-toggle`: the chat column is shown (`open`) or hidden. */
export type ChatToggleDetail = PanelToggleDetail;

/**
 * @summary A call with its chat beside it: `<acs-call>` and `<acs-chat>` in one layout, sharing the
 * page's clients (or each making its own from `endpoint` + `token`).
 *
 * @event {CustomEvent<ChatToggleDetail>} acs-chat-toggle - The person showed or hid the chat.
 *
 * @csspart base - The layout grid.
 * @csspart call - The call's region; `call__*` exports `<acs-call>`'s parts.
 * @csspart chat - The chat's region; `chat__*` exports `<acs-chat>`'s parts.
 * @csspart toggle - The show/hide chat button.
 *
 * @cssproperty --acs-call-with-chat-height - Height of the whole layout (default 36rem).
 * @cssproperty --acs-call-with-chat-chat-width - Width of the chat column (default 22rem).
 * @cssproperty --acs-call-with-chat-gap - Space between call and chat (default 0.75rem).
 */
@customElement('acs-call-with-chat')
export class AcsCallWithChat extends LitElement {
  static override styles = [baseStyles, styles];

  readonly #tokenUrl = new TokenUrlController(this);
  /** The token handed to the components inside: `token`, or the credential made from `token-url`. */
  #token: string | CommunicationTokenCredential | undefined;

  /** A ready call agent; or give `endpoint` + `token`. */
  @property({ attribute: false }) callAgent: CallAgent | undefined;

  /** The device manager of the agent's CallClient, for device choices. */
  @property({ attribute: false }) deviceManager: DeviceManager | undefined;

  /** A ready chat client; or give `endpoint` + `token`. */
  @property({ attribute: false }) chatClient: ChatClient | undefined;

  /** The service's URL, when the components make their own clients. */
  @property() endpoint = '';

  /** A user access token (or credential), when the components make their own clients. */
  @property({ attribute: false }) token: string | CommunicationTokenCredential | undefined;

  /**
   * Instead of a token: a URL of the page's own server that answers `POST` with `{ token }` for the
   * signed-in user (the credential refreshes from it before the token expires).
   */
  @property({ attribute: 'token-url' }) tokenUrl = '';

  /** The chat thread to show beside the call. */
  @property({ attribute: 'thread-id' }) threadId = '';

  /** The signed-in user's raw id (marks own messages). */
  @property({ attribute: 'user-id' }) userId = '';

  @property({ attribute: 'display-name' }) displayName = '';

  /** A group call for the call side to join (passed to `<acs-call group-id>`). */
  @property({ attribute: 'group-id' }) groupId = '';

  /** A room whose call the call side joins (passed to `<acs-call room-id>`). */
  @property({ attribute: 'room-id' }) roomId = '';

  /** The phone number people called by phone see (passed to `acs-call`). */
  @property({ attribute: 'alternate-caller-id' }) alternateCallerId = '';

  /** Hides the chat column. */
  @property({ type: Boolean, reflect: true, attribute: 'chat-hidden' }) chatHidden = false;

  /** What the chat's header shows instead of the topic (see `<acs-chat chat-title>`). */
  @property({ attribute: 'chat-title' }) chatTitle = '';

  @property({ attribute: false }) strings: Partial<CallWithChatStrings> | undefined;

  /** The call component, for its methods (`startCall`, `hangUp`, …). */
  get callElement(): HTMLElementTagNameMap['acs-call'] | null {
    return this.renderRoot.querySelector('acs-call');
  }

  get chatElement(): HTMLElementTagNameMap['acs-chat'] | null {
    return this.renderRoot.querySelector('acs-chat');
  }

  #toggleChat(): void {
    this.chatHidden = !this.chatHidden;
    emit(this, 'acs-chat-toggle', { open: !this.chatHidden });
  }

  override willUpdate(): void {
    // A given token wins over token-url; the components inside share the one credential.
    this.#token = this.#tokenUrl.resolve(this.token, this.tokenUrl);
  }

  override render() {
    const strings = mergeStrings(CALL_WITH_CHAT_STRINGS, this.strings);
    const chat = this.threadId
      ? html`<acs-chat
          exportparts="base:chat__base,header:chat__header,thread:chat__thread,send-box:chat__send-box"
          .chatClient=${this.chatClient}
          .endpoint=${this.endpoint}
          .token=${this.chatClient ? undefined : this.#token}
          thread-id=${this.threadId}
          user-id=${this.userId}
          display-name=${this.displayName}
          chat-title=${this.chatTitle}
        ></acs-chat>`
      : html`<div class="empty">${strings.noThread}</div>`;
    return html`
      <div class="bar">
        <button class="toggle" part="toggle" aria-pressed=${String(!this.chatHidden)} @click=${this.#toggleChat}>
          ${this.chatHidden ? strings.showChat : strings.hideChat}
        </button>
      </div>
      <div part="base" class=${classMap({ base: true, 'chat-hidden': this.chatHidden })}>
        <section class="call" part="call" aria-label=${strings.callRegion}>
          <acs-call
            exportparts="base:call__base"
            .callAgent=${this.callAgent}
            .deviceManager=${this.deviceManager}
            .endpoint=${this.endpoint}
            .token=${this.callAgent ? undefined : this.#token}
            display-name=${this.displayName}
            group-id=${this.groupId}
            room-id=${this.roomId}
            alternate-caller-id=${this.alternateCallerId}
          ></acs-call>
        </section>
        ${this.chatHidden ? '' : html`<section class="chat" part="chat" aria-label=${strings.chatRegion}>${chat}</section>`}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'acs-call-with-chat': AcsCallWithChat;
  }
  interface GlobalEventHandlersEventMap {
    'acs-chat-toggle': CustomEvent<ChatToggleDetail>;
  }
}

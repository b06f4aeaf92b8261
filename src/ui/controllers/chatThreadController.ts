import type { ReactiveControllerHost } from 'lit';
import type { ChatClient } from '../../chat/chatClient.js';
import type { CommunicationIdentifier } from '../../common/identifiers.js';
import { ChatThreadSource } from '../state/chatThreadSource.js';
import { type ChatThreadState, emptyChatThreadState } from '../state/chatThreadState.js';
import { FollowingController } from './followingController.js';

/** What a component binds to: its own client and thread, or a source shared with others. */
export interface ChatThreadBinding {
  /** A source to share (e.g. from a composite). Wins over `chatClient`. */
  source?: ChatThreadSource | undefined;
  chatClient?: ChatClient | undefined;
  threadId?: string | undefined;
  userId?: CommunicationIdentifier | string | undefined;
  displayName?: string | undefined;
}

/**
 * Binds a component to a chat thread: given a `ChatClient` and a thread id it makes a
 * {@link ChatThreadSource} (or takes a shared one), holds it while the host is connected (so the
 * source listens to the client's real-time events and stops when the last holder disconnects), and
 * re-renders the host on every change. The host reads {@link state} and calls the actions.
 *
 * ```ts
 * private chat = new ChatThreadController(this);
 * override willUpdate() { this.chat.bind({ chatClient: this.chatClient, threadId: this.threadId }); }
 * override render() { return html`${this.chat.state.messages.length} messages`; }
 * ```
 */
export class ChatThreadController extends FollowingController<ChatThreadSource> {
  /** The source this controller made (and so may replace); undefined for a shared one. */
  #owned: { chatClient: ChatClient; threadId: string; userId: string; displayName: string } | undefined;
  /** The source being listened to and held (while the host is in the page). */
  #followed: ChatThreadSource | undefined;
  readonly #onChange = (): void => this.host.requestUpdate();

  constructor(host: ReactiveControllerHost) {
    super(host);
  }

  /** The bound source, if any. */
  get source(): ChatThreadSource | undefined {
    return this.target;
  }

  /** The thread as it stands (an empty, idle state while unbound). */
  get state(): ChatThreadState {
    return this.target?.state ?? EMPTY_STATE;
  }

  /** True when actions can reach the service. */
  get canAct(): boolean {
    return this.target?.chatClient !== undefined;
  }

  /**
   * Points the controller at a thread. Cheap to call on every update: it changes the binding only
   * when the source, client, thread or user changed.
   */
  bind(binding: ChatThreadBinding): void {
    if (binding.source) {
      this.#owned = undefined;
      this.#use(binding.source);
      return;
    }
    const { chatClient, threadId } = binding;
    if (!chatClient || !threadId) {
      this.#owned = undefined;
      this.#use(undefined);
      return;
    }
    const userId = typeof binding.userId === 'string' ? binding.userId : binding.userId ? JSON.stringify(binding.userId) : '';
    const displayName = binding.displayName ?? '';
    const owned = this.#owned;
    if (
      owned &&
      owned.chatClient === chatClient &&
      owned.threadId === threadId &&
      owned.userId === userId &&
      owned.displayName === displayName
    ) {
      return;
    }
    this.#owned = { chatClient, threadId, userId, displayName };
    this.#use(
      new ChatThreadSource({
        chatClient,
        threadId,
        ...(binding.userId ? { userId: binding.userId } : {}),
        ...(displayName ? { displayName } : {}),
      }),
    );
  }

  // Actions: each throws when no source with a client is bound.

  async sendMessage(content: string): Promise<string> {
    return this.#require().sendMessage(content);
  }

  async editMessage(messageId: string, content: string): Promise<void> {
    return this.#require().editMessage(messageId, content);
  }

  async deleteMessage(messageId: string): Promise<void> {
    return this.#require().deleteMessage(messageId);
  }

  async sendTypingNotification(): Promise<boolean> {
    return this.#require().sendTypingNotification();
  }

  async markAsRead(messageId?: string): Promise<boolean> {
    return this.#require().markAsRead(messageId);
  }

  async loadOlderMessages(): Promise<number> {
    return this.#require().loadOlderMessages();
  }

  async updateTopic(topic: string): Promise<void> {
    return this.#require().updateTopic(topic);
  }

  /** Listens to the source and holds it (so it follows the client's events) while the host is in the page. */
  protected follow(source: ChatThreadSource): void {
    source.on('change', this.#onChange);
    source.retain();
    this.#followed = source;
  }

  protected unfollow(): void {
    const source = this.#followed;
    if (!source) return;
    this.#followed = undefined;
    source.off('change', this.#onChange);
    source.release();
  }

  #require(): ChatThreadSource {
    if (!this.target) throw new TypeError('No chat thread is bound.');
    return this.target;
  }

  #use(source: ChatThreadSource | undefined): void {
    if (source === this.target) return;
    this.setTarget(source);
    this.host.requestUpdate();
  }
}

const EMPTY_STATE = emptyChatThreadState();

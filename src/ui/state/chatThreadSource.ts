import type { ChatClient } from '../../chat/chatClient.js';
import type { ChatThreadClient } from '../../chat/chatThreadClient.js';
import type {
  ChatClientEvents,
  ChatMessageDeletedEvent,
  ChatMessageEditedEvent,
  ChatMessageReceivedEvent,
  ChatThreadDeletedEvent,
  ChatThreadPropertiesUpdatedEvent,
  ParticipantsAddedEvent,
  ParticipantsRemovedEvent,
  ReadReceiptReceivedEvent,
  SignalingChatParticipant,
  TypingIndicatorReceivedEvent,
} from '../../chat/events.js';
import type { ChatMessageReadReceipt, ChatMessageType, ChatThreadParticipant } from '../../chat/models.js';
import { TypedEventEmitter } from '../../common/events.js';
import { type CommunicationIdentifier, createIdentifierFromRawId, getIdentifierRawId } from '../../common/identifiers.js';
import {
  type ChatThreadMessage,
  compareMessageIds,
  isOwnMessage,
  isUserMessage,
  mergeMessages,
  senderRawId,
  updateMessage,
} from './chatMessages.js';
import { type ChatThreadState, emptyChatThreadState } from './chatThreadState.js';
import { TypingTracker } from './typingTracker.js';

export interface ChatThreadSourceOptions {
  /** The user's chat client. Without one the source only holds the state it is given (previews, benchmarks). */
  chatClient?: ChatClient;
  threadId: string;
  /** The user's identifier or raw id; asked of the chat client (its token) when absent. */
  userId?: CommunicationIdentifier | string;
  /** The name sent with the user's messages and typing notifications. */
  displayName?: string;
  /** Messages per page (1–200, default 50). */
  pageSize?: number;
  /** State to start from, e.g. messages to show without a client. */
  initialState?: Partial<Omit<ChatThreadState, 'threadId'>>;
}

export type ChatThreadSourceEvents = {
  /** The state changed; the payload is the new snapshot. */
  change: ChatThreadState;
};

function rawIdOf(id: CommunicationIdentifier | string | undefined): string | undefined {
  if (id === undefined || id === '') return undefined;
  return typeof id === 'string' ? id : getIdentifierRawId(id);
}

function toParticipant(participant: SignalingChatParticipant): ChatThreadParticipant {
  const mapped: ChatThreadParticipant = { id: participant.id, displayName: participant.displayName };
  if (participant.shareHistoryTime) mapped.shareHistoryTime = participant.shareHistoryTime;
  return mapped;
}

/** Message types arrive as ACS spells them (`Text`, `RichText/Html`); the models use `text` and `html`. */
function messageType(type: string): ChatMessageType {
  return /html/i.test(type) ? 'html' : 'text';
}

/**
 * One chat thread kept live for the components that show it: loads messages (a page at a time),
 * participants, topic and read receipts, follows the chat client's real-time events for the thread,
 * tracks who is typing, and carries out the user's actions. Several components may share one source
 * (a composite provides it through context); it listens to the client while at least one of them
 * holds it ({@link retain} / {@link release}).
 *
 * Input comes through the `handle*` methods (the client's events call them), output is the
 * `change` event with the new {@link ChatThreadState}.
 */
export class ChatThreadSource extends TypedEventEmitter<ChatThreadSourceEvents> {
  readonly chatClient: ChatClient | undefined;
  readonly threadId: string;
  readonly displayName: string | undefined;
  readonly #pageSize: number;
  #state: ChatThreadState;
  #threadClient: ChatThreadClient | undefined;
  #pages: AsyncIterator<ChatThreadMessage[]> | undefined;
  #holders = 0;
  #abort: AbortController | undefined;
  readonly #typing = new TypingTracker((typingUsers) => this.#update({ typingUsers }));
  /** The newest message the user has marked read (sent or being sent). */
  #readUpTo: string | undefined;
  #loaded: Promise<void> | undefined;

  constructor(options: ChatThreadSourceOptions) {
    super();
    this.chatClient = options.chatClient;
    this.threadId = options.threadId;
    this.displayName = options.displayName || undefined;
    this.#pageSize = options.pageSize ?? 50;
    this.#state = {
      ...emptyChatThreadState(options.threadId),
      ...options.initialState,
      threadId: options.threadId,
      userId: rawIdOf(options.userId) ?? options.initialState?.userId,
    };
  }

  get state(): ChatThreadState {
    return this.#state;
  }

  /** Resolves once the first load finished (or failed); starts nothing by itself. */
  get loaded(): Promise<void> {
    return this.#loaded ?? Promise.resolve();
  }

  /** The thread's client, made on first use. */
  get threadClient(): ChatThreadClient {
    if (!this.chatClient) throw new TypeError('This chat thread source has no chat client.');
    this.#threadClient ??= this.chatClient.getChatThreadClient(this.threadId);
    return this.#threadClient;
  }

  /** A component starts showing the thread: the first holder starts listening and loading. */
  retain(): void {
    this.#holders += 1;
    if (this.#holders === 1) this.#start();
  }

  /** A component stops showing the thread: the last holder stops the listening. */
  release(): void {
    if (this.#holders === 0) return;
    this.#holders -= 1;
    if (this.#holders === 0) this.#stop();
  }

  // ---- input ---------------------------------------------------------------------------------

  readonly handleMessageReceived = (event: ChatMessageReceivedEvent): void => {
    if (!this.#forThisThread(event)) return;
    const message: ChatThreadMessage = {
      id: event.id,
      type: messageType(event.type),
      sequenceId: event.sequenceId,
      version: event.version,
      content: { message: event.message },
      senderDisplayName: event.senderDisplayName,
      createdOn: event.createdOn,
      sender: event.sender,
      metadata: event.metadata,
    };
    const senderId = getIdentifierRawId(event.sender);
    let messages = this.#state.messages;
    if (senderId === this.#state.userId) {
      // The user's own message, back from the service: it takes the place of its pending copy.
      const pending = messages.find((m) => m.localStatus === 'sending' && m.content?.message === event.message);
      if (pending) {
        message.clientMessageId = pending.clientMessageId;
        messages = updateMessage(messages, pending.id, () => undefined);
      }
    }
    this.#update({ messages: mergeMessages(messages, [message]) });
    this.#typing.stopped(senderId);
  };

  readonly handleMessageEdited = (event: ChatMessageEditedEvent): void => {
    if (!this.#forThisThread(event)) return;
    this.#update({
      messages: updateMessage(this.#state.messages, event.id, (message) =>
        compareMessageIds(event.version, message.version) < 0
          ? message
          : { ...message, content: { ...message.content, message: event.message }, editedOn: event.editedOn, version: event.version },
      ),
    });
  };

  readonly handleMessageDeleted = (event: ChatMessageDeletedEvent): void => {
    if (!this.#forThisThread(event)) return;
    this.#update({
      messages: updateMessage(this.#state.messages, event.id, (message) => {
        const { content: _content, ...rest } = message;
        return { ...rest, deletedOn: event.deletedOn, version: event.version };
      }),
    });
  };

  readonly handleTypingIndicator = (event: TypingIndicatorReceivedEvent): void => {
    if (!this.#forThisThread(event)) return;
    const rawId = getIdentifierRawId(event.sender);
    if (rawId === this.#state.userId) return;
    const displayName = event.senderDisplayName || this.#participantName(rawId) || '';
    this.#typing.typing(rawId, displayName);
  };

  readonly handleReadReceipt = (event: ReadReceiptReceivedEvent): void => {
    if (!this.#forThisThread(event)) return;
    this.#addReceipts([{ sender: event.sender, chatMessageId: event.chatMessageId, readOn: event.readOn }]);
  };

  readonly handleParticipantsAdded = (event: ParticipantsAddedEvent): void => {
    if (event.threadId !== this.threadId) return;
    const added = event.participantsAdded.map(toParticipant);
    const addedIds = new Set(added.map((p) => getIdentifierRawId(p.id)));
    const kept = this.#state.participants.filter((p) => !addedIds.has(getIdentifierRawId(p.id)));
    this.#update({ participants: [...kept, ...added] });
    void this.#fetchRecent(event.addedOn);
  };

  readonly handleParticipantsRemoved = (event: ParticipantsRemovedEvent): void => {
    if (event.threadId !== this.threadId) return;
    const removed = new Set(event.participantsRemoved.map((p) => getIdentifierRawId(p.id)));
    const userRemoved = this.#state.userId !== undefined && removed.has(this.#state.userId);
    this.#update({
      participants: this.#state.participants.filter((p) => !removed.has(getIdentifierRawId(p.id))),
      ...(userRemoved ? { status: 'removed' as const } : {}),
    });
    if (!userRemoved) void this.#fetchRecent(event.removedOn);
  };

  readonly handlePropertiesUpdated = (event: ChatThreadPropertiesUpdatedEvent): void => {
    if (event.threadId !== this.threadId) return;
    const topicChanged = event.properties.topic !== this.#state.topic;
    this.#update({ topic: event.properties.topic });
    if (topicChanged) void this.#fetchRecent(event.updatedOn);
  };

  readonly handleThreadDeleted = (event: ChatThreadDeletedEvent): void => {
    if (event.threadId !== this.threadId) return;
    this.#typing.clear();
    this.#update({ status: 'deleted' });
  };

  // ---- actions -------------------------------------------------------------------------------

  /** Loads the next page of older messages; resolves to how many arrived. */
  async loadOlderMessages(): Promise<number> {
    if (!this.#pages || this.#state.loadingOlderMessages || !this.#state.hasOlderMessages) return 0;
    this.#update({ loadingOlderMessages: true });
    try {
      const page = await this.#pages.next();
      const messages = page.done ? [] : page.value;
      this.#update({
        messages: mergeMessages(this.#state.messages, messages),
        hasOlderMessages: !page.done && messages.length > 0,
        loadingOlderMessages: false,
      });
      return messages.length;
    } catch (error) {
      this.#update({ loadingOlderMessages: false });
      throw error;
    }
  }

  /**
   * Sends a message. It shows at once as `sending`, becomes the service's message when the request
   * returns, or stays as `failed`. Resolves to the message id.
   */
  async sendMessage(content: string): Promise<string> {
    const threadClient = this.threadClient;
    const clientMessageId = `pending-${crypto.randomUUID()}`;
    const pending: ChatThreadMessage = {
      id: clientMessageId,
      clientMessageId,
      type: 'text',
      sequenceId: '',
      version: '0',
      content: { message: content },
      createdOn: new Date(),
      localStatus: 'sending',
      ...(this.#state.userId ? { sender: createIdentifierFromRawId(this.#state.userId) } : {}),
      ...(this.#senderName() ? { senderDisplayName: this.#senderName() } : {}),
    };
    this.#update({ messages: mergeMessages(this.#state.messages, [pending]) });
    try {
      const name = this.#senderName();
      const { id } = await threadClient.sendMessage({ content }, name ? { senderDisplayName: name } : {});
      const arrived = this.#state.messages.find((message) => message.id === id);
      if (arrived) {
        // The real-time event came first: the pending copy goes.
        this.#update({ messages: updateMessage(this.#state.messages, clientMessageId, () => undefined) });
      } else {
        this.#update({
          messages: updateMessage(this.#state.messages, clientMessageId, (message) => {
            const { localStatus: _status, ...confirmed } = message;
            return { ...confirmed, id, version: id };
          }),
        });
      }
      return id;
    } catch (error) {
      this.#update({
        messages: updateMessage(this.#state.messages, clientMessageId, (message) => ({ ...message, localStatus: 'failed' })),
      });
      throw error;
    }
  }

  /** Edits one of the user's messages; the new text shows at once. */
  async editMessage(messageId: string, content: string): Promise<void> {
    const threadClient = this.threadClient;
    const before = this.#state.messages.find((message) => message.id === messageId);
    this.#update({
      messages: updateMessage(this.#state.messages, messageId, (message) => ({
        ...message,
        content: { ...message.content, message: content },
        editedOn: new Date(),
      })),
    });
    try {
      await threadClient.updateMessage(messageId, { content });
    } catch (error) {
      if (before) this.#update({ messages: updateMessage(this.#state.messages, messageId, () => before) });
      throw error;
    }
  }

  /** Deletes one of the user's messages (one that failed to send just goes away). */
  async deleteMessage(messageId: string): Promise<void> {
    const before = this.#state.messages.find((message) => message.id === messageId);
    if (before?.localStatus === 'failed') {
      this.#update({ messages: updateMessage(this.#state.messages, messageId, () => undefined) });
      return;
    }
    const threadClient = this.threadClient;
    this.#update({
      messages: updateMessage(this.#state.messages, messageId, (message) => {
        const { content: _content, ...rest } = message;
        return { ...rest, deletedOn: new Date() };
      }),
    });
    try {
      await threadClient.deleteMessage(messageId);
    } catch (error) {
      if (before) this.#update({ messages: updateMessage(this.#state.messages, messageId, () => before) });
      throw error;
    }
  }

  /** Tells the others the user is typing; the library sends at most one notification per 8 s. */
  async sendTypingNotification(): Promise<boolean> {
    const name = this.#senderName();
    return this.threadClient.sendTypingNotification(name ? { senderDisplayName: name } : {});
  }

  /**
   * Marks the thread read up to `messageId` (default: the newest message from someone else).
   * Resolves to false when there was nothing new to mark.
   */
  async markAsRead(messageId?: string): Promise<boolean> {
    const target = messageId ?? this.#newestFromOthers()?.id;
    if (!target || target.startsWith('pending-')) return false;
    const own = this.#state.userId ? this.#state.readReceipts.get(this.#state.userId)?.chatMessageId : undefined;
    const upTo = [this.#readUpTo, own]
      .filter((id): id is string => id !== undefined)
      .sort(compareMessageIds)
      .pop();
    if (upTo !== undefined && compareMessageIds(target, upTo) <= 0) return false;
    const threadClient = this.threadClient;
    const previous = this.#readUpTo;
    this.#readUpTo = target;
    try {
      await threadClient.sendReadReceipt({ chatMessageId: target });
      return true;
    } catch (error) {
      this.#readUpTo = previous;
      throw error;
    }
  }

  /** Sets the thread's topic; it shows at once. */
  async updateTopic(topic: string): Promise<void> {
    const threadClient = this.threadClient;
    const before = this.#state.topic;
    this.#update({ topic });
    try {
      await threadClient.updateTopic(topic);
    } catch (error) {
      this.#update({ topic: before });
      throw error;
    }
  }

  /** Reloads topic, participants, receipts and the newest page of messages. */
  reload(): Promise<void> {
    this.#loaded = this.#load();
    return this.#loaded;
  }

  // ---- internals -----------------------------------------------------------------------------

  #update(patch: Partial<ChatThreadState>): void {
    let changed = false;
    for (const key of Object.keys(patch) as (keyof ChatThreadState)[]) {
      if (patch[key] !== this.#state[key]) changed = true;
    }
    if (!changed) return;
    this.#state = { ...this.#state, ...patch };
    this.emit('change', this.#state);
  }

  #start(): void {
    const client = this.chatClient;
    if (!client) return;
    for (const [name, handler] of this.#handlers()) client.on(name, handler as never);
    void this.reload();
  }

  #stop(): void {
    this.#abort?.abort();
    this.#abort = undefined;
    this.#typing.clear();
    const client = this.chatClient;
    if (!client) return;
    for (const [name, handler] of this.#handlers()) client.off(name, handler as never);
  }

  /** The client's events the source follows, each with its handler. */
  #handlers(): [keyof ChatClientEvents, (event: never) => void][] {
    return [
      ['chatMessageReceived', this.handleMessageReceived],
      ['chatMessageEdited', this.handleMessageEdited],
      ['chatMessageDeleted', this.handleMessageDeleted],
      ['typingIndicatorReceived', this.handleTypingIndicator],
      ['readReceiptReceived', this.handleReadReceipt],
      ['participantsAdded', this.handleParticipantsAdded],
      ['participantsRemoved', this.handleParticipantsRemoved],
      ['chatThreadPropertiesUpdated', this.handlePropertiesUpdated],
      ['chatThreadDeleted', this.handleThreadDeleted],
    ];
  }

  async #load(): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    const abortSignal = abort.signal;
    const thread = this.threadClient;
    if (this.#state.status !== 'deleted' && this.#state.status !== 'removed') this.#update({ status: 'loading', error: undefined });
    try {
      const pages = thread.listMessages({ maxPageSize: this.#pageSize, abortSignal }).byPage();
      const [properties, participants, receipts, first, identifier] = await Promise.all([
        thread.getProperties({ abortSignal }),
        collect(thread.listParticipants({ maxPageSize: 200, abortSignal })),
        collect(thread.listReadReceipts({ maxPageSize: 200, abortSignal })),
        pages.next(),
        // Who the user is comes from the client (its token), unless the host said so.
        this.#state.userId ? undefined : this.chatClient?.getIdentifier({ abortSignal }).catch(() => undefined),
      ]);
      if (abortSignal.aborted) return;
      const messages = first.done ? [] : first.value;
      this.#pages = pages;
      this.#update({
        status: 'ready',
        ...(identifier ? { userId: getIdentifierRawId(identifier) } : {}),
        topic: properties.topic,
        participants,
        messages: mergeMessages(this.#state.messages, messages),
        hasOlderMessages: !first.done && messages.length >= this.#pageSize,
      });
      this.#addReceipts(receipts);
    } catch (error) {
      if (abortSignal.aborted) return;
      this.#update({ status: 'error', error });
    }
  }

  /** Fetches what changed since `since` (the service's notes about participants and topic). */
  async #fetchRecent(since: Date): Promise<void> {
    if (!this.chatClient) return;
    try {
      const startTime = new Date(since.getTime() - 2000);
      const page = await this.threadClient.listMessages({ maxPageSize: this.#pageSize, startTime }).byPage().next();
      if (!page.done) this.#update({ messages: mergeMessages(this.#state.messages, page.value) });
    } catch {
      // The notes are a nicety; the event itself has already updated the state.
    }
  }

  #addReceipts(receipts: readonly ChatMessageReadReceipt[]): void {
    if (receipts.length === 0) return;
    const next = new Map(this.#state.readReceipts);
    let changed = false;
    for (const receipt of receipts) {
      const rawId = getIdentifierRawId(receipt.sender);
      const current = next.get(rawId);
      if (current && compareMessageIds(current.chatMessageId, receipt.chatMessageId) >= 0) continue;
      next.set(rawId, receipt);
      changed = true;
    }
    if (changed) this.#update({ readReceipts: next });
  }

  #forThisThread(event: { threadId: string }): boolean {
    return event.threadId === this.threadId;
  }

  #participantName(rawId: string): string | undefined {
    return this.#state.participants.find((p) => getIdentifierRawId(p.id) === rawId)?.displayName || undefined;
  }

  #senderName(): string | undefined {
    return this.displayName ?? (this.#state.userId ? this.#participantName(this.#state.userId) : undefined);
  }

  #newestFromOthers(): ChatThreadMessage | undefined {
    const { messages, userId } = this.#state;
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i]!;
      if (isUserMessage(message) && !isOwnMessage(message, userId) && senderRawId(message) !== undefined) return message;
    }
    return undefined;
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

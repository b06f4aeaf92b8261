import { type CommunicationTokenCredential, toCredential } from '../common/credential.js';
import type { HttpPipeline } from '../common/http.js';
import { type CommunicationIdentifier } from '../common/identifiers.js';
import { serializeCommunicationIdentifier } from '../common/identifierModels.js';
import { type PagedAsyncIterableIterator, type WirePage, checkMaxPageSize, createPagedIterator } from '../common/paging.js';
import { createChatPipeline, threadPath } from './chatPipeline.js';
import {
  type ChatMessageModel,
  type ChatParticipantModel,
  type ChatReadReceiptModel,
  type ChatThreadPropertiesModel,
  toChatMember,
  toChatMessage,
  toChatParticipant,
  toChatThreadProperties,
  toParticipantModel,
  toReadReceipt,
} from './mappers.js';
import type {
  AddChatParticipantsResult,
  AddParticipantsRequest,
  ChatError,
  ChatMember,
  ChatMessage,
  ChatMessageReadReceipt,
  ChatThreadParticipant,
  ChatThreadProperties,
  SendChatMessageResult,
  SendMessageRequest,
  SendReadReceiptRequest,
} from './models.js';
import type {
  AddParticipantsOptions,
  ChatOperationOptions,
  ChatThreadClientOptions,
  DeleteMessageOptions,
  GetMessageOptions,
  GetPropertiesOptions,
  ListMessagesOptions,
  ListParticipantsOptions,
  ListReadReceiptsOptions,
  RemoveParticipantOptions,
  SendMessageOptions,
  SendReadReceiptOptions,
  SendTypingNotificationOptions,
  UpdateChatThreadPropertiesOptions,
  UpdateMessageOptions,
  UpdateTopicOptions,
} from './options.js';
import {
  CHAT_LIMITS,
  checkContent,
  checkDate,
  checkDisplayName,
  checkIdentifier,
  checkMetadata,
  checkParticipants,
  checkRetentionPolicy,
  checkSkip,
  checkTopic,
  requireNonEmptyString,
} from './validation.js';

/** ACS sends at most one typing notification per thread client in this interval. */
export const TYPING_NOTIFICATION_INTERVAL_MS = 8000;

const MERGE_PATCH = { 'content-type': 'application/merge-patch+json' };

/**
 * Operations on one chat thread: its properties, messages, participants, read receipts and typing
 * notifications. Get one from `ChatClient.getChatThreadClient(threadId)`.
 */
export class ChatThreadClient {
  /** The thread this client works on. */
  readonly threadId: string;
  readonly #pipeline: HttpPipeline;
  /** When the last typing notification went out (ms since the epoch), for throttling. */
  #lastTypingRequestAt: number | undefined;

  constructor(
    endpoint: string,
    threadId: string,
    credential: CommunicationTokenCredential | string,
    options: ChatThreadClientOptions = {},
  ) {
    this.threadId = requireNonEmptyString(threadId, 'threadId');
    this.#pipeline = createChatPipeline(new URL(endpoint).href, toCredential(credential), options);
  }

  /** The thread's properties: topic, creator, metadata, retention policy. */
  async getProperties(options: GetPropertiesOptions = {}): Promise<ChatThreadProperties> {
    const { body } = await this.#pipeline.send<ChatThreadPropertiesModel>({
      method: 'GET',
      path: threadPath(this.threadId),
      abortSignal: options.abortSignal,
    });
    return toChatThreadProperties(body);
  }

  /** Sets the topic; participants get `chatThreadPropertiesUpdated` and a `topicUpdated` message. */
  async updateTopic(topic: string, options: UpdateTopicOptions = {}): Promise<void> {
    await this.updateProperties({ ...options, topic });
  }

  /** Updates topic, metadata or retention policy; what is absent stays as it is. */
  async updateProperties(options: UpdateChatThreadPropertiesOptions = {}): Promise<void> {
    const body = {
      topic: options.topic === undefined ? undefined : checkTopic(options.topic),
      metadata: checkMetadata(options.metadata),
      retentionPolicy: checkRetentionPolicy(options.retentionPolicy),
    };
    await this.#pipeline.send({
      method: 'PATCH',
      path: threadPath(this.threadId),
      body,
      headers: MERGE_PATCH,
      abortSignal: options.abortSignal,
    });
  }

  /** Sends a message; every participant gets `chatMessageReceived`, the sender included. */
  async sendMessage(request: SendMessageRequest, options: SendMessageOptions = {}): Promise<SendChatMessageResult> {
    const type = options.type ?? 'text';
    if (type !== 'text' && type !== 'html') throw new TypeError('type must be "text" or "html".');
    const body = {
      content: checkContent(request?.content),
      senderDisplayName: checkDisplayName(options.senderDisplayName, 'senderDisplayName'),
      type,
      metadata: checkMetadata(options.metadata),
    };
    const { body: result } = await this.#pipeline.send<SendChatMessageResult>({
      method: 'POST',
      path: threadPath(this.threadId, 'messages'),
      body,
      abortSignal: options.abortSignal,
    });
    // A message ends the typing: the next keystroke may announce typing again at once, as in ACS.
    // Only a message that was sent: one that failed ended nothing.
    this.#lastTypingRequestAt = undefined;
    return { id: result.id };
  }

  /** One message of the thread, system messages included; deleted ones have no content. */
  async getMessage(messageId: string, options: GetMessageOptions = {}): Promise<ChatMessage> {
    const { body } = await this.#pipeline.send<ChatMessageModel>({
      method: 'GET',
      path: threadPath(this.threadId, 'messages', encodeURIComponent(requireNonEmptyString(messageId, 'messageId'))),
      abortSignal: options.abortSignal,
    });
    return toChatMessage(body);
  }

  /** The thread's messages, newest first, system messages included. */
  listMessages(options: ListMessagesOptions = {}): PagedAsyncIterableIterator<ChatMessage> {
    const startTime = checkDate(options.startTime, 'startTime');
    return this.#list<ChatMessageModel, ChatMessage>('messages', options, toChatMessage, {
      startTime: startTime?.toISOString(),
    });
  }

  /**
   * Edits a message's content or metadata (the sender's own messages only); participants get
   * `chatMessageEdited`.
   */
  async updateMessage(messageId: string, options: UpdateMessageOptions = {}): Promise<void> {
    const id = requireNonEmptyString(messageId, 'messageId');
    const body = {
      content: options.content === undefined ? undefined : checkContent(options.content),
      metadata: checkMetadata(options.metadata),
    };
    await this.#pipeline.send({
      method: 'PATCH',
      path: threadPath(this.threadId, 'messages', encodeURIComponent(id)),
      body,
      headers: MERGE_PATCH,
      abortSignal: options.abortSignal,
    });
  }

  /** Deletes one of the user's own messages; participants get `chatMessageDeleted`. */
  async deleteMessage(messageId: string, options: DeleteMessageOptions = {}): Promise<void> {
    await this.#pipeline.send({
      method: 'DELETE',
      path: threadPath(this.threadId, 'messages', encodeURIComponent(requireNonEmptyString(messageId, 'messageId'))),
      abortSignal: options.abortSignal,
    });
  }

  /** Adds participants; those the service does not know come back in `invalidParticipants`. */
  async addParticipants(request: AddParticipantsRequest, options: AddParticipantsOptions = {}): Promise<AddChatParticipantsResult> {
    const participants = checkParticipants(request?.participants, { required: true });
    const { body } = await this.#pipeline.send<{ invalidParticipants?: ChatError[] } | undefined>({
      method: 'POST',
      path: threadPath(this.threadId, 'participants/:add'),
      body: { participants: participants.map(toParticipantModel) },
      abortSignal: options.abortSignal,
    });
    return body?.invalidParticipants?.length ? { invalidParticipants: body.invalidParticipants } : {};
  }

  /** The thread's participants, identifiers with their `kind`. */
  listParticipants(options: ListParticipantsOptions = {}): PagedAsyncIterableIterator<ChatThreadParticipant> {
    return this.#list<ChatParticipantModel, ChatThreadParticipant>('participants', options, toChatParticipant, {
      skip: checkSkip(options.skip),
    });
  }

  /** Concept-page form of {@link listParticipants}: entries carry `userId` and `displayName`. */
  listMembers(options: ListParticipantsOptions = {}): PagedAsyncIterableIterator<ChatMember> {
    return this.#list<ChatParticipantModel, ChatMember>('participants', options, toChatMember, {
      skip: checkSkip(options.skip),
    });
  }

  /** Removes a participant (removing one who is not there changes nothing). */
  async removeParticipant(participant: CommunicationIdentifier, options: RemoveParticipantOptions = {}): Promise<void> {
    const body = serializeCommunicationIdentifier(checkIdentifier(participant, 'participant'));
    await this.#pipeline.send({
      method: 'POST',
      path: threadPath(this.threadId, 'participants/:remove'),
      body,
      abortSignal: options.abortSignal,
    });
  }

  /**
   * Tells the other participants that the user is typing. Throttled as ACS throttles it: within
   * 8 s of the last notification this sends nothing and returns false.
   */
  async sendTypingNotification(options: SendTypingNotificationOptions = {}): Promise<boolean> {
    const senderDisplayName = checkDisplayName(options.senderDisplayName, 'senderDisplayName');
    const now = Date.now();
    if (this.#lastTypingRequestAt !== undefined && now - this.#lastTypingRequestAt < TYPING_NOTIFICATION_INTERVAL_MS) {
      return false;
    }
    // Claimed before the request, so concurrent calls send one notification; given back if the
    // request fails, so a notification that never went out does not silence the next 8 s.
    const previous = this.#lastTypingRequestAt;
    this.#lastTypingRequestAt = now;
    try {
      await this.#pipeline.send({
        method: 'POST',
        path: threadPath(this.threadId, 'typing'),
        body: senderDisplayName === undefined ? {} : { senderDisplayName },
        abortSignal: options.abortSignal,
      });
    } catch (error) {
      if (this.#lastTypingRequestAt === now) this.#lastTypingRequestAt = previous;
      throw error;
    }
    return true;
  }

  /** Marks `chatMessageId` (and all before it) as read by the user. */
  async sendReadReceipt(request: SendReadReceiptRequest, options: SendReadReceiptOptions = {}): Promise<void> {
    await this.#pipeline.send({
      method: 'POST',
      path: threadPath(this.threadId, 'readReceipts'),
      body: { chatMessageId: requireNonEmptyString(request?.chatMessageId, 'chatMessageId') },
      abortSignal: options.abortSignal,
    });
  }

  /** Each participant's latest read receipt. */
  listReadReceipts(options: ListReadReceiptsOptions = {}): PagedAsyncIterableIterator<ChatMessageReadReceipt> {
    return this.#list<ChatReadReceiptModel, ChatMessageReadReceipt>('readReceipts', options, toReadReceipt, {
      skip: checkSkip(options.skip),
    });
  }

  #list<TWire, TElement>(
    collection: string,
    options: ChatOperationOptions & { maxPageSize?: number },
    map: (item: TWire) => TElement,
    query: Record<string, string | number | undefined>,
  ): PagedAsyncIterableIterator<TElement> {
    const maxPageSize = checkMaxPageSize(options.maxPageSize, CHAT_LIMITS.maxPageSize);
    const { abortSignal } = options;
    const path = threadPath(this.threadId, collection);
    return createPagedIterator<TWire, TElement>({
      maxPageSize,
      map,
      firstPage: async (pageSize) => {
        const size = checkMaxPageSize(pageSize, CHAT_LIMITS.maxPageSize);
        const request = { method: 'GET' as const, path, query: { ...query, maxPageSize: size }, abortSignal };
        return (await this.#pipeline.send<WirePage<TWire>>(request)).body;
      },
      nextPage: async (nextLink) => (await this.#pipeline.send<WirePage<TWire>>({ method: 'GET', path: nextLink, abortSignal })).body,
    });
  }
}

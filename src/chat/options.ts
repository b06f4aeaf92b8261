/** Options of the chat clients and their operations, named as `@azure/communication-chat` names them. */
import type { PipelineOptions } from '../common/http.js';
import type { OperationOptions } from '../common/operationOptions.js';
import type { RealtimeChannel, RealtimeChannelOptions } from '../common/realtimeChannel.js';
import type { ChatParticipant, ChatRetentionPolicy, ChatMessageType } from './models.js';

/** What every chat operation takes: the shared {@link OperationOptions}. */
export type ChatOperationOptions = OperationOptions;

export interface ChatClientOptions extends PipelineOptions {
  /**
   * A channel to share with other clients of the same user and endpoint (calling). The chat client
   * starts it but never stops it; without one, the client makes (and owns) its own.
   */
  realtimeChannel?: RealtimeChannel;
  /** Options of the channel the client makes for itself. */
  realtimeOptions?: RealtimeChannelOptions;
}

export type ChatThreadClientOptions = PipelineOptions;

export interface CreateChatThreadOptions extends ChatOperationOptions {
  participants?: ChatParticipant[];
  /**
   * Makes the request repeatable: the same token returns the thread the first request created. A
   * random UUID when absent.
   */
  idempotencyToken?: string;
  metadata?: Record<string, string>;
  retentionPolicy?: ChatRetentionPolicy;
}

export interface ListChatThreadsOptions extends ChatOperationOptions {
  /** Threads per page, 1 to 200. */
  maxPageSize?: number;
  /** Only threads changed at or after this time. */
  startTime?: Date;
}

export type DeleteChatThreadOptions = ChatOperationOptions;
export type GetPropertiesOptions = ChatOperationOptions;
export type UpdateTopicOptions = ChatOperationOptions;

export interface UpdateChatThreadPropertiesOptions extends ChatOperationOptions {
  topic?: string;
  metadata?: Record<string, string>;
  retentionPolicy?: ChatRetentionPolicy;
}

export interface SendMessageOptions extends ChatOperationOptions {
  senderDisplayName?: string;
  /** `text` (the default) or `html`. */
  type?: Extract<ChatMessageType, 'text' | 'html'>;
  metadata?: Record<string, string>;
}

export type GetMessageOptions = ChatOperationOptions;

export interface ListMessagesOptions extends ChatOperationOptions {
  /** Messages per page, 1 to 200. */
  maxPageSize?: number;
  /** Only messages created, edited or deleted at or after this time. */
  startTime?: Date;
}

export interface UpdateMessageOptions extends ChatOperationOptions {
  content?: string;
  metadata?: Record<string, string>;
}

export type DeleteMessageOptions = ChatOperationOptions;
export type AddParticipantsOptions = ChatOperationOptions;
export type RemoveParticipantOptions = ChatOperationOptions;

export interface ListParticipantsOptions extends ChatOperationOptions {
  /** Participants per page, 1 to 200. */
  maxPageSize?: number;
  /** Participants to skip from the start. */
  skip?: number;
}

export interface SendTypingNotificationOptions extends ChatOperationOptions {
  senderDisplayName?: string;
}

export type SendReadReceiptOptions = ChatOperationOptions;

export interface ListReadReceiptsOptions extends ChatOperationOptions {
  /** Receipts per page, 1 to 200. */
  maxPageSize?: number;
  /** Receipts to skip from the start. */
  skip?: number;
}

/**
 * The chat models, as `@azure/communication-chat` 1.6.0 names and shapes them: dates are `Date`s,
 * identifiers the service reports carry their `kind`.
 */
import type { CommunicationIdentifier, CommunicationIdentifierKind, CommunicationUserIdentifier } from '../common/identifiers.js';

/** `text` and `html` are sent by users; the others are system messages the service writes. */
export type ChatMessageType = 'text' | 'html' | 'topicUpdated' | 'participantAdded' | 'participantRemoved';

/** A participant to add to a thread. */
export interface ChatParticipant {
  id: CommunicationIdentifier;
  displayName?: string;
  /** Messages from this time on are visible to the participant; the whole history when absent. */
  shareHistoryTime?: Date;
  metadata?: Record<string, string>;
}

/** A participant as the service reports it: the identifier carries its `kind`. */
export interface ChatThreadParticipant extends ChatParticipant {
  id: CommunicationIdentifierKind;
}

/** Thread retention: kept until deleted, or deleted some days after creation. */
export type ChatRetentionPolicy = { kind: 'none' } | { kind: 'threadCreationDate'; deleteThreadAfterDays: number };

export interface ChatThreadProperties {
  id: string;
  topic: string;
  createdOn: Date;
  createdBy?: CommunicationIdentifierKind;
  deletedOn?: Date;
  metadata?: Record<string, string>;
  retentionPolicy?: ChatRetentionPolicy;
}

/** One entry of `listChatThreads`. */
export interface ChatThreadItem {
  id: string;
  topic: string;
  deletedOn?: Date;
  lastMessageReceivedOn?: Date;
}

export interface ChatMessageContent {
  /** Text of a `text` or `html` message. */
  message?: string;
  /** New topic of a `topicUpdated` message. */
  topic?: string;
  /** Who was added or removed, in a `participantAdded` or `participantRemoved` message. */
  participants?: ChatThreadParticipant[];
  /** Who caused a system message. */
  initiator?: CommunicationIdentifierKind;
}

export interface ChatMessage {
  id: string;
  type: ChatMessageType;
  /** Position in the thread; increases with every message. */
  sequenceId: string;
  version: string;
  /** Absent on deleted messages. */
  content?: ChatMessageContent;
  senderDisplayName?: string;
  createdOn: Date;
  /** Absent on system messages. */
  sender?: CommunicationIdentifierKind;
  deletedOn?: Date;
  editedOn?: Date;
  metadata?: Record<string, string>;
}

export interface ChatMessageReadReceipt {
  sender: CommunicationIdentifierKind;
  chatMessageId: string;
  readOn: Date;
}

/** Why the service did not take a participant. */
export interface ChatError {
  code: string;
  message: string;
  /** The raw id of the participant concerned. */
  target?: string;
}

export interface CreateChatThreadResult {
  chatThread?: ChatThreadProperties;
  invalidParticipants?: ChatError[];
}

export interface AddChatParticipantsResult {
  invalidParticipants?: ChatError[];
}

export interface SendChatMessageResult {
  id: string;
}

export interface CreateChatThreadRequest {
  topic: string;
}

export interface SendMessageRequest {
  content: string;
}

export interface AddParticipantsRequest {
  participants: ChatParticipant[];
}

export interface SendReadReceiptRequest {
  chatMessageId: string;
}

/** A member as the concept-page samples pass one: a user, or a user with a display name. */
export type ChatMemberInput = CommunicationUserIdentifier | { user: CommunicationUserIdentifier; displayName?: string };

/** The concept-page form of `createChatThread`. */
export interface CreateThreadRequest {
  topic: string;
  members: ChatMemberInput[];
}

/** A participant in the concept-page form: `userId` is the identifier. */
export interface ChatMember {
  userId: CommunicationIdentifierKind;
  displayName?: string;
}

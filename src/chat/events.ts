/**
 * Real-time chat events, shaped as the ACS signaling client delivers them
 * (`@azure/communication-signaling`): identifiers with their `kind`, dates as `Date`s.
 */
import type { CommunicationIdentifierKind } from '../common/identifiers.js';
import type { RealtimeConnectedEvent, RealtimeDisconnectedEvent } from '../common/realtimeChannel.js';
import type { ChatRetentionPolicy } from './models.js';

/** A participant as events carry it. */
export interface SignalingChatParticipant {
  id: CommunicationIdentifierKind;
  displayName: string;
  shareHistoryTime?: Date;
  metadata: Record<string, string>;
}

export interface SignalingChatThreadProperties {
  topic: string;
  metadata: Record<string, string>;
}

export interface BaseChatEvent {
  threadId: string;
  sender: CommunicationIdentifierKind;
  senderDisplayName: string;
  /** The user this copy of the event was delivered to. */
  recipient: CommunicationIdentifierKind;
}

export interface BaseChatMessageEvent extends BaseChatEvent {
  id: string;
  /**
   * The message's place in the thread, as `ChatMessage.sequenceId` has it (an edit keeps it). Not
   * in the ACS signaling events; carried here so an event's copy of a message is a whole message.
   */
  sequenceId: string;
  createdOn: Date;
  version: string;
  /** `text` or `html`. */
  type: string;
}

export interface BaseChatThreadEvent {
  threadId: string;
  version: string;
}

/** Every participant gets it, the sender included. */
export interface ChatMessageReceivedEvent extends BaseChatMessageEvent {
  message: string;
  metadata: Record<string, string>;
}

export interface ChatMessageEditedEvent extends ChatMessageReceivedEvent {
  editedOn: Date;
}

export interface ChatMessageDeletedEvent extends BaseChatMessageEvent {
  deletedOn: Date;
}

/** Ephemeral: delivered to connected endpoints only, never replayed. */
export interface TypingIndicatorReceivedEvent extends BaseChatEvent {
  version: string;
  receivedOn: Date;
}

export interface ReadReceiptReceivedEvent extends BaseChatEvent {
  chatMessageId: string;
  readOn: Date;
}

export interface ChatThreadCreatedEvent extends BaseChatThreadEvent {
  createdOn: Date;
  properties: SignalingChatThreadProperties;
  participants: SignalingChatParticipant[];
  createdBy: SignalingChatParticipant;
  retentionPolicy?: ChatRetentionPolicy;
}

export interface ChatThreadPropertiesUpdatedEvent extends BaseChatThreadEvent {
  properties: SignalingChatThreadProperties;
  updatedOn: Date;
  updatedBy: SignalingChatParticipant;
  retentionPolicy?: ChatRetentionPolicy;
}

export interface ChatThreadDeletedEvent extends BaseChatThreadEvent {
  deletedOn: Date;
  deletedBy: SignalingChatParticipant;
  reason: string;
}

export interface ParticipantsAddedEvent extends BaseChatThreadEvent {
  addedOn: Date;
  participantsAdded: SignalingChatParticipant[];
  addedBy: SignalingChatParticipant;
}

export interface ParticipantsRemovedEvent extends BaseChatThreadEvent {
  removedOn: Date;
  participantsRemoved: SignalingChatParticipant[];
  removedBy: SignalingChatParticipant;
}

/**
 * The chat client's events and their payloads. The two connection events carry details a
 * listener may ignore (ACS listeners take no argument).
 */
export type ChatClientEvents = {
  chatMessageReceived: ChatMessageReceivedEvent;
  chatMessageEdited: ChatMessageEditedEvent;
  chatMessageDeleted: ChatMessageDeletedEvent;
  typingIndicatorReceived: TypingIndicatorReceivedEvent;
  readReceiptReceived: ReadReceiptReceivedEvent;
  chatThreadCreated: ChatThreadCreatedEvent;
  chatThreadPropertiesUpdated: ChatThreadPropertiesUpdatedEvent;
  chatThreadDeleted: ChatThreadDeletedEvent;
  participantsAdded: ParticipantsAddedEvent;
  participantsRemoved: ParticipantsRemovedEvent;
  realTimeNotificationConnected: RealtimeConnectedEvent;
  realTimeNotificationDisconnected: RealtimeDisconnectedEvent;
};

export type ChatEventId = keyof ChatClientEvents;

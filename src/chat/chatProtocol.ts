/**
 * The chat wire contract beyond the REST bodies (those are in wireModels.ts): the limits both sides
 * enforce and the real-time events the service publishes, exactly as they travel (identifier
 * models, ISO date strings). The service publishes with these types and the client maps from them,
 * so a change on one side that the other does not follow fails to compile.
 */
import type { SerializedCommunicationIdentifier } from '../common/identifierModels.js';
import type { ChatMessageType, ChatParticipantModel, RetentionPolicyModel } from './wireModels.js';

/**
 * Limits as ACS documents them. The service refuses what exceeds them (400); the client checks them
 * first and throws a `RangeError` before any request.
 */
export const CHAT_LIMITS = {
  /** UTF-8 bytes of a message's content. */
  messageContentBytes: 28 * 1024,
  /** Characters of a thread topic. */
  topicLength: 256,
  /** Characters of a display name (participant, sender). */
  displayNameLength: 256,
  /** UTF-8 bytes of a metadata object as JSON (thread, message or participant metadata). */
  metadataBytes: 4 * 1024,
  participantsPerThread: 250,
  maxPageSize: 200,
  /** The page size the service uses when a request gives none. */
  defaultPageSize: 100,
} as const;

const utf8 = new TextEncoder();

/** UTF-8 bytes of a string: how content limits are measured. */
export function utf8ByteLength(text: string): number {
  return utf8.encode(text).length;
}

/** How big metadata is, as {@link CHAT_LIMITS.metadataBytes} measures it: UTF-8 bytes of its JSON. */
export function metadataByteLength(metadata: Record<string, string>): number {
  return utf8ByteLength(JSON.stringify(metadata));
}

type Identifier = SerializedCommunicationIdentifier;

/** What every event about a user's action in a thread carries. */
export interface ChatEventModel {
  threadId: string;
  sender: Identifier;
  senderDisplayName: string;
  /** The user this copy of the event is delivered to. */
  recipient: Identifier;
}

export interface ChatMessageEventModel extends ChatEventModel {
  id: string;
  /** The message's place in the thread (as `ChatMessage.sequenceId`); an edit keeps it. */
  sequenceId: string;
  type: ChatMessageType;
  version: string;
  createdOn: string;
}

export interface ChatMessageReceivedModel extends ChatMessageEventModel {
  message: string;
  metadata: Record<string, string>;
}

export interface ChatMessageEditedModel extends ChatMessageReceivedModel {
  editedOn: string;
}

export interface ChatMessageDeletedModel extends ChatMessageEventModel {
  deletedOn: string;
}

export interface TypingIndicatorReceivedModel extends ChatEventModel {
  version: string;
  receivedOn: string;
}

export interface ReadReceiptReceivedModel extends ChatEventModel {
  chatMessageId: string;
  readOn: string;
}

export interface ChatThreadEventModel {
  threadId: string;
  version: string;
}

export interface ChatThreadPropertiesEventModel {
  topic: string;
  metadata: Record<string, string>;
}

export interface ChatThreadCreatedModel extends ChatThreadEventModel {
  createdOn: string;
  properties: ChatThreadPropertiesEventModel;
  participants: ChatParticipantModel[];
  createdBy: ChatParticipantModel;
  retentionPolicy?: RetentionPolicyModel;
}

export interface ChatThreadPropertiesUpdatedModel extends ChatThreadEventModel {
  properties: ChatThreadPropertiesEventModel;
  updatedOn: string;
  updatedBy: ChatParticipantModel;
  retentionPolicy?: RetentionPolicyModel;
}

export interface ChatThreadDeletedModel extends ChatThreadEventModel {
  deletedOn: string;
  deletedBy: ChatParticipantModel;
  reason: string;
}

export interface ParticipantsAddedModel extends ChatThreadEventModel {
  addedOn: string;
  participantsAdded: ChatParticipantModel[];
  addedBy: ChatParticipantModel;
}

export interface ParticipantsRemovedModel extends ChatThreadEventModel {
  removedOn: string;
  participantsRemoved: ChatParticipantModel[];
  removedBy: ChatParticipantModel;
}

/**
 * The chat events on the real-time channel, by name, with their wire payloads. All are durable
 * (numbered, replayed on resume) except the ephemeral ones in {@link CHAT_EPHEMERAL_EVENTS}.
 */
export interface ChatEvents {
  chatMessageReceived: ChatMessageReceivedModel;
  chatMessageEdited: ChatMessageEditedModel;
  chatMessageDeleted: ChatMessageDeletedModel;
  typingIndicatorReceived: TypingIndicatorReceivedModel;
  readReceiptReceived: ReadReceiptReceivedModel;
  chatThreadCreated: ChatThreadCreatedModel;
  chatThreadPropertiesUpdated: ChatThreadPropertiesUpdatedModel;
  chatThreadDeleted: ChatThreadDeletedModel;
  participantsAdded: ParticipantsAddedModel;
  participantsRemoved: ParticipantsRemovedModel;
}

export type ChatEventName = keyof ChatEvents;

/** Events sent only to connected endpoints, never stored or replayed. */
export const CHAT_EPHEMERAL_EVENTS = ['typingIndicatorReceived'] as const satisfies readonly ChatEventName[];

export type ChatEphemeralEventName = (typeof CHAT_EPHEMERAL_EVENTS)[number];
export type ChatDurableEventName = Exclude<ChatEventName, ChatEphemeralEventName>;

/** The events about one message, whose stored copies an edit or a delete rewrites. */
export const CHAT_MESSAGE_EVENTS = [
  'chatMessageReceived',
  'chatMessageEdited',
  'chatMessageDeleted',
] as const satisfies readonly ChatEventName[];

export type ChatMessageEventName = (typeof CHAT_MESSAGE_EVENTS)[number];

export function isChatMessageEvent(name: string): name is ChatMessageEventName {
  return (CHAT_MESSAGE_EVENTS as readonly string[]).includes(name);
}

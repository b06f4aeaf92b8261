/**
 * The chat REST API's wire shapes (api-version 2025-03-15) and their mapping to the public models:
 * identifiers get their `kind`, date strings become `Date`s.
 */
import { type CommunicationIdentifierKind } from '../common/identifiers.js';
import {
  type SerializedCommunicationIdentifier,
  deserializeCommunicationIdentifier,
  serializeCommunicationIdentifier,
} from '../common/identifierModels.js';
import type {
  ChatError,
  ChatMember,
  ChatMessage,
  ChatMessageContent,
  ChatMessageReadReceipt,
  ChatParticipant,
  ChatThreadItem,
  ChatThreadParticipant,
  ChatThreadProperties,
} from './models.js';
import type {
  ChatMessageModel,
  ChatParticipantModel,
  ChatReadReceiptModel,
  ChatThreadItemModel,
  ChatThreadPropertiesModel,
} from './wireModels.js';

export type {
  ChatMessageModel,
  ChatParticipantModel,
  ChatReadReceiptModel,
  ChatThreadItemModel,
  ChatThreadPropertiesModel,
} from './wireModels.js';

export interface CreateChatThreadResultModel {
  chatThread?: ChatThreadPropertiesModel;
  invalidParticipants?: ChatError[];
}

export function toIdentifier(model: SerializedCommunicationIdentifier): CommunicationIdentifierKind {
  return deserializeCommunicationIdentifier(model);
}

export function toParticipantModel(participant: ChatParticipant): ChatParticipantModel {
  const model: ChatParticipantModel = { communicationIdentifier: serializeCommunicationIdentifier(participant.id) };
  if (participant.displayName !== undefined) model.displayName = participant.displayName;
  if (participant.shareHistoryTime !== undefined) model.shareHistoryTime = participant.shareHistoryTime.toISOString();
  if (participant.metadata !== undefined) model.metadata = participant.metadata;
  return model;
}

export function toChatParticipant(model: ChatParticipantModel): ChatThreadParticipant {
  const participant: ChatThreadParticipant = { id: toIdentifier(model.communicationIdentifier) };
  if (model.displayName !== undefined) participant.displayName = model.displayName;
  if (model.shareHistoryTime !== undefined) participant.shareHistoryTime = new Date(model.shareHistoryTime);
  if (model.metadata !== undefined) participant.metadata = model.metadata;
  return participant;
}

export function toChatMember(model: ChatParticipantModel): ChatMember {
  const member: ChatMember = { userId: toIdentifier(model.communicationIdentifier) };
  if (model.displayName !== undefined) member.displayName = model.displayName;
  return member;
}

export function toChatThreadProperties(model: ChatThreadPropertiesModel): ChatThreadProperties {
  const thread: ChatThreadProperties = { id: model.id, topic: model.topic, createdOn: new Date(model.createdOn) };
  if (model.createdByCommunicationIdentifier) thread.createdBy = toIdentifier(model.createdByCommunicationIdentifier);
  if (model.deletedOn !== undefined) thread.deletedOn = new Date(model.deletedOn);
  if (model.metadata !== undefined) thread.metadata = model.metadata;
  if (model.retentionPolicy !== undefined) thread.retentionPolicy = model.retentionPolicy;
  return thread;
}

export function toChatThreadItem(model: ChatThreadItemModel): ChatThreadItem {
  const item: ChatThreadItem = { id: model.id, topic: model.topic };
  if (model.deletedOn !== undefined) item.deletedOn = new Date(model.deletedOn);
  if (model.lastMessageReceivedOn !== undefined) item.lastMessageReceivedOn = new Date(model.lastMessageReceivedOn);
  return item;
}

export function toChatMessage(model: ChatMessageModel): ChatMessage {
  const message: ChatMessage = {
    id: model.id,
    type: model.type,
    sequenceId: model.sequenceId,
    version: model.version,
    createdOn: new Date(model.createdOn),
  };
  if (model.content) message.content = toMessageContent(model.content);
  if (model.senderDisplayName !== undefined) message.senderDisplayName = model.senderDisplayName;
  if (model.senderCommunicationIdentifier) message.sender = toIdentifier(model.senderCommunicationIdentifier);
  if (model.deletedOn !== undefined) message.deletedOn = new Date(model.deletedOn);
  if (model.editedOn !== undefined) message.editedOn = new Date(model.editedOn);
  if (model.metadata !== undefined) message.metadata = model.metadata;
  return message;
}

function toMessageContent(model: NonNullable<ChatMessageModel['content']>): ChatMessageContent {
  const content: ChatMessageContent = {};
  if (model.message !== undefined) content.message = model.message;
  if (model.topic !== undefined) content.topic = model.topic;
  if (model.participants) content.participants = model.participants.map(toChatParticipant);
  if (model.initiatorCommunicationIdentifier) content.initiator = toIdentifier(model.initiatorCommunicationIdentifier);
  return content;
}

export function toReadReceipt(model: ChatReadReceiptModel): ChatMessageReadReceipt {
  return {
    sender: toIdentifier(model.senderCommunicationIdentifier),
    chatMessageId: model.chatMessageId,
    readOn: new Date(model.readOn),
  };
}

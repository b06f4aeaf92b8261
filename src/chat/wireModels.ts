import type { SerializedCommunicationIdentifier } from '../common/identifierModels.js';

/**
 * Wire shapes of the ACS chat REST API (api-version 2025-03-15), as the official SDK's mappers define
 * them. The service writes them and the client reads them: one definition for both sides.
 */
export type ChatMessageType = 'text' | 'html' | 'topicUpdated' | 'participantAdded' | 'participantRemoved';

export type RetentionPolicyModel = { kind: 'none' } | { kind: 'threadCreationDate'; deleteThreadAfterDays: number };

export interface ChatParticipantModel {
  communicationIdentifier: SerializedCommunicationIdentifier;
  displayName?: string;
  shareHistoryTime?: string;
  metadata?: Record<string, string>;
}

export interface ChatMessageContentModel {
  message?: string;
  topic?: string;
  participants?: ChatParticipantModel[];
  initiatorCommunicationIdentifier?: SerializedCommunicationIdentifier;
}

export interface ChatMessageModel {
  id: string;
  type: ChatMessageType;
  sequenceId: string;
  version: string;
  content?: ChatMessageContentModel;
  senderDisplayName?: string;
  createdOn: string;
  senderCommunicationIdentifier?: SerializedCommunicationIdentifier;
  deletedOn?: string;
  editedOn?: string;
  metadata?: Record<string, string>;
}

export interface ChatThreadPropertiesModel {
  id: string;
  topic: string;
  createdOn: string;
  createdByCommunicationIdentifier?: SerializedCommunicationIdentifier;
  deletedOn?: string;
  metadata?: Record<string, string>;
  retentionPolicy?: RetentionPolicyModel;
}

export interface ChatThreadItemModel {
  id: string;
  topic: string;
  deletedOn?: string;
  lastMessageReceivedOn?: string;
}

export interface ChatReadReceiptModel {
  senderCommunicationIdentifier: SerializedCommunicationIdentifier;
  chatMessageId: string;
  readOn: string;
}

/** One participant or item a request could not take, and why. */
export interface ChatErrorModel {
  code: string;
  message: string;
  target?: string;
}

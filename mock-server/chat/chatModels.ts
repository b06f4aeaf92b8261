import type { SerializedCommunicationIdentifier } from '../../src/common/identifiers.js';
import { serializeCommunicationIdentifier, createIdentifierFromRawId } from '../../src/common/identifiers.js';

/** Wire shapes of the ACS chat REST API (api-version 2025-03-15), as the official SDK maps them. */
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

export type ChatMessageType = 'text' | 'html' | 'topicUpdated' | 'participantAdded' | 'participantRemoved';

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
  createdByCommunicationIdentifier: SerializedCommunicationIdentifier;
  metadata?: Record<string, string>;
  retentionPolicy?: RetentionPolicyModel;
}

export type RetentionPolicyModel = { kind: 'none' } | { kind: 'threadCreationDate'; deleteThreadAfterDays: number };

export interface ChatErrorModel {
  code: string;
  message: string;
  target?: string;
}

export function wireIdentifier(rawId: string): SerializedCommunicationIdentifier {
  return serializeCommunicationIdentifier(createIdentifierFromRawId(rawId));
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

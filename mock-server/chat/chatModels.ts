import type { SerializedCommunicationIdentifier } from '../../src/common/identifierModels.js';
import { createIdentifierFromRawId } from '../../src/common/identifiers.js';
import { serializeCommunicationIdentifier } from '../../src/common/identifierModels.js';

export type {
  ChatErrorModel,
  ChatMessageContentModel,
  ChatMessageModel,
  ChatMessageType,
  ChatParticipantModel,
  ChatReadReceiptModel,
  ChatThreadPropertiesModel,
  RetentionPolicyModel,
} from '../../src/chat/wireModels.js';

export function wireIdentifier(rawId: string): SerializedCommunicationIdentifier {
  return serializeCommunicationIdentifier(createIdentifierFromRawId(rawId));
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

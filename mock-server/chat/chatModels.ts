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

/** The wire model of the identifier a raw id names. */
export { wireIdentifierOf as wireIdentifier } from '../../src/common/identifierModels.js';

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

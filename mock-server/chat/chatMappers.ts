import {
  type ChatMessageModel,
  type ChatParticipantModel,
  type ChatReadReceiptModel,
  type ChatThreadPropertiesModel,
  type RetentionPolicyModel,
  iso,
  wireIdentifier,
} from './chatModels.js';
import { type MessageRow, type ParticipantRow, type ReadReceiptRow, type ThreadRow, readJson } from './chatStore.js';

/** Chat's rows as the wire shows them (src/chat/wireModels.ts): ids serialised, times ISO, JSON parsed. */

/** Sets `metadata` on a model when the row has any (and, for a message, is not deleted). */
function withMetadata<T extends { metadata?: Record<string, string> }>(model: T, metadata: string | null): T {
  const parsed = readJson<Record<string, string>>(metadata);
  if (parsed) model.metadata = parsed;
  return model;
}

export function participantModel(row: ParticipantRow): ChatParticipantModel {
  const model: ChatParticipantModel = { communicationIdentifier: wireIdentifier(row.raw_id) };
  if (row.display_name !== null) model.displayName = row.display_name;
  if (row.share_history_time > 0) model.shareHistoryTime = iso(row.share_history_time);
  return withMetadata(model, row.metadata);
}

export function threadModel(row: ThreadRow): ChatThreadPropertiesModel {
  const model = withMetadata<ChatThreadPropertiesModel>(
    {
      id: row.id,
      topic: row.topic,
      createdOn: iso(row.created_on),
      createdByCommunicationIdentifier: wireIdentifier(row.created_by),
    },
    row.metadata,
  );
  const retention = readJson<RetentionPolicyModel>(row.retention_policy);
  if (retention) model.retentionPolicy = retention;
  return model;
}

/** A thread as the caller's thread list shows it. */
export function threadItemModel(row: ThreadRow): { id: string; topic: string; lastMessageReceivedOn: string } {
  return { id: row.id, topic: row.topic, lastMessageReceivedOn: iso(row.last_message_on) };
}

/** A deleted message keeps its place and dates, but shows neither content nor metadata. */
export function messageModel(row: MessageRow): ChatMessageModel {
  const model: ChatMessageModel = {
    id: row.id,
    type: row.type,
    sequenceId: String(row.sequence_id),
    version: row.version,
    createdOn: iso(row.created_on),
  };
  const content = readJson<ChatMessageModel['content']>(row.content);
  if (content && row.deleted_on === null) model.content = content;
  if (row.sender !== null) model.senderCommunicationIdentifier = wireIdentifier(row.sender);
  if (row.sender_display_name !== null) model.senderDisplayName = row.sender_display_name;
  if (row.edited_on !== null) model.editedOn = iso(row.edited_on);
  if (row.deleted_on !== null) model.deletedOn = iso(row.deleted_on);
  return row.deleted_on === null ? withMetadata(model, row.metadata) : model;
}

export function readReceiptModel(row: ReadReceiptRow): ChatReadReceiptModel {
  return { senderCommunicationIdentifier: wireIdentifier(row.raw_id), chatMessageId: row.message_id, readOn: iso(row.read_on) };
}

import type {
  ChatMessageDeletedModel,
  ChatMessageEditedModel,
  ChatMessageReceivedModel,
  ChatThreadCreatedModel,
} from '../../src/chat/chatProtocol.js';
import { type ChatMessageType, type ChatParticipantModel, iso, wireIdentifier } from './chatModels.js';
import { type MessageRow, type ThreadRow, readJson } from './chatStore.js';

/**
 * The payloads of chat's real-time events about threads and messages, and the redacted forms their
 * stored copies take when what they carry is deleted. Message events are the same for every
 * recipient but for the `recipient` field, which the hub adds to each copy (publishAddressed).
 */

/** An event's payload without its per-recipient field. */
type Shared<T> = Omit<T, 'recipient'>;

export function threadCreatedEvent(
  row: ThreadRow,
  participants: ChatParticipantModel[],
  createdBy: ChatParticipantModel,
): ChatThreadCreatedModel {
  return {
    threadId: row.id,
    version: String(row.created_on),
    createdOn: iso(row.created_on),
    properties: { topic: row.topic, metadata: readJson(row.metadata) ?? {} },
    participants,
    createdBy,
    retentionPolicy: readJson(row.retention_policy),
  };
}

/** What every event about a message says of it, whoever's copy it is. */
interface MessageFacts {
  threadId: string;
  id: string;
  sequenceId: number;
  type: ChatMessageType;
  createdOn: number;
  sender: string;
  senderDisplayName: string | null | undefined;
}

/** The fields common to the message events, with the change's date (`editedOn`, `deletedOn`) in its place. */
function messageEvent<Change extends object>(message: MessageFacts, version: string, change: Change) {
  return {
    threadId: message.threadId,
    id: message.id,
    sequenceId: String(message.sequenceId),
    type: message.type,
    version,
    createdOn: iso(message.createdOn),
    ...change,
    sender: wireIdentifier(message.sender),
    senderDisplayName: message.senderDisplayName ?? '',
  };
}

/** A stored sender's message (system messages have no events of their own). */
function storedMessage(row: MessageRow): MessageFacts {
  return {
    threadId: row.thread_id,
    id: row.id,
    sequenceId: row.sequence_id,
    type: row.type,
    createdOn: row.created_on,
    sender: row.sender!,
    senderDisplayName: row.sender_display_name,
  };
}

/** A message just sent: its version is its id. */
export function messageReceivedEvent(
  message: MessageFacts & { content: string; metadata: Record<string, string> | undefined },
): Shared<ChatMessageReceivedModel> {
  return { ...messageEvent(message, message.id, {}), message: message.content, metadata: message.metadata ?? {} };
}

/** A sender's message as it is after an edit (`row` is the message before it). */
export function messageEditedEvent(
  row: MessageRow,
  edit: { version: string; editedOn: number; content: string; metadata: Record<string, string> | undefined },
): Shared<ChatMessageEditedModel> {
  const fields = messageEvent(storedMessage(row), edit.version, { editedOn: iso(edit.editedOn) });
  return { ...fields, message: edit.content, metadata: edit.metadata ?? {} };
}

/** A sender's message deleted (`row` is the message before it). */
export function messageDeletedEvent(row: MessageRow, deletion: { version: string; deletedOn: number }): Shared<ChatMessageDeletedModel> {
  return messageEvent(storedMessage(row), deletion.version, { deletedOn: iso(deletion.deletedOn) });
}

/** A stored event of a deleted message, without its text or metadata. */
export function redactMessageEvent(name: string, data: Record<string, unknown>): Record<string, unknown> | undefined {
  if (name !== 'chatMessageReceived' && name !== 'chatMessageEdited') return undefined;
  return { ...data, message: '', metadata: {} };
}

/** A stored event of a deleted thread, without what its participants wrote (messages, topic, metadata). */
export function redactThreadEvent(name: string, data: Record<string, unknown>): Record<string, unknown> | undefined {
  if (name === 'chatThreadCreated' || name === 'chatThreadPropertiesUpdated') {
    return { ...data, properties: { topic: '', metadata: {} } };
  }
  return redactMessageEvent(name, data);
}

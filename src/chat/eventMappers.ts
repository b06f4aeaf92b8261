/**
 * Maps the chat events the real-time channel carries (wire data: identifier models, ISO date
 * strings) to the payloads the chat client emits.
 */
import type { ChatEventName, ChatEvents, ChatMessageEventModel } from './chatProtocol.js';
import type { ChatClientEvents, SignalingChatParticipant } from './events.js';
import { toIdentifier } from './mappers.js';
import type { ChatRetentionPolicy } from './models.js';
import type { ChatParticipantModel, RetentionPolicyModel } from './wireModels.js';

function participant(model: ChatParticipantModel): SignalingChatParticipant {
  const mapped: SignalingChatParticipant = {
    id: toIdentifier(model.communicationIdentifier),
    displayName: model.displayName ?? '',
    metadata: model.metadata ?? {},
  };
  if (model.shareHistoryTime !== undefined) mapped.shareHistoryTime = new Date(model.shareHistoryTime);
  return mapped;
}

// The mappers of the events every member gets for every message build their payloads as plain
// literals: spreading one object into another costs V8 about ten times as much, for each receiver.

function messageBase(model: ChatMessageEventModel) {
  return {
    threadId: model.threadId,
    sender: toIdentifier(model.sender),
    senderDisplayName: model.senderDisplayName,
    recipient: toIdentifier(model.recipient),
    id: model.id,
    sequenceId: model.sequenceId,
    createdOn: new Date(model.createdOn),
    version: model.version,
    type: model.type,
  };
}

/** The message fields and the ones of one event, without a spread. */
function messageEvent<Extra extends object>(model: ChatMessageEventModel, extra: Extra): ReturnType<typeof messageBase> & Extra {
  return Object.assign(messageBase(model), extra);
}

function withRetention<T extends object>(
  event: T,
  model: { retentionPolicy?: RetentionPolicyModel },
): T & { retentionPolicy?: ChatRetentionPolicy } {
  return model.retentionPolicy ? { ...event, retentionPolicy: model.retentionPolicy } : event;
}

/**
 * One mapper per chat event of the wire contract: the mapped type makes a missing event, or a
 * wire field read that the service does not send, a compile error.
 */
const mappers: { [K in ChatEventName]: (model: ChatEvents[K]) => ChatClientEvents[K] } = {
  chatMessageReceived: (model) => messageEvent(model, { message: model.message, metadata: model.metadata }),
  chatMessageEdited: (model) =>
    messageEvent(model, { message: model.message, metadata: model.metadata, editedOn: new Date(model.editedOn) }),
  chatMessageDeleted: (model) => messageEvent(model, { deletedOn: new Date(model.deletedOn) }),
  typingIndicatorReceived: (model) => ({
    threadId: model.threadId,
    sender: toIdentifier(model.sender),
    senderDisplayName: model.senderDisplayName,
    recipient: toIdentifier(model.recipient),
    version: model.version,
    receivedOn: new Date(model.receivedOn),
  }),
  readReceiptReceived: (model) => ({
    threadId: model.threadId,
    sender: toIdentifier(model.sender),
    senderDisplayName: model.senderDisplayName,
    recipient: toIdentifier(model.recipient),
    chatMessageId: model.chatMessageId,
    readOn: new Date(model.readOn),
  }),
  chatThreadCreated: (model) =>
    withRetention(
      {
        threadId: model.threadId,
        version: model.version,
        createdOn: new Date(model.createdOn),
        properties: { ...model.properties },
        participants: model.participants.map(participant),
        createdBy: participant(model.createdBy),
      },
      model,
    ),
  chatThreadPropertiesUpdated: (model) =>
    withRetention(
      {
        threadId: model.threadId,
        version: model.version,
        properties: { ...model.properties },
        updatedOn: new Date(model.updatedOn),
        updatedBy: participant(model.updatedBy),
      },
      model,
    ),
  chatThreadDeleted: (model) => ({
    threadId: model.threadId,
    version: model.version,
    deletedOn: new Date(model.deletedOn),
    deletedBy: participant(model.deletedBy),
    reason: model.reason,
  }),
  participantsAdded: (model) => ({
    threadId: model.threadId,
    version: model.version,
    addedOn: new Date(model.addedOn),
    participantsAdded: model.participantsAdded.map(participant),
    addedBy: participant(model.addedBy),
  }),
  participantsRemoved: (model) => ({
    threadId: model.threadId,
    version: model.version,
    removedOn: new Date(model.removedOn),
    participantsRemoved: model.participantsRemoved.map(participant),
    removedBy: participant(model.removedBy),
  }),
};

/** The chat events the real-time channel carries, by name. */
export const CHAT_EVENT_NAMES = Object.keys(mappers) as ChatSignalingEventName[];

/** The client events that come from the channel: exactly the wire contract's chat events. */
export type ChatSignalingEventName = ChatEventName;

/** Maps one event's wire data to its payload. Throws `TypeError` on data that is no such event. */
export function toChatEvent<K extends ChatSignalingEventName>(name: K, data: ChatEvents[K]): ChatClientEvents[K] {
  const map = mappers[name] as ((data: ChatEvents[K]) => ChatClientEvents[K]) | undefined;
  if (!map) throw new TypeError(`${name} is not a chat event.`);
  if (typeof data !== 'object' || data === null) throw new TypeError(`The ${name} event carries no data.`);
  return map(data);
}

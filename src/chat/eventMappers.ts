/**
 * Maps the chat events the real-time channel carries (wire data: identifier models, ISO date
 * strings) to the payloads the chat client emits.
 */
import type { SerializedCommunicationIdentifier } from '../common/identifiers.js';
import type {
  ChatClientEvents,
  ChatMessageDeletedEvent,
  ChatMessageEditedEvent,
  ChatMessageReceivedEvent,
  ChatThreadCreatedEvent,
  ChatThreadDeletedEvent,
  ChatThreadPropertiesUpdatedEvent,
  ParticipantsAddedEvent,
  ParticipantsRemovedEvent,
  ReadReceiptReceivedEvent,
  SignalingChatParticipant,
  SignalingChatThreadProperties,
  TypingIndicatorReceivedEvent,
} from './events.js';
import { type ChatParticipantModel, toIdentifier } from './mappers.js';
import type { ChatRetentionPolicy } from './models.js';

type Identifier = SerializedCommunicationIdentifier;

interface ChatEventModel {
  threadId: string;
  sender: Identifier;
  senderDisplayName?: string;
  recipient: Identifier;
}

interface MessageEventModel extends ChatEventModel {
  id: string;
  createdOn: string;
  version: string;
  type: string;
  message?: string;
  metadata?: Record<string, string>;
  editedOn?: string;
  deletedOn?: string;
}

interface ThreadEventModel {
  threadId: string;
  version: string;
  properties?: Partial<SignalingChatThreadProperties>;
  retentionPolicy?: ChatRetentionPolicy | null;
}

function participant(model: ChatParticipantModel): SignalingChatParticipant {
  const mapped: SignalingChatParticipant = {
    id: toIdentifier(model.communicationIdentifier),
    displayName: model.displayName ?? '',
    metadata: model.metadata ?? {},
  };
  if (model.shareHistoryTime !== undefined) mapped.shareHistoryTime = new Date(model.shareHistoryTime);
  return mapped;
}

function base(model: ChatEventModel) {
  return {
    threadId: model.threadId,
    sender: toIdentifier(model.sender),
    senderDisplayName: model.senderDisplayName ?? '',
    recipient: toIdentifier(model.recipient),
  };
}

function messageBase(model: MessageEventModel) {
  return { ...base(model), id: model.id, createdOn: new Date(model.createdOn), version: model.version, type: model.type };
}

function properties(model: ThreadEventModel): SignalingChatThreadProperties {
  return { topic: model.properties?.topic ?? '', metadata: model.properties?.metadata ?? {} };
}

function withRetention<T extends object>(event: T, model: ThreadEventModel): T & { retentionPolicy?: ChatRetentionPolicy } {
  return model.retentionPolicy ? { ...event, retentionPolicy: model.retentionPolicy } : event;
}

const mappers: { [K in keyof ChatClientEvents]?: (data: never) => ChatClientEvents[K] } = {
  chatMessageReceived: (model: MessageEventModel): ChatMessageReceivedEvent => ({
    ...messageBase(model),
    message: model.message ?? '',
    metadata: model.metadata ?? {},
  }),
  chatMessageEdited: (model: MessageEventModel): ChatMessageEditedEvent => ({
    ...messageBase(model),
    message: model.message ?? '',
    metadata: model.metadata ?? {},
    editedOn: new Date(model.editedOn ?? model.createdOn),
  }),
  chatMessageDeleted: (model: MessageEventModel): ChatMessageDeletedEvent => ({
    ...messageBase(model),
    deletedOn: new Date(model.deletedOn ?? model.createdOn),
  }),
  typingIndicatorReceived: (model: ChatEventModel & { version: string; receivedOn: string }): TypingIndicatorReceivedEvent => ({
    ...base(model),
    version: model.version,
    receivedOn: new Date(model.receivedOn),
  }),
  readReceiptReceived: (model: ChatEventModel & { chatMessageId: string; readOn: string }): ReadReceiptReceivedEvent => ({
    ...base(model),
    chatMessageId: model.chatMessageId,
    readOn: new Date(model.readOn),
  }),
  chatThreadCreated: (
    model: ThreadEventModel & { createdOn: string; participants?: ChatParticipantModel[]; createdBy: ChatParticipantModel },
  ): ChatThreadCreatedEvent =>
    withRetention(
      {
        threadId: model.threadId,
        version: model.version,
        createdOn: new Date(model.createdOn),
        properties: properties(model),
        participants: (model.participants ?? []).map(participant),
        createdBy: participant(model.createdBy),
      },
      model,
    ),
  chatThreadPropertiesUpdated: (
    model: ThreadEventModel & { updatedOn: string; updatedBy: ChatParticipantModel },
  ): ChatThreadPropertiesUpdatedEvent =>
    withRetention(
      {
        threadId: model.threadId,
        version: model.version,
        properties: properties(model),
        updatedOn: new Date(model.updatedOn),
        updatedBy: participant(model.updatedBy),
      },
      model,
    ),
  chatThreadDeleted: (
    model: ThreadEventModel & { deletedOn: string; deletedBy: ChatParticipantModel; reason?: string },
  ): ChatThreadDeletedEvent => ({
    threadId: model.threadId,
    version: model.version,
    deletedOn: new Date(model.deletedOn),
    deletedBy: participant(model.deletedBy),
    reason: model.reason ?? '',
  }),
  participantsAdded: (
    model: ThreadEventModel & { addedOn: string; participantsAdded?: ChatParticipantModel[]; addedBy: ChatParticipantModel },
  ): ParticipantsAddedEvent => ({
    threadId: model.threadId,
    version: model.version,
    addedOn: new Date(model.addedOn),
    participantsAdded: (model.participantsAdded ?? []).map(participant),
    addedBy: participant(model.addedBy),
  }),
  participantsRemoved: (
    model: ThreadEventModel & { removedOn: string; participantsRemoved?: ChatParticipantModel[]; removedBy: ChatParticipantModel },
  ): ParticipantsRemovedEvent => ({
    threadId: model.threadId,
    version: model.version,
    removedOn: new Date(model.removedOn),
    participantsRemoved: (model.participantsRemoved ?? []).map(participant),
    removedBy: participant(model.removedBy),
  }),
};

/** The chat events the real-time channel carries, by name. */
export const CHAT_EVENT_NAMES = Object.keys(mappers) as ChatSignalingEventName[];

export type ChatSignalingEventName = Exclude<
  keyof ChatClientEvents,
  'realTimeNotificationConnected' | 'realTimeNotificationDisconnected'
>;

/** Maps one event's wire data to its payload. Throws `TypeError` on data that is no such event. */
export function toChatEvent<K extends ChatSignalingEventName>(name: K, data: unknown): ChatClientEvents[K] {
  const map = mappers[name] as ((data: unknown) => ChatClientEvents[K]) | undefined;
  if (!map) throw new TypeError(`${name} is not a chat event.`);
  if (typeof data !== 'object' || data === null) throw new TypeError(`The ${name} event carries no data.`);
  return map(data);
}

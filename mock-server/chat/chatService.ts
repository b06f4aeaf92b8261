import { randomUUID } from 'node:crypto';
import { CHAT_LIMITS } from '../../src/chat/chatProtocol.js';
import { ServiceError } from '../http/errors.js';
import type { IdentityStore } from '../identity/identityStore.js';
import type { RealtimeHub } from '../realtime/realtimeHub.js';
import type { Db } from '../storage/database.js';
import { type Page, offsetPage } from '../storage/paging.js';
import { messageModel, participantModel, readReceiptModel, threadItemModel, threadModel } from './chatMappers.js';
import {
  type ChatErrorModel,
  type ChatMessageModel,
  type ChatParticipantModel,
  type ChatReadReceiptModel,
  type ChatThreadPropertiesModel,
  type RetentionPolicyModel,
  iso,
  wireIdentifier,
} from './chatModels.js';
import {
  messageDeletedEvent,
  messageEditedEvent,
  messageReceivedEvent,
  redactMessageEvent,
  redactThreadEvent,
  threadCreatedEvent,
} from './chatEvents.js';
import { ChatStore, type MessageRow, type ParticipantInput, type ParticipantRow, type ThreadRow, readJson } from './chatStore.js';

/** The limits are the wire contract's (src/chat/chatProtocol.ts), shared with the client. */
export { CHAT_LIMITS };
export type { Page, ParticipantInput };

/**
 * Chat: threads, participants, messages, read receipts and typing, with the events each change
 * announces. Every change and its events commit in one transaction (through the real-time hub).
 * Authorisation by membership is enforced here, so no route can forget it; the rows themselves are
 * the ChatStore's.
 */
export class ChatService {
  readonly #hub: RealtimeHub;
  readonly #identities: IdentityStore;
  readonly #store: ChatStore;

  constructor(db: Db, hub: RealtimeHub, identities: IdentityStore) {
    this.#hub = hub;
    this.#identities = identities;
    this.#store = new ChatStore(db);
    identities.onUserDeleted('chat', (userId) => this.#store.deleteUserData(userId));
  }

  /** Whether a user is a participant of a thread (for per-thread throttling). */
  isParticipant(threadId: string, rawId: string): boolean {
    return this.#store.participant(threadId, rawId) !== undefined;
  }

  // ---- threads -------------------------------------------------------------------------------

  createThread(
    callerId: string,
    request: { topic: string; participants: ParticipantInput[]; metadata?: Record<string, string>; retentionPolicy?: RetentionPolicyModel },
    idempotencyToken: string | undefined,
  ): { thread: ChatThreadPropertiesModel; invalidParticipants: ChatErrorModel[] } {
    if (request.participants.length + 1 > CHAT_LIMITS.participantsPerThread) {
      throw tooManyParticipants();
    }
    return this.#hub.atomically(() => {
      if (idempotencyToken) {
        const existingId = this.#store.idempotentThreadId(callerId, idempotencyToken);
        const existing = existingId === undefined ? undefined : this.#store.thread(existingId);
        if (existing) return { thread: threadModel(existing), invalidParticipants: [] };
      }
      const now = Date.now();
      const id = `19:${randomUUID().replace(/-/g, '')}@thread.v2`;
      const { topic, metadata, retentionPolicy } = request;
      this.#store.insertThread({ id, topic, createdBy: callerId, metadata, retentionPolicy, now });
      if (idempotencyToken) this.#store.rememberIdempotentThread(callerId, idempotencyToken, id);
      const { valid, invalid } = this.#partitionParticipants(request.participants);
      if (!valid.some((p) => p.rawId === callerId)) valid.unshift({ rawId: callerId });
      for (const participant of valid) this.#store.insertParticipant(id, participant, now);
      const row = this.#store.thread(id)!;
      const participants = this.#store.participants(id);
      const models = participants.map(participantModel);
      const creator = models.find((p) => p.communicationIdentifier.rawId === callerId)!;
      this.#insertSystemMessage(id, 'participantAdded', { participants: models, initiator: callerId }, now);
      this.#hub.publish(
        participants.map((p) => p.raw_id),
        'chatThreadCreated',
        threadCreatedEvent(row, models, creator),
      );
      return { thread: threadModel(row), invalidParticipants: invalid };
    });
  }

  listThreads(
    callerId: string,
    options: { maxPageSize: number; startTime: number; skip: number },
  ): Page<{
    id: string;
    topic: string;
    lastMessageReceivedOn: string;
  }> {
    const rows = this.#store.threadsOf(callerId, { startTime: options.startTime, limit: options.maxPageSize + 1, offset: options.skip });
    return offsetPage(rows.map(threadItemModel), options);
  }

  getThread(callerId: string, threadId: string): ChatThreadPropertiesModel {
    const row = this.#requireMember(callerId, threadId).thread;
    return threadModel(row);
  }

  updateThread(
    callerId: string,
    threadId: string,
    patch: { topic?: string; metadata?: Record<string, string>; retentionPolicy?: RetentionPolicyModel | null },
  ): void {
    this.#hub.atomically(() => {
      const { thread, participant } = this.#requireMember(callerId, threadId);
      const now = Date.now();
      const topic = patch.topic ?? thread.topic;
      const metadata = patch.metadata === undefined ? readJson<Record<string, string>>(thread.metadata) : patch.metadata;
      // `null` removes the policy; ACS then reports `{ kind: 'none' }`, so that is what is stored.
      const retention: RetentionPolicyModel | undefined =
        patch.retentionPolicy === undefined
          ? readJson<RetentionPolicyModel>(thread.retention_policy)
          : (patch.retentionPolicy ?? { kind: 'none' });
      this.#store.updateThread(threadId, { topic, metadata, retentionPolicy: retention, now });
      if (patch.topic !== undefined && patch.topic !== thread.topic) {
        this.#insertSystemMessage(threadId, 'topicUpdated', { topic, initiator: callerId }, now);
      }
      this.#hub.publish(this.#store.participantIds(threadId), 'chatThreadPropertiesUpdated', {
        threadId,
        version: String(now),
        properties: { topic, metadata: metadata ?? {} },
        updatedOn: iso(now),
        updatedBy: participantModel(participant),
        retentionPolicy: retention,
      });
    });
  }

  deleteThread(callerId: string, threadId: string): void {
    this.#hub.atomically(() => {
      const { participant } = this.#requireMember(callerId, threadId);
      const members = this.#store.participantIds(threadId);
      const now = Date.now();
      this.#store.deleteThread(threadId);
      // The thread's messages, topic and metadata go with it from every stored event as well.
      this.#hub.rewriteEvents(threadId, undefined, redactThreadEvent);
      this.#hub.publish(members, 'chatThreadDeleted', {
        threadId,
        version: String(now),
        deletedOn: iso(now),
        deletedBy: participantModel(participant),
        reason: 'deleted',
      });
    });
  }

  // ---- messages ------------------------------------------------------------------------------

  sendMessage(
    callerId: string,
    threadId: string,
    request: { content: string; senderDisplayName?: string; type: 'text' | 'html'; metadata?: Record<string, string> },
  ): { id: string } {
    // An application speaks under its own name unless it gives another.
    const applicationName = this.#identities.getApplication(callerId)?.displayName;
    if (request.senderDisplayName === undefined && applicationName !== undefined) {
      request = { ...request, senderDisplayName: applicationName };
    }
    return this.#hub.atomically(() => {
      this.#requireMember(callerId, threadId);
      const now = Date.now();
      const id = this.#store.nextMessageId(now);
      const sequenceId = this.#store.insertMessage({
        threadId,
        id,
        type: request.type,
        content: { message: request.content },
        sender: callerId,
        senderDisplayName: request.senderDisplayName ?? null,
        createdOn: now,
        metadata: request.metadata,
      });
      this.#store.touchThread(threadId, now);
      const { type, senderDisplayName, content, metadata } = request;
      const message = { threadId, id, sequenceId, type, createdOn: now, sender: callerId, senderDisplayName, content, metadata };
      this.#hub.publishAddressed(this.#store.participantIds(threadId), 'chatMessageReceived', messageReceivedEvent(message));
      return { id };
    });
  }

  /**
   * {@link sendMessage}, committed together with the other writes of the same turn of the event
   * loop (one transaction for a burst): resolves once it is durable.
   */
  sendMessageBatched(callerId: string, threadId: string, request: Parameters<ChatService['sendMessage']>[2]): Promise<{ id: string }> {
    return this.#hub.batched(() => this.sendMessage(callerId, threadId, request));
  }

  getMessage(callerId: string, threadId: string, messageId: string): ChatMessageModel {
    const { participant } = this.#requireMember(callerId, threadId);
    return messageModel(this.#visibleMessage(participant, threadId, messageId));
  }

  listMessages(
    callerId: string,
    threadId: string,
    options: { maxPageSize: number; startTime: number; continuation?: string },
  ): Page<ChatMessageModel> {
    const { participant } = this.#requireMember(callerId, threadId);
    const below = options.continuation === undefined ? Number.MAX_SAFE_INTEGER : Number(options.continuation);
    const rows = this.#store.messagesPage(threadId, {
      below,
      visibleFrom: participant.share_history_time,
      changedSince: options.startTime,
      limit: options.maxPageSize + 1,
    });
    const value = rows.slice(0, options.maxPageSize).map(messageModel);
    const last = rows[options.maxPageSize - 1];
    return rows.length > options.maxPageSize && last ? { value, continuation: String(last.sequence_id) } : { value };
  }

  updateMessage(
    callerId: string,
    threadId: string,
    messageId: string,
    patch: { content?: string; metadata?: Record<string, string> },
  ): void {
    this.#hub.atomically(() => {
      const row = this.#ownMessage(callerId, threadId, messageId, 'edit');
      const now = Date.now();
      const version = this.#store.nextMessageId(now);
      const content = patch.content ?? readJson<{ message: string }>(row.content)?.message ?? '';
      const metadata = patch.metadata ?? readJson<Record<string, string>>(row.metadata);
      this.#store.editMessage(threadId, messageId, { content: { message: content }, metadata, now, version });
      // An edit replaces the text: like GET (and the ACS service), a replay shows only the current
      // content. The earlier received/edited events of this message keep their seq, version and
      // dates but now carry the current text and metadata, so the old text is stored nowhere.
      this.#hub.rewriteEvents(threadId, messageId, (name, data) =>
        name === 'chatMessageDeleted' ? undefined : { ...data, message: content, metadata: metadata ?? {} },
      );
      const edit = { version, editedOn: now, content, metadata };
      this.#hub.publishAddressed(this.#memberIdsSeeing(threadId, row), 'chatMessageEdited', messageEditedEvent(row, edit));
    });
  }

  deleteMessage(callerId: string, threadId: string, messageId: string): void {
    this.#hub.atomically(() => {
      const row = this.#ownMessage(callerId, threadId, messageId, 'delete');
      if (row.deleted_on !== null) return; // Deleting twice changes nothing and announces nothing.
      const now = Date.now();
      const version = this.#store.nextMessageId(now);
      this.#store.softDeleteMessage(threadId, messageId, now, version);
      // A deleted message has no content anywhere: its earlier events stay (seq, id, dates) with an
      // empty text and no metadata, as an ACS client sees a deleted message (content absent).
      this.#hub.rewriteEvents(threadId, messageId, redactMessageEvent);
      const deletion = { version, deletedOn: now };
      this.#hub.publishAddressed(this.#memberIdsSeeing(threadId, row), 'chatMessageDeleted', messageDeletedEvent(row, deletion));
    });
  }

  // ---- participants --------------------------------------------------------------------------

  listParticipants(callerId: string, threadId: string, options: { maxPageSize: number; skip: number }): Page<ChatParticipantModel> {
    this.#requireMember(callerId, threadId);
    const all = this.#store.participants(threadId);
    const value = all.slice(options.skip, options.skip + options.maxPageSize).map(participantModel);
    const next = options.skip + options.maxPageSize;
    return next < all.length ? { value, continuation: String(next) } : { value };
  }

  addParticipants(callerId: string, threadId: string, inputs: ParticipantInput[]): { invalidParticipants: ChatErrorModel[] } {
    return this.#hub.atomically(() => {
      const { participant: caller } = this.#requireMember(callerId, threadId);
      const { valid, invalid } = this.#partitionParticipants(inputs);
      // As ACS: "If participants already exist, no change occurs." Re-adding a member must not let
      // anyone rename them, rewrite their metadata or move their history window (their own included).
      const existing = new Set(this.#store.participantIds(threadId));
      const newcomers = valid.filter((p) => !existing.has(p.rawId));
      if (existing.size + newcomers.length > CHAT_LIMITS.participantsPerThread) throw tooManyParticipants();
      if (newcomers.length === 0) return { invalidParticipants: invalid };
      const now = Date.now();
      for (const participant of newcomers) this.#store.insertParticipant(threadId, participant, now);
      const added = newcomers.map((p) => participantModel(this.#store.participant(threadId, p.rawId)!));
      this.#insertSystemMessage(threadId, 'participantAdded', { participants: added, initiator: callerId }, now);
      this.#store.touchThread(threadId, now);
      this.#hub.publish(this.#store.participantIds(threadId), 'participantsAdded', {
        threadId,
        version: String(now),
        addedOn: iso(now),
        participantsAdded: added,
        addedBy: participantModel(caller),
      });
      return { invalidParticipants: invalid };
    });
  }

  removeParticipant(callerId: string, threadId: string, rawId: string): void {
    this.#hub.atomically(() => {
      const { participant: caller } = this.#requireMember(callerId, threadId);
      const removed = this.#store.participant(threadId, rawId);
      if (!removed) return; // Already gone: removing is idempotent.
      const recipients = this.#store.participantIds(threadId);
      const now = Date.now();
      const model = participantModel(removed);
      this.#store.deleteParticipant(threadId, rawId);
      this.#insertSystemMessage(threadId, 'participantRemoved', { participants: [model], initiator: callerId }, now);
      this.#store.touchThread(threadId, now);
      this.#hub.publish(recipients, 'participantsRemoved', {
        threadId,
        version: String(now),
        removedOn: iso(now),
        participantsRemoved: [model],
        removedBy: participantModel(caller),
      });
    });
  }

  // ---- receipts and typing -------------------------------------------------------------------

  sendReadReceipt(callerId: string, threadId: string, messageId: string): void {
    this.#hub.atomically(() => {
      const { participant } = this.#requireMember(callerId, threadId);
      this.#visibleMessage(participant, threadId, messageId);
      const now = Date.now();
      this.#store.upsertReadReceipt(threadId, callerId, messageId, now);
      this.#hub.publishAddressed(this.#store.participantIds(threadId), 'readReceiptReceived', {
        threadId,
        sender: wireIdentifier(callerId),
        senderDisplayName: participant.display_name ?? '',
        chatMessageId: messageId,
        readOn: iso(now),
      });
    });
  }

  listReadReceipts(callerId: string, threadId: string, options: { maxPageSize: number; skip: number }): Page<ChatReadReceiptModel> {
    this.#requireMember(callerId, threadId);
    const rows = this.#store.readReceipts(threadId, { limit: options.maxPageSize + 1, offset: options.skip });
    return offsetPage(rows.map(readReceiptModel), options);
  }

  sendTypingNotification(callerId: string, threadId: string, senderDisplayName: string | undefined): void {
    const { participant } = this.#requireMember(callerId, threadId);
    const now = Date.now();
    this.#hub.sendEphemeral(this.#store.participantIds(threadId), 'typingIndicatorReceived', (recipient) => ({
      threadId,
      sender: wireIdentifier(callerId),
      senderDisplayName: senderDisplayName ?? participant.display_name ?? '',
      recipient: wireIdentifier(recipient),
      version: String(now),
      receivedOn: iso(now),
    }));
  }

  // ---- internals -----------------------------------------------------------------------------

  /** 404 for a thread that does not exist, 403 for one the caller is not in. */
  #requireMember(callerId: string, threadId: string): { thread: ThreadRow; participant: ParticipantRow } {
    const thread = this.#store.thread(threadId);
    if (!thread) throw ServiceError.notFound(`Thread ${threadId} does not exist.`, 'ThreadNotFound');
    const participant = this.#store.participant(threadId, callerId);
    if (!participant) throw ServiceError.forbidden('Only participants of the thread may do this.', 'NotAParticipant');
    return { thread, participant };
  }

  /** A message within the participant's shared history; 404 for any other, as if it did not exist. */
  #visibleMessage(participant: ParticipantRow, threadId: string, messageId: string): MessageRow {
    const row = this.#store.message(threadId, messageId);
    if (!row || row.created_on < participant.share_history_time) throw messageNotFound(messageId);
    return row;
  }

  #ownMessage(callerId: string, threadId: string, messageId: string, action: 'edit' | 'delete'): MessageRow {
    const { participant } = this.#requireMember(callerId, threadId);
    const row = this.#visibleMessage(participant, threadId, messageId);
    if (row.type !== 'text' && row.type !== 'html') {
      throw ServiceError.forbidden(`System messages cannot be ${action}ed.`, 'SystemMessage');
    }
    if (row.sender !== callerId) throw ServiceError.forbidden(`Only the sender may ${action} a message.`, 'NotTheSender');
    if (action === 'edit' && row.deleted_on !== null) throw messageNotFound(messageId);
    return row;
  }

  /** Members whose shared history includes this message: the others must not hear of its changes. */
  #memberIdsSeeing(threadId: string, message: MessageRow): string[] {
    return this.#store.participantIdsSharing(threadId, message.created_on);
  }

  /** Existing communication users are valid; anything else is reported, not added. */
  #partitionParticipants(inputs: ParticipantInput[]): { valid: ParticipantInput[]; invalid: ChatErrorModel[] } {
    const valid = new Map<string, ParticipantInput>();
    const invalid: ChatErrorModel[] = [];
    for (const input of inputs) {
      if (this.#identities.exists(input.rawId)) valid.set(input.rawId, input);
      else invalid.push({ code: 'ParticipantNotFound', message: `${input.rawId} is not a user of this service.`, target: input.rawId });
    }
    return { valid: [...valid.values()], invalid };
  }

  #insertSystemMessage(
    threadId: string,
    type: 'participantAdded' | 'participantRemoved' | 'topicUpdated',
    content: { participants?: ChatParticipantModel[]; topic?: string; initiator: string },
    now: number,
  ): void {
    const body = {
      ...(content.participants ? { participants: content.participants } : {}),
      ...(content.topic !== undefined ? { topic: content.topic } : {}),
      initiatorCommunicationIdentifier: wireIdentifier(content.initiator),
    };
    const id = this.#store.nextMessageId(now);
    this.#store.insertMessage({ threadId, id, type, content: body, sender: null, senderDisplayName: null, createdOn: now });
  }
}

function messageNotFound(messageId: string): ServiceError {
  return ServiceError.notFound(`Message ${messageId} does not exist.`, 'MessageNotFound');
}

function tooManyParticipants(): ServiceError {
  return ServiceError.validation(`A thread has at most ${CHAT_LIMITS.participantsPerThread} participants.`);
}

import { randomUUID } from 'node:crypto';
import { CHAT_LIMITS } from '../../src/chat/chatProtocol.js';
import { ServiceError } from '../http/errors.js';
import type { IdentityStore } from '../identity/identityStore.js';
import type { RealtimeHub } from '../realtime/realtimeHub.js';
import type { Db } from '../storage/database.js';
import {
  type ChatErrorModel,
  type ChatMessageModel,
  type ChatMessageType,
  type ChatParticipantModel,
  type ChatThreadPropertiesModel,
  type RetentionPolicyModel,
  iso,
  wireIdentifier,
} from './chatModels.js';

/** The limits are the wire contract's (src/chat/chatProtocol.ts), shared with the client. */
export { CHAT_LIMITS };

export interface ParticipantInput {
  rawId: string;
  displayName?: string;
  /** ms since the epoch; messages from this time on are visible. 0 shares the whole history. */
  shareHistoryTime?: number;
  metadata?: Record<string, string>;
}

export interface Page<T> {
  value: T[];
  /** Opaque continuation for the next page, absent on the last one. */
  continuation?: string;
}

interface ThreadRow {
  id: string;
  topic: string;
  created_on: number;
  created_by: string;
  metadata: string | null;
  retention_policy: string | null;
  last_message_on: number;
  updated_on: number;
  next_sequence_id: number;
}

interface ParticipantRow {
  thread_id: string;
  raw_id: string;
  display_name: string | null;
  share_history_time: number;
  metadata: string | null;
}

interface MessageRow {
  thread_id: string;
  id: string;
  sequence_id: number;
  type: ChatMessageType;
  content: string | null;
  sender: string | null;
  sender_display_name: string | null;
  created_on: number;
  edited_on: number | null;
  deleted_on: number | null;
  version: string;
  metadata: string | null;
}

const parseJson = <T>(text: string | null): T | undefined => (text === null ? undefined : (JSON.parse(text) as T));

/**
 * Chat: threads, participants, messages, read receipts and typing, with the events each change
 * announces. Every change and its events commit in one transaction (through the real-time hub).
 * Authorisation by membership is enforced here, so no route can forget it.
 */
export class ChatService {
  readonly #hub: RealtimeHub;
  readonly #identities: IdentityStore;
  #lastMessageId = 0;
  readonly #q;

  constructor(db: Db, hub: RealtimeHub, identities: IdentityStore) {
    this.#hub = hub;
    this.#identities = identities;
    this.#q = {
      thread: db.prepare('SELECT * FROM chat_threads WHERE id = ?'),
      insertThread: db.prepare(
        `INSERT INTO chat_threads (id, topic, created_on, created_by, metadata, retention_policy, last_message_on, updated_on)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      idempotent: db.prepare('SELECT thread_id FROM chat_thread_idempotency WHERE creator = ? AND token = ?'),
      insertIdempotency: db.prepare('INSERT INTO chat_thread_idempotency (creator, token, thread_id) VALUES (?, ?, ?)'),
      participant: db.prepare('SELECT * FROM chat_participants WHERE thread_id = ? AND raw_id = ?'),
      participants: db.prepare('SELECT * FROM chat_participants WHERE thread_id = ? ORDER BY joined_on, raw_id'),
      participantIds: db.prepare('SELECT raw_id FROM chat_participants WHERE thread_id = ?'),
      participantIdsSharing: db.prepare(
        'SELECT raw_id FROM chat_participants WHERE thread_id = ? AND share_history_time <= ?',
      ),
      participantCount: db.prepare('SELECT COUNT(*) AS n FROM chat_participants WHERE thread_id = ?'),
      // Never overwrites: a member's name, metadata and history window are theirs once added.
      insertParticipant: db.prepare(
        `INSERT INTO chat_participants (thread_id, raw_id, display_name, share_history_time, metadata, joined_on)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (thread_id, raw_id) DO NOTHING`,
      ),
      deleteParticipant: db.prepare('DELETE FROM chat_participants WHERE thread_id = ? AND raw_id = ?'),
      threadsOf: db.prepare(
        `SELECT t.* FROM chat_threads t JOIN chat_participants p ON p.thread_id = t.id
         WHERE p.raw_id = ? AND t.updated_on >= ?
         ORDER BY t.last_message_on DESC, t.id LIMIT ? OFFSET ?`,
      ),
      nextSequence: db.prepare(
        'UPDATE chat_threads SET next_sequence_id = next_sequence_id + 1 WHERE id = ? RETURNING next_sequence_id - 1 AS seq',
      ),
      touchThread: db.prepare('UPDATE chat_threads SET last_message_on = ?, updated_on = ? WHERE id = ?'),
      updateThread: db.prepare(
        'UPDATE chat_threads SET topic = ?, metadata = ?, retention_policy = ?, updated_on = ? WHERE id = ?',
      ),
      deleteThread: db.prepare('DELETE FROM chat_threads WHERE id = ?'),
      insertMessage: db.prepare(
        `INSERT INTO chat_messages (thread_id, id, sequence_id, type, content, sender, sender_display_name, created_on, version, metadata)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      message: db.prepare('SELECT * FROM chat_messages WHERE thread_id = ? AND id = ?'),
      messagesPage: db.prepare(
        `SELECT * FROM chat_messages
         WHERE thread_id = ? AND sequence_id < ? AND created_on >= ?
           AND (created_on >= ? OR edited_on >= ? OR deleted_on >= ?)
         ORDER BY sequence_id DESC LIMIT ?`,
      ),
      editMessage: db.prepare(
        'UPDATE chat_messages SET content = ?, metadata = ?, edited_on = ?, version = ? WHERE thread_id = ? AND id = ?',
      ),
      softDeleteMessage: db.prepare(
        'UPDATE chat_messages SET content = NULL, metadata = NULL, deleted_on = ?, version = ? WHERE thread_id = ? AND id = ?',
      ),
      upsertReceipt: db.prepare(
        `INSERT INTO chat_read_receipts (thread_id, raw_id, message_id, read_on) VALUES (?, ?, ?, ?)
         ON CONFLICT (thread_id, raw_id) DO UPDATE SET message_id = excluded.message_id, read_on = excluded.read_on`,
      ),
      receipts: db.prepare(
        'SELECT * FROM chat_read_receipts WHERE thread_id = ? ORDER BY read_on DESC, raw_id LIMIT ? OFFSET ?',
      ),
      deleteUserMessages: db.prepare('DELETE FROM chat_messages WHERE sender = ?'),
      deleteUserParticipation: db.prepare('DELETE FROM chat_participants WHERE raw_id = ?'),
      deleteUserReceipts: db.prepare('DELETE FROM chat_read_receipts WHERE raw_id = ?'),
    };
    // Message ids and versions are numbers kept increasing past the clock when many come in one
    // millisecond: a restart must go on after the newest one stored, or it would hand out an id
    // already taken (the clock may not have caught up yet).
    const newest = db.prepare('SELECT MAX(CAST(version AS INTEGER)) AS newest FROM chat_messages').get() as { newest: number | null };
    this.#lastMessageId = newest.newest ?? 0;
    identities.onUserDeleted('chat', (userId) => {
      this.#q.deleteUserMessages.run(userId);
      this.#q.deleteUserReceipts.run(userId);
      this.#q.deleteUserParticipation.run(userId);
    });
  }

  /** Whether a user is a participant of a thread (for per-thread throttling). */
  isParticipant(threadId: string, rawId: string): boolean {
    return this.#q.participant.get(threadId, rawId) !== undefined;
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
        const existing = this.#q.idempotent.get(callerId, idempotencyToken) as { thread_id: string } | undefined;
        if (existing) {
          const row = this.#threadRow(existing.thread_id);
          if (row) return { thread: threadModel(row), invalidParticipants: [] };
        }
      }
      const now = Date.now();
      const id = `19:${randomUUID().replace(/-/g, '')}@thread.v2`;
      this.#q.insertThread.run(
        id,
        request.topic,
        now,
        callerId,
        request.metadata ? JSON.stringify(request.metadata) : null,
        request.retentionPolicy ? JSON.stringify(request.retentionPolicy) : null,
        now,
        now,
      );
      if (idempotencyToken) this.#q.insertIdempotency.run(callerId, idempotencyToken, id);
      const { valid, invalid } = this.#partitionParticipants(request.participants);
      if (!valid.some((p) => p.rawId === callerId)) valid.unshift({ rawId: callerId });
      for (const participant of valid) this.#insertParticipant(id, participant, now);
      const row = this.#threadRow(id)!;
      const participants = this.#participantRows(id);
      const models = participants.map(participantModel);
      const creator = models.find((p) => p.communicationIdentifier.rawId === callerId)!;
      this.#insertSystemMessage(id, 'participantAdded', { participants: models, initiator: callerId }, now);
      this.#hub.publish(participantIds(participants), 'chatThreadCreated', () => ({
        threadId: id,
        version: String(now),
        createdOn: iso(now),
        properties: { topic: row.topic, metadata: parseJson(row.metadata) ?? {} },
        participants: models,
        createdBy: creator,
        retentionPolicy: parseJson(row.retention_policy),
      }));
      return { thread: threadModel(row), invalidParticipants: invalid };
    });
  }

  listThreads(callerId: string, options: { maxPageSize: number; startTime: number; skip: number }): Page<{
    id: string;
    topic: string;
    lastMessageReceivedOn: string;
  }> {
    const rows = this.#q.threadsOf.all(callerId, options.startTime, options.maxPageSize + 1, options.skip) as ThreadRow[];
    const value = rows.slice(0, options.maxPageSize).map((row) => ({
      id: row.id,
      topic: row.topic,
      lastMessageReceivedOn: iso(row.last_message_on),
    }));
    return rows.length > options.maxPageSize ? { value, continuation: String(options.skip + options.maxPageSize) } : { value };
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
      const metadata = patch.metadata === undefined ? parseJson<Record<string, string>>(thread.metadata) : patch.metadata;
      const retention =
        patch.retentionPolicy === undefined ? parseJson<RetentionPolicyModel>(thread.retention_policy) : patch.retentionPolicy ?? undefined;
      this.#q.updateThread.run(
        topic,
        metadata ? JSON.stringify(metadata) : null,
        retention ? JSON.stringify(retention) : null,
        now,
        threadId,
      );
      if (patch.topic !== undefined && patch.topic !== thread.topic) {
        this.#insertSystemMessage(threadId, 'topicUpdated', { topic, initiator: callerId }, now);
      }
      this.#hub.publish(this.#memberIds(threadId), 'chatThreadPropertiesUpdated', () => ({
        threadId,
        version: String(now),
        properties: { topic, metadata: metadata ?? {} },
        updatedOn: iso(now),
        updatedBy: participantModel(participant),
        retentionPolicy: retention,
      }));
    });
  }

  deleteThread(callerId: string, threadId: string): void {
    this.#hub.atomically(() => {
      const { participant } = this.#requireMember(callerId, threadId);
      const members = this.#memberIds(threadId);
      const now = Date.now();
      this.#q.deleteThread.run(threadId);
      // The thread's messages, topic and metadata go with it from every stored event as well.
      this.#hub.rewriteEvents(threadId, undefined, redactThreadEvent);
      this.#hub.publish(members, 'chatThreadDeleted', () => ({
        threadId,
        version: String(now),
        deletedOn: iso(now),
        deletedBy: participantModel(participant),
        reason: 'deleted',
      }));
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
      const id = this.#nextMessageId(now);
      const sequenceId = this.#nextSequenceId(threadId);
      this.#q.insertMessage.run(
        threadId,
        id,
        sequenceId,
        request.type,
        JSON.stringify({ message: request.content }),
        callerId,
        request.senderDisplayName ?? null,
        now,
        id,
        request.metadata ? JSON.stringify(request.metadata) : null,
      );
      this.#q.touchThread.run(now, now, threadId);
      this.#hub.publish(this.#memberIds(threadId), 'chatMessageReceived', (recipient) => ({
        threadId,
        id,
        sequenceId: String(sequenceId),
        type: request.type,
        version: id,
        createdOn: iso(now),
        sender: wireIdentifier(callerId),
        senderDisplayName: request.senderDisplayName ?? '',
        recipient: wireIdentifier(recipient),
        message: request.content,
        metadata: request.metadata ?? {},
      }));
      return { id };
    });
  }

  getMessage(callerId: string, threadId: string, messageId: string): ChatMessageModel {
    const { participant } = this.#requireMember(callerId, threadId);
    const row = this.#q.message.get(threadId, messageId) as MessageRow | undefined;
    if (!row || row.created_on < participant.share_history_time) throw messageNotFound(messageId);
    return messageModel(row);
  }

  listMessages(
    callerId: string,
    threadId: string,
    options: { maxPageSize: number; startTime: number; continuation?: string },
  ): Page<ChatMessageModel> {
    const { participant } = this.#requireMember(callerId, threadId);
    const below = options.continuation === undefined ? Number.MAX_SAFE_INTEGER : Number(options.continuation);
    const start = options.startTime;
    const rows = this.#q.messagesPage.all(
      threadId,
      below,
      participant.share_history_time,
      start,
      start,
      start,
      options.maxPageSize + 1,
    ) as MessageRow[];
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
      const version = this.#nextMessageId(now);
      const content = patch.content ?? parseJson<{ message: string }>(row.content)?.message ?? '';
      const metadata = patch.metadata ?? parseJson<Record<string, string>>(row.metadata);
      this.#q.editMessage.run(
        JSON.stringify({ message: content }),
        metadata ? JSON.stringify(metadata) : null,
        now,
        version,
        threadId,
        messageId,
      );
      // An edit replaces the text: like GET (and the ACS service), a replay shows only the current
      // content. The earlier received/edited events of this message keep their seq, version and
      // dates but now carry the current text and metadata, so the old text is stored nowhere.
      this.#hub.rewriteEvents(threadId, messageId, (name, data) =>
        name === 'chatMessageDeleted' ? undefined : { ...data, message: content, metadata: metadata ?? {} },
      );
      this.#hub.publish(this.#memberIdsSeeing(threadId, row), 'chatMessageEdited', (recipient) => ({
        threadId,
        id: messageId,
        sequenceId: String(row.sequence_id),
        type: row.type,
        version,
        createdOn: iso(row.created_on),
        editedOn: iso(now),
        sender: wireIdentifier(callerId),
        senderDisplayName: row.sender_display_name ?? '',
        recipient: wireIdentifier(recipient),
        message: content,
        metadata: metadata ?? {},
      }));
    });
  }

  deleteMessage(callerId: string, threadId: string, messageId: string): void {
    this.#hub.atomically(() => {
      const row = this.#ownMessage(callerId, threadId, messageId, 'delete');
      if (row.deleted_on !== null) return; // Deleting twice changes nothing and announces nothing.
      const now = Date.now();
      const version = this.#nextMessageId(now);
      this.#q.softDeleteMessage.run(now, version, threadId, messageId);
      // A deleted message has no content anywhere: its earlier events stay (seq, id, dates) with an
      // empty text and no metadata, as an ACS client sees a deleted message (content absent).
      this.#hub.rewriteEvents(threadId, messageId, redactMessageEvent);
      this.#hub.publish(this.#memberIdsSeeing(threadId, row), 'chatMessageDeleted', (recipient) => ({
        threadId,
        id: messageId,
        sequenceId: String(row.sequence_id),
        type: row.type,
        version,
        createdOn: iso(row.created_on),
        deletedOn: iso(now),
        sender: wireIdentifier(callerId),
        senderDisplayName: row.sender_display_name ?? '',
        recipient: wireIdentifier(recipient),
      }));
    });
  }

  // ---- participants --------------------------------------------------------------------------

  listParticipants(callerId: string, threadId: string, options: { maxPageSize: number; skip: number }): Page<ChatParticipantModel> {
    this.#requireMember(callerId, threadId);
    const all = this.#participantRows(threadId);
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
      const existing = new Set(this.#memberIds(threadId));
      const newcomers = valid.filter((p) => !existing.has(p.rawId));
      if (existing.size + newcomers.length > CHAT_LIMITS.participantsPerThread) throw tooManyParticipants();
      if (newcomers.length === 0) return { invalidParticipants: invalid };
      const now = Date.now();
      for (const participant of newcomers) this.#insertParticipant(threadId, participant, now);
      const added = newcomers.map((p) => participantModel(this.#q.participant.get(threadId, p.rawId) as ParticipantRow));
      this.#insertSystemMessage(threadId, 'participantAdded', { participants: added, initiator: callerId }, now);
      this.#q.touchThread.run(now, now, threadId);
      this.#hub.publish(this.#memberIds(threadId), 'participantsAdded', () => ({
        threadId,
        version: String(now),
        addedOn: iso(now),
        participantsAdded: added,
        addedBy: participantModel(caller),
      }));
      return { invalidParticipants: invalid };
    });
  }

  removeParticipant(callerId: string, threadId: string, rawId: string): void {
    this.#hub.atomically(() => {
      const { participant: caller } = this.#requireMember(callerId, threadId);
      const removed = this.#q.participant.get(threadId, rawId) as ParticipantRow | undefined;
      if (!removed) return; // Already gone: removing is idempotent.
      const recipients = this.#memberIds(threadId);
      const now = Date.now();
      const model = participantModel(removed);
      this.#q.deleteParticipant.run(threadId, rawId);
      this.#insertSystemMessage(threadId, 'participantRemoved', { participants: [model], initiator: callerId }, now);
      this.#q.touchThread.run(now, now, threadId);
      this.#hub.publish(recipients, 'participantsRemoved', () => ({
        threadId,
        version: String(now),
        removedOn: iso(now),
        participantsRemoved: [model],
        removedBy: participantModel(caller),
      }));
    });
  }

  // ---- receipts and typing -------------------------------------------------------------------

  sendReadReceipt(callerId: string, threadId: string, messageId: string): void {
    this.#hub.atomically(() => {
      const { participant } = this.#requireMember(callerId, threadId);
      const message = this.#q.message.get(threadId, messageId) as MessageRow | undefined;
      if (!message || message.created_on < participant.share_history_time) throw messageNotFound(messageId);
      const now = Date.now();
      this.#q.upsertReceipt.run(threadId, callerId, messageId, now);
      this.#hub.publish(this.#memberIds(threadId), 'readReceiptReceived', (recipient) => ({
        threadId,
        sender: wireIdentifier(callerId),
        senderDisplayName: participant.display_name ?? '',
        recipient: wireIdentifier(recipient),
        chatMessageId: messageId,
        readOn: iso(now),
      }));
    });
  }

  listReadReceipts(callerId: string, threadId: string, options: { maxPageSize: number; skip: number }): Page<{
    senderCommunicationIdentifier: ReturnType<typeof wireIdentifier>;
    chatMessageId: string;
    readOn: string;
  }> {
    this.#requireMember(callerId, threadId);
    const rows = this.#q.receipts.all(threadId, options.maxPageSize + 1, options.skip) as {
      raw_id: string;
      message_id: string;
      read_on: number;
    }[];
    const value = rows.slice(0, options.maxPageSize).map((row) => ({
      senderCommunicationIdentifier: wireIdentifier(row.raw_id),
      chatMessageId: row.message_id,
      readOn: iso(row.read_on),
    }));
    return rows.length > options.maxPageSize ? { value, continuation: String(options.skip + options.maxPageSize) } : { value };
  }

  sendTypingNotification(callerId: string, threadId: string, senderDisplayName: string | undefined): void {
    const { participant } = this.#requireMember(callerId, threadId);
    const now = Date.now();
    this.#hub.sendEphemeral(this.#memberIds(threadId), 'typingIndicatorReceived', (recipient) => ({
      threadId,
      sender: wireIdentifier(callerId),
      senderDisplayName: senderDisplayName ?? participant.display_name ?? '',
      recipient: wireIdentifier(recipient),
      version: String(now),
      receivedOn: iso(now),
    }));
  }

  // ---- internals -----------------------------------------------------------------------------

  #threadRow(threadId: string): ThreadRow | undefined {
    return this.#q.thread.get(threadId) as ThreadRow | undefined;
  }

  /** 404 for a thread that does not exist, 403 for one the caller is not in. */
  #requireMember(callerId: string, threadId: string): { thread: ThreadRow; participant: ParticipantRow } {
    const thread = this.#threadRow(threadId);
    if (!thread) throw ServiceError.notFound(`Thread ${threadId} does not exist.`, 'ThreadNotFound');
    const participant = this.#q.participant.get(threadId, callerId) as ParticipantRow | undefined;
    if (!participant) throw ServiceError.forbidden('Only participants of the thread may do this.', 'NotAParticipant');
    return { thread, participant };
  }

  #ownMessage(callerId: string, threadId: string, messageId: string, action: 'edit' | 'delete'): MessageRow {
    const { participant } = this.#requireMember(callerId, threadId);
    const row = this.#q.message.get(threadId, messageId) as MessageRow | undefined;
    if (!row || row.created_on < participant.share_history_time) throw messageNotFound(messageId);
    if (row.type !== 'text' && row.type !== 'html') {
      throw ServiceError.forbidden(`System messages cannot be ${action}ed.`, 'SystemMessage');
    }
    if (row.sender !== callerId) throw ServiceError.forbidden(`Only the sender may ${action} a message.`, 'NotTheSender');
    if (action === 'edit' && row.deleted_on !== null) throw messageNotFound(messageId);
    return row;
  }

  #memberIds(threadId: string): string[] {
    return (this.#q.participantIds.all(threadId) as { raw_id: string }[]).map((row) => row.raw_id);
  }

  /** Members whose shared history includes this message: the others must not hear of its changes. */
  #memberIdsSeeing(threadId: string, message: MessageRow): string[] {
    const rows = this.#q.participantIdsSharing.all(threadId, message.created_on) as { raw_id: string }[];
    return rows.map((row) => row.raw_id);
  }

  #participantRows(threadId: string): ParticipantRow[] {
    return this.#q.participants.all(threadId) as ParticipantRow[];
  }

  #insertParticipant(threadId: string, participant: ParticipantInput, now: number): void {
    this.#q.insertParticipant.run(
      threadId,
      participant.rawId,
      participant.displayName ?? null,
      participant.shareHistoryTime ?? 0,
      participant.metadata ? JSON.stringify(participant.metadata) : null,
      now,
    );
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
    const id = this.#nextMessageId(now);
    const body = {
      ...(content.participants ? { participants: content.participants } : {}),
      ...(content.topic !== undefined ? { topic: content.topic } : {}),
      initiatorCommunicationIdentifier: wireIdentifier(content.initiator),
    };
    this.#q.insertMessage.run(threadId, id, this.#nextSequenceId(threadId), type, JSON.stringify(body), null, null, now, id, null);
  }

  #nextSequenceId(threadId: string): number {
    return (this.#q.nextSequence.get(threadId) as { seq: number }).seq;
  }

  /** Message ids and versions, as ACS makes them: increasing numbers near the epoch-ms clock. */
  #nextMessageId(now: number): string {
    this.#lastMessageId = Math.max(now, this.#lastMessageId + 1);
    return String(this.#lastMessageId);
  }
}

function participantIds(rows: ParticipantRow[]): string[] {
  return rows.map((row) => row.raw_id);
}

function participantModel(row: ParticipantRow): ChatParticipantModel {
  const model: ChatParticipantModel = { communicationIdentifier: wireIdentifier(row.raw_id) };
  if (row.display_name !== null) model.displayName = row.display_name;
  if (row.share_history_time > 0) model.shareHistoryTime = iso(row.share_history_time);
  const metadata = parseJson<Record<string, string>>(row.metadata);
  if (metadata) model.metadata = metadata;
  return model;
}

function threadModel(row: ThreadRow): ChatThreadPropertiesModel {
  const model: ChatThreadPropertiesModel = {
    id: row.id,
    topic: row.topic,
    createdOn: iso(row.created_on),
    createdByCommunicationIdentifier: wireIdentifier(row.created_by),
  };
  const metadata = parseJson<Record<string, string>>(row.metadata);
  if (metadata) model.metadata = metadata;
  const retention = parseJson<RetentionPolicyModel>(row.retention_policy);
  if (retention) model.retentionPolicy = retention;
  return model;
}

function messageModel(row: MessageRow): ChatMessageModel {
  const model: ChatMessageModel = {
    id: row.id,
    type: row.type,
    sequenceId: String(row.sequence_id),
    version: row.version,
    createdOn: iso(row.created_on),
  };
  const content = parseJson<ChatMessageModel['content']>(row.content);
  if (content && row.deleted_on === null) model.content = content;
  if (row.sender !== null) model.senderCommunicationIdentifier = wireIdentifier(row.sender);
  if (row.sender_display_name !== null) model.senderDisplayName = row.sender_display_name;
  if (row.edited_on !== null) model.editedOn = iso(row.edited_on);
  if (row.deleted_on !== null) model.deletedOn = iso(row.deleted_on);
  const metadata = parseJson<Record<string, string>>(row.metadata);
  if (metadata && row.deleted_on === null) model.metadata = metadata;
  return model;
}

function messageNotFound(messageId: string): ServiceError {
  return ServiceError.notFound(`Message ${messageId} does not exist.`, 'MessageNotFound');
}

function tooManyParticipants(): ServiceError {
  return ServiceError.validation(`A thread has at most ${CHAT_LIMITS.participantsPerThread} participants.`);
}

/** A stored event of a deleted message, without its text or metadata. */
function redactMessageEvent(name: string, data: Record<string, unknown>): Record<string, unknown> | undefined {
  if (name !== 'chatMessageReceived' && name !== 'chatMessageEdited') return undefined;
  return { ...data, message: '', metadata: {} };
}

/** A stored event of a deleted thread, without what its participants wrote (messages, topic, metadata). */
function redactThreadEvent(name: string, data: Record<string, unknown>): Record<string, unknown> | undefined {
  if (name === 'chatThreadCreated' || name === 'chatThreadPropertiesUpdated') {
    return { ...data, properties: { topic: '', metadata: {} } };
  }
  return redactMessageEvent(name, data);
}

import type { Db } from '../storage/database.js';
import type { ChatMessageType } from './chatModels.js';

/** A participant to add to a thread, as the routes read it. */
export interface ParticipantInput {
  rawId: string;
  displayName?: string;
  /** ms since the epoch; messages from this time on are visible. 0 shares the whole history. */
  shareHistoryTime?: number;
  metadata?: Record<string, string>;
}

export interface ThreadRow {
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

export interface ParticipantRow {
  thread_id: string;
  raw_id: string;
  display_name: string | null;
  share_history_time: number;
  metadata: string | null;
}

export interface MessageRow {
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

export interface ReadReceiptRow {
  raw_id: string;
  message_id: string;
  read_on: number;
}

/** A JSON column's value (metadata, retention policy, message content); absent when NULL. */
export const readJson = <T>(text: string | null): T | undefined => (text === null ? undefined : (JSON.parse(text) as T));

const jsonColumn = (value: object | null | undefined): string | null => (value ? JSON.stringify(value) : null);

/**
 * Chat's rows: threads, participants, messages and read receipts, read and written as they are.
 * No authorisation and no events here: ChatService decides who may change what and announces it.
 */
export class ChatStore {
  readonly #q;
  #lastMessageId: number;

  constructor(db: Db) {
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
      // Plucked: the ids as strings, no row object each (a send reads every member's, 50 rows: ~50 against ~15 µs).
      participantIds: db.prepare('SELECT raw_id FROM chat_participants WHERE thread_id = ?').pluck(),
      participantIdsSharing: db.prepare('SELECT raw_id FROM chat_participants WHERE thread_id = ? AND share_history_time <= ?').pluck(),
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
      updateThread: db.prepare('UPDATE chat_threads SET topic = ?, metadata = ?, retention_policy = ?, updated_on = ? WHERE id = ?'),
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
      receipts: db.prepare('SELECT * FROM chat_read_receipts WHERE thread_id = ? ORDER BY read_on DESC, raw_id LIMIT ? OFFSET ?'),
      deleteUserMessages: db.prepare('DELETE FROM chat_messages WHERE sender = ?'),
      deleteUserParticipation: db.prepare('DELETE FROM chat_participants WHERE raw_id = ?'),
      deleteUserReceipts: db.prepare('DELETE FROM chat_read_receipts WHERE raw_id = ?'),
    };
    // Message ids and versions are numbers kept increasing past the clock when many come in one
    // millisecond: a restart must go on after the newest one stored, or it would hand out an id
    // already taken (the clock may not have caught up yet).
    const newest = db.prepare('SELECT MAX(CAST(version AS INTEGER)) AS newest FROM chat_messages').get() as { newest: number | null };
    this.#lastMessageId = newest.newest ?? 0;
  }

  /** Message ids and versions, as ACS makes them: increasing numbers near the epoch-ms clock. */
  nextMessageId(now: number): string {
    this.#lastMessageId = Math.max(now, this.#lastMessageId + 1);
    return String(this.#lastMessageId);
  }

  // ---- threads -------------------------------------------------------------------------------

  thread(threadId: string): ThreadRow | undefined {
    return this.#q.thread.get(threadId) as ThreadRow | undefined;
  }

  insertThread(thread: {
    id: string;
    topic: string;
    createdBy: string;
    metadata?: Record<string, string>;
    retentionPolicy?: object;
    now: number;
  }): void {
    const { id, topic, createdBy, now } = thread;
    this.#q.insertThread.run(id, topic, now, createdBy, jsonColumn(thread.metadata), jsonColumn(thread.retentionPolicy), now, now);
  }

  /** The thread a creator already made with this idempotency token, if any. */
  idempotentThreadId(creator: string, token: string): string | undefined {
    return (this.#q.idempotent.get(creator, token) as { thread_id: string } | undefined)?.thread_id;
  }

  rememberIdempotentThread(creator: string, token: string, threadId: string): void {
    this.#q.insertIdempotency.run(creator, token, threadId);
  }

  updateThread(
    threadId: string,
    thread: { topic: string; metadata: Record<string, string> | undefined; retentionPolicy: object | undefined; now: number },
  ): void {
    const { topic, now } = thread;
    this.#q.updateThread.run(topic, jsonColumn(thread.metadata), jsonColumn(thread.retentionPolicy), now, threadId);
  }

  /** Marks a thread as changed now (its place in the caller's thread list). */
  touchThread(threadId: string, now: number): void {
    this.#q.touchThread.run(now, now, threadId);
  }

  /** Deletes a thread; its participants, messages and receipts go with it (ON DELETE CASCADE). */
  deleteThread(threadId: string): void {
    this.#q.deleteThread.run(threadId);
  }

  /** A user's threads changed since `startTime`, most recent message first. */
  threadsOf(rawId: string, page: { startTime: number; limit: number; offset: number }): ThreadRow[] {
    return this.#q.threadsOf.all(rawId, page.startTime, page.limit, page.offset) as ThreadRow[];
  }

  // ---- participants --------------------------------------------------------------------------

  participant(threadId: string, rawId: string): ParticipantRow | undefined {
    return this.#q.participant.get(threadId, rawId) as ParticipantRow | undefined;
  }

  /** A thread's participants in the order they joined. */
  participants(threadId: string): ParticipantRow[] {
    return this.#q.participants.all(threadId) as ParticipantRow[];
  }

  participantIds(threadId: string): string[] {
    return this.#q.participantIds.all(threadId) as string[];
  }

  /** The participants whose shared history reaches back to `time`. */
  participantIdsSharing(threadId: string, time: number): string[] {
    return this.#q.participantIdsSharing.all(threadId, time) as string[];
  }

  /** Adds a participant; one already in the thread stays as they are. */
  insertParticipant(threadId: string, participant: ParticipantInput, now: number): void {
    this.#q.insertParticipant.run(
      threadId,
      participant.rawId,
      participant.displayName ?? null,
      participant.shareHistoryTime ?? 0,
      jsonColumn(participant.metadata),
      now,
    );
  }

  deleteParticipant(threadId: string, rawId: string): void {
    this.#q.deleteParticipant.run(threadId, rawId);
  }

  // ---- messages ------------------------------------------------------------------------------

  /** Stores a message (its version is its id) under the thread's next sequence id, which it returns. */
  insertMessage(message: {
    threadId: string;
    id: string;
    type: ChatMessageType;
    content: object;
    sender: string | null;
    senderDisplayName: string | null;
    createdOn: number;
    metadata?: Record<string, string>;
  }): number {
    const { threadId, id } = message;
    const sequenceId = (this.#q.nextSequence.get(threadId) as { seq: number }).seq;
    this.#q.insertMessage.run(
      threadId,
      id,
      sequenceId,
      message.type,
      JSON.stringify(message.content),
      message.sender,
      message.senderDisplayName,
      message.createdOn,
      id,
      jsonColumn(message.metadata),
    );
    return sequenceId;
  }

  message(threadId: string, messageId: string): MessageRow | undefined {
    return this.#q.message.get(threadId, messageId) as MessageRow | undefined;
  }

  /**
   * A page of messages, newest first: below a sequence id, created from `visibleFrom` on, and
   * created, edited or deleted since `changedSince`.
   */
  messagesPage(threadId: string, page: { below: number; visibleFrom: number; changedSince: number; limit: number }): MessageRow[] {
    const { changedSince } = page;
    return this.#q.messagesPage.all(
      threadId,
      page.below,
      page.visibleFrom,
      changedSince,
      changedSince,
      changedSince,
      page.limit,
    ) as MessageRow[];
  }

  editMessage(
    threadId: string,
    messageId: string,
    edit: { content: object; metadata: Record<string, string> | undefined; now: number; version: string },
  ): void {
    this.#q.editMessage.run(JSON.stringify(edit.content), jsonColumn(edit.metadata), edit.now, edit.version, threadId, messageId);
  }

  /** Keeps the message's place (id, sequence, dates) but not its content or metadata. */
  softDeleteMessage(threadId: string, messageId: string, now: number, version: string): void {
    this.#q.softDeleteMessage.run(now, version, threadId, messageId);
  }

  // ---- read receipts -------------------------------------------------------------------------

  /** Records the message a participant has read up to, replacing the one before. */
  upsertReadReceipt(threadId: string, rawId: string, messageId: string, now: number): void {
    this.#q.upsertReceipt.run(threadId, rawId, messageId, now);
  }

  /** A thread's read receipts, most recent first. */
  readReceipts(threadId: string, page: { limit: number; offset: number }): ReadReceiptRow[] {
    return this.#q.receipts.all(threadId, page.limit, page.offset) as ReadReceiptRow[];
  }

  // ---- users ---------------------------------------------------------------------------------

  /** Deletes what a user wrote and took part in: their messages, receipts and memberships. */
  deleteUserData(userId: string): void {
    this.#q.deleteUserMessages.run(userId);
    this.#q.deleteUserReceipts.run(userId);
    this.#q.deleteUserParticipation.run(userId);
  }
}

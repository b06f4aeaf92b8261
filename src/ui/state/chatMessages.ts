/**
 * Pure helpers over a thread's messages: ordering, merging what arrives from pages and events, and
 * read status. Kept apart from the source so they can be tested (and reasoned about) without a client.
 */
import type { ChatMessage, ChatMessageReadReceipt } from '../../chat/models.js';
import { getIdentifierRawId } from '../../common/identifiers.js';

/** Where a message the user sent stands before the service has it. */
export type LocalMessageStatus = 'sending' | 'failed';

/** A message as components show it: the service's model, plus the status of one still being sent. */
export interface ChatThreadMessage extends ChatMessage {
  /** Set only on the user's own messages that the service has not confirmed yet. */
  localStatus?: LocalMessageStatus;
  /** The id the message had while it was being sent (`pending-…`), kept so a view can track it. */
  clientMessageId?: string;
}

/** Read status of one of the user's own messages. */
export type MessageReadStatus = 'sending' | 'failed' | 'sent' | 'read';

const NUMERIC = /^\d+$/;

/**
 * Orders two message ids. ACS message ids are increasing numbers (close to the epoch-ms clock), so
 * numeric ids compare as numbers; anything else compares as text.
 */
export function compareMessageIds(a: string, b: string): number {
  if (NUMERIC.test(a) && NUMERIC.test(b)) {
    if (a.length !== b.length) return a.length - b.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Display order: oldest first; messages still being sent come last, in the order they were written. */
export function compareMessages(a: ChatThreadMessage, b: ChatThreadMessage): number {
  const aPending = a.localStatus !== undefined && a.id.startsWith('pending-');
  const bPending = b.localStatus !== undefined && b.id.startsWith('pending-');
  if (aPending !== bPending) return aPending ? 1 : -1;
  if (aPending && bPending) return a.createdOn.getTime() - b.createdOn.getTime();
  if (NUMERIC.test(a.id) && NUMERIC.test(b.id)) return compareMessageIds(a.id, b.id);
  const byTime = a.createdOn.getTime() - b.createdOn.getTime();
  return byTime !== 0 ? byTime : compareMessageIds(a.id, b.id);
}

/** True when `candidate` is a later version of the same message than `current`. */
function isNewer(candidate: ChatMessage, current: ChatMessage): boolean {
  return compareMessageIds(candidate.version, current.version) > 0;
}

/**
 * Merges `incoming` into `messages` (display order), keeping one entry per id (the newest version)
 * and the display order. Returns the same array when nothing changed.
 */
export function mergeMessages(
  messages: readonly ChatThreadMessage[],
  incoming: readonly ChatThreadMessage[],
): readonly ChatThreadMessage[] {
  if (incoming.length === 0) return messages;
  const byId = new Map(messages.map((message) => [message.id, message]));
  let changed = false;
  for (const message of incoming) {
    const current = byId.get(message.id);
    // The same version is taken only when it completes the copy: a sent message confirmed by its
    // response has no sequence id yet; its event or a listed page brings it.
    if (current && !isNewer(message, current) && !(message.sequenceId && !current.sequenceId)) continue;
    byId.set(message.id, message);
    changed = true;
  }
  if (!changed) return messages;
  return [...byId.values()].sort(compareMessages);
}

/** Replaces the message `id` with `update(message)`; the same array when there is no such message. */
export function updateMessage(
  messages: readonly ChatThreadMessage[],
  id: string,
  update: (message: ChatThreadMessage) => ChatThreadMessage | undefined,
): readonly ChatThreadMessage[] {
  const index = messages.findIndex((message) => message.id === id);
  if (index < 0) return messages;
  const next = update(messages[index]!);
  const copy = [...messages];
  if (next) copy[index] = next;
  else copy.splice(index, 1);
  return next && next.id !== id ? copy.sort(compareMessages) : copy;
}

/** True for messages people write (as opposed to the service's notes about the thread). */
export function isUserMessage(message: ChatMessage): boolean {
  return message.type === 'text' || message.type === 'html';
}

/** The raw id of a message's sender, if it has one. */
export function senderRawId(message: ChatMessage): string | undefined {
  return message.sender ? getIdentifierRawId(message.sender) : undefined;
}

/** True when the user wrote the message (messages still being sent are always the user's). */
export function isOwnMessage(message: ChatThreadMessage, userId: string | undefined): boolean {
  if (message.localStatus !== undefined) return true;
  return userId !== undefined && senderRawId(message) === userId;
}

/** Who, other than the user, has read `message` (a receipt for it or for a later message). */
export function readersOf(
  message: ChatMessage,
  receipts: ReadonlyMap<string, ChatMessageReadReceipt>,
  userId: string | undefined,
): string[] {
  const readers: string[] = [];
  for (const [rawId, receipt] of receipts) {
    if (rawId === userId || rawId === senderRawId(message)) continue;
    if (compareMessageIds(receipt.chatMessageId, message.id) >= 0) readers.push(rawId);
  }
  return readers;
}

/** The status of one of the user's own messages. */
export function readStatusOf(
  message: ChatThreadMessage,
  receipts: ReadonlyMap<string, ChatMessageReadReceipt>,
  userId: string | undefined,
): MessageReadStatus {
  if (message.localStatus) return message.localStatus;
  return readersOf(message, receipts, userId).length > 0 ? 'read' : 'sent';
}

/** The text of a message: plain text as is, HTML reduced to its text (never rendered as markup). */
export function messageText(message: ChatMessage): string {
  const content = message.content?.message ?? '';
  if (message.type !== 'html') return content;
  return new DOMParser().parseFromString(content, 'text/html').body.textContent ?? '';
}

/**
 * What the message thread lists, worked out from the thread's state: day separators, messages with
 * their grouping and read status, and the text of the service's notes. Pure functions: the component
 * only renders their result.
 */
import type { ChatThreadParticipant } from '../../chat/models.js';
import { getIdentifierRawId } from '../../common/identifiers.js';
import {
  type ChatThreadMessage,
  type MessageReadStatus,
  isOwnMessage,
  isUserMessage,
  readStatusOf,
  senderRawId,
} from '../state/chatMessages.js';
import type { ChatThreadState } from '../state/chatThreadState.js';
import { format } from '../shared/strings.js';
import { dayKey, formatDay, joinNames } from './formatting.js';
import type { MessageThreadStrings } from './message-thread.js';

/** Messages from one sender within this long of each other are shown as one group. */
const GROUP_WINDOW_MS = 5 * 60_000;

export interface DayItem {
  kind: 'day';
  key: string;
  label: string;
}

export interface MessageItem {
  kind: 'message';
  key: string;
  message: ChatThreadMessage;
  own: boolean;
  /** Follows a message of the same sender: no avatar or name shown. */
  continued: boolean;
  /** Read status, shown on the user's newest confirmed message and on those still being sent. */
  status: MessageReadStatus | undefined;
  /** Place among the thread's loaded messages, from 1 (`aria-posinset`). */
  position: number;
}

export type ThreadItem = DayItem | MessageItem;

/** A message's stable key: the id it had while being sent, so its element survives confirmation. */
export function keyOf(message: ChatThreadMessage): string {
  return message.clientMessageId ?? message.id;
}

/** The items, with their keys in the same order and the keys of the messages alone. */
export interface ThreadItems {
  items: ThreadItem[];
  keys: string[];
  messageKeys: string[];
}

/**
 * Made again on every change of the messages, for the whole thread (the window needs every item's
 * place): one pass, one sender lookup per message, days compared as numbers.
 */
export function threadItems(state: ChatThreadState, strings: Pick<MessageThreadStrings, 'today' | 'yesterday'>): ThreadItems {
  const items: ThreadItem[] = [];
  const keys: string[] = [];
  const messageKeys: string[] = [];
  const { messages, userId, readReceipts } = state;
  let lastOwnConfirmed: string | undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (isUserMessage(message) && !message.localStatus && !message.deletedOn && isOwnMessage(message, userId)) {
      lastOwnConfirmed = message.id;
      break;
    }
  }
  let previousDay = -1;
  let previousUser = false;
  let previousSender: string | undefined;
  let previousOwn = false;
  let previousTime = 0;
  for (const message of messages) {
    const createdOn = message.createdOn;
    const day = createdOn.getFullYear() * 512 + createdOn.getMonth() * 32 + createdOn.getDate();
    if (day !== previousDay) {
      const key = `day:${dayKey(createdOn)}`;
      items.push({ kind: 'day', key, label: formatDay(createdOn, strings) });
      keys.push(key);
    }
    const user = isUserMessage(message);
    const sender = senderRawId(message);
    const own = message.localStatus !== undefined || (userId !== undefined && sender === userId);
    const time = createdOn.getTime();
    const continued =
      day === previousDay &&
      previousUser &&
      user &&
      sender === previousSender &&
      own === previousOwn &&
      time - previousTime < GROUP_WINDOW_MS;
    const showStatus = own && user && (message.localStatus !== undefined || message.id === lastOwnConfirmed);
    const key = keyOf(message);
    messageKeys.push(key);
    keys.push(key);
    items.push({
      kind: 'message',
      key,
      message,
      own,
      continued,
      status: showStatus ? readStatusOf(message, readReceipts, userId) : undefined,
      position: messageKeys.length,
    });
    previousDay = day;
    previousUser = user;
    previousSender = sender;
    previousOwn = own;
    previousTime = time;
  }
  return { items, keys, messageKeys };
}

/** Display names by raw id. */
export function namesByRawId(participants: readonly ChatThreadParticipant[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const p of participants) if (p.displayName) names.set(getIdentifierRawId(p.id), p.displayName);
  return names;
}

/** How the thread names someone: "You" for the user, else the given or known name. */
export function nameOf(
  rawId: string | undefined,
  state: ChatThreadState,
  names: ReadonlyMap<string, string>,
  strings: Pick<MessageThreadStrings, 'you' | 'someone'>,
  fallback?: string,
  you = strings.you,
): string {
  if (rawId !== undefined && rawId === state.userId) return you;
  return fallback || (rawId ? names.get(rawId) : undefined) || strings.someone;
}

/** The sentence for one of the service's notes: who added or removed whom, or changed the topic. */
export function systemText(
  message: ChatThreadMessage,
  state: ChatThreadState,
  names: ReadonlyMap<string, string>,
  strings: MessageThreadStrings,
): string {
  const content = message.content ?? {};
  const initiatorId = content.initiator ? getIdentifierRawId(content.initiator) : undefined;
  const initiator = nameOf(initiatorId, state, names, strings);
  if (message.type === 'topicUpdated') return format(strings.topicUpdated, { initiator, topic: content.topic ?? '' });
  const everyone = content.participants ?? [];
  // "Alice added Bob" leaves Alice out of the list; "Carol left" is someone removing themselves.
  const others = everyone.filter((p) => getIdentifierRawId(p.id) !== initiatorId);
  const shown = others.length > 0 ? others : everyone;
  const listed = joinNames(
    shown.map((p) => nameOf(getIdentifierRawId(p.id), state, names, strings, p.displayName, strings.youInSentence)),
    strings.and,
  );
  if (message.type === 'participantAdded') {
    return format(others.length > 0 ? strings.participantAdded : strings.participantJoined, { initiator, names: listed });
  }
  return format(others.length > 0 ? strings.participantRemoved : strings.participantLeft, { initiator, names: listed });
}

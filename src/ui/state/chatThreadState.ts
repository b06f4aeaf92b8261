import type { ChatMessageReadReceipt, ChatThreadParticipant } from '../../chat/models.js';
import type { ChatThreadMessage } from './chatMessages.js';

/** Where the thread stands: loading, live, failed, or gone (deleted, or the user was removed). */
export type ChatThreadStatus = 'idle' | 'loading' | 'ready' | 'error' | 'deleted' | 'removed';

/** Someone typing in the thread right now. */
export interface TypingUser {
  rawId: string;
  displayName: string;
}

/** A snapshot of one thread as components render it. Every change makes a new snapshot. */
export interface ChatThreadState {
  readonly threadId: string;
  readonly status: ChatThreadStatus;
  /** The raw id of the user this view belongs to, once known. */
  readonly userId: string | undefined;
  readonly topic: string;
  /** Oldest first, the user's messages still being sent at the end. */
  readonly messages: readonly ChatThreadMessage[];
  readonly participants: readonly ChatThreadParticipant[];
  /** Each participant's latest read receipt, by raw id. */
  readonly readReceipts: ReadonlyMap<string, ChatMessageReadReceipt>;
  /** Others typing now; each drops out 8 s after their last notification (`TYPING_INDICATOR_TIMEOUT_MS`). */
  readonly typingUsers: readonly TypingUser[];
  /** More (older) messages may be loaded with `loadOlderMessages()`. */
  readonly hasOlderMessages: boolean;
  readonly loadingOlderMessages: boolean;
  /** Why loading failed (status `error`). */
  readonly error: unknown;
}

const EMPTY_RECEIPTS: ReadonlyMap<string, ChatMessageReadReceipt> = new Map();

/** The state of a thread no source is bound to. */
export function emptyChatThreadState(threadId = ''): ChatThreadState {
  return {
    threadId,
    status: 'idle',
    userId: undefined,
    topic: '',
    messages: [],
    participants: [],
    readReceipts: EMPTY_RECEIPTS,
    typingUsers: [],
    hasOlderMessages: false,
    loadingOlderMessages: false,
    error: undefined,
  };
}

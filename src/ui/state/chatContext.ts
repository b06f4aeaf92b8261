import { createContext } from '@lit/context';
import type { ChatThreadSource } from './chatThreadSource.js';

/**
 * The thread a composite (`<acs-chat>`) shows, for the chat components inside it: they render it
 * unless they are given a `chatClient` and `threadId` (or a `source`) of their own.
 */
export const chatThreadContext = createContext<ChatThreadSource | undefined>(Symbol('acs-chat-thread'));

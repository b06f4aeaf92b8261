// Chat components: importing this module defines every chat element.
export * from './state/chatMessages.js';
export * from './state/chatThreadState.js';
export * from './state/chatThreadSource.js';
export * from './state/typingTracker.js';
export * from './controllers/chatThreadController.js';
export * from './shared/chatThreadElement.js';
export * from './state/chatContext.js';
export * from './message-thread/message-thread.js';
export * from './send-box/send-box.js';
export * from './typing-indicator/typing-indicator.js';
export * from './participant-list/participant-list.js';
export * from './chat-header/chat-header.js';
export * from './chat/chat.js';

// Chat components: importing this module defines every chat element.
export * from './controllers/chatMessages.js';
export * from './controllers/chatThreadState.js';
export * from './controllers/chatThreadSource.js';
export * from './controllers/typingTracker.js';
export * from './controllers/chatThreadController.js';
export * from './controllers/chatThreadElement.js';
export * from './controllers/chatContext.js';
export * from './message-thread/message-thread.js';
export * from './send-box/send-box.js';
export * from './typing-indicator/typing-indicator.js';
export * from './participant-list/participant-list.js';
export * from './chat-header/chat-header.js';
export * from './chat/chat.js';

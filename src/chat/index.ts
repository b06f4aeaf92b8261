export * from './chatClient.js';
export * from './chatThreadClient.js';
export { CHAT_API_VERSION } from './chatPipeline.js';
export { CHAT_LIMITS } from './validation.js';
export type * from './events.js';
export type * from './models.js';
export type * from './options.js';

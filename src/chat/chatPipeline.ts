import { API_VERSIONS } from '../common/apiVersions.js';
import { bearerTokenAuthPolicy } from '../common/bearerTokenAuthPolicy.js';
import type { CommunicationTokenCredential } from '../common/credential.js';
import { HttpPipeline, type PipelineOptions } from '../common/http.js';

/** The chat api-version `@azure/communication-chat` 1.6.0 sends. */
export const CHAT_API_VERSION = API_VERSIONS.chat.current;

/** A pipeline for the chat routes: bearer auth with the user's token, the chat api-version. */
export function createChatPipeline(
  endpoint: string,
  credential: CommunicationTokenCredential,
  options: PipelineOptions = {},
): HttpPipeline {
  return new HttpPipeline(endpoint, CHAT_API_VERSION, bearerTokenAuthPolicy(credential), {
    ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** `chat/threads/{threadId}` with the id escaped (thread ids hold `:` and `@`). */
export function threadPath(threadId: string, ...rest: string[]): string {
  return ['chat/threads', encodeURIComponent(threadId), ...rest].join('/');
}

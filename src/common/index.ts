export * from './identifiers.js';
export * from './identifierModels.js';
export * from './connectionString.js';
export * from './credential.js';
export * from './errors.js';
export * from './events.js';
export type { OperationOptions } from './operationOptions.js';
export { signRequest, type SignedHeaders } from './hmac.js';
export { API_VERSIONS, type VersionedApi } from './apiVersions.js';
export {
  HttpPipeline,
  type AuthPolicy,
  type PipelineOptions,
  type PipelineRequest,
  type PipelineResponse,
  type RetryOptions,
} from './http.js';
export { bearerTokenAuthPolicy } from './bearerTokenAuthPolicy.js';
export * from './paging.js';
export * from './realtimeChannel.js';
export * from './realtimeProtocol.js';
export type * from './webSocket.js';
export { openWebSocket } from './webSocket.js';

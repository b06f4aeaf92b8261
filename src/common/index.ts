export * from './identifiers.js';
export * from './connectionString.js';
export * from './credential.js';
export * from './errors.js';
export * from './events.js';
export { signRequest, type SignedHeaders } from './hmac.js';
export { HttpPipeline, type PipelineOptions, type RetryOptions } from './http.js';

export * from './common/index.js';
export * from './identity/index.js';

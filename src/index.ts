export * from './common/index.js';
export * from './identity/index.js';
export * from './chat/index.js';
export * from './calling/index.js';
export * from './sms/index.js';
export * from './phoneNumbers/index.js';

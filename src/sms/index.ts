export * from './smsClient.js';

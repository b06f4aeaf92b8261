export * from './phoneNumbersClient.js';

export * from './communicationIdentityClient.js';
export * from './tokenStore.js';

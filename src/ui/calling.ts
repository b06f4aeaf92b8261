// Calling components: defined by importing this module.
export * from './controllers/participantController.js';
export * from './controllers/callController.js';
export * from './controllers/callAgentController.js';
export * from './controllers/callAgentConnection.js';
export * from './controllers/callSessionController.js';
export * from './controllers/deviceController.js';
export * from './controllers/videoViewController.js';
export * from './video-tile/video-tile.js';
export * from './video-gallery/video-gallery.js';
export * from './call-controls/call-controls.js';
export * from './call-participant-list/call-participant-list.js';
export * from './incoming-call/incoming-call.js';
export * from './call-status/call-status.js';
export * from './device-setup/device-setup.js';
export * from './call/call.js';
export * from './call-with-chat/call-with-chat.js';
export * from './dial-pad/dial-pad.js';
export { rememberDisplayName } from './shared/callingNames.js';

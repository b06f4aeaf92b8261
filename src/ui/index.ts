// Lit web components. Importing this module defines every `acs-*` element; import a single
// component's module (e.g. `ui/avatar/avatar.js`) to define just that one.
export * from './shared/theme.js';
export * from './shared/strings.js';
export type { AcsErrorDetail, AcsEventDetail, AcsEventName, PanelToggleDetail } from './shared/events.js';
export * from './controllers/tokenUrlController.js';
export * from './avatar/avatar.js';
export * from './chat.js';
export * from './calling.js';

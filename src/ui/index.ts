// Lit web components. Importing this module defines every `acs-*` element; import a single
// component's module (e.g. `ui/avatar/avatar.js`) to define just that one.
export * from './shared/theme.js';
export * from './shared/strings.js';
export * from './avatar/avatar.js';
export * from './chat.js';
export * from './calling.js';

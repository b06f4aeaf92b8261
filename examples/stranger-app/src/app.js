// The app's communication panel: its chat thread next to a call, for the signed-in user.
import 'open-communication/ui';

/**
 * Puts `<acs-chat>` and `<acs-call>` into `root`.
 * @param {HTMLElement} root
 * @param {{ endpoint: string, token: string, threadId: string, displayName: string }} session
 */
export function mountCommunication(root, { endpoint, token, threadId, displayName }) {
  const chat = document.createElement('acs-chat');
  Object.assign(chat, { endpoint, token, threadId, displayName });
  const call = document.createElement('acs-call');
  Object.assign(call, { endpoint, token, displayName });
  root.replaceChildren(chat, call);
  return { chat, call };
}

import { TokenStore } from '../identity/tokenStore.js';
import { type DemoSession, DemoSessions } from './demoSession.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>('status');

function say(message: string, kind: 'info' | 'error' = 'info'): void {
  status.textContent = message;
  status.dataset.kind = kind;
}

function show(session: DemoSession | undefined): void {
  $('signed-out').hidden = session !== undefined;
  $('signed-in').hidden = session === undefined;
  if (!session) {
    $<HTMLInputElement>('display-name').focus();
    return;
  }
  const { record } = session;
  $('who').textContent = record.displayName ?? 'someone';
  $('user-id').textContent = record.userId;
  $('token-scopes').textContent = record.scopes.join(', ');
  $('token-expiry').textContent = new Date(record.expiresOn).toLocaleString();
  $('token-source').textContent =
    session.source === 'store' ? 'this browser’s token store (no request made)' : 'the service';
}

const sessions = new DemoSessions(await TokenStore.open(), new URL('/', location.href).href);
let current: DemoSession | undefined;

try {
  current = await sessions.resume();
} catch (error) {
  say(`Could not restore your session: ${(error as Error).message}`, 'error');
}
show(current);

$<HTMLFormElement>('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = $<HTMLInputElement>('display-name').value.trim();
  if (!name) return;
  say('Signing in…');
  try {
    current = await sessions.signIn(name);
    show(current);
    say('Signed in.');
  } catch (error) {
    say(`Sign-in failed: ${(error as Error).message}`, 'error');
  }
});

$('refresh').addEventListener('click', async () => {
  if (!current) return;
  try {
    const token = await current.credential.getToken();
    say(`Token valid until ${new Date(token.expiresOnTimestamp).toLocaleString()}.`);
  } catch (error) {
    say(`Refresh failed: ${(error as Error).message}`, 'error');
  }
});

$('copy-id').addEventListener('click', async () => {
  if (!current) return;
  await navigator.clipboard.writeText(current.record.userId).then(
    () => say('Identifier copied.'),
    () => say('Copy failed: select the identifier and copy it by hand.', 'error'),
  );
});

$('sign-out').addEventListener('click', async () => {
  if (!current) return;
  await sessions.signOut(current);
  current = undefined;
  show(undefined);
  say('Signed out.');
});

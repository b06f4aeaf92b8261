// The demo page: sign in, then call and chat with people in other tabs by identifier, through the
// library and the web components. One real-time channel per tab carries chat and calling events.
import { CallClient } from '../calling/callClient.js';
import type { CallAgent } from '../calling/callAgent.js';
import { ChatClient } from '../chat/chatClient.js';
import { RealtimeChannel } from '../common/realtimeChannel.js';
import { type CommunicationIdentifier, createIdentifierFromRawId } from '../common/identifiers.js';
import { TokenStore } from '../identity/tokenStore.js';
import '../ui/call-with-chat/call-with-chat.js';
import '../ui/dial-pad/dial-pad.js';
import { applyTheme } from '../ui/shared/theme.js';
import { rememberDisplayName } from '../ui/shared/callingNames.js';
import { type DemoSession, DemoSessions } from './demoSession.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
/** The session's state in the top bar ("Ready.", "Signed out."): where it never covers anything. */
const status = $<HTMLParagraphElement>('status');
/** Messages not tied to one control (a text arrived, the call failed): the toast. */
const toast = $<HTMLParagraphElement>('toast');
const stage = $<HTMLElementTagNameMap['acs-call-with-chat']>('stage');

let toastTimer: ReturnType<typeof setTimeout> | undefined;
const toastClose = $<HTMLButtonElement>('toast-close');

/** The toast is a live region that stays in the page (announcements need it there), empty when idle. */
function clearToast(): void {
  clearTimeout(toastTimer);
  toast.replaceChildren();
  toastClose.hidden = true;
}
toastClose.addEventListener('click', clearToast);

/**
 * Feedback where the action is: next to `near` (the form or control that acted) when given, else
 * in the toast at the bottom of the screen. Good news goes by itself after a few seconds; an error
 * stays until the person edits that form, acts again, or closes it.
 */
function say(message: string, kind: 'info' | 'error' = 'info', near?: HTMLElement): void {
  if (!near) {
    clearTimeout(toastTimer);
    toast.textContent = message;
    toast.dataset.kind = kind;
    toastClose.hidden = kind === 'info';
    if (kind === 'info') toastTimer = setTimeout(clearToast, 8_000);
    return;
  }
  let line = near.nextElementSibling;
  if (!(line instanceof HTMLParagraphElement && line.classList.contains('feedback'))) {
    line = document.createElement('p');
    line.className = 'feedback';
    line.setAttribute('role', 'status');
    near.after(line);
    // Stale once the person changes what they typed.
    near.addEventListener('input', () => (line as HTMLElement).replaceChildren());
  }
  const feedback = line as HTMLParagraphElement;
  clearTimeout(feedbackTimers.get(feedback));
  feedback.dataset.kind = kind;
  feedback.textContent = message;
  // Stale after a while too: good news soon, an error once the person has had time to read it.
  feedbackTimers.set(
    feedback,
    setTimeout(() => feedback.replaceChildren(), kind === 'info' ? 8_000 : 30_000),
  );
}
const feedbackTimers = new WeakMap<HTMLElement, ReturnType<typeof setTimeout>>();

/** The session's state, in words, in the top bar. */
function sayStatus(message: string, kind: 'info' | 'error' = 'info'): void {
  status.textContent = message;
  status.dataset.kind = kind;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

// ---- theme ------------------------------------------------------------------------------------
const themeToggle = $<HTMLButtonElement>('theme-toggle');
function setTheme(theme: 'light' | 'dark'): void {
  applyTheme(document.documentElement, theme);
  themeToggle.setAttribute('aria-pressed', String(theme === 'dark'));
  themeToggle.textContent = theme === 'dark' ? 'Light theme' : 'Dark theme';
  localStorage.setItem('acs-demo-theme', theme);
}
setTheme(
  localStorage.getItem('acs-demo-theme') === 'dark' ||
    (!localStorage.getItem('acs-demo-theme') && matchMedia('(prefers-color-scheme: dark)').matches)
    ? 'dark'
    : 'light',
);
themeToggle.addEventListener('click', () => setTheme(document.documentElement.dataset.acsTheme === 'dark' ? 'light' : 'dark'));

// ---- session ----------------------------------------------------------------------------------
interface Live {
  session: DemoSession;
  phoneNumber: string | undefined;
  channel: RealtimeChannel;
  chat: ChatClient;
  agent: CallAgent;
  threads: Map<string, string>;
}

const endpoint = new URL('/', location.href).href;
const sessions = new DemoSessions(await TokenStore.open(), endpoint);
let live: Live | undefined;

async function goLive(session: DemoSession): Promise<Live> {
  const { credential, record } = session;
  // Calling needs an endpoint id of letters and digits; chat and calling share the channel.
  const channel = new RealtimeChannel(endpoint, credential, { endpointId: crypto.randomUUID().replace(/-/g, '') });
  const chat = new ChatClient(endpoint, credential, { realtimeChannel: channel });
  const callClient = new CallClient({ endpoint });
  const [agent] = await Promise.all([
    callClient.createCallAgent(credential, { displayName: record.displayName ?? 'Guest', realtimeChannel: channel }),
    chat.startRealtimeNotifications(),
  ]);
  const me = await demoRequest<{ phoneNumber?: string }>('GET', 'demo/me', credential);
  // The app's own directory of people (its "User table"): others find this user by name there.
  await demoRequest('PATCH', 'demo/me', credential, { displayName: record.displayName ?? 'Guest' });
  const state: Live = { session, phoneNumber: me.phoneNumber, channel, chat, agent, threads: new Map() };
  $('phone-number').textContent = me.phoneNumber ?? 'none (the number pool is used up)';
  watchConnection(channel);
  // The app keeps its texts (the service delivers each once): history survives a reload.
  smsOwner = record.userId;
  $('sms-list').replaceChildren();
  $('sms-empty').hidden = false;
  for (const kept of keptSms().reverse()) renderSms(kept);
  channel.subscribe('smsReceived', (sms) => {
    addSms({ direction: 'in', peer: sms.from, text: sms.message, at: sms.receivedTimestamp });
    say(`New text from ${sms.from}.`);
  });
  channel.subscribe('smsDeliveryReportReceived', (report) => {
    // The report can outrun the send's own response: keep it for the item that is yet to show.
    const status = report.deliveryStatus.toLowerCase();
    deliveryStatuses.set(report.messageId, status);
    updateKeptSms(report.messageId, status);
    showDeliveryStatus(report.messageId);
  });
  agent.on('incomingCall', () => revealStage());
  stage.callAgent = agent;
  stage.deviceManager = await callClient.getDeviceManager();
  stage.chatClient = chat;
  stage.userId = record.userId;
  stage.displayName = record.displayName ?? '';
  // Phone numbers called from "Who to call" see this user's own number, as from the dial pad.
  stage.alternateCallerId = me.phoneNumber ?? '';
  chat.on('chatThreadCreated', (event) => addThread(state, event.threadId, event.properties.topic, false));
  chat.on('chatThreadPropertiesUpdated', (event) => addThread(state, event.threadId, event.properties.topic, false));
  chat.on('chatThreadDeleted', (event) => {
    state.threads.delete(event.threadId);
    if (stage.threadId === event.threadId) stage.threadId = '';
    renderThreads(state);
  });
  for await (const thread of chat.listChatThreads()) state.threads.set(thread.id, thread.topic);
  renderThreads(state);
  const [first] = state.threads.keys();
  if (first) selectThread(state, first);
  startPeople(state);
  showInviteLink(session);
  return state;
}

type InviteKind = 'chat' | 'call';

/** A link to this demo page with these query parameters (and no others, no hash). */
function demoLink(params: Record<string, string>): string {
  const url = new URL(location.pathname, location.origin);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

/** A link that opens this demo and starts a chat or a call with `userId` once the opener is signed in. */
function personalInviteLink(kind: InviteKind, userId: string, name: string): string {
  // `from` is only for the words on the sign-in card ("Alice invited you…"): who it is comes from the directory.
  return demoLink({ [kind]: userId, ...(name ? { from: name } : {}) });
}

function showInviteLink(session: DemoSession): void {
  const kind = document.querySelector<HTMLInputElement>('input[name="invite-kind"]:checked')?.value === 'call' ? 'call' : 'chat';
  $<HTMLInputElement>('my-invite').value = personalInviteLink(kind, session.record.userId, session.record.displayName ?? '');
}

/** Opened from someone's invite link: chat with them or call them (by name when the directory knows them). */
async function followInvite(state: Live, { kind, userId }: { kind: InviteKind; userId: string }): Promise<void> {
  history.replaceState(null, '', location.pathname);
  if (userId === state.session.record.userId) {
    say('That is your own invite link: send it to someone else.');
    return;
  }
  const { value } = await demoRequest<{ value: Person[] }>('GET', 'demo/people', state.session.credential).catch(() => ({
    value: [] as Person[],
  }));
  const known = value.find((p) => p.user.communicationUserId === userId);
  const person = known ?? {
    user: { communicationUserId: userId },
    displayName: invitedBy || 'the person who invited you',
    lastSeen: '',
    online: false,
  };
  if (kind === 'chat') await chatWith(state, person);
  else await callPerson({ communicationUserId: userId }, person.displayName, false);
}

// ---- connection -------------------------------------------------------------------------------
let bannerTimer: ReturnType<typeof setTimeout> | undefined;

/** A banner while the service is out of reach, and when it is back (then it goes by itself). */
function watchConnection(channel: RealtimeChannel): void {
  const banner = $('connection-banner');
  let lost = false;
  channel.on('stateChanged', ({ state, previous }) => {
    if (live?.channel !== channel) return;
    clearTimeout(bannerTimer);
    if (state === 'reconnecting' || (state === 'connecting' && (lost || previous === 'connected'))) {
      lost = true;
      banner.dataset.kind = 'warning';
      banner.textContent = 'Connection to the service lost. Reconnecting…';
      banner.hidden = false;
    } else if (state === 'connected' && lost) {
      lost = false;
      banner.dataset.kind = 'ok';
      banner.textContent = 'Connected again.';
      banner.hidden = false;
      bannerTimer = setTimeout(() => (banner.hidden = true), 5000);
    } else if (state === 'failed') {
      banner.dataset.kind = 'error';
      banner.textContent = 'The service cannot be reached. Reload the page to try again.';
      banner.hidden = false;
    }
  });
}

function hideConnectionBanner(): void {
  clearTimeout(bannerTimer);
  $('connection-banner').hidden = true;
}

// ---- people -----------------------------------------------------------------------------------
interface Person {
  user: { communicationUserId: string };
  displayName: string;
  lastSeen: string;
  online: boolean;
  isYou?: boolean;
}

let peopleTimer: ReturnType<typeof setInterval> | undefined;
let peopleSearch: ReturnType<typeof setTimeout> | undefined;

function startPeople(state: Live): void {
  stopPeople();
  void refreshPeople(state);
  peopleTimer = setInterval(() => void refreshPeople(state), 5_000);
}

function stopPeople(): void {
  clearInterval(peopleTimer);
  clearTimeout(peopleSearch);
  peopleTimer = undefined;
  $('people').replaceChildren();
}

async function refreshPeople(state: Live): Promise<void> {
  const search = $<HTMLInputElement>('people-search').value.trim();
  try {
    const { value } = await demoRequest<{ value: Person[] }>(
      'GET',
      `demo/people?${new URLSearchParams({ search })}`,
      state.session.credential,
    );
    if (live !== state) return;
    // The app's user table names people in calls, where the call itself has no name for them yet.
    for (const person of value) rememberDisplayName(person.user, person.displayName);
    renderPeople(
      state,
      value.filter((p) => !p.isYou),
      search,
    );
  } catch (error) {
    say(`Could not list people: ${messageOf(error)}`, 'error', $('people'));
  }
}

function lastSeenText(person: Person): string {
  if (person.online) return 'Online';
  const minutes = Math.round((Date.now() - Date.parse(person.lastSeen)) / 60_000);
  if (minutes < 1) return 'Seen just now';
  if (minutes < 60) return `Seen ${minutes} min ago`;
  return `Seen ${new Date(person.lastSeen).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' })}`;
}

function renderPeople(state: Live, people: Person[], search: string): void {
  const button = (label: string, name: string, action: () => void) => {
    const element = document.createElement('button');
    element.type = 'button';
    element.textContent = label;
    element.setAttribute('aria-label', name);
    element.addEventListener('click', action);
    return element;
  };
  $('people').replaceChildren(
    ...people.map((person) => {
      const item = document.createElement('li');
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = person.displayName;
      const presence = document.createElement('span');
      presence.className = 'presence';
      presence.dataset.online = String(person.online);
      presence.textContent = lastSeenText(person);
      const actions = document.createElement('span');
      actions.className = 'actions';
      const who = { communicationUserId: person.user.communicationUserId };
      actions.append(
        button('Chat', `Chat with ${person.displayName}`, () => void chatWith(state, person)),
        button('Call', `Call ${person.displayName}`, () => void callPerson(who, person.displayName, false)),
        button('Video', `Video call ${person.displayName}`, () => void callPerson(who, person.displayName, true)),
      );
      item.append(name, presence, actions);
      return item;
    }),
  );
  const empty = $('people-empty');
  empty.hidden = people.length > 0;
  empty.textContent = search
    ? `Nobody here is called “${search}”.`
    : 'Nobody else yet: open this page in another browser and sign in as someone else.';
}

/** The 1:1 conversations this browser started or joined, by the other person (the app's own memory). */
function directThreads(state: Live): Record<string, string> {
  return JSON.parse(localStorage.getItem(`acs-demo-direct-${state.session.record.userId}`) ?? '{}') as Record<string, string>;
}

function rememberDirectThread(state: Live, otherUserId: string, threadId: string): void {
  const known = directThreads(state);
  known[otherUserId] = threadId;
  localStorage.setItem(`acs-demo-direct-${state.session.record.userId}`, JSON.stringify(known));
}

async function chatWith(state: Live, person: Person): Promise<void> {
  const existing = directThreads(state)[person.user.communicationUserId];
  if (existing && state.threads.has(existing)) {
    selectThread(state, existing, true);
    return;
  }
  const threadId = await createChat(state, { communicationUserId: person.user.communicationUserId }, person.displayName, $('people'));
  if (threadId) rememberDirectThread(state, person.user.communicationUserId, threadId);
}

async function callPerson(who: { communicationUserId: string }, name: string, video: boolean): Promise<void> {
  try {
    await stage.callElement?.startCall(who, { video, displayName: name });
  } catch (error) {
    say(`Could not call ${name}: ${messageOf(error)}`, 'error', $('people'));
  }
}

/**
 * Starts a conversation with someone: titled by both names (each side sees the other's), created
 * with both as participants. Someone the service does not know leaves nothing behind: the thread
 * made without them is deleted again.
 */
async function createChat(
  state: Live,
  other: CommunicationIdentifier,
  otherName: string | undefined,
  near: HTMLElement,
): Promise<string | undefined> {
  const me = state.session.record.displayName ?? 'Guest';
  try {
    const { chatThread, invalidParticipants } = await state.chat.createChatThread(
      { topic: otherName ? `${me} & ${otherName}` : `${me} & …` },
      {
        participants: [
          { id: other, ...(otherName ? { displayName: otherName } : {}) },
          { id: { communicationUserId: state.session.record.userId }, displayName: me },
        ],
      },
    );
    if (invalidParticipants?.length || !chatThread) {
      if (chatThread) await state.chat.deleteChatThread(chatThread.id).catch(() => undefined);
      say('Nobody has that identifier on this service.', 'error', near);
      return undefined;
    }
    addThread(state, chatThread.id, chatThread.topic, true);
    say(otherName ? `Chat with ${otherName} started.` : 'Chat started.', 'info', near);
    return chatThread.id;
  } catch (error) {
    say(`Could not start the chat: ${messageOf(error)}`, 'error', near);
    return undefined;
  }
}

/** A conversation's title for this user: its topic, without their own name when the demo made it. */
function titleOf(state: Live, topic: string): string {
  const me = state.session.record.displayName ?? 'Guest';
  // "Me & Them" or "Them & Me", as createChat names it; a name may have " & " in it too.
  if (topic.startsWith(`${me} & `) && topic.length > me.length + 3) return topic.slice(me.length + 3);
  if (topic.endsWith(` & ${me}`) && topic.length > me.length + 3) return topic.slice(0, -(me.length + 3));
  return topic;
}

async function demoRequest<T>(method: string, path: string, credential: DemoSession['credential'], body?: unknown): Promise<T> {
  const { token } = await credential.getToken();
  const response = await fetch(new URL(path, endpoint), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const result = (await response.json().catch(() => undefined)) as (T & { error?: { message: string } }) | undefined;
  if (!response.ok) throw new Error(result?.error?.message ?? `The service answered ${response.status}.`);
  return result as T;
}

const deliveryStatuses = new Map<string, string>();

function showDeliveryStatus(messageId: string): void {
  const meta = document.querySelector<HTMLElement>(`#sms-list [data-id="${CSS.escape(messageId)}"] .meta`);
  const status = deliveryStatuses.get(messageId);
  if (!meta || !status || meta.dataset.status) return;
  meta.dataset.status = status;
  meta.textContent += ` · ${status}`;
}

interface KeptSms {
  direction: 'in' | 'out';
  peer: string;
  text: string;
  at: string;
  id?: string;
  status?: string;
}

/** Whose texts the page shows (the signed-in user); kept per user in this browser, newest first, 100 at most. */
let smsOwner = '';
const smsKey = () => `acs-demo-sms-${smsOwner}`;

function keptSms(): KeptSms[] {
  try {
    return JSON.parse(localStorage.getItem(smsKey()) ?? '[]') as KeptSms[];
  } catch {
    return [];
  }
}

function updateKeptSms(id: string, status: string): void {
  const kept = keptSms();
  const item = kept.find((k) => k.id === id);
  if (!item) return;
  item.status = status;
  localStorage.setItem(smsKey(), JSON.stringify(kept));
}

function addSms(sms: KeptSms): void {
  const known = sms.id ? deliveryStatuses.get(sms.id) : undefined;
  if (known) sms.status = known;
  localStorage.setItem(smsKey(), JSON.stringify([sms, ...keptSms()].slice(0, 100)));
  renderSms(sms);
}

function renderSms(sms: KeptSms): void {
  const item = document.createElement('li');
  item.dataset.direction = sms.direction;
  if (sms.id) item.dataset.id = sms.id;
  const body = document.createElement('span');
  body.textContent = sms.text;
  const info = document.createElement('span');
  info.className = 'meta';
  const time = new Date(sms.at).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
  info.textContent = `${sms.direction === 'in' ? 'from' : 'to'} ${sms.peer} · ${time}`;
  if (sms.status) {
    info.dataset.status = sms.status;
    info.textContent += ` · ${sms.status}`;
  }
  item.append(body, info);
  $('sms-list').prepend(item);
  $('sms-empty').hidden = true;
  if (sms.id) showDeliveryStatus(sms.id);
}

function addThread(state: Live, threadId: string, topic: string, select: boolean): void {
  state.threads.set(threadId, topic);
  renderThreads(state);
  if (select || !stage.threadId) selectThread(state, threadId, select);
}

function selectThread(state: Live, threadId: string, reveal = false): void {
  stage.threadId = threadId;
  renderThreads(state);
  if (reveal) revealChat();
}

function renderThreads(state: Live): void {
  // The header names the other person, as the list does (the topic names you both).
  stage.chatTitle = stage.threadId ? titleOf(state, state.threads.get(stage.threadId) ?? '') : '';
  const list = $<HTMLUListElement>('threads');
  list.replaceChildren(
    ...[...state.threads].map(([id, topic]) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = titleOf(state, topic);
      button.setAttribute('aria-current', String(id === stage.threadId));
      button.addEventListener('click', () => selectThread(state, id, true));
      item.append(button);
      return item;
    }),
  );
  $('threads-empty').hidden = state.threads.size > 0;
}

/** The session the page shows (signed in), connected or not. */
let shown: DemoSession | undefined;

function show(session: DemoSession | undefined): void {
  shown = session;
  $('signed-out').hidden = session !== undefined;
  $('signed-in').hidden = session === undefined;
  $('account-summary').hidden = session === undefined;
  $('sign-out').hidden = session === undefined;
  if (!session) {
    const note = inviteNote();
    $('invite-note').textContent = note;
    $('invite-note').hidden = !note;
    $<HTMLInputElement>('display-name').focus();
    return;
  }
  const { record } = session;
  $('who').textContent = record.displayName ?? 'someone';
  $('user-id').textContent = record.userId;
  $('token-scopes').textContent = record.scopes.join(', ');
  $('token-expiry').textContent = new Date(record.expiresOn).toLocaleString();
  $('token-source').textContent = session.source === 'store' ? 'this browser’s token store (no request made)' : 'the service';
}

/** The sign-in or resume going on, so that signing out meanwhile waits for it instead of doing nothing. */
let starting: Promise<void> | undefined;

async function start(session: DemoSession): Promise<void> {
  show(session);
  starting = goLive(session).then((connected) => {
    live = connected;
  });
  try {
    await starting;
    sayStatus(stage.groupId ? 'Ready: join the group call when you are set.' : 'Ready.');
    if (stage.groupId) revealStage();
    if (live && invitation) {
      const from = invitation;
      invitation = undefined;
      await followInvite(live, from);
    }
  } catch (error) {
    sayStatus(`Could not connect: ${messageOf(error)}`, 'error');
  }
}

// ---- group calls ------------------------------------------------------------------------------
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The invite link of a group call: this page with `?group=<id>`. */
function inviteLink(groupId: string): string {
  return demoLink({ group: groupId });
}

/** Back to ordinary calls: no group offered, no group link shown. */
function forgetGroup(): void {
  stage.groupId = '';
  $('group-invite').hidden = true;
  if (new URL(location.href).searchParams.has('group')) history.replaceState(null, '', location.pathname);
}

/** Shows a group call's invite link and lets the call side offer "Join call" for it. */
function offerGroup(groupId: string): void {
  stage.groupId = groupId;
  $<HTMLInputElement>('group-link').value = inviteLink(groupId);
  $('group-invite').hidden = false;
  history.replaceState(null, '', inviteLink(groupId));
}

// Someone's invite link opened here: the chat or call starts once signed in.
let invitation: { kind: InviteKind; userId: string } | undefined;
/** The query of the page as it was opened. */
const opened = new URL(location.href).searchParams;
const invitedBy = (opened.get('from') ?? '').trim().slice(0, 64);
for (const kind of ['chat', 'call'] as const) {
  const userId = opened.get(kind);
  if (userId === null) continue;
  if (/^8:acs:/.test(userId)) invitation = { kind, userId };
  else say('That invite link names nobody (its id is not a user identifier).', 'error');
}
/** What the sign-in card says to someone who came with an invite link. */
function inviteNote(): string {
  const who = invitedBy || 'Someone you know';
  if (invitation) return `${who} invited you to ${invitation.kind === 'call' ? 'a call' : 'a chat'}: sign in to start it.`;
  if (stage.groupId) return 'You are invited to a group call: sign in to join it.';
  return '';
}

// An invite link opened here: the call side asks "Join the group call" once signed in.
const invited = opened.get('group');
if (invited && GUID.test(invited)) offerGroup(invited.toLowerCase());
else if (invited) say('That invite link names no group call (its group id is not a GUID).', 'error');

try {
  const resumed = await sessions.resume();
  if (resumed) await start(resumed);
  else show(undefined);
} catch (error) {
  show(undefined);
  sayStatus(`Could not restore your session: ${messageOf(error)}`, 'error');
}

// ---- actions ----------------------------------------------------------------------------------
$<HTMLFormElement>('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = $<HTMLInputElement>('display-name').value.trim();
  if (!name) {
    say('Type the name others will see, then sign in.', 'error', $('sign-in'));
    return;
  }
  say('Signing in…', 'info', $('sign-in'));
  try {
    await start(await sessions.signIn(name));
  } catch (error) {
    say(`Sign-in failed: ${messageOf(error)}`, 'error', $('sign-in'));
  }
});

$<HTMLFormElement>('new-chat').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!live) return;
  const form = $('new-chat');
  const input = $<HTMLInputElement>('chat-with');
  const other = input.value.trim();
  const identifier = createIdentifierFromRawId(other);
  if (identifier.kind !== 'communicationUser' && identifier.kind !== 'callingApplication') {
    say('That is not a user or application identifier: it starts with 8:acs: or 28:acs:', 'error', form);
    return;
  }
  if (other === live.session.record.userId) {
    say('That is your own identifier: use someone else’s.', 'error', form);
    return;
  }
  const threadId = await createChat(live, identifier, undefined, form);
  if (threadId) input.value = '';
});

$('start-group').addEventListener('click', async () => {
  if (!live) return;
  offerGroup(crypto.randomUUID());
  try {
    await stage.updateComplete;
    await stage.callElement?.joinCall();
    say('Group call started. Share the invite link so others can join.', 'info', $('start-group'));
  } catch (error) {
    say(`Could not start the group call: ${messageOf(error)}`, 'error', $('start-group'));
  }
});

/** A Copy button: puts `text()` on the clipboard and says so, or how to copy `what` by hand. */
function copyButton(buttonId: string, text: () => string, copied: string, what: string): void {
  $(buttonId).addEventListener('click', async () => {
    await navigator.clipboard.writeText(text()).then(
      () => say(copied, 'info', $(buttonId).parentElement!),
      () => say(`Copy failed: select the ${what} and copy it by hand.`, 'error', $(buttonId).parentElement!),
    );
  });
}

for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="invite-kind"]')) {
  radio.addEventListener('change', () => {
    if (shown) showInviteLink(shown);
  });
}

copyButton('copy-group-link', () => $<HTMLInputElement>('group-link').value, 'Invite link copied.', 'link');
copyButton('copy-invite', () => $<HTMLInputElement>('my-invite').value, 'Invite link copied.', 'link');
copyButton('copy-id', () => $('user-id').textContent ?? '', 'Identifier copied.', 'identifier');

$('sign-out').addEventListener('click', async () => {
  await starting?.catch(() => undefined);
  const session = shown;
  if (!session) return;
  const current = live;
  live = undefined;
  stopPeople();
  hideConnectionBanner();
  forgetGroup();
  clearToast();
  for (const line of document.querySelectorAll<HTMLElement>('.feedback')) line.replaceChildren();
  // Signing out for good: nobody can sign in as this identity again, so it leaves the People list.
  await demoRequest('DELETE', 'demo/me', session.credential).catch(() => undefined);
  if (current) {
    await current.agent.dispose();
    await current.chat.stopRealtimeNotifications();
    current.channel.stop();
  }
  stage.callAgent = undefined;
  stage.chatClient = undefined;
  stage.threadId = '';
  // Signing out works even when connecting failed: the stored token goes all the same.
  await sessions.signOut(session);
  show(undefined);
  sayStatus('Signed out.');
});

$('dial-pad').addEventListener('acs-dial', (event) => {
  if (!live) return;
  const { phoneNumber } = event.detail;
  if (!live.phoneNumber) {
    say('You have no phone number to call from.', 'error', $('dial-pad'));
    return;
  }
  try {
    live.agent.startCall([{ phoneNumber }], { alternateCallerId: { phoneNumber: live.phoneNumber } });
  } catch (error) {
    say(`Could not call: ${messageOf(error)}`, 'error', $('dial-pad'));
  }
});

$<HTMLFormElement>('sms-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!live) return;
  const to = $<HTMLInputElement>('sms-to')
    .value.trim()
    .replace(/[\s().-]/g, '');
  const text = $<HTMLInputElement>('sms-text').value;
  if (!/^\+[1-9]\d{6,14}$/.test(to)) {
    say('Type the number with its country code, like +14255550123.', 'error', $('sms-form'));
    return;
  }
  try {
    const result = await demoRequest<{ successful: boolean; messageId?: string; errorMessage?: string }>(
      'POST',
      'demo/sms',
      live.session.credential,
      {
        to,
        message: text,
      },
    );
    if (!result.successful) throw new Error(result.errorMessage ?? 'The message was not accepted.');
    addSms({ direction: 'out', peer: to, text, at: new Date().toISOString(), ...(result.messageId ? { id: result.messageId } : {}) });
    $<HTMLInputElement>('sms-text').value = '';
    say('Text sent.', 'info', $('sms-form'));
  } catch (error) {
    say(`Could not send the text: ${messageOf(error)}`, 'error', $('sms-form'));
  }
});

// Back to the tab: who is around now, at once.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && live) void refreshPeople(live);
});

$('people-search').addEventListener('input', () => {
  clearTimeout(peopleSearch);
  const state = live;
  if (state) peopleSearch = setTimeout(() => void refreshPeople(state), 200);
});

stage.addEventListener('acs-error', (event) => say(messageOf(event.detail.error), 'error'));

/** The conversation a person just chose: the cursor goes to its message box (which scrolls it into view). */
function revealChat(): void {
  void stage.updateComplete.then(() => stage.chatElement?.focusSendBox());
}

/** Brings the call into view (on a phone it sits below the sidebar) unless its top already shows. */
function revealStage(): void {
  const top = stage.getBoundingClientRect().top;
  if (top >= 0 && top < innerHeight / 2) return;
  stage.scrollIntoView({ block: 'start', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
}
// After a group call, "New call" is an ordinary call again ("Rejoin" still rejoins the group).
stage.addEventListener('acs-call-ended', (event) => {
  if (event.detail.call.info.groupId) forgetGroup();
});

// A call starting or ringing here shows itself.
stage.addEventListener('acs-call-state-change', (event) => {
  if (event.detail.state === 'Connecting' || event.detail.state === 'Ringing') revealStage();
});

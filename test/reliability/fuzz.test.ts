/**
 * Generated bad input (fast-check) against every route of the service and both sockets. The route
 * list is the service's route table (`RunningService.routes`): every declared route gets a
 * property, and one declared without fuzz inputs here (fixture ids, a valid body) fails the first
 * test. Credentials follow each route's declaration: HMAC-signed over the generated body, a user's
 * token, or an application's signed request, by its `auth`; sometimes a token without its
 * `scopes`, or the caller kind it refuses. So most requests reach validation, and the generators
 * exercise parsing and checks, not only the auth gate. The properties:
 *
 * - HTTP: never a 5xx, never a non-JSON error; a refused request (4xx) leaves every stored row and
 *   the calls in progress exactly as they were. Accepted requests (the generator sometimes builds
 *   a valid one) may change state: that is not bad input.
 * - Real-time channel: a refused connection or a bad frame closes the socket with a 44xx code and
 *   a reason (1009 for an oversized frame); nothing is stored.
 * - Signalling: a refused registration is an HTTP 4xx with a JSON error before the upgrade; a
 *   frame that is not a PeerJS client message closes the socket with 4400 and a reason; valid
 *   messages are relayed and the socket stays open.
 *
 * The number of generated inputs is printed and kept in test-results/reliability/fuzz.json.
 */
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { TOKEN_SCOPES, type TokenScope } from '../../mock-server/auth/tokens.js';
import { type RunningService, type ServiceRoute, startService } from '../../mock-server/service.js';
import { APPLICATION_HEADER } from '../../mock-server/identity/applicationRoutes.js';
import { parsePeerId, peerIdFor } from '../../src/calling/peerIds.js';
import { signRequest } from '../../src/common/hmac.js';
import { realtimeProtocols } from '../../src/common/realtimeProtocol.js';
import { API_VERSIONS } from '../../src/common/apiVersions.js';
import { recordFigures } from '../kit/figures.js';
import {
  API_VERSION,
  CHAT_API_VERSION,
  type ChatUser,
  WAIT_MS,
  chatUser,
  closeRealtimeClients,
  createThread,
  forgeToken,
  registerPeer,
  sendMessage,
  serviceUrl,
  signallingUrl,
  stateSnapshot,
  threadPath,
  userModel,
  userRequest,
} from '../kit/serverHelpers.js';

/** Runs per property; the whole file stays around ten seconds. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 0) || undefined;
const runs = (n: number) => RUNS ?? n;

const tried: Record<string, number> = {};
const outcomes: Record<string, number> = {};
const count = (what: string) => (tried[what] = (tried[what] ?? 0) + 1);
const outcome = (what: string) => (outcomes[what] = (outcomes[what] ?? 0) + 1);

/** a and b are in the thread and the call; outsider is in neither; callee is the application's call's. */
let a: ChatUser;
let b: ChatUser;
let outsider: ChatUser;
let callee: ChatUser;
let tokens: Record<string, string | undefined>;
/** `number` is an admin number assigned to a (a's demo SMS go from it); `sms` was sent from it. */
const fixture = {
  thread: '',
  messageOfA: '',
  messageOfB: '',
  call: '',
  victim: '',
  application: '',
  automationCall: '',
  number: '',
  sms: '',
  search: '',
  operation: '',
  reservation: '',
  room: '',
};

const now = () => Math.floor(Date.now() / 1000);

/** Re-creates what an accepted generated request may have destroyed (deleted thread, ended call). */
async function ensureFixtures(): Promise<void> {
  const member = (id: string) => fixture.thread !== '' && service.chat.isParticipant(fixture.thread, id);
  if (!member(a.id) || !member(b.id)) {
    fixture.thread = await createThread(service, a, [b.id], 'Fuzzed');
    fixture.messageOfA = '';
    fixture.messageOfB = '';
  }
  const live = (id: string) =>
    id !== '' &&
    (
      service.db.prepare('SELECT deleted_on FROM chat_messages WHERE thread_id = ? AND id = ?').get(fixture.thread, id) as
        { deleted_on: number | null } | undefined
    )?.deleted_on === null;
  if (!live(fixture.messageOfA)) fixture.messageOfA = await sendMessage(service, a, fixture.thread, 'from a');
  if (!live(fixture.messageOfB)) fixture.messageOfB = await sendMessage(service, b, fixture.thread, 'from b');
  let callLive = false;
  try {
    callLive = fixture.call !== '' && service.calling.getCall(a.id, fixture.call).state !== 'Ended';
  } catch {
    callLive = false;
  }
  if (!callLive) {
    fixture.call = service.calling.startCall(a.id, { targets: [b.id], endpointId: 'fuzzA' }).id;
  }
  if (!service.identities.getUser(fixture.victim)) fixture.victim = service.identities.createUser().id;
  if (!service.identities.getApplication(fixture.application)) {
    fixture.application = service.identities.createApplication('Fuzzed bot').id;
    fixture.automationCall = '';
  }
  let automationLive = false;
  try {
    automationLive = fixture.automationCall !== '' && service.calling.getCall(callee.id, fixture.automationCall).state !== 'Ended';
  } catch {
    automationLive = false;
  }
  if (!automationLive) fixture.automationCall = service.calling.startCall(fixture.application, { targets: [callee.id] }).id;
  if (!service.phoneNumbers.get(fixture.number)) {
    // An area code of its own, so accepted generated acquisitions cannot use it up first.
    fixture.number = service.phoneNumbers.acquire('505', 1)[0]!.phoneNumber;
    fixture.sms = '';
  }
  if (service.phoneNumbers.get(fixture.number)!.assignedTo !== a.id) service.phoneNumbers.assign(fixture.number, a.id);
  if (!service.phoneNumbers.getSearch(fixture.search)) {
    // Area code 213's numbers: held by the fixture search, one at a time.
    const { search, operation } = service.phoneNumbers.search(
      {
        countryCode: 'US',
        phoneNumberType: 'geographic',
        assignmentType: 'application',
        capabilities: { calling: 'inbound+outbound', sms: 'inbound+outbound' },
      },
      Array.from({ length: 100 }, (_, i) => `+12135550${100 + i}`),
      1,
    );
    fixture.search = search.id;
    fixture.operation = operation.id;
  }
  if (service.phoneNumbers.getReservation(fixture.reservation)?.status !== 'active') {
    // A toll-free number of 866, reserved by the fixture reservation.
    const [free] = service.phoneNumbers.freeOf(Array.from({ length: 100 }, (_, i) => `+18665550${100 + i}`));
    fixture.reservation = randomUUID();
    service.phoneNumbers.saveReservation(
      fixture.reservation,
      [
        {
          phoneNumber: free!,
          countryCode: 'US',
          phoneNumberType: 'tollFree',
          assignmentType: 'application',
          capabilities: { calling: 'inbound+outbound', sms: 'inbound+outbound' },
        },
      ],
      [],
    );
  }
  if ('denied' in service.rooms.roomAccess(fixture.room, a.id)) {
    // A room a presents in, now valid: an accepted request may have deleted it, moved it or removed a.
    fixture.room = service.rooms.createRoom({ participants: new Map([[a.id, 'Presenter']]) }).room.id;
  }
  if (fixture.sms === '') {
    fixture.sms = service.sms.send({
      from: fixture.number,
      to: ['+14255550100'],
      message: 'fixture',
      enableDeliveryReport: true,
    })[0]!.messageId!;
  }
}

/** Every stored row plus the calls in progress the fixtures take part in. */
function snapshot(): unknown {
  const calls: unknown[] = [];
  for (const [user, callId] of [
    [a, fixture.call],
    [b, fixture.call],
    [callee, fixture.automationCall],
  ] as const) {
    try {
      // Every read of a call numbers a new snapshot: the version is no state.
      const { version: _version, ...call } = service.calling.getCall(user.id, callId);
      calls.push(call);
    } catch (error) {
      calls.push(String(error));
    }
  }
  return {
    state: stateSnapshot(service),
    history: service.db.prepare('SELECT * FROM call_history ORDER BY user_id, call_id').all(),
    calls,
  };
}

// ---- generated values ----------------------------------------------------------------------------

/** Anything JSON can carry, biased to the wrong types and sizes validators must catch. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }) },
  { weight: 2, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 257, max: 5000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\u0000', '__proto__', 'constructor', '8:acs:x', '4:+1555', '💥'.repeat(3)) },
);

/** An identifier model as the chat and calling routes take, mostly malformed. */
const identifierModel: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null).map(() => userModel(b.id)),
  fc.record({ communicationUser: fc.record({ id: anyValue }) }),
  fc.record({ rawId: anyValue }, { requiredKeys: [] }),
  fc.record({ phoneNumber: fc.record({ value: anyValue }) }),
  fc.record({ kind: anyValue, rawId: anyValue, microsoftTeamsUser: anyValue }, { requiredKeys: [] }),
  anyValue,
);

/** What the fuzzer needs beyond a route's declaration: a name, fixture ids for its path, a valid body. */
interface FuzzInputs {
  /** `METHOD template`, as the service declares the route. */
  route: string;
  name: string;
  /** Generates each path parameter: a fixture id, or garbage (see `pathParam`). */
  params: (() => string)[];
  /** A valid body (the generator mutates it); undefined for routes without one. */
  valid?: () => Record<string, unknown>;
}

/** A fuzzed route: its declaration (`RunningService.routes`) plus the inputs for it. */
type Route = Omit<FuzzInputs, 'route'> &
  Pick<ServiceRoute, 'method' | 'template' | 'auth' | 'scopes' | 'api' | 'origins' | 'body'> & {
    /** Not on the service's router (signalling's own HTTP), so not in `RunningService.routes`. */
    unregistered?: boolean;
  };

const encode = encodeURIComponent;
const INPUTS: FuzzInputs[] = [
  {
    route: 'POST /identities',
    name: 'create identity',
    params: [],
    valid: () => ({ createTokenWithScopes: ['chat'], expiresInMinutes: 60 }),
  },
  {
    route: 'POST /identities/{id}/:issueAccessToken',
    name: 'issue token',
    params: [() => fixture.victim],
    valid: () => ({ scopes: ['chat', 'voip'], expiresInMinutes: 120 }),
  },
  { route: 'POST /identities/{id}/:revokeAccessTokens', name: 'revoke tokens', params: [() => fixture.victim], valid: () => ({}) },
  { route: 'DELETE /identities/{id}', name: 'delete identity', params: [() => fixture.victim] },
  { route: 'POST /applications', name: 'create application', params: [], valid: () => ({ displayName: 'Bot' }) },
  { route: 'GET /applications/{id}', name: 'get application', params: [() => fixture.application] },
  {
    route: 'POST /applications/{id}/:issueAccessToken',
    name: 'application token',
    params: [() => fixture.application],
    valid: () => ({ expiresInMinutes: 60 }),
  },
  { route: 'DELETE /applications/{id}', name: 'delete application', params: [() => fixture.application] },
  {
    route: 'POST /phoneNumbers/:acquire',
    name: 'acquire numbers',
    params: [],
    valid: () => ({ countryCode: 'US', areaCode: '206', quantity: 1 }),
  },
  { route: 'GET /phoneNumbers', name: 'list numbers', params: [] },
  { route: 'GET /phoneNumbers/{number}', name: 'get number', params: [() => fixture.number] },
  { route: 'PATCH /phoneNumbers/{number}', name: 'assign number', params: [() => fixture.number], valid: () => ({ assignedTo: b.id }) },
  { route: 'DELETE /phoneNumbers/{number}', name: 'release number', params: [() => fixture.number] },
  {
    route: 'PATCH /phoneNumbers/{number}/capabilities',
    name: 'update capabilities',
    params: [() => fixture.number],
    valid: () => ({ calling: 'inbound+outbound', sms: 'inbound+outbound' }),
  },
  { route: 'GET /phoneNumbers/operations/{operationId}', name: 'get operation', params: [() => fixture.operation] },
  { route: 'GET /availablePhoneNumbers/countries', name: 'list countries', params: [] },
  { route: 'GET /availablePhoneNumbers/countries/{countryCode}/localities', name: 'list localities', params: [() => 'US'] },
  { route: 'GET /availablePhoneNumbers/countries/{countryCode}/areaCodes', name: 'list area codes', params: [() => 'US'] },
  { route: 'GET /availablePhoneNumbers/countries/{countryCode}/offerings', name: 'list offerings', params: [() => 'US'] },
  {
    route: 'POST /availablePhoneNumbers/countries/{countryCode}/:search',
    name: 'search numbers',
    params: [() => 'US'],
    valid: () => ({
      phoneNumberType: 'geographic',
      assignmentType: 'application',
      capabilities: { calling: 'inbound+outbound', sms: 'outbound' },
      areaCode: '212',
      quantity: 1,
    }),
  },
  { route: 'GET /availablePhoneNumbers/searchResults/{searchId}', name: 'get search result', params: [() => fixture.search] },
  {
    route: 'POST /availablePhoneNumbers/:purchase',
    name: 'purchase numbers',
    params: [],
    valid: () => ({ searchId: fixture.search, agreeToNotResell: true }),
  },
  {
    route: 'POST /availablePhoneNumbers/countries/{countryCode}/:browse',
    name: 'browse numbers',
    params: [() => 'US'],
    valid: () => ({
      phoneNumberType: 'tollFree',
      capabilities: { calling: 'outbound' },
      assignmentType: 'application',
      phoneNumberPrefixes: ['+1800'],
    }),
  },
  { route: 'GET /availablePhoneNumbers/reservations', name: 'list reservations', params: [] },
  { route: 'GET /availablePhoneNumbers/reservations/{reservationId}', name: 'get reservation', params: [() => fixture.reservation] },
  {
    route: 'PATCH /availablePhoneNumbers/reservations/{reservationId}',
    name: 'reserve numbers',
    params: [() => fixture.reservation],
    valid: () => ({
      phoneNumbers: {
        '18005550150': { phoneNumber: '+18005550150', countryCode: 'US', phoneNumberType: 'tollFree', assignmentType: 'application' },
      },
    }),
  },
  { route: 'DELETE /availablePhoneNumbers/reservations/{reservationId}', name: 'delete reservation', params: [() => fixture.reservation] },
  {
    route: 'POST /availablePhoneNumbers/reservations/{reservationId}/:purchase',
    name: 'purchase reservation',
    params: [() => fixture.reservation],
    valid: () => ({ agreeToNotResell: true }),
  },
  {
    route: 'POST /operatorInformation/:search',
    name: 'operator information',
    params: [],
    valid: () => ({ phoneNumbers: ['+14255550100'], options: { includeAdditionalOperatorDetails: true } }),
  },
  {
    route: 'POST /sms',
    name: 'send sms',
    params: [],
    valid: () => ({
      from: fixture.number,
      smsRecipients: [{ to: '+14255550100', repeatabilityRequestId: 'r1' }],
      message: 'hi',
      smsSendOptions: { enableDeliveryReport: true, tag: 't' },
    }),
  },
  {
    route: 'POST /sms/optouts:add',
    name: 'sms opt-out add',
    params: [],
    valid: () => ({ from: fixture.number, recipients: [{ to: '+14255550100' }, { to: '+1425555012345' }] }),
  },
  {
    route: 'POST /sms/optouts:remove',
    name: 'sms opt-out remove',
    params: [],
    valid: () => ({ from: fixture.number, recipients: [{ to: '+14255550100' }] }),
  },
  {
    route: 'POST /sms/optouts:check',
    name: 'sms opt-out check',
    params: [],
    valid: () => ({ from: fixture.number, recipients: [{ to: '+14255550100' }] }),
  },
  { route: 'GET /sms/{messageId}', name: 'get sms', params: [() => fixture.sms] },
  {
    route: 'POST /rooms',
    name: 'create room',
    params: [],
    valid: () => ({
      validFrom: new Date(Date.now() + 60_000).toISOString(),
      validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      pstnDialOutEnabled: true,
      participants: { [b.id]: { role: 'Presenter' }, [outsider.id]: {} },
    }),
  },
  { route: 'GET /rooms', name: 'list rooms', params: [] },
  { route: 'GET /rooms/{roomId}', name: 'get room', params: [() => fixture.room] },
  {
    route: 'PATCH /rooms/{roomId}',
    name: 'update room',
    params: [() => fixture.room],
    valid: () => ({ validUntil: new Date(Date.now() + 2 * 86_400_000).toISOString(), pstnDialOutEnabled: false }),
  },
  { route: 'DELETE /rooms/{roomId}', name: 'delete room', params: [() => fixture.room] },
  { route: 'GET /rooms/{roomId}/participants', name: 'list room participants', params: [() => fixture.room] },
  {
    route: 'PATCH /rooms/{roomId}/participants',
    name: 'update room participants',
    params: [() => fixture.room],
    valid: () => ({ participants: { [b.id]: { role: 'Collaborator' }, [outsider.id]: null } }),
  },
  {
    route: 'POST /chat/threads',
    name: 'create thread',
    params: [],
    valid: () => ({
      topic: 'T',
      participants: [
        { communicationIdentifier: userModel(b.id), displayName: 'B', shareHistoryTime: new Date(0).toISOString(), metadata: { k: 'v' } },
      ],
      metadata: { a: 'b' },
      retentionPolicy: { kind: 'threadCreationDate', deleteThreadAfterDays: 30 },
    }),
  },
  { route: 'GET /chat/threads', name: 'list threads', params: [] },
  { route: 'GET /chat/threads/{threadId}', name: 'get thread', params: [() => fixture.thread] },
  {
    route: 'PATCH /chat/threads/{threadId}',
    name: 'update thread',
    params: [() => fixture.thread],
    valid: () => ({ topic: 'New', metadata: { x: 'y' }, retentionPolicy: { kind: 'none' } }),
  },
  { route: 'DELETE /chat/threads/{threadId}', name: 'delete thread', params: [() => fixture.thread] },
  {
    route: 'POST /chat/threads/{threadId}/messages',
    name: 'send message',
    params: [() => fixture.thread],
    valid: () => ({ content: 'hi', senderDisplayName: 'A', type: 'text', metadata: { m: 'n' } }),
  },
  { route: 'GET /chat/threads/{threadId}/messages', name: 'list messages', params: [() => fixture.thread] },
  {
    route: 'GET /chat/threads/{threadId}/messages/{messageId}',
    name: 'get message',
    params: [() => fixture.thread, () => fixture.messageOfA],
  },
  {
    route: 'PATCH /chat/threads/{threadId}/messages/{messageId}',
    name: 'update message',
    params: [() => fixture.thread, () => fixture.messageOfA],
    valid: () => ({ content: 'edited', metadata: { e: 'f' } }),
  },
  {
    route: 'PATCH /chat/threads/{threadId}/messages/{messageId}',
    name: "update b's message",
    params: [() => fixture.thread, () => fixture.messageOfB],
    valid: () => ({ content: 'not mine' }),
  },
  {
    route: 'DELETE /chat/threads/{threadId}/messages/{messageId}',
    name: 'delete message',
    params: [() => fixture.thread, () => fixture.messageOfA],
  },
  {
    route: 'DELETE /chat/threads/{threadId}/messages/{messageId}',
    name: "delete b's message",
    params: [() => fixture.thread, () => fixture.messageOfB],
  },
  { route: 'GET /chat/threads/{threadId}/participants', name: 'list participants', params: [() => fixture.thread] },
  {
    route: 'POST /chat/threads/{threadId}/participants/:add',
    name: 'add participants',
    params: [() => fixture.thread],
    valid: () => ({ participants: [{ communicationIdentifier: userModel(b.id), displayName: 'B' }] }),
  },
  {
    route: 'POST /chat/threads/{threadId}/participants/:remove',
    name: 'remove participant',
    params: [() => fixture.thread],
    valid: () => ({ communicationUser: { id: outsider.id } }),
  },
  {
    route: 'POST /chat/threads/{threadId}/readReceipts',
    name: 'send read receipt',
    params: [() => fixture.thread],
    valid: () => ({ chatMessageId: fixture.messageOfB }),
  },
  { route: 'GET /chat/threads/{threadId}/readReceipts', name: 'list read receipts', params: [() => fixture.thread] },
  {
    route: 'POST /chat/threads/{threadId}/typing',
    name: 'typing',
    params: [() => fixture.thread],
    valid: () => ({ senderDisplayName: 'A' }),
  },
  {
    route: 'POST /calling/calls',
    name: 'start call',
    params: [],
    valid: () => ({ targets: [userModel(b.id)], endpointId: 'fuzzA2', displayName: 'A', isMuted: false, isVideoOn: true }),
  },
  {
    route: 'POST /calling/calls/:join',
    name: 'join group call',
    params: [],
    valid: () => ({ groupId: randomUUID(), endpointId: 'fuzzJ', displayName: 'A', isMuted: false, isVideoOn: false }),
  },
  { route: 'GET /calling/calls/{callId}', name: 'get call', params: [() => fixture.call] },
  {
    route: 'POST /calling/calls/{callId}/:accept',
    name: 'accept call',
    params: [() => fixture.call],
    valid: () => ({ endpointId: 'fuzzB', displayName: 'B', isMuted: true, isVideoOn: false }),
  },
  { route: 'POST /calling/calls/{callId}/:reject', name: 'reject call', params: [() => fixture.call], valid: () => ({}) },
  { route: 'POST /calling/calls/{callId}/:hangUp', name: 'hang up', params: [() => fixture.call], valid: () => ({ forEveryone: false }) },
  {
    route: 'POST /calling/calls/{callId}/participants/:add',
    name: 'add to call',
    params: [() => fixture.call],
    valid: () => ({ targets: [userModel(outsider.id)] }),
  },
  {
    route: 'POST /calling/calls/{callId}/:updateMediaState',
    name: 'update media state',
    params: [() => fixture.call],
    valid: () => ({ isMuted: true, isVideoOn: false, isScreenSharing: false, onHold: false }),
  },
  { route: 'POST /calling/calls/{callId}/:raiseHand', name: 'raise hand', params: [() => fixture.call], valid: () => ({}) },
  {
    route: 'POST /calling/calls/{callId}/:lowerHands',
    name: 'lower hands',
    params: [() => fixture.call],
    valid: () => ({ targets: [userModel(b.id)] }),
  },
  {
    route: 'POST /calling/calls/{callId}/:startSpotlight',
    name: 'start spotlight',
    params: [() => fixture.call],
    valid: () => ({ targets: [userModel(b.id)] }),
  },
  {
    route: 'POST /calling/calls/{callId}/:stopSpotlight',
    name: 'stop spotlight',
    params: [() => fixture.call],
    valid: () => ({ all: true }),
  },
  {
    route: 'POST /calling/calls/{callId}/:sendReaction',
    name: 'send reaction',
    params: [() => fixture.call],
    valid: () => ({ reactionType: 'like' }),
  },
  { route: 'GET /calling/history', name: 'call history', params: [] },
  { route: 'GET /calling/config', name: 'calling config', params: [] },
  {
    route: 'POST /calling/automation/calls',
    name: 'application places a call',
    params: [],
    valid: () => ({ targets: [userModel(callee.id)], displayName: 'Bot' }),
  },
  {
    route: 'POST /calling/automation/calls/{callId}/:hangUp',
    name: 'application hangs up',
    params: [() => fixture.automationCall],
    valid: () => ({ forEveryone: true }),
  },
  {
    route: 'POST /networkTraversal/:issueRelayConfiguration',
    name: 'relay credentials',
    params: [],
    valid: () => ({ id: a.id, routeType: 'nearest', ttl: 3600 }),
  },
  { route: 'POST /demo/token', name: 'demo token', params: [], valid: () => ({}) },
  { route: 'POST /demo/token/refresh', name: 'demo refresh', params: [], valid: () => ({}) },
  { route: 'GET /demo/me', name: 'demo me', params: [] },
  { route: 'PATCH /demo/me', name: 'demo introduce', params: [], valid: () => ({ displayName: 'Fuzzy' }) },
  { route: 'GET /demo/people', name: 'demo people', params: [] },
  { route: 'POST /demo/sms', name: 'demo sms', params: [], valid: () => ({ to: '+14255550100', message: 'hi' }) },
  { route: 'DELETE /demo/me', name: 'demo leaves', params: [] },
];

const routeKey = (route: { method: string; template: string }) => `${route.method} ${route.template}`;

/** Signalling's own HTTP under /peerjs (the PeerJS server answers it, not the route table). */
const SIGNALLING_OVER_HTTP: Route = {
  name: 'signalling over HTTP',
  method: 'GET',
  template: '/peerjs/{id}',
  auth: 'open',
  origins: 'any',
  body: 'none',
  params: [() => 'peerjs/id'],
  unregistered: true,
};

const service: RunningService = await startService({
  demo: true,
  // Generated requests all come from one address: throttled, the demo routes would mostly answer 429.
  demoRateLimits: { createsPerWindow: 100_000, refreshesPerWindow: 100_000 },
  calling: { ringTimeoutMs: 10 * 60_000 },
  // Credentials are only computed: no coturn is needed for the network-traversal route.
  relay: { urls: ['turn:127.0.0.1:3478'], secret: 'fuzz' },
});

/**
 * One property per declared route (and per extra input set of it), credentials chosen by its
 * declared auth and scopes. A declared route without inputs is still fuzzed, with garbage path
 * parameters and no valid body, and the first test fails until it has inputs.
 */
const ROUTES: Route[] = [
  ...service.routes.flatMap((declared) => {
    const inputs = INPUTS.filter((input) => input.route === routeKey(declared));
    const fallback: Omit<FuzzInputs, 'route'> = {
      name: `${declared.template} (no inputs)`,
      params: (declared.template.match(/\{[a-zA-Z]+\}/g) ?? []).map(() => () => 'x'),
    };
    return (inputs.length > 0 ? inputs : [fallback]).map(({ name, params, valid }) => ({
      ...declared,
      name,
      params,
      ...(valid ? { valid } : {}),
    }));
  }),
  SIGNALLING_OVER_HTTP,
];

/** The route's path with these (already encoded) parameters. */
function pathOf(route: Route, params: string[]): string {
  let index = 0;
  return route.template.replace(/\{[a-zA-Z]+\}/g, () => params[index++] ?? '');
}

/** The api-version the route's API's clients send (unversioned routes ignore it). */
function apiVersionOf(route: Route): string {
  return route.api ? API_VERSIONS[route.api].current : API_VERSION;
}

/** A path parameter: the fixture's own id (so checks past the lookup are reached) or garbage. */
function pathParam(valid: () => string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(null).map(() => encode(valid())) },
    { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 30 }).map(encode) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).map(encode) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '8%3Aacs%3Ax',
        encode(`8:acs:${'0'.repeat(36)}_${'f'.repeat(36)}`),
        '19%3Aabc%40thread.v2',
        '4%3A%2B15551234567',
        '%',
        '%E0%A4%A',
        '%00',
        '..',
        'x'.repeat(3000),
        '%2F',
        '1',
        '-1',
        '99999999999999999999',
      ),
    },
  );
}

/** The query string: the api-version (usually) plus paging parameters with generated values. */
const query = fc.record(
  {
    'api-version': fc.oneof(
      { weight: 8, arbitrary: fc.constant('ok') },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    ),
    maxPageSize: fc.oneof(fc.constantFrom('0', '1', '200', '201', '-1', '1.5', 'x', '1e3', ''), fc.integer().map(String)),
    top: fc.oneof(fc.constantFrom('0', '1', '1000', '1001', '-1', '1.5', 'x', ''), fc.integer().map(String)),
    phoneNumberType: fc.constantFrom('geographic', 'tollFree', 'mobile', 'x', ''),
    skip: fc.oneof(fc.constantFrom('0', '-1', 'x', '9007199254740993'), fc.nat().map(String)),
    continuationToken: fc.oneof(fc.constantFrom('0', '-5', 'abc', '1234567890123456', '1'), fc.string({ maxLength: 10 })),
    startTime: fc.oneof(fc.constantFrom('yesterday', '2020-01-01T00:00:00Z', '0', ''), fc.string({ maxLength: 10 })),
  },
  { requiredKeys: [] },
);

/** A body: absent, malformed, some other JSON, a mutated valid one, or oversized. */
function bodyFor(route: Route): fc.Arbitrary<string | Uint8Array | undefined> {
  const valid: () => Record<string, unknown> = route.valid ?? (() => ({}));
  const mutated = fc
    .tuple(
      fc.constantFrom('drop', 'retype', 'unknown', 'nested', 'keep'),
      fc.nat(),
      anyValue,
      fc.string({ minLength: 1, maxLength: 10 }),
      identifierModel,
    )
    .map(([operation, index, value, name, identifier]) => {
      const body = valid();
      const keys = Object.keys(body);
      const key = keys[index % Math.max(1, keys.length)];
      if (operation === 'drop' && key) delete body[key];
      else if (operation === 'retype' && key) body[key] = value;
      else if (operation === 'unknown') body[name] = value;
      else if (operation === 'nested') {
        if (Array.isArray(body.participants)) body.participants = [{ communicationIdentifier: identifier, displayName: value }];
        else if (Array.isArray(body.targets)) body.targets = [identifier];
        else if (key) body[key] = { nested: value };
      }
      return JSON.stringify(body);
    });
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
    {
      weight: 2,
      arbitrary: fc.dictionary(fc.constantFrom(...Object.keys(valid()), 'extra'), anyValue, { maxKeys: 4 }).map((v) => JSON.stringify(v)),
    },
    { weight: 6, arbitrary: mutated },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        JSON.stringify({ ...valid(), content: 'a'.repeat(28 * 1024 + 1) }),
        JSON.stringify({ ...valid(), topic: 'x'.repeat(100_000) }),
        `{"pad":"${'x'.repeat(1024 * 1024)}"}`,
        '['.repeat(5000) + ']'.repeat(5000),
        JSON.stringify({ metadata: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, 'v'])) }),
      ),
    },
  );
}

/** The key in `tokens` of a token with none of the route's declared scopes (set up in `before`). */
const lacking = (scopes: readonly TokenScope[]) => `lacks ${scopes.join(',')}`;

/** Which credential a token-route request carries: mostly a's (every scope), sometimes one its scopes refuse. */
function credentialFor(route: Route): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.constant('a') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'b',
        'outsider',
        'chatOnly',
        'voipOnly',
        'expired',
        'revoked',
        'deleted',
        'foreign',
        'garbage',
        'none',
        'basic',
      ),
    },
    ...(route.scopes ? [{ weight: 1, arbitrary: fc.constant(lacking(route.scopes)) }] : []),
  );
}

/** Who calls a token route: mostly whom its declared auth lets in, sometimes whom it refuses. */
function actorFor(route: Route): fc.Arbitrary<'user' | 'application'> {
  switch (route.auth) {
    case 'application':
      return fc.oneof(
        { weight: 8, arbitrary: fc.constant('application' as const) },
        { weight: 1, arbitrary: fc.constant('user' as const) },
      );
    case 'userOrApplication':
      return fc.oneof(
        { weight: 3, arbitrary: fc.constant('user' as const) },
        { weight: 1, arbitrary: fc.constant('application' as const) },
      );
    case 'user':
      return fc.oneof(
        { weight: 8, arbitrary: fc.constant('user' as const) },
        { weight: 1, arbitrary: fc.constant('application' as const) },
      );
    // 'application' stands for the administrator here: the request is signed with the access key.
    case 'hmacOrUser':
      return fc.oneof(
        { weight: 1, arbitrary: fc.constant('user' as const) },
        { weight: 1, arbitrary: fc.constant('application' as const) },
      );
    default:
      return fc.constant('user' as const);
  }
}

interface Sent {
  status: number;
  text: string;
  contentType: string;
}

async function send(
  route: Route,
  path: string,
  q: Record<string, string | undefined>,
  body: string | Uint8Array | undefined,
  credential: string,
  actor: 'user' | 'application',
  signing: string,
  contentType: string | undefined,
  origin: string | undefined,
): Promise<Sent> {
  const url = serviceUrl(service, path);
  for (const [name, value] of Object.entries(q)) {
    if (value === undefined) continue;
    if (name === 'api-version') {
      url.searchParams.set(name, value === 'ok' ? apiVersionOf(route) : value);
    } else if (route.method === 'GET') {
      url.searchParams.set(name, value);
    }
  }
  const headers: Record<string, string> = {};
  if (contentType !== undefined) headers['content-type'] = contentType;
  if (origin !== undefined) headers.origin = origin === 'own' ? new URL(service.endpoint).origin : origin;
  const tokenRoute = route.auth === 'user' || route.auth === 'userOrApplication' || route.auth === 'application';
  const asApplication = tokenRoute && actor === 'application';
  const asAdmin = route.auth === 'hmac' || (route.auth === 'hmacOrUser' && actor === 'application');
  if (asAdmin || asApplication) {
    const text = body === undefined ? '' : typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    const signed = await signRequest({ method: route.method, url: url.href, body: text, accessKey: service.secrets.accessKey });
    if (signing === 'good') Object.assign(headers, signed);
    else if (signing === 'stale')
      Object.assign(
        headers,
        await signRequest({
          method: route.method,
          url: url.href,
          body: text,
          accessKey: service.secrets.accessKey,
          date: new Date(Date.now() - 16 * 60_000),
        }),
      );
    else if (signing === 'otherKey')
      Object.assign(
        headers,
        await signRequest({ method: route.method, url: url.href, body: text, accessKey: Buffer.alloc(32, 7).toString('base64') }),
      );
    else if (signing === 'garbage')
      Object.assign(headers, {
        ...signed,
        Authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signing}`,
      });
    else if (signing === 'bearer') headers.authorization = `Bearer ${tokens.a}`;
    // An application names itself; the user credential picks a good, unknown or missing name.
    if (asApplication && credential !== 'none') {
      headers[APPLICATION_HEADER] =
        credential === 'a' ? fixture.application : credential === 'b' ? b.id : (tokens[credential] ?? credential);
    }
  } else if (tokenRoute || route.auth === 'demoUser' || route.auth === 'hmacOrUser') {
    if (credential === 'basic') headers.authorization = 'Basic YTpi';
    else if (credential !== 'none') headers.authorization = `Bearer ${tokens[credential] ?? credential}`;
  }
  const response = await fetch(url, {
    method: route.method,
    headers,
    body: route.method === 'GET' || body === undefined ? undefined : typeof body === 'string' ? body : Buffer.from(body),
  });
  return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') ?? '' };
}

function assertWellFormed(response: Sent, what: string): void {
  assert.ok(response.status < 500, `${what}: ${response.status} ${response.text.slice(0, 300)}`);
  assert.ok(
    response.status >= 200 && response.status !== 304 && !(response.status >= 300 && response.status < 400),
    `${what}: status ${response.status}`,
  );
  if (response.status >= 400) {
    assert.match(
      response.contentType,
      /^application\/json/,
      `${what}: a ${response.status} that is not JSON: ${response.text.slice(0, 200)}`,
    );
    const body = JSON.parse(response.text) as { error?: { code?: unknown; message?: unknown } };
    assert.deepEqual(Object.keys(body), ['error'], `${what}: ${response.text.slice(0, 200)}`);
    assert.equal(typeof body.error?.code, 'string', `${what}: error.code`);
    assert.ok(typeof body.error?.message === 'string' && body.error.message.length > 0, `${what}: error.message`);
  } else if (response.text !== '') {
    assert.match(response.contentType, /^application\/json/, `${what}: a ${response.status} that is not JSON`);
    JSON.parse(response.text);
  }
}

before(async () => {
  a = await chatUser(service, ['chat', 'voip']);
  b = await chatUser(service, ['chat', 'voip']);
  outsider = await chatUser(service, ['chat', 'voip']);
  callee = await chatUser(service, ['chat', 'voip']);
  const revoked = await chatUser(service, ['chat', 'voip']);
  service.identities.revokeTokens(revoked.id);
  const deleted = await chatUser(service, ['chat', 'voip']);
  service.identities.deleteUser(deleted.id);
  const key = service.secrets.tokenSigningSecret;
  const claims = { sub: a.id, skypeid: a.id.slice(2), acsScope: 'chat,voip', gen: 0 };
  tokens = {
    a: a.token,
    b: b.token,
    outsider: outsider.token,
    chatOnly: (await chatUser(service, ['chat'])).token,
    voipOnly: (await chatUser(service, ['voip'])).token,
    expired: await forgeToken(key, claims, { iat: now() - 7200, exp: now() - 3600 }),
    revoked: revoked.token,
    deleted: deleted.token,
    foreign: await forgeToken(Buffer.alloc(32, 1).toString('base64'), claims, { iat: now(), exp: now() + 3600 }),
    garbage: 'not.a.jwt',
  };
  for (const { scopes } of service.routes) {
    const others = TOKEN_SCOPES.filter((scope) => !scopes?.includes(scope));
    if (scopes && !(lacking(scopes) in tokens)) tokens[lacking(scopes)] = (await chatUser(service, others)).token;
  }
  await ensureFixtures();
});

after(async () => {
  await closeRealtimeClients();
  await service.close();
  const inputs = Object.values(tried).reduce((sum, n) => sum + n, 0);
  const registered = service.routes.length;
  const fuzzedRoutes = service.routes.filter((r) => INPUTS.some((input) => input.route === routeKey(r))).length;
  recordFigures('fuzz', { inputsTried: inputs, routesRegistered: registered, routesFuzzed: fuzzedRoutes, byKind: tried, outcomes });
});

describe('fuzz: HTTP routes', () => {
  test('every declared route has fuzz inputs here, and every input set a declared route', () => {
    const declared = new Set(service.routes.map(routeKey));
    const withInputs = new Set(INPUTS.map((input) => input.route));
    const missing = [...declared].filter((key) => !withInputs.has(key));
    assert.deepEqual(missing, [], `declared routes without fuzz inputs (fuzzed with garbage only): ${missing.join(', ')}`);
    const stale = [...withInputs].filter((key) => !declared.has(key));
    assert.deepEqual(stale, [], `fuzz inputs for routes the service does not declare: ${stale.join(', ')}`);
    const wrongArity = INPUTS.filter((input) => input.params.length !== (input.route.match(/\{[a-zA-Z]+\}/g) ?? []).length).map(
      (input) => input.name,
    );
    assert.deepEqual(wrongArity, [], `inputs whose path parameters do not fit the template: ${wrongArity.join(', ')}`);
    const bodiless = ROUTES.filter((route) => route.body !== 'none' && !route.unregistered && !route.valid).map(routeKey);
    assert.deepEqual(bodiless, [], `routes that declare a body but have no valid one to mutate: ${bodiless.join(', ')}`);
  });

  for (const route of ROUTES) {
    test(`${route.method} ${route.name}: never 5xx, refusals are JSON errors that change nothing`, async () => {
      const property = fc.asyncProperty(
        fc.tuple(...route.params.map((valid) => pathParam(valid))),
        query,
        bodyFor(route),
        credentialFor(route),
        actorFor(route),
        fc.oneof(
          { weight: 8, arbitrary: fc.constant('good') },
          { weight: 1, arbitrary: fc.constantFrom('stale', 'otherKey', 'garbage', 'bearer', 'none') },
        ),
        fc.option(fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', ''), { nil: undefined }),
        // The demo routes answer their own origin and requests without one; anything else is a 403.
        route.origins === 'ownAndAllowListed'
          ? fc.oneof(
              { weight: 6, arbitrary: fc.constant(undefined) },
              { weight: 2, arbitrary: fc.constant('own') },
              { weight: 1, arbitrary: fc.constantFrom('https://evil.example', 'null', 'garbage', '') },
            )
          : fc.constant(undefined),
        async (params, q, body, credential, actor, signing, contentType, origin) => {
          await ensureFixtures();
          const path = pathOf(route, params as string[]);
          const before = snapshot();
          const response = await send(route, path, q, body, credential, actor, signing, contentType, origin);
          count('http');
          outcome(String(response.status));
          const what = `${route.method} ${path.slice(0, 120)} as ${actor} ${credential}/${signing}${origin === undefined ? '' : ` from ${origin}`}`;
          assertWellFormed(response, what);
          if (response.status >= 400)
            assert.deepEqual(snapshot(), before, `${what}: a refused request (${response.status}) changed stored state`);
        },
      );
      await fc.assert(property, { numRuns: runs(route.origins === 'ownAndAllowListed' ? 30 : 50), includeErrorInReport: true });
    });
  }

  test('generated methods and paths outside the routes: 404/405 JSON errors', async () => {
    const property = fc.asyncProperty(
      fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
      fc.array(
        fc.oneof(
          fc.constantFrom('identities', 'chat', 'threads', 'calling', 'calls', 'messages', ':add', 'demo', 'peerjs', '..', '%2e%2e'),
          fc.string({ minLength: 1, maxLength: 8 }).map(encode),
        ),
        { minLength: 0, maxLength: 6 },
      ),
      fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
      async (method, segments, body) => {
        const path = `/${segments.join('/')}`;
        const before = snapshot();
        const url = serviceUrl(service, path);
        url.searchParams.set('api-version', CHAT_API_VERSION);
        const response = await fetch(url, {
          method,
          headers: { authorization: `Bearer ${a.token}` },
          body: method === 'GET' ? undefined : body,
        });
        const sent = { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') ?? '' };
        count('http');
        outcome(String(sent.status));
        assertWellFormed(sent, `${method} ${path}`);
        if (sent.status >= 400) assert.deepEqual(snapshot(), before, `${method} ${path} changed state`);
      },
    );
    await fc.assert(property, { numRuns: runs(150), includeErrorInReport: true });
  });

  test('the service still answers, and the fixtures are intact', async () => {
    const response = await userRequest(service, a.token, 'GET', threadPath(fixture.thread, '/messages'));
    assert.equal(response.status, 200, response.text);
  });
});

// ---- the real-time channel -----------------------------------------------------------------------

interface Closed {
  code: number;
  reason: string;
  frames: string[];
}

/** Opens a socket, optionally sends frames once it is ready, and resolves when it closes (or times out). */
function socketRun(
  url: string,
  frames: (string | Buffer)[],
  options: { waitMs?: number; readyType?: string; doneWhen?: (frames: string[]) => boolean; protocols?: string[] } = {},
): Promise<Closed | { open: true; frames: string[] }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options.protocols);
    const seen: string[] = [];
    let done = false;
    const finish = (result: Closed | { open: true; frames: string[] }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
    };
    const timer = setTimeout(() => finish({ open: true, frames: seen }), options.waitMs ?? WAIT_MS);
    ws.on('message', (data) => {
      const text = data.toString();
      seen.push(text);
      if (options.readyType && text.includes(`"type":"${options.readyType}"`)) {
        for (const frame of frames) ws.send(frame);
      }
      // Open and done: no need to wait out the timer.
      if (options.doneWhen?.(seen)) finish({ open: true, frames: seen });
    });
    ws.on('close', (code, reason) => finish({ code, reason: reason.toString(), frames: seen }));
    ws.on('error', () => undefined);
  });
}

function realtimeUrl(params: Record<string, string | undefined>): string {
  const url = new URL(`${service.endpoint.replace(/^http/, 'ws')}realtime`);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}

describe('fuzz: real-time channel', () => {
  test('generated connection parameters: ready, or closed with 4400/4401/4403 and a reason', async () => {
    const property = fc.asyncProperty(
      fc.oneof(
        { weight: 3, arbitrary: fc.constant('a') },
        { weight: 2, arbitrary: fc.constantFrom('expired', 'revoked', 'deleted', 'foreign', 'garbage', 'none') },
        { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
      ),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant('fuzz-endpoint') },
        { weight: 2, arbitrary: fc.string({ maxLength: 70 }) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      fc.oneof(
        { weight: 2, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: fc.nat().map(String) },
        { weight: 2, arbitrary: fc.constantFrom('-1', '1.5', 'x', '', '1e400', '9007199254740993', ' 1') },
      ),
      async (credential, endpointId, lastSeq) => {
        const before = stateSnapshot(service);
        const token = credential === 'none' ? undefined : (tokens[credential] ?? credential);
        const result = await socketRun(realtimeUrl({ endpointId, lastSeq }), [], {
          protocols: token === undefined ? undefined : realtimeProtocols(token),
          readyType: 'ready',
          waitMs: WAIT_MS,
          doneWhen: (frames) => frames.some((f) => f.includes('"type":"ready"')),
        });
        count('realtimeConnect');
        if ('open' in result) {
          assert.ok(
            result.frames.some((f) => f.includes('"type":"ready"')),
            `an open socket without ready: ${JSON.stringify(result)}`,
          );
          outcome('realtime:ready');
        } else {
          assert.ok([4400, 4401, 4403].includes(result.code), `closed with ${result.code} ${result.reason}`);
          assert.ok(result.reason.length > 0, 'a close without a reason');
          outcome(`realtime:${result.code}`);
        }
        assert.deepEqual(stateSnapshot(service), before, 'connecting changed stored state');
      },
    );
    await fc.assert(property, { numRuns: runs(120), includeErrorInReport: true });
  });

  test('generated frames: ping gets pong; anything else closes 4400 (1009 when oversized) with a reason', async () => {
    const frame = fc.oneof(
      { weight: 3, arbitrary: fc.string({ maxLength: 60 }) },
      { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
      {
        weight: 3,
        arbitrary: fc.record({ type: anyValue, seq: anyValue, data: anyValue }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom('event', 'ready', 'pong', 'subscribe', 'ack', 'PING').map((type) => JSON.stringify({ type, data: {} })),
      },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from(bytes)) },
      { weight: 1, arbitrary: fc.constant(JSON.stringify({ type: 'ping', pad: 'x'.repeat(70 * 1024) })) },
      { weight: 1, arbitrary: fc.constant(JSON.stringify({ type: 'ping' })) },
    );
    let endpoint = 0;
    const property = fc.asyncProperty(frame, async (sent) => {
      const before = stateSnapshot(service);
      const isPing = typeof sent === 'string' && sent === '{"type":"ping"}';
      const result = await socketRun(realtimeUrl({ endpointId: `fuzz-frames-${endpoint++}` }), [sent], {
        protocols: realtimeProtocols(a.token),
        readyType: 'ready',
        waitMs: WAIT_MS,
        doneWhen: isPing ? (frames) => frames.includes('{"type":"pong"}') : undefined,
      });
      count('realtimeFrames');
      if (isPing) {
        assert.ok('open' in result && result.frames.includes('{"type":"pong"}'), `no pong: ${JSON.stringify(result)}`);
        outcome('realtime:pong');
      } else {
        assert.ok(!('open' in result), `a bad frame left the socket open: ${String(sent).slice(0, 100)}`);
        const oversized = Buffer.byteLength(sent) > 64 * 1024;
        assert.equal(result.code, oversized ? 1009 : 4400, `closed with ${result.code} ${result.reason}`);
        // 1009 (message too big) is its own reason; ws sends it without text.
        assert.ok(oversized || result.reason.length > 0, 'a close without a reason');
        outcome(`realtime:${result.code}`);
      }
      assert.deepEqual(stateSnapshot(service), before, 'a frame changed stored state');
    });
    await fc.assert(property, { numRuns: runs(150), includeErrorInReport: true });
  });
});

// ---- signalling --------------------------------------------------------------------------------

describe('fuzz: signalling', () => {
  test('generated registrations: OPEN for the own id and key, else a JSON 4xx before the upgrade', async () => {
    const property = fc.asyncProperty(
      fc.oneof(
        { weight: 2, arbitrary: fc.constant('own') },
        { weight: 1, arbitrary: fc.constant('other') },
        { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
        { weight: 1, arbitrary: fc.constantFrom('p00-x', 'p0-x', 'pzz-1', 'p6162-', `p${'61'.repeat(200)}-e`, '') },
      ),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant('a') },
        { weight: 2, arbitrary: fc.constantFrom('chatOnly', 'expired', 'revoked', 'deleted', 'foreign', 'garbage', 'none') },
        { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
      ),
      fc.oneof(
        { weight: 4, arbitrary: fc.constant('peerjs') },
        { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      fc.nat({ max: 1_000_000 }),
      async (id, credential, key, n) => {
        const peerId = id === 'own' ? peerIdFor(a.id, `fz${n}`) : id === 'other' ? peerIdFor(b.id, `fz${n}`) : id;
        const token = credential === 'none' ? undefined : (tokens[credential] ?? credential);
        const result = await registerPeer(service, { key, id: peerId, token });
        count('signallingConnect');
        outcome(`signalling:${result.status}`);
        const good = id === 'own' && credential === 'a' && key === 'peerjs';
        if (good) {
          assert.equal(result.status, 101, result.body);
          assert.equal((JSON.parse(result.body) as { type?: string }).type, 'OPEN');
        } else {
          assert.ok(result.status >= 400 && result.status < 500, `${result.status} ${result.body}`);
          const body = JSON.parse(result.body) as { error?: { code?: unknown } };
          assert.equal(typeof body.error?.code, 'string', result.body);
        }
      },
    );
    await fc.assert(property, { numRuns: runs(120), includeErrorInReport: true });
  });

  test('generated frames: messages are relayed, anything else closes with 4400 and a reason', async () => {
    const ownPeer = (n: number) => peerIdFor(a.id, `sig${n}`);
    const dst = fc.oneof(fc.constant('self'), fc.constant(peerIdFor(b.id, 'elsewhere')), anyValue);
    const frame = fc.oneof(
      { weight: 3, arbitrary: fc.string({ maxLength: 60 }) },
      { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
      {
        weight: 4,
        arbitrary: fc.record(
          {
            type: fc.oneof(fc.constantFrom('HEARTBEAT', 'OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'EXPIRE', 'OPEN', 'ID-TAKEN'), anyValue),
            dst,
            payload: fc.oneof(fc.constant({ sdp: 'v=0' }), anyValue),
          },
          { requiredKeys: [] },
        ),
      },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from(bytes)) },
      { weight: 1, arbitrary: fc.constant(JSON.stringify({ type: 'HEARTBEAT', pad: 'x'.repeat(300 * 1024) })) },
    );
    let n = 0;
    const property = fc.asyncProperty(frame, async (generated) => {
      const peerId = ownPeer(n++);
      let sent: string | Buffer;
      let valid = false;
      if (typeof generated === 'object' && !(generated instanceof Buffer)) {
        const message = { ...(generated as Record<string, unknown>) };
        if (message.dst === 'self') message.dst = peerId;
        sent = JSON.stringify(message);
        const { type, dst: to, payload } = message as { type?: unknown; dst?: unknown; payload?: unknown };
        const peerShaped = typeof to === 'string' && parsePeerId(to) !== undefined;
        valid =
          type === 'HEARTBEAT' ||
          (['OFFER', 'ANSWER', 'CANDIDATE'].includes(type as string) &&
            peerShaped &&
            typeof payload === 'object' &&
            payload !== null &&
            !Array.isArray(payload)) ||
          (type === 'LEAVE' && peerShaped);
      } else {
        sent = generated;
      }
      // After the generated frame, an OFFER to ourselves: relayed back when the socket is still open.
      const probe = JSON.stringify({ type: 'OFFER', dst: peerId, payload: { probe: true } });
      const result = await socketRun(signallingUrl(service, { key: 'peerjs', id: peerId, token: a.token }), [sent, probe], {
        readyType: 'OPEN',
        waitMs: WAIT_MS,
        doneWhen: (frames) => frames.some((f) => f.includes('"probe":true')),
      });
      count('signallingFrames');
      if (valid) {
        const relayed = result.frames.some((f) => f.includes('"probe":true'));
        assert.ok(
          relayed || ('code' in result && result.code !== 4400 && JSON.parse(sent as string).type === 'LEAVE'),
          `a valid message broke the socket: ${String(sent).slice(0, 100)} → ${JSON.stringify(result).slice(0, 200)}`,
        );
        outcome('signalling:relayed');
      } else {
        assert.ok(!('open' in result), `a bad frame left the socket open: ${String(sent).slice(0, 100)}`);
        const oversized = Buffer.byteLength(sent) > 256 * 1024;
        assert.equal(result.code, oversized ? 1009 : 4400, `closed with ${result.code} ${result.reason}`);
        assert.ok(oversized || result.reason.length > 0, 'a close without a reason');
        assert.ok(!result.frames.some((f) => f.includes('"probe":true')), 'the frame after a bad one was relayed');
        outcome(`signalling:${result.code}`);
      }
    });
    await fc.assert(property, { numRuns: runs(150), includeErrorInReport: true });
  });
});

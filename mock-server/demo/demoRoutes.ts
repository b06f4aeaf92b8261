import { DEFAULT_EXPIRY_MINUTES, MAX_EXPIRY_MINUTES, MIN_EXPIRY_MINUTES, type TokenService } from '../auth/tokens.js';
import { BodyReader } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import type { RouteSpec } from '../http/routes.js';
import type { IdentityStore } from '../identity/identityStore.js';
import { serializeToken } from '../identity/identityRoutes.js';
import type { PhoneNumberStore } from '../telephony/phoneNumberStore.js';
import { type SmsService, recipientProblem } from '../telephony/smsService.js';
import { DEMO_PEOPLE_LIMITS, type DemoPeople } from './demoPeople.js';
import { integerParam } from '../http/query.js';

const DEMO_SCOPES = ['chat', 'voip'] as const;

export interface DemoTelephony {
  numbers: PhoneNumberStore;
  sms: SmsService;
}

export interface DemoOptions {
  /** The demo app's own directory of people, and who has a real-time connection now. */
  people: DemoPeople;
  isOnline: (userId: string) => boolean;
  /** The demo's own phone numbers (see `demoPoolNumbers`). */
  numberPool: readonly string[];
  /** How long after their last token expired a demo user counts as gone (their number recycled). */
  goneAfterMs: number;
  now: () => number;
}

const DEMO = { origins: 'ownAndAllowListed' } as const;

/**
 * The demo page's token routes: the part a real application runs on its own trusted server. It
 * creates a user and hands out a `chat`+`voip` token, so the access key never reaches the browser.
 * A refresh needs the caller's current, still valid token and keeps its scopes and its lifetime:
 * nobody can mint tokens for someone else, or widen or lengthen their own.
 *
 * The routes need no access key, so their declarations guard them: a page on another origin is
 * refused (403; a request without `Origin` is no page's and passes), creation is throttled per
 * client address and refresh per user (429, always on), and demo users get numbers from a pool of
 * their own.
 */
export function demoRoutes(identities: IdentityStore, tokens: TokenService, telephony: DemoTelephony, options: DemoOptions): RouteSpec[] {
  return [
    {
      ...DEMO,
      method: 'POST',
      template: '/demo/token',
      summary: 'Creates a demo user (with a number from the demo pool when one is free) and its chat+voip token.',
      auth: 'open',
      body: 'json',
      fields: [],
      rateLimit: { operation: 'createDemoUser' },
      handler: async ({ json, endpoint }) => {
        json();
        const user = identities.createUser();
        // When the pool is used up (and nobody is gone), the user simply has no number.
        telephony.numbers.assignFromDemoPool(options.numberPool, user.id, options.now(), options.goneAfterMs);
        const accessToken = await tokens.issue(user, [...DEMO_SCOPES], undefined, { endpoint });
        return {
          status: 201,
          body: { user: { communicationUserId: user.id }, ...serializeToken(accessToken) },
        };
      },
    },
    {
      ...DEMO,
      method: 'POST',
      template: '/demo/token/refresh',
      summary: "Issues the caller a new token with the presented token's scopes and lifetime, never more.",
      auth: 'demoUser',
      body: 'json',
      fields: [],
      rateLimit: { operation: 'refreshDemoToken' },
      handler: async ({ json, caller, endpoint }) => {
        json();
        const { userId, scopes, issuedAt, expiresOn } = caller!;
        const lifetimeMinutes = issuedAt
          ? Math.min(MAX_EXPIRY_MINUTES, Math.max(MIN_EXPIRY_MINUTES, Math.round((expiresOn.getTime() - issuedAt.getTime()) / 60_000)))
          : DEFAULT_EXPIRY_MINUTES;
        const accessToken = await tokens.issue(userId, scopes, lifetimeMinutes, { endpoint });
        return { status: 200, body: { user: { communicationUserId: userId }, ...serializeToken(accessToken) } };
      },
    },
    {
      ...DEMO,
      method: 'GET',
      template: '/demo/me',
      summary: 'Who the caller is here: their identifier and phone number.',
      auth: 'demoUser',
      body: 'none',
      handler: ({ caller }) => {
        const { userId } = caller!;
        const [number] = telephony.numbers.numbersOf(userId);
        return { status: 200, body: { user: { communicationUserId: userId }, ...(number ? { phoneNumber: number.phoneNumber } : {}) } };
      },
    },
    {
      ...DEMO,
      method: 'PATCH',
      template: '/demo/me',
      summary: "Puts the caller in the demo app's own directory of people under a display name (the app's table, not ACS's).",
      auth: 'demoUser',
      body: 'required',
      fields: ['displayName'],
      handler: ({ json, caller }) => {
        const displayName = new BodyReader(json()).requiredString('displayName', { maxLength: DEMO_PEOPLE_LIMITS.displayName }).trim();
        if (displayName === '') throw ServiceError.validation('"displayName" must not be empty.');
        const person = options.people.introduce(caller!.userId, displayName, options.now());
        return { status: 200, body: personModel(person, caller!.userId, options.isOnline) };
      },
    },
    {
      ...DEMO,
      method: 'DELETE',
      template: '/demo/me',
      summary: "Takes the caller out of the demo app's directory of people (signing out for good: the identity is not used again).",
      auth: 'demoUser',
      body: 'none',
      handler: ({ caller }) => {
        options.people.remove(caller!.userId);
        return { status: 204 };
      },
    },
    {
      ...DEMO,
      method: 'GET',
      template: '/demo/people',
      summary: 'Lists the people of the demo app (search by name), most recently seen first, with who is online now.',
      auth: 'demoUser',
      body: 'none',
      handler: ({ url, caller }) => {
        const search = url.searchParams.get('search') ?? '';
        if (search.length > DEMO_PEOPLE_LIMITS.search)
          throw ServiceError.validation(`"search" is at most ${DEMO_PEOPLE_LIMITS.search} characters.`);
        const maxPageSize = integerParam(url, 'maxPageSize', DEMO_PEOPLE_LIMITS.page, 1, DEMO_PEOPLE_LIMITS.page);
        options.people.seen(caller!.userId, options.now());
        const people = options.people.search(search.trim(), maxPageSize).map((p) => personModel(p, caller!.userId, options.isOnline));
        // Online first, each group as seen most recently.
        people.sort((a, b) => Number(b.online) - Number(a.online));
        return { status: 200, body: { value: people } };
      },
    },
    {
      ...DEMO,
      method: 'POST',
      template: '/demo/sms',
      summary: "Sends an SMS from the caller's own number (the access key stays on the server).",
      auth: 'demoUser',
      scopes: ['chat'],
      body: 'required',
      fields: ['to', 'message'],
      handler: ({ json, caller }) => {
        const body = new BodyReader(json());
        const to = body.requiredString('to', { maxLength: 32 });
        const message = body.requiredString('message', { maxLength: 2048 });
        if (message.trim() === '') throw ServiceError.validation('"message" must not be empty.');
        const [number] = telephony.numbers.numbersOf(caller!.userId);
        if (!number) throw ServiceError.conflict('You have no phone number to send from.', 'NoPhoneNumber');
        // The app knows at once what the SMS API only reports later: a number nobody here holds
        // gets no text ("Text sent." then "failed" would be the first the sender hears of it).
        const problem = recipientProblem(to);
        if (problem) throw ServiceError.validation(problem);
        if (!telephony.numbers.get(to)?.assignedTo) {
          throw ServiceError.conflict(`Nobody on this service has ${to}: a text to it would not arrive.`, 'RecipientUnreachable');
        }
        const [result] = telephony.sms.send({ from: number.phoneNumber, to: [to], message, enableDeliveryReport: true });
        return { status: 202, body: result };
      },
    },
  ];
}

function personModel(
  person: { userId: string; displayName: string; lastSeen: number },
  viewer: string,
  isOnline: (userId: string) => boolean,
) {
  return {
    user: { communicationUserId: person.userId },
    displayName: person.displayName,
    lastSeen: new Date(person.lastSeen).toISOString(),
    online: isOnline(person.userId),
    ...(person.userId === viewer ? { isYou: true } : {}),
  };
}

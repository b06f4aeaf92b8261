import type { IncomingMessage } from 'node:http';
import { DEFAULT_EXPIRY_MINUTES, MAX_EXPIRY_MINUTES, MIN_EXPIRY_MINUTES, type TokenService, type VerifiedToken } from '../auth/tokens.js';
import { BodyReader, parseJsonObject } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import type { RateLimiter } from '../http/rateLimits.js';
import type { Handler, Router } from '../http/router.js';
import type { IdentityStore } from '../identity/identityStore.js';
import { serializeToken } from '../identity/identityRoutes.js';
import type { PhoneNumberStore } from '../telephony/phoneNumberStore.js';
import type { SmsService } from '../telephony/smsService.js';

const DEMO_SCOPES = ['chat', 'voip'] as const;

export interface DemoTelephony {
  numbers: PhoneNumberStore;
  sms: SmsService;
}

export interface DemoGuards {
  /** The origin a request reached the service at (scheme, host, port): always allowed. */
  ownOrigin: (req: IncomingMessage) => string;
  /** Other page origins allowed to call the demo routes, normalized (`new URL(x).origin`). */
  allowedOrigins: ReadonlySet<string>;
  /** Throttles user creation per client address and refresh per user. */
  limiter: RateLimiter;
  /** The demo's own phone numbers (see `demoPoolNumbers`). */
  numberPool: readonly string[];
  /** How long after their last token expired a demo user counts as gone (their number recycled). */
  goneAfterMs: number;
  now: () => number;
}

/** `new URL(origin).origin`, or undefined for what is no origin (`null`, garbage). */
export function normalizeOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/**
 * The demo page's token routes: the part a real application runs on its own trusted server. It
 * creates a user and hands out a `chat`+`voip` token, so the access key never reaches the browser.
 * A refresh needs the caller's current, still valid token and keeps its scopes and its lifetime:
 * nobody can mint tokens for someone else, or widen or lengthen their own.
 *
 * The routes need no credential, so they guard themselves: a page on another origin is refused
 * (403; a request without `Origin` is no page's and passes), creation is throttled per client
 * address and refresh per user (429), and demo users get numbers from a pool of their own.
 */
export function registerDemoRoutes(
  router: Router,
  identities: IdentityStore,
  tokens: TokenService,
  telephony: DemoTelephony,
  guards: DemoGuards,
): void {
  const checkOrigin = (req: IncomingMessage): void => {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    const normalized = normalizeOrigin(origin);
    const own = normalizeOrigin(guards.ownOrigin(req));
    if (normalized !== undefined && (normalized === own || guards.allowedOrigins.has(normalized))) return;
    throw ServiceError.forbidden(`The demo routes do not answer pages of ${origin.slice(0, 200)}.`, 'OriginNotAllowed');
  };
  /** Every demo route checks the origin before anything else. */
  const add = (method: string, template: string, handler: Handler): void => {
    router.add(method, template, (context) => {
      checkOrigin(context.req);
      return handler(context);
    });
  };
  const verifyUser = async (authorization: string | undefined, anyOfScopes?: readonly ('chat' | 'voip')[]): Promise<VerifiedToken> => {
    const verified = await tokens.verifyBearer(authorization, anyOfScopes);
    if (verified.isApplication) throw ServiceError.forbidden('The demo routes are for users.', 'NotForApplications');
    return verified;
  };

  add('POST', '/demo/token', async ({ req, rawBody }) => {
    new BodyReader(parseJsonObject(rawBody)).allowOnly();
    guards.limiter.check('createDemoUser', { address: req.socket.remoteAddress ?? '' });
    const user = identities.createUser();
    // When the pool is used up (and nobody is gone), the user simply has no number.
    telephony.numbers.assignFromDemoPool(guards.numberPool, user.id, guards.now(), guards.goneAfterMs);
    const accessToken = await tokens.issue(user.id, [...DEMO_SCOPES]);
    return {
      status: 201,
      body: { user: { communicationUserId: user.id }, ...serializeToken(accessToken) },
    };
  });

  add('POST', '/demo/token/refresh', async ({ req, rawBody }) => {
    new BodyReader(parseJsonObject(rawBody)).allowOnly();
    // The new token carries the presented token's scopes and lifetime, never more.
    const { userId, scopes, issuedAt, expiresOn } = await verifyUser(req.headers.authorization);
    guards.limiter.check('refreshDemoToken', { userId });
    const lifetimeMinutes = issuedAt
      ? Math.min(MAX_EXPIRY_MINUTES, Math.max(MIN_EXPIRY_MINUTES, Math.round((expiresOn.getTime() - issuedAt.getTime()) / 60_000)))
      : DEFAULT_EXPIRY_MINUTES;
    const accessToken = await tokens.issue(userId, scopes, lifetimeMinutes);
    return { status: 200, body: { user: { communicationUserId: userId }, ...serializeToken(accessToken) } };
  });

  /** Who the caller is here: their identifier and phone number. */
  add('GET', '/demo/me', async ({ req }) => {
    const { userId } = await verifyUser(req.headers.authorization);
    const [number] = telephony.numbers.numbersOf(userId);
    return { status: 200, body: { user: { communicationUserId: userId }, ...(number ? { phoneNumber: number.phoneNumber } : {}) } };
  });

  /** Sends an SMS from the caller's own number (the access key stays on the server). */
  add('POST', '/demo/sms', async ({ req, rawBody }) => {
    const { userId } = await verifyUser(req.headers.authorization, ['chat']);
    const body = new BodyReader(parseJsonObject(rawBody, { required: true })).allowOnly('to', 'message');
    const to = body.requiredString('to', { maxLength: 32 });
    const message = body.requiredString('message', { maxLength: 2048 });
    if (message.trim() === '') throw ServiceError.validation('"message" must not be empty.');
    const [number] = telephony.numbers.numbersOf(userId);
    if (!number) throw ServiceError.conflict('You have no phone number to send from.', 'NoPhoneNumber');
    const [result] = telephony.sms.send({ from: number.phoneNumber, to: [to], message, enableDeliveryReport: true });
    return { status: 202, body: result };
  });
}

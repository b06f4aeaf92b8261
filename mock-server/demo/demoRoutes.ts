import type { TokenService } from '../auth/tokens.js';
import { BodyReader, parseJsonObject } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { IdentityStore } from '../identity/identityStore.js';
import { serializeToken } from '../identity/identityRoutes.js';
import type { PhoneNumberStore } from '../telephony/phoneNumberStore.js';
import type { SmsService } from '../telephony/smsService.js';

const DEMO_SCOPES = ['chat', 'voip'] as const;

/**
 * The demo page's token route: the part a real application runs on its own trusted server. It
 * creates a user and hands out a `chat`+`voip` token, so the access key never reaches the browser.
 * A refresh needs the caller's current, still valid token and keeps its scopes: nobody can mint
 * tokens for someone else, or widen their own.
 */
/** Area codes the demo hands numbers out of, 100 numbers each; a user gets the first free one. */
const DEMO_AREA_CODES = ['425', '206', '312', '415', '512', '617', '646', '720', '303', '503'];

export interface DemoTelephony {
  numbers: PhoneNumberStore;
  sms: SmsService;
}

export function registerDemoRoutes(
  router: Router,
  identities: IdentityStore,
  tokens: TokenService,
  telephony: DemoTelephony,
): void {
  /** Gives a new demo user a phone number of their own (what an app's server would provision). */
  const giveNumber = (userId: string): string | undefined => {
    for (const areaCode of DEMO_AREA_CODES) {
      try {
        const [record] = telephony.numbers.acquire(areaCode, 1);
        telephony.numbers.assign(record!.phoneNumber, userId);
        return record!.phoneNumber;
      } catch (error) {
        if (!(error instanceof ServiceError && error.status === 409)) throw error;
      }
    }
    return undefined; // The pool is used up: the user simply has no number.
  };

  router.add('POST', '/demo/token', async ({ rawBody }) => {
    new BodyReader(parseJsonObject(rawBody)).allowOnly();
    const user = identities.createUser();
    giveNumber(user.id);
    const accessToken = await tokens.issue(user.id, [...DEMO_SCOPES]);
    return {
      status: 201,
      body: { user: { communicationUserId: user.id }, ...serializeToken(accessToken) },
    };
  });

  router.add('POST', '/demo/token/refresh', async ({ req, rawBody }) => {
    new BodyReader(parseJsonObject(rawBody)).allowOnly();
    // The new token carries the presented token's scopes, never more.
    const { userId, scopes, isApplication } = await tokens.verifyBearer(req.headers.authorization);
    if (isApplication) throw ServiceError.forbidden('The demo route refreshes users’ tokens only.', 'NotForApplications');
    const accessToken = await tokens.issue(userId, scopes);
    return { status: 200, body: { user: { communicationUserId: userId }, ...serializeToken(accessToken) } };
  });

  /** Who the caller is here: their identifier and phone number. */
  router.add('GET', '/demo/me', async ({ req }) => {
    const { userId, isApplication } = await tokens.verifyBearer(req.headers.authorization);
    if (isApplication) throw ServiceError.forbidden('The demo routes are for users.', 'NotForApplications');
    const [number] = telephony.numbers.numbersOf(userId);
    return { status: 200, body: { user: { communicationUserId: userId }, ...(number ? { phoneNumber: number.phoneNumber } : {}) } };
  });

  /** Sends an SMS from the caller's own number (the access key stays on the server). */
  router.add('POST', '/demo/sms', async ({ req, rawBody }) => {
    const { userId, isApplication } = await tokens.verifyBearer(req.headers.authorization, ['chat']);
    if (isApplication) throw ServiceError.forbidden('The demo routes are for users.', 'NotForApplications');
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

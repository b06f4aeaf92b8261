import { BodyReader, type JsonObject } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import type { HandlerResult } from '../http/router.js';
import type { RouteSpec } from '../http/routes.js';
import { SMS_LIMITS, type SmsService } from './smsService.js';

const SMS = { api: 'sms', auth: 'hmac', origins: 'any' } as const;

/** The api-version that knows `smsSendOptions.messagingConnect` and `deliveryReportTimeoutInSeconds`. */
const PREVIEW_SEND_OPTIONS_VERSIONS: readonly string[] = ['2025-05-29-preview'];

/**
 * The ACS SMS REST API (`POST /sms`, api-versions 2021-03-07 and 2025-05-29-preview), HMAC-signed:
 * send, opt-out management (`/sms/optouts:add|:remove|:check`), plus our status lookup.
 */
export function smsRoutes(sms: SmsService): RouteSpec[] {
  const optOut = (action: 'add' | 'remove' | 'check', summary: string): RouteSpec => ({
    ...SMS,
    method: 'POST',
    template: `/sms/optouts:${action}`,
    summary,
    body: 'required',
    fields: ['from', 'recipients'],
    handler: ({ json }) => {
      const raw = json();
      const from = new BodyReader(raw).requiredString('from', { maxLength: 32 });
      const recipients = readRecipients(raw.recipients, 'recipients', ['to']);
      return { status: 200, body: { value: sms.optOuts(action, from, recipients) } };
    },
  });
  return [
    {
      ...SMS,
      method: 'POST',
      template: '/sms',
      summary: 'Sends an SMS from a number of the resource to up to 100 recipients; each succeeds or fails on its own.',
      body: 'required',
      fields: ['from', 'smsRecipients', 'message', 'smsSendOptions'],
      handler: ({ json, url }) => sendSms(sms, json(), url.searchParams.get('api-version') ?? ''),
    },
    // Declared before `GET /sms/{messageId}`, whose template would match these paths too.
    optOut('add', 'Opts recipients out of messages from a number of the resource.'),
    optOut('remove', 'Takes opt-outs back: the recipients get messages from that number again.'),
    optOut('check', 'Tells, per recipient, whether it opted out of messages from that number.'),
    {
      ...SMS,
      method: 'GET',
      template: '/sms/{messageId}',
      summary: "Gets a sent message's delivery status.",
      body: 'none',
      handler: ({ params }) => ({ status: 200, body: sms.get(params.messageId!) }),
    },
  ];
}

/** A non-empty list of at most 100 `{ to }` objects (with the other fields named): their `to`s. */
function readRecipients(recipients: unknown, name: string, fields: string[]): string[] {
  if (!Array.isArray(recipients) || recipients.length === 0) {
    throw ServiceError.validation(`"${name}" must be a non-empty array.`);
  }
  if (recipients.length > SMS_LIMITS.recipients) {
    throw ServiceError.validation(`At most ${SMS_LIMITS.recipients} recipients per request.`);
  }
  return recipients.map((recipient, index) => {
    const field = `${name}[${index}]`;
    if (typeof recipient !== 'object' || recipient === null || Array.isArray(recipient)) {
      throw ServiceError.validation(`"${field}" must be an object.`);
    }
    const reader = new BodyReader(recipient as JsonObject, field).allowOnly(...fields);
    const to = reader.requiredString('to', { maxLength: 32 });
    if (to.length === 0) throw ServiceError.validation(`"${field}.to" must not be empty.`);
    return to;
  });
}

function sendSms(sms: SmsService, raw: JsonObject, apiVersion: string): HandlerResult {
  const body = new BodyReader(raw);
  const from = body.requiredString('from', { maxLength: 32 });
  const message = body.requiredString('message', { maxLength: SMS_LIMITS.messageLength });
  if (message.length === 0) throw ServiceError.validation('"message" must not be empty.');
  const to = readRecipients(raw.smsRecipients, 'smsRecipients', ['to', 'repeatabilityRequestId', 'repeatabilityFirstSent']);
  let enableDeliveryReport = false;
  let tag: string | undefined;
  if (raw.smsSendOptions !== undefined && raw.smsSendOptions !== null) {
    if (typeof raw.smsSendOptions !== 'object' || Array.isArray(raw.smsSendOptions)) {
      throw ServiceError.validation('"smsSendOptions" must be an object.');
    }
    const options = raw.smsSendOptions as JsonObject;
    const reader = new BodyReader(options, 'smsSendOptions').allowOnly(
      'enableDeliveryReport',
      'tag',
      'deliveryReportTimeoutInSeconds',
      'messagingConnect',
    );
    if (options.enableDeliveryReport !== undefined && typeof options.enableDeliveryReport !== 'boolean') {
      throw ServiceError.validation('"smsSendOptions.enableDeliveryReport" must be a boolean.');
    }
    enableDeliveryReport = options.enableDeliveryReport === true;
    tag = reader.optionalString('tag', { maxLength: 256 });
    const preview = PREVIEW_SEND_OPTIONS_VERSIONS.includes(apiVersion);
    for (const field of ['deliveryReportTimeoutInSeconds', 'messagingConnect']) {
      if (options[field] !== undefined && options[field] !== null && !preview) {
        throw ServiceError.validation(`"smsSendOptions.${field}" needs api-version ${PREVIEW_SEND_OPTIONS_VERSIONS.join(' or ')}.`);
      }
    }
    // As the beta SDK's mapper bounds it: 60 s to 12 h.
    reader.optionalInteger('deliveryReportTimeoutInSeconds', 60, 43_200);
    if (options.messagingConnect !== undefined && options.messagingConnect !== null) {
      const connect = options.messagingConnect;
      if (typeof connect !== 'object' || Array.isArray(connect)) {
        throw ServiceError.validation('"smsSendOptions.messagingConnect" must be an object.');
      }
      // A Messaging Connect partner and the API key for it (the simulated network has no partners to
      // call: both are checked and then the message goes out as any other).
      const partner = new BodyReader(connect as JsonObject, 'smsSendOptions.messagingConnect').allowOnly('apiKey', 'partner');
      for (const field of ['apiKey', 'partner']) {
        if (partner.requiredString(field, { maxLength: 1024 }).trim().length === 0) {
          throw ServiceError.validation(`"smsSendOptions.messagingConnect.${field}" must not be empty.`);
        }
      }
    }
  }
  return { status: 202, body: { value: sms.send({ from, to, message, enableDeliveryReport, tag }) } };
}

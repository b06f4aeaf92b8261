import { BodyReader, type JsonObject } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import type { HandlerResult } from '../http/router.js';
import type { RouteSpec } from '../http/routes.js';
import { SMS_LIMITS, type SmsService } from './smsService.js';

const SMS = { api: 'sms', auth: 'hmac', origins: 'any' } as const;

/** The ACS SMS REST API (`POST /sms`, api-version 2021-03-07), HMAC-signed, plus a status lookup. */
export function smsRoutes(sms: SmsService): RouteSpec[] {
  return [
    {
      ...SMS,
      method: 'POST',
      template: '/sms',
      summary: 'Sends an SMS from a number of the resource to up to 100 recipients.',
      body: 'required',
      fields: ['from', 'smsRecipients', 'message', 'smsSendOptions'],
      handler: ({ json }) => sendSms(sms, json()),
    },
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

function sendSms(sms: SmsService, raw: JsonObject): HandlerResult {
  const body = new BodyReader(raw);
  const from = body.requiredString('from', { maxLength: 32 });
  const message = body.requiredString('message', { maxLength: SMS_LIMITS.messageLength });
  if (message.length === 0) throw ServiceError.validation('"message" must not be empty.');
  const recipients = raw.smsRecipients;
  if (!Array.isArray(recipients) || recipients.length === 0) {
    throw ServiceError.validation('"smsRecipients" must be a non-empty array.');
  }
  if (recipients.length > SMS_LIMITS.recipients) {
    throw ServiceError.validation(`At most ${SMS_LIMITS.recipients} recipients per request.`);
  }
  const to = recipients.map((recipient, index) => {
    const field = `smsRecipients[${index}]`;
    if (typeof recipient !== 'object' || recipient === null || Array.isArray(recipient)) {
      throw ServiceError.validation(`"${field}" must be an object.`);
    }
    const reader = new BodyReader(recipient as JsonObject, field).allowOnly('to', 'repeatabilityRequestId', 'repeatabilityFirstSent');
    return reader.requiredString('to', { maxLength: 32 });
  });
  let enableDeliveryReport = false;
  let tag: string | undefined;
  if (raw.smsSendOptions !== undefined && raw.smsSendOptions !== null) {
    if (typeof raw.smsSendOptions !== 'object' || Array.isArray(raw.smsSendOptions)) {
      throw ServiceError.validation('"smsSendOptions" must be an object.');
    }
    const options = raw.smsSendOptions as JsonObject;
    new BodyReader(options, 'smsSendOptions').allowOnly('enableDeliveryReport', 'tag');
    if (options.enableDeliveryReport !== undefined && typeof options.enableDeliveryReport !== 'boolean') {
      throw ServiceError.validation('"smsSendOptions.enableDeliveryReport" must be a boolean.');
    }
    enableDeliveryReport = options.enableDeliveryReport === true;
    tag = new BodyReader(options, 'smsSendOptions').optionalString('tag', { maxLength: 256 });
  }
  return { status: 202, body: { value: sms.send({ from, to, message, enableDeliveryReport, tag }) } };
}

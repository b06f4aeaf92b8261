import { BodyReader, type JsonObject, parseJsonObject } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import type { Router } from '../http/router.js';
import { SMS_LIMITS, type SmsService } from './smsService.js';

/** The ACS SMS REST API (`POST /sms`, api-version 2021-03-07), HMAC-signed, plus a status lookup. */
export function registerSmsRoutes(router: Router, sms: SmsService): void {
  router.add('POST', '/sms', ({ rawBody }) => {
    const raw = parseJsonObject(rawBody, { required: true });
    const body = new BodyReader(raw).allowOnly('from', 'smsRecipients', 'message', 'smsSendOptions');
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
  });

  router.add('GET', '/sms/{messageId}', ({ params }) => ({ status: 200, body: sms.get(params.messageId!) }));
}

import { randomUUID } from 'node:crypto';
import { isE164PhoneNumber } from '../../src/common/identifiers.js';
import type { SmsDeliveryStatus } from '../../src/sms/smsProtocol.js';
import { ServiceError } from '../http/errors.js';
import type { IdentityStore } from '../identity/identityStore.js';
import type { RealtimeHub } from '../realtime/realtimeHub.js';
import type { Db } from '../storage/database.js';
import { hasDirection } from './numberCatalog.js';
import type { PhoneNumberStore } from './phoneNumberStore.js';

/** Limits as ACS documents them for one send (or opt-out) request. */
export const SMS_LIMITS = { recipients: 100, messageLength: 2048 } as const;

/**
 * Whether an E.164 number can be dialled in its country, judged by its numbering plan as far as we
 * model it: North America (+1) takes exactly ten digits, area code and exchange starting 2-9 (so
 * `+1425555012345` is refused); the UK (+44) nine or ten; elsewhere E.164's bounds (7 to 15 digits).
 */
export function isDialableNumber(phoneNumber: string): boolean {
  if (!isE164PhoneNumber(phoneNumber)) return false;
  if (phoneNumber.startsWith('+1')) return /^\+1[2-9]\d{2}[2-9]\d{6}$/.test(phoneNumber);
  if (phoneNumber.startsWith('+44')) return /^\+44\d{9,10}$/.test(phoneNumber);
  return /^\+[1-9]\d{6,14}$/.test(phoneNumber);
}

/** One recipient's answer to an opt-out request (`OptOutResponseItem`). */
export interface OptOutResult {
  to: string;
  httpStatusCode: number;
  isOptedOut?: boolean;
  errorMessage?: string;
}

export interface SmsSendResult {
  to: string;
  messageId?: string;
  httpStatusCode: number;
  repeatabilityResult?: 'accepted' | 'rejected';
  successful: boolean;
  errorMessage?: string;
}

export type DeliveryStatus = SmsDeliveryStatus;

/**
 * SMS over the simulated network: a message to a number of this resource that is assigned to a
 * user arrives as `smsReceived` on that user's real-time channel; anything else is unreachable.
 * Each recipient succeeds or fails on its own. Delivery reports, when asked for, go to the user the
 * sending number is assigned to, as `smsDeliveryReportReceived`, and are kept for `GET /sms/{id}`.
 */
export class SmsService {
  readonly #hub: RealtimeHub;
  readonly #numbers: PhoneNumberStore;
  readonly #q;
  readonly #db: Db;

  constructor(db: Db, hub: RealtimeHub, numbers: PhoneNumberStore, identities: IdentityStore) {
    this.#hub = hub;
    this.#numbers = numbers;
    this.#q = {
      insert: db.prepare(
        `INSERT INTO sms_messages (id, from_number, to_number, message, tag, sent_on, delivery_status, recipient_user, sender_user)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      get: db.prepare('SELECT * FROM sms_messages WHERE id = ?'),
      deleteUser: db.prepare('DELETE FROM sms_messages WHERE recipient_user = ? OR sender_user = ?'),
      optOutAdd: db.prepare('INSERT OR IGNORE INTO sms_optouts (from_number, to_number, created_on) VALUES (?, ?, ?)'),
      optOutRemove: db.prepare('DELETE FROM sms_optouts WHERE from_number = ? AND to_number = ?'),
      optedOut: db.prepare('SELECT 1 FROM sms_optouts WHERE from_number = ? AND to_number = ?'),
    };
    this.#db = db;
    identities.onUserDeleted('sms', (userId) => this.#q.deleteUser.run(userId, userId));
  }

  send(request: { from: string; to: string[]; message: string; enableDeliveryReport: boolean; tag?: string }): SmsSendResult[] {
    const sender = this.#requireSender(request.from);
    if (!hasDirection(sender.capabilities.sms, 'outbound')) {
      throw ServiceError.badRequest(
        `${request.from} has no outbound SMS: update its capabilities to send from it.`,
        'CapabilityNotEnabled',
      );
    }
    return this.#hub.atomically(() =>
      request.to.map((to) => {
        const invalid = recipientProblem(to);
        if (invalid) return { to, httpStatusCode: 400, successful: false, errorMessage: invalid };
        if (this.#q.optedOut.get(request.from, to)) {
          return { to, httpStatusCode: 400, successful: false, errorMessage: `${to} has opted out of messages from ${request.from}.` };
        }
        const messageId = `Outgoing_${randomUUID()}`;
        const recipient = this.#numbers.get(to)?.assignedTo;
        const now = Date.now();
        const status: DeliveryStatus = recipient ? 'Delivered' : 'Failed';
        this.#q.insert.run(
          messageId,
          request.from,
          to,
          request.message,
          request.tag ?? null,
          now,
          status,
          recipient ?? null,
          sender.assignedTo ?? null,
        );
        if (recipient) {
          this.#hub.publish([recipient], 'smsReceived', () => ({
            messageId,
            from: request.from,
            to,
            message: request.message,
            receivedTimestamp: new Date(now).toISOString(),
          }));
        }
        if (request.enableDeliveryReport && sender.assignedTo) {
          this.#hub.publish([sender.assignedTo], 'smsDeliveryReportReceived', () => ({
            messageId,
            from: request.from,
            to,
            deliveryStatus: status,
            deliveryStatusDetails: recipient ? 'Delivered to the handset.' : 'No handset answers this number.',
            receivedTimestamp: new Date(now).toISOString(),
            ...(request.tag !== undefined ? { tag: request.tag } : {}),
          }));
        }
        return { to, messageId, httpStatusCode: 202, repeatabilityResult: 'accepted' as const, successful: true };
      }),
    );
  }

  /** Opt-out management (`POST /sms/optouts:add|:remove|:check`): per recipient, all in one transaction. */
  optOuts(action: 'add' | 'remove' | 'check', from: string, recipients: string[]): OptOutResult[] {
    this.#requireSender(from);
    return this.#db.transaction(() =>
      recipients.map((to): OptOutResult => {
        const invalid = recipientProblem(to);
        if (invalid) return { to, httpStatusCode: 400, errorMessage: invalid };
        if (action === 'add') this.#q.optOutAdd.run(from, to, Date.now());
        if (action === 'remove') this.#q.optOutRemove.run(from, to);
        if (action === 'check') return { to, httpStatusCode: 200, isOptedOut: this.#q.optedOut.get(from, to) !== undefined };
        return { to, httpStatusCode: 200 };
      }),
    )();
  }

  /** The sending number: E.164 (else 400) and owned by this resource (else 401, as ACS answers). */
  #requireSender(from: string) {
    if (!isE164PhoneNumber(from)) throw ServiceError.validation(`"from" (${from}) is not an E.164 phone number.`);
    const sender = this.#numbers.get(from);
    if (!sender) throw ServiceError.unauthorized(`"from" (${from}) is not a number of this resource; acquire it first.`);
    return sender;
  }

  /** A sent message's delivery state, for the admin. */
  get(messageId: string): { messageId: string; from: string; to: string; deliveryStatus: DeliveryStatus; tag?: string; sentOn: string } {
    const row = this.#q.get.get(messageId) as
      | { id: string; from_number: string; to_number: string; delivery_status: DeliveryStatus; tag: string | null; sent_on: number }
      | undefined;
    if (!row) throw ServiceError.notFound(`SMS ${messageId} does not exist.`, 'MessageNotFound');
    return {
      messageId: row.id,
      from: row.from_number,
      to: row.to_number,
      deliveryStatus: row.delivery_status,
      ...(row.tag !== null ? { tag: row.tag } : {}),
      sentOn: new Date(row.sent_on).toISOString(),
    };
  }
}

/** Why a recipient cannot be messaged, as the per-recipient `errorMessage`; undefined when it can. */
export function recipientProblem(to: string): string | undefined {
  if (!isE164PhoneNumber(to)) return `${to} is not an E.164 phone number.`;
  if (!isDialableNumber(to)) return `${to} is not a dialable number of its country.`;
  return undefined;
}

/**
 * The SMS events on the real-time channel, as the service publishes them (Event Grid's
 * `Microsoft.Communication.SMSReceived` / `SMSDeliveryReportReceived` data shapes): to the user a
 * receiving number is assigned to, and (when asked for) to the user of the sending number.
 */
export type SmsDeliveryStatus = 'Delivered' | 'Failed';

export interface SmsReceivedModel {
  messageId: string;
  /** E.164 numbers. */
  from: string;
  to: string;
  message: string;
  receivedTimestamp: string;
}

export interface SmsDeliveryReportReceivedModel {
  messageId: string;
  from: string;
  to: string;
  deliveryStatus: SmsDeliveryStatus;
  deliveryStatusDetails: string;
  receivedTimestamp: string;
  /** The `tag` given to the send. */
  tag?: string;
}

export interface SmsEvents {
  smsReceived: SmsReceivedModel;
  smsDeliveryReportReceived: SmsDeliveryReportReceivedModel;
}

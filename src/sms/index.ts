export * from './smsClient.js';
export type { SmsDeliveryReportReceivedModel, SmsDeliveryStatus, SmsEvents, SmsReceivedModel } from './smsProtocol.js';

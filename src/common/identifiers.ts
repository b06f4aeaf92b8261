/**
 * Identifiers: who takes part in a conversation. Names and shapes mirror
 * `@azure/communication-common`, with the calling-application kind of the ACS identity model.
 */

/** A user of the service, raw id `8:acs:<resourceId>_<uuid>`. */
export interface CommunicationUserIdentifier {
  communicationUserId: string;
}

/** A phone number in E.164 form (`+14255550123`), raw id `4:+14255550123`. */
export interface PhoneNumberIdentifier {
  phoneNumber: string;
  /** The raw id; derived from `phoneNumber` when absent. */
  rawId?: string;
}

/** An application taking part as itself, raw id `28:acs:<resourceId>_<uuid>`. */
export interface CallingApplicationIdentifier {
  callingApplicationId: string;
}

/** Any other identifier: kept exactly as it came, never dropped. */
export interface UnknownIdentifier {
  id: string;
}

export type CommunicationIdentifier =
  CommunicationUserIdentifier | PhoneNumberIdentifier | CallingApplicationIdentifier | UnknownIdentifier;

export type CommunicationUserKind = CommunicationUserIdentifier & { kind: 'communicationUser' };
export type PhoneNumberKind = PhoneNumberIdentifier & { kind: 'phoneNumber' };
export type CallingApplicationKind = CallingApplicationIdentifier & { kind: 'callingApplication' };
export type UnknownIdentifierKind = UnknownIdentifier & { kind: 'unknown' };

/** An identifier with its `kind` discriminant. */
export type CommunicationIdentifierKind = CommunicationUserKind | PhoneNumberKind | CallingApplicationKind | UnknownIdentifierKind;

/** The raw-id prefixes of communication users in the public and sovereign clouds. */
const COMMUNICATION_USER_PREFIXES = ['8:acs:', '8:spool:', '8:dod-acs:', '8:gcch-acs:'] as const;
const PHONE_NUMBER_PREFIX = '4:';
const CALLING_APPLICATION_PREFIX = '28:acs:';
const E164 = /^\+[1-9]\d{1,14}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isCommunicationUserIdentifier(identifier: unknown): identifier is CommunicationUserIdentifier {
  return isObject(identifier) && typeof identifier.communicationUserId === 'string';
}

export function isPhoneNumberIdentifier(identifier: unknown): identifier is PhoneNumberIdentifier {
  return isObject(identifier) && typeof identifier.phoneNumber === 'string';
}

export function isCallingApplicationIdentifier(identifier: unknown): identifier is CallingApplicationIdentifier {
  return isObject(identifier) && typeof identifier.callingApplicationId === 'string';
}

export function isUnknownIdentifier(identifier: unknown): identifier is UnknownIdentifier {
  return isObject(identifier) && typeof identifier.id === 'string';
}

/** True for any of the identifier shapes above. */
export function isCommunicationIdentifier(identifier: unknown): identifier is CommunicationIdentifier {
  return (
    isCommunicationUserIdentifier(identifier) ||
    isPhoneNumberIdentifier(identifier) ||
    isCallingApplicationIdentifier(identifier) ||
    isUnknownIdentifier(identifier)
  );
}

/** True when `phoneNumber` is in E.164 form: `+`, country code, at most 15 digits. */
export function isE164PhoneNumber(phoneNumber: string): boolean {
  return E164.test(phoneNumber);
}

/** True when `rawId` names a communication user (`8:acs:...` and its sovereign-cloud forms). */
export function isCommunicationUserRawId(rawId: string): boolean {
  return COMMUNICATION_USER_PREFIXES.some((prefix) => rawId.startsWith(prefix) && rawId.length > prefix.length);
}

/** Adds the `kind` discriminant. Throws `TypeError` for a value that is no identifier. */
export function getIdentifierKind(identifier: CommunicationIdentifier): CommunicationIdentifierKind {
  if (isCommunicationUserIdentifier(identifier)) {
    return { kind: 'communicationUser', communicationUserId: identifier.communicationUserId };
  }
  if (isPhoneNumberIdentifier(identifier)) {
    const kind: PhoneNumberKind = { kind: 'phoneNumber', phoneNumber: identifier.phoneNumber };
    if (identifier.rawId !== undefined) kind.rawId = identifier.rawId;
    return kind;
  }
  if (isCallingApplicationIdentifier(identifier)) {
    return { kind: 'callingApplication', callingApplicationId: identifier.callingApplicationId };
  }
  if (isUnknownIdentifier(identifier)) return { kind: 'unknown', id: identifier.id };
  throw new TypeError(`Not a communication identifier: ${JSON.stringify(identifier)}`);
}

/** The raw id: the one string that names the identifier on the wire and in storage. */
export function getIdentifierRawId(identifier: CommunicationIdentifier): string {
  const kind = getIdentifierKind(identifier);
  switch (kind.kind) {
    case 'communicationUser':
      return kind.communicationUserId;
    case 'phoneNumber':
      return kind.rawId ?? `${PHONE_NUMBER_PREFIX}${kind.phoneNumber}`;
    case 'callingApplication':
      return kind.callingApplicationId;
    case 'unknown':
      return kind.id;
  }
}

/** Parses a raw id back into an identifier. Never throws: what it cannot place is `unknown`. */
export function createIdentifierFromRawId(rawId: string): CommunicationIdentifierKind {
  if (typeof rawId !== 'string') throw new TypeError('rawId must be a string.');
  if (isCommunicationUserRawId(rawId)) {
    return { kind: 'communicationUser', communicationUserId: rawId };
  }
  if (rawId.startsWith(PHONE_NUMBER_PREFIX) && rawId.length > PHONE_NUMBER_PREFIX.length) {
    return { kind: 'phoneNumber', phoneNumber: rawId.slice(PHONE_NUMBER_PREFIX.length), rawId };
  }
  if (rawId.startsWith(CALLING_APPLICATION_PREFIX) && rawId.length > CALLING_APPLICATION_PREFIX.length) {
    return { kind: 'callingApplication', callingApplicationId: rawId };
  }
  return { kind: 'unknown', id: rawId };
}

/** True when both name the same party (compared by raw id). */
export function identifiersEqual(a: CommunicationIdentifier, b: CommunicationIdentifier): boolean {
  return getIdentifierRawId(a) === getIdentifierRawId(b);
}

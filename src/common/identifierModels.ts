// The wire form of identifiers (`CommunicationIdentifierModel`), apart from identifiers.ts: only the
// clients and the service read and write it, so a bundle of components that only compares raw ids
// does not carry it.
import {
  type CommunicationIdentifier,
  type CommunicationIdentifierKind,
  createIdentifierFromRawId,
  getIdentifierKind,
  getIdentifierRawId,
} from './identifiers.js';

/**
 * The wire model of an identifier, as the ACS REST API carries it
 * (`CommunicationIdentifierModel`): the raw id, the kind, and one kind-specific member.
 */
export interface SerializedCommunicationIdentifier {
  rawId?: string;
  kind?: string;
  communicationUser?: { id: string };
  phoneNumber?: { value: string };
  callingApplication?: { id: string };
}

/** The wire model of the identifier a raw id names (`8:acs:…` → `{ rawId, kind, communicationUser }`). */
export function wireIdentifierOf(rawId: string): SerializedCommunicationIdentifier {
  return serializeCommunicationIdentifier(createIdentifierFromRawId(rawId));
}

export function serializeCommunicationIdentifier(identifier: CommunicationIdentifier): SerializedCommunicationIdentifier {
  const kind = getIdentifierKind(identifier);
  const rawId = getIdentifierRawId(kind);
  switch (kind.kind) {
    case 'communicationUser':
      return { rawId, kind: 'communicationUser', communicationUser: { id: kind.communicationUserId } };
    case 'phoneNumber':
      return { rawId, kind: 'phoneNumber', phoneNumber: { value: kind.phoneNumber } };
    case 'callingApplication':
      return { rawId, kind: 'callingApplication', callingApplication: { id: kind.callingApplicationId } };
    case 'unknown':
      return { rawId, kind: 'unknown' };
  }
}

/**
 * Reads a wire identifier. The kind-specific member wins over `rawId`; a model with neither is a
 * `TypeError`, since there is nothing to keep.
 */
export function deserializeCommunicationIdentifier(model: SerializedCommunicationIdentifier): CommunicationIdentifierKind {
  if (typeof model !== 'object' || model === null) {
    throw new TypeError('An identifier model must be an object.');
  }
  const rawId = typeof model.rawId === 'string' ? model.rawId : undefined;
  if (model.communicationUser && typeof model.communicationUser.id === 'string') {
    return { kind: 'communicationUser', communicationUserId: model.communicationUser.id };
  }
  if (model.phoneNumber && typeof model.phoneNumber.value === 'string') {
    return {
      kind: 'phoneNumber',
      phoneNumber: model.phoneNumber.value,
      rawId: rawId ?? getIdentifierRawId({ phoneNumber: model.phoneNumber.value }),
    };
  }
  if (model.callingApplication && typeof model.callingApplication.id === 'string') {
    return { kind: 'callingApplication', callingApplicationId: model.callingApplication.id };
  }
  if (rawId !== undefined) return createIdentifierFromRawId(rawId);
  throw new TypeError('An identifier model needs a rawId or a kind-specific member.');
}

import {
  type CommunicationIdentifier,
  type CommunicationIdentifierKind,
  createIdentifierFromRawId,
  getIdentifierKind,
  getIdentifierRawId,
} from '../../common/identifiers.js';

/** What the calling components show for someone: their display name, else what addresses them. */
export function nameOf(
  person: { displayName?: string | undefined; identifier?: CommunicationIdentifier | undefined },
  fallback: string,
): string {
  const name = person.displayName?.trim();
  if (name) return name;
  if (!person.identifier) return fallback;
  const kind = getIdentifierKind(person.identifier);
  // A phone number is what people know; a user's raw id means nothing to a reader.
  return kind.kind === 'phoneNumber' ? kind.phoneNumber : fallback;
}

/** A stable key per person (their raw id), for colors and list keys. */
export function keyOf(identifier: CommunicationIdentifier | undefined): string {
  return identifier ? getIdentifierRawId(identifier) : '';
}

/**
 * Reads what someone typed to call: one or more raw ids (`8:acs:…`, `4:+1…`, `28:acs:…`) or phone
 * numbers in E.164 (`+14255550123`), separated by commas, semicolons or spaces.
 */
export function parseCallTargets(text: string): CommunicationIdentifierKind[] {
  return text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((entry) => (/^\+\d{5,15}$/.test(entry) ? { kind: 'phoneNumber', phoneNumber: entry } : createIdentifierFromRawId(entry)));
}

import {
  type CommunicationIdentifier,
  type CommunicationIdentifierKind,
  createIdentifierFromRawId,
  getIdentifierKind,
  getIdentifierRawId,
} from '../../common/identifiers.js';

/** Names the page knows for people by raw id (its own user table), for when the call has none yet. */
const knownNames = new Map<string, string>();

/**
 * Tells the calling components what the app calls someone: they show it wherever the call itself
 * has no name for them yet (a callee still ringing, a participant who joined without one). The
 * service keeps no names; the app's own user table does. An empty name forgets it.
 */
export function rememberDisplayName(identifier: CommunicationIdentifier, displayName: string): void {
  const rawId = getIdentifierRawId(identifier);
  if (displayName.trim()) knownNames.set(rawId, displayName.trim());
  else knownNames.delete(rawId);
}

/** What the calling components show for someone: their display name, else the app's, else what addresses them. */
export function nameOf(
  person: { displayName?: string | undefined; identifier?: CommunicationIdentifier | undefined },
  fallback: string,
): string {
  const name = person.displayName?.trim();
  if (name) return name;
  if (!person.identifier) return fallback;
  const known = knownNames.get(getIdentifierRawId(person.identifier));
  if (known) return known;
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

/**
 * Argument checks of the chat clients. They run before any request, so a bad argument is a
 * `TypeError` (wrong kind of value) or a `RangeError` (right kind, out of bounds), never a round trip.
 */
import { isCommunicationIdentifier, type CommunicationIdentifier } from '../common/identifiers.js';
import { CHAT_LIMITS, metadataByteLength, utf8ByteLength } from './chatProtocol.js';
import type { ChatParticipant, ChatRetentionPolicy } from './models.js';

export { CHAT_LIMITS };

export function requireNonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`${name} must be a non-empty string.`);
  }
  return value;
}

export function checkTopic(topic: unknown): string {
  const checked = requireNonEmptyString(topic, 'topic');
  if (checked.length > CHAT_LIMITS.topicLength) {
    throw new RangeError(`topic is ${checked.length} characters; the limit is ${CHAT_LIMITS.topicLength}.`);
  }
  return checked;
}

export function checkContent(content: unknown): string {
  const checked = requireNonEmptyString(content, 'content');
  const bytes = utf8ByteLength(checked);
  if (bytes > CHAT_LIMITS.messageContentBytes) {
    throw new RangeError(`content is ${bytes} bytes (UTF-8); the limit is ${CHAT_LIMITS.messageContentBytes}.`);
  }
  return checked;
}

export function checkDisplayName(displayName: unknown, name = 'displayName'): string | undefined {
  if (displayName === undefined) return undefined;
  if (typeof displayName !== 'string') throw new TypeError(`${name} must be a string.`);
  if (displayName.length > CHAT_LIMITS.displayNameLength) {
    throw new RangeError(`${name} is longer than ${CHAT_LIMITS.displayNameLength} characters.`);
  }
  return displayName;
}

export function checkMetadata(metadata: unknown, name = 'metadata'): Record<string, string> | undefined {
  if (metadata === undefined) return undefined;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new TypeError(`${name} must be an object of string values.`);
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new TypeError(`${name}.${key} must be a string.`);
  }
  const bytes = metadataByteLength(metadata as Record<string, string>);
  if (bytes > CHAT_LIMITS.metadataBytes) {
    throw new RangeError(`${name} is ${bytes} bytes as JSON (UTF-8); the limit is ${CHAT_LIMITS.metadataBytes}.`);
  }
  return metadata as Record<string, string>;
}

export function checkIdentifier(identifier: unknown, name: string): CommunicationIdentifier {
  if (!isCommunicationIdentifier(identifier)) {
    throw new TypeError(`${name} is not a communication identifier (e.g. { communicationUserId: "8:acs:..." }).`);
  }
  return identifier;
}

export function checkDate(value: unknown, name: string): Date | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`${name} must be a valid Date.`);
  return value;
}

export function checkSkip(skip: unknown): number | undefined {
  if (skip === undefined) return undefined;
  if (typeof skip !== 'number' || !Number.isInteger(skip) || skip < 0) {
    throw new RangeError('skip must be a non-negative whole number.');
  }
  return skip;
}

export function checkRetentionPolicy(policy: unknown): ChatRetentionPolicy | undefined {
  if (policy === undefined) return undefined;
  const kind = (policy as { kind?: unknown } | null)?.kind;
  if (kind === 'none') return policy as ChatRetentionPolicy;
  if (kind === 'threadCreationDate') {
    const days = (policy as { deleteThreadAfterDays?: unknown }).deleteThreadAfterDays;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 90) {
      throw new RangeError('retentionPolicy.deleteThreadAfterDays must be a whole number from 1 to 90.');
    }
    return policy as ChatRetentionPolicy;
  }
  throw new TypeError('retentionPolicy.kind must be "none" or "threadCreationDate".');
}

/** Checks a list of participants; `required` lists must not be empty. */
export function checkParticipants(participants: unknown, { required }: { required: boolean }): ChatParticipant[] {
  if (participants === undefined && !required) return [];
  if (!Array.isArray(participants)) throw new TypeError('participants must be an array.');
  if (required && participants.length === 0) throw new RangeError('participants must not be empty.');
  if (participants.length > CHAT_LIMITS.participantsPerThread) {
    throw new RangeError(`A thread has at most ${CHAT_LIMITS.participantsPerThread} participants.`);
  }
  return participants.map((participant: unknown, index) => {
    const name = `participants[${index}]`;
    if (typeof participant !== 'object' || participant === null) throw new TypeError(`${name} must be an object.`);
    const { id, displayName, shareHistoryTime, metadata } = participant as Partial<ChatParticipant>;
    checkIdentifier(id, `${name}.id`);
    checkDisplayName(displayName, `${name}.displayName`);
    checkDate(shareHistoryTime, `${name}.shareHistoryTime`);
    checkMetadata(metadata, `${name}.metadata`);
    return participant as ChatParticipant;
  });
}

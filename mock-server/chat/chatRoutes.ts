import { deserializeCommunicationIdentifier, getIdentifierRawId } from '../../src/common/identifiers.js';
import { requireScope } from '../auth/scopes.js';
import type { TokenScope } from '../auth/tokens.js';
import { BodyReader, type JsonObject, parseJsonObject } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import { integerParam, nextLink, timeParam } from '../http/query.js';
import type { RequestContext, Router } from '../http/router.js';
import type { RetentionPolicyModel } from './chatModels.js';
import { CHAT_LIMITS, metadataByteLength } from '../../src/chat/chatProtocol.js';
import { type ChatService, type ParticipantInput } from './chatService.js';

/** Scopes that may use chat at all, and those that may also manage threads. */
export const CHAT_SCOPES: readonly TokenScope[] = ['chat', 'chat.join', 'chat.join.limited'];
const MANAGE_THREADS: readonly TokenScope[] = ['chat'];
const MANAGE_PARTICIPANTS: readonly TokenScope[] = ['chat', 'chat.join'];

/**
 * The ACS chat REST API (`api-version=2025-03-15`). The service has verified the bearer token (any
 * chat scope) before these run; operations that need more check it here, membership is the
 * ChatService's.
 */
export function registerChatRoutes(router: Router, chat: ChatService, origin: (context: RequestContext) => string): void {
  router.add('POST', '/chat/threads', ({ req, rawBody, caller }) => {
    const userId = requireScope(caller, MANAGE_THREADS);
    const raw = parseJsonObject(rawBody, { required: true });
    const body = new BodyReader(raw).allowOnly('topic', 'participants', 'metadata', 'retentionPolicy');
    const topic = requireTopic(body.requiredString('topic', { maxLength: CHAT_LIMITS.topicLength }));
    const idempotencyToken = header(req.headers['repeatability-request-id']);
    if (idempotencyToken !== undefined && !/^[\w-]{1,128}$/.test(idempotencyToken)) {
      throw ServiceError.validation('repeatability-request-id must be 1-128 letters, digits, "-" or "_".');
    }
    const { thread, invalidParticipants } = chat.createThread(
      userId,
      {
        topic,
        participants: readParticipants(raw.participants, { optional: true }),
        metadata: readMetadata(raw.metadata, 'metadata'),
        retentionPolicy: readRetentionPolicy(raw.retentionPolicy) ?? undefined,
      },
      idempotencyToken,
    );
    return {
      status: 201,
      body: { chatThread: thread, ...(invalidParticipants.length ? { invalidParticipants } : {}) },
    };
  });

  router.add('GET', '/chat/threads', (context) => {
    const userId = requireScope(context.caller, CHAT_SCOPES);
    const { url } = context;
    const maxPageSize = pageSize(url);
    const skip = integerParam(url, 'continuationToken', 0, 0, Number.MAX_SAFE_INTEGER);
    const page = chat.listThreads(userId, { maxPageSize, startTime: timeParam(url, 'startTime'), skip });
    return { status: 200, body: withNextLink(page, context, origin) };
  });

  router.add('GET', '/chat/threads/{threadId}', ({ params, caller }) => ({
    status: 200,
    body: chat.getThread(requireScope(caller, CHAT_SCOPES), params.threadId!),
  }));

  router.add('PATCH', '/chat/threads/{threadId}', ({ params, rawBody, caller }) => {
    const userId = requireScope(caller, MANAGE_THREADS);
    const raw = parseJsonObject(rawBody, { required: true });
    const body = new BodyReader(raw).allowOnly('topic', 'metadata', 'retentionPolicy');
    const topic = body.optionalString('topic', { maxLength: CHAT_LIMITS.topicLength });
    chat.updateThread(userId, params.threadId!, {
      topic: topic === undefined ? undefined : requireTopic(topic),
      metadata: readMetadata(raw.metadata, 'metadata'),
      retentionPolicy: readRetentionPolicy(raw.retentionPolicy),
    });
    return { status: 204 };
  });

  router.add('DELETE', '/chat/threads/{threadId}', ({ params, caller }) => {
    chat.deleteThread(requireScope(caller, MANAGE_THREADS), params.threadId!);
    return { status: 204 };
  });

  router.add('POST', '/chat/threads/{threadId}/messages', ({ params, rawBody, caller }) => {
    const userId = requireScope(caller, CHAT_SCOPES);
    const raw = parseJsonObject(rawBody, { required: true });
    const body = new BodyReader(raw).allowOnly('content', 'senderDisplayName', 'type', 'metadata');
    const content = requireContent(body.requiredString('content', { maxLength: Number.MAX_SAFE_INTEGER }));
    const type = body.optionalString('type') ?? 'text';
    if (type !== 'text' && type !== 'html') {
      throw ServiceError.validation('"type" must be "text" or "html"; system messages are the service\'s to send.');
    }
    const result = chat.sendMessage(userId, params.threadId!, {
      content,
      type,
      senderDisplayName: body.optionalString('senderDisplayName', { maxLength: CHAT_LIMITS.displayNameLength }),
      metadata: readMetadata(raw.metadata, 'metadata'),
    });
    return { status: 201, body: result };
  });

  router.add('GET', '/chat/threads/{threadId}/messages', (context) => {
    const { url, params } = context;
    const userId = requireScope(context.caller, CHAT_SCOPES);
    const continuation = url.searchParams.get('continuationToken') ?? undefined;
    if (continuation !== undefined && !/^\d{1,15}$/.test(continuation)) {
      throw ServiceError.validation('The continuationToken is not valid.');
    }
    const page = chat.listMessages(userId, params.threadId!, {
      maxPageSize: pageSize(url),
      startTime: timeParam(url, 'startTime'),
      continuation,
    });
    return { status: 200, body: withNextLink(page, context, origin) };
  });

  router.add('GET', '/chat/threads/{threadId}/messages/{messageId}', ({ params, caller }) => ({
    status: 200,
    body: chat.getMessage(requireScope(caller, CHAT_SCOPES), params.threadId!, params.messageId!),
  }));

  router.add('PATCH', '/chat/threads/{threadId}/messages/{messageId}', ({ params, rawBody, caller }) => {
    const userId = requireScope(caller, CHAT_SCOPES);
    const raw = parseJsonObject(rawBody, { required: true });
    const body = new BodyReader(raw).allowOnly('content', 'metadata');
    const content = body.optionalString('content', { maxLength: Number.MAX_SAFE_INTEGER });
    chat.updateMessage(userId, params.threadId!, params.messageId!, {
      content: content === undefined ? undefined : requireContent(content),
      metadata: readMetadata(raw.metadata, 'metadata'),
    });
    return { status: 204 };
  });

  router.add('DELETE', '/chat/threads/{threadId}/messages/{messageId}', ({ params, caller }) => {
    chat.deleteMessage(requireScope(caller, CHAT_SCOPES), params.threadId!, params.messageId!);
    return { status: 204 };
  });

  router.add('GET', '/chat/threads/{threadId}/participants', (context) => {
    const { url, params } = context;
    const page = chat.listParticipants(requireScope(context.caller, CHAT_SCOPES), params.threadId!, {
      maxPageSize: pageSize(url),
      skip: integerParam(url, 'skip', 0, 0, Number.MAX_SAFE_INTEGER),
    });
    return { status: 200, body: withNextLink(page, context, origin, 'skip') };
  });

  router.add('POST', '/chat/threads/{threadId}/participants/:add', ({ params, rawBody, caller }) => {
    const userId = requireScope(caller, MANAGE_PARTICIPANTS);
    const raw = parseJsonObject(rawBody, { required: true });
    new BodyReader(raw).allowOnly('participants');
    const participants = readParticipants(raw.participants, { optional: false });
    const { invalidParticipants } = chat.addParticipants(userId, params.threadId!, participants);
    return { status: 201, body: invalidParticipants.length ? { invalidParticipants } : {} };
  });

  router.add('POST', '/chat/threads/{threadId}/participants/:remove', ({ params, rawBody, caller }) => {
    const userId = requireScope(caller, MANAGE_PARTICIPANTS);
    const rawId = readIdentifier(parseJsonObject(rawBody, { required: true }), 'body');
    chat.removeParticipant(userId, params.threadId!, rawId);
    return { status: 204 };
  });

  router.add('POST', '/chat/threads/{threadId}/readReceipts', ({ params, rawBody, caller }) => {
    const userId = requireScope(caller, CHAT_SCOPES);
    const body = new BodyReader(parseJsonObject(rawBody, { required: true })).allowOnly('chatMessageId');
    chat.sendReadReceipt(userId, params.threadId!, body.requiredString('chatMessageId', { maxLength: 64 }));
    return { status: 200 };
  });

  router.add('GET', '/chat/threads/{threadId}/readReceipts', (context) => {
    const { url, params } = context;
    const page = chat.listReadReceipts(requireScope(context.caller, CHAT_SCOPES), params.threadId!, {
      maxPageSize: pageSize(url),
      skip: integerParam(url, 'skip', 0, 0, Number.MAX_SAFE_INTEGER),
    });
    return { status: 200, body: withNextLink(page, context, origin, 'skip') };
  });

  router.add('POST', '/chat/threads/{threadId}/typing', ({ params, rawBody, caller }) => {
    const userId = requireScope(caller, CHAT_SCOPES);
    const body = new BodyReader(parseJsonObject(rawBody)).allowOnly('senderDisplayName');
    chat.sendTypingNotification(
      userId,
      params.threadId!,
      body.optionalString('senderDisplayName', { maxLength: CHAT_LIMITS.displayNameLength }),
    );
    return { status: 200 };
  });
}

function pageSize(url: URL): number {
  return integerParam(url, 'maxPageSize', CHAT_LIMITS.defaultPageSize, 1, CHAT_LIMITS.maxPageSize);
}

function withNextLink<T>(
  page: { value: T[]; continuation?: string },
  context: RequestContext,
  origin: (context: RequestContext) => string,
  param?: string,
): { value: T[]; nextLink?: string } {
  const link = nextLink(context.url, origin(context), page.continuation, param);
  return link ? { value: page.value, nextLink: link } : { value: page.value };
}

function requireTopic(topic: string): string {
  if (topic.trim() === '') throw ServiceError.validation('"topic" must not be empty.');
  return topic;
}

function requireContent(content: string): string {
  if (content.trim() === '') throw ServiceError.validation('"content" must not be empty.');
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > CHAT_LIMITS.messageContentBytes) {
    throw ServiceError.validation(`"content" is ${bytes} bytes; the limit is ${CHAT_LIMITS.messageContentBytes}.`);
  }
  return content;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function readMetadata(value: unknown, field: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw ServiceError.validation(`"${field}" must be an object of string values.`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw ServiceError.validation(`"${field}.${key}" must be a string.`);
  }
  if (metadataByteLength(value as Record<string, string>) > CHAT_LIMITS.metadataBytes) {
    throw ServiceError.validation(`"${field}" exceeds ${CHAT_LIMITS.metadataBytes} bytes.`);
  }
  return value as Record<string, string>;
}

/** `undefined` when absent; `null` when explicitly cleared (PATCH). */
function readRetentionPolicy(value: unknown): RetentionPolicyModel | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const body = new BodyReader(asObject(value, 'retentionPolicy'), 'retentionPolicy');
  const kind = body.requiredString('kind');
  if (kind === 'none') {
    body.allowOnly('kind');
    return { kind: 'none' };
  }
  if (kind === 'threadCreationDate') {
    body.allowOnly('kind', 'deleteThreadAfterDays');
    const days = body.optionalInteger('deleteThreadAfterDays', 1, 90);
    if (days === undefined) throw ServiceError.validation('"retentionPolicy.deleteThreadAfterDays" is required.');
    return { kind, deleteThreadAfterDays: days };
  }
  throw ServiceError.validation('"retentionPolicy.kind" must be "none" or "threadCreationDate".');
}

function asObject(value: unknown, field: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ServiceError.validation(`"${field}" must be an object.`);
  }
  return value as JsonObject;
}

/** A wire identifier's raw id; malformed ones are a 400. */
function readIdentifier(value: unknown, field: string): string {
  const model = asObject(value, field);
  new BodyReader(model, field).allowOnly('rawId', 'kind', 'communicationUser', 'phoneNumber', 'microsoftTeamsUser', 'microsoftTeamsApp', 'callingApplication');
  try {
    const rawId = getIdentifierRawId(deserializeCommunicationIdentifier(model));
    if (rawId === '' || rawId.length > 256) throw new TypeError('bad raw id');
    return rawId;
  } catch {
    throw ServiceError.validation(`"${field}" is not a valid communication identifier.`);
  }
}

function readParticipants(value: unknown, { optional }: { optional: boolean }): ParticipantInput[] {
  if (value === undefined || value === null) {
    if (optional) return [];
    throw ServiceError.validation('"participants" is required.');
  }
  if (!Array.isArray(value)) throw ServiceError.validation('"participants" must be an array.');
  if (!optional && value.length === 0) throw ServiceError.validation('"participants" must not be empty.');
  if (value.length > CHAT_LIMITS.participantsPerThread) {
    throw ServiceError.validation(`A thread has at most ${CHAT_LIMITS.participantsPerThread} participants.`);
  }
  return value.map((item, index) => {
    const field = `participants[${index}]`;
    const raw = asObject(item, field);
    const body = new BodyReader(raw, field).allowOnly('communicationIdentifier', 'displayName', 'shareHistoryTime', 'metadata');
    const input: ParticipantInput = { rawId: readIdentifier(raw.communicationIdentifier, `${field}.communicationIdentifier`) };
    const displayName = body.optionalString('displayName', { maxLength: CHAT_LIMITS.displayNameLength });
    if (displayName !== undefined) input.displayName = displayName;
    const shareHistoryTime = body.optionalString('shareHistoryTime', { maxLength: 64 });
    if (shareHistoryTime !== undefined) {
      const time = Date.parse(shareHistoryTime);
      if (Number.isNaN(time)) throw ServiceError.validation(`"${field}.shareHistoryTime" must be an ISO 8601 date-time.`);
      input.shareHistoryTime = time;
    }
    const metadata = readMetadata(raw.metadata, `${field}.metadata`);
    if (metadata) input.metadata = metadata;
    return input;
  });
}

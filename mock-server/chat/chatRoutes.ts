import { getIdentifierRawId } from '../../src/common/identifiers.js';
import { deserializeCommunicationIdentifier } from '../../src/common/identifierModels.js';
import type { TokenScope } from '../auth/tokens.js';
import { BodyReader, type JsonObject } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import { integerParam, nextLink, timeParam } from '../http/query.js';
import type { RequestContext } from '../http/router.js';
import type { RouteSpec } from '../http/routes.js';
import type { RetentionPolicyModel } from './chatModels.js';
import { CHAT_LIMITS, metadataByteLength } from '../../src/chat/chatProtocol.js';
import { type ChatService, type ParticipantInput } from './chatService.js';

/** Scopes that may use chat at all, and those that may also manage threads. */
export const CHAT_SCOPES: readonly TokenScope[] = ['chat', 'chat.join', 'chat.join.limited'];
const MANAGE_THREADS: readonly TokenScope[] = ['chat'];
const MANAGE_PARTICIPANTS: readonly TokenScope[] = ['chat', 'chat.join'];

const CHAT = { api: 'chat', auth: 'userOrApplication', origins: 'any' } as const;
const THREAD = 'threadId';
/** The identifier model fields (`communicationUser`, `phoneNumber`, …) a body that is one may have. */
const IDENTIFIER_FIELDS = [
  'rawId',
  'kind',
  'communicationUser',
  'phoneNumber',
  'microsoftTeamsUser',
  'microsoftTeamsApp',
  'callingApplication',
] as const;

/**
 * The ACS chat REST API (`api-version=2025-03-15`). The service has verified the caller and the
 * route's scopes before these run; membership is the ChatService's.
 */
export function chatRoutes(chat: ChatService, origin: (context: RequestContext) => string): RouteSpec[] {
  return [
    {
      ...CHAT,
      method: 'POST',
      template: '/chat/threads',
      summary: 'Creates a thread with the caller and the given participants (repeatability-request-id: once).',
      scopes: MANAGE_THREADS,
      body: 'required',
      fields: ['topic', 'participants', 'metadata', 'retentionPolicy'],
      rateLimit: { operation: 'createChatThread' },
      handler: ({ req, json, caller }) => {
        const raw = json();
        const body = new BodyReader(raw);
        const topic = requireTopic(body.requiredString('topic', { maxLength: CHAT_LIMITS.topicLength }));
        const idempotencyToken = header(req.headers['repeatability-request-id']);
        if (idempotencyToken !== undefined && !/^[\w-]{1,128}$/.test(idempotencyToken)) {
          throw ServiceError.validation('repeatability-request-id must be 1-128 letters, digits, "-" or "_".');
        }
        const { thread, invalidParticipants } = chat.createThread(
          caller!.userId,
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
      },
    },
    {
      ...CHAT,
      method: 'GET',
      template: '/chat/threads',
      summary: "Lists the caller's threads, most recently active first, paged.",
      scopes: CHAT_SCOPES,
      body: 'none',
      rateLimit: { operation: 'getOrListChatThreads' },
      handler: (context) => {
        const { url } = context;
        const maxPageSize = pageSize(url);
        const skip = integerParam(url, 'continuationToken', 0, 0, Number.MAX_SAFE_INTEGER);
        const page = chat.listThreads(context.caller!.userId, { maxPageSize, startTime: timeParam(url, 'startTime'), skip });
        return { status: 200, body: withNextLink(page, context, origin) };
      },
    },
    {
      ...CHAT,
      method: 'GET',
      template: '/chat/threads/{threadId}',
      summary: 'Gets a thread the caller is in.',
      scopes: CHAT_SCOPES,
      body: 'none',
      rateLimit: { operation: 'getOrListChatThreads', threadParam: THREAD },
      handler: ({ params, caller }) => ({ status: 200, body: chat.getThread(caller!.userId, params.threadId!) }),
    },
    {
      ...CHAT,
      method: 'PATCH',
      template: '/chat/threads/{threadId}',
      summary: "Updates a thread's topic, metadata or retention policy.",
      scopes: MANAGE_THREADS,
      body: 'required',
      fields: ['topic', 'metadata', 'retentionPolicy'],
      rateLimit: { operation: 'updateChatThread', threadParam: THREAD },
      handler: ({ params, json, caller }) => {
        const raw = json();
        const topic = new BodyReader(raw).optionalString('topic', { maxLength: CHAT_LIMITS.topicLength });
        chat.updateThread(caller!.userId, params.threadId!, {
          topic: topic === undefined ? undefined : requireTopic(topic),
          metadata: readMetadata(raw.metadata, 'metadata'),
          retentionPolicy: readRetentionPolicy(raw.retentionPolicy),
        });
        return { status: 204 };
      },
    },
    {
      ...CHAT,
      method: 'DELETE',
      template: '/chat/threads/{threadId}',
      summary: 'Deletes a thread for everyone in it.',
      scopes: MANAGE_THREADS,
      body: 'none',
      rateLimit: { operation: 'deleteChatThread', threadParam: THREAD },
      handler: ({ params, caller }) => {
        chat.deleteThread(caller!.userId, params.threadId!);
        return { status: 204 };
      },
    },
    {
      ...CHAT,
      method: 'POST',
      template: '/chat/threads/{threadId}/messages',
      summary: 'Sends a text or html message (28 KB at most) to a thread.',
      scopes: CHAT_SCOPES,
      body: 'required',
      fields: ['content', 'senderDisplayName', 'type', 'metadata'],
      rateLimit: { operation: 'sendUpdateOrDeleteMessage', threadParam: THREAD },
      handler: async ({ params, json, caller }) => {
        const raw = json();
        const body = new BodyReader(raw);
        const content = requireContent(body.requiredString('content', { maxLength: Number.MAX_SAFE_INTEGER }));
        const type = body.optionalString('type') ?? 'text';
        if (type !== 'text' && type !== 'html') {
          throw ServiceError.validation('"type" must be "text" or "html"; system messages are the service\'s to send.');
        }
        const result = await chat.sendMessageBatched(caller!.userId, params.threadId!, {
          content,
          type,
          senderDisplayName: body.optionalString('senderDisplayName', { maxLength: CHAT_LIMITS.displayNameLength }),
          metadata: readMetadata(raw.metadata, 'metadata'),
        });
        return { status: 201, body: result };
      },
    },
    {
      ...CHAT,
      method: 'GET',
      template: '/chat/threads/{threadId}/messages',
      summary: "Lists a thread's messages, newest first, paged (from startTime).",
      scopes: CHAT_SCOPES,
      body: 'none',
      rateLimit: { operation: 'listChatMessages', threadParam: THREAD },
      handler: (context) => {
        const { url, params } = context;
        const continuation = url.searchParams.get('continuationToken') ?? undefined;
        if (continuation !== undefined && !/^\d{1,15}$/.test(continuation)) {
          throw ServiceError.validation('The continuationToken is not valid.');
        }
        const page = chat.listMessages(context.caller!.userId, params.threadId!, {
          maxPageSize: pageSize(url),
          startTime: timeParam(url, 'startTime'),
          continuation,
        });
        return { status: 200, body: withNextLink(page, context, origin) };
      },
    },
    {
      ...CHAT,
      method: 'GET',
      template: '/chat/threads/{threadId}/messages/{messageId}',
      summary: 'Gets one message of a thread.',
      scopes: CHAT_SCOPES,
      body: 'none',
      rateLimit: { operation: 'getChatMessage', threadParam: THREAD },
      handler: ({ params, caller }) => ({
        status: 200,
        body: chat.getMessage(caller!.userId, params.threadId!, params.messageId!),
      }),
    },
    {
      ...CHAT,
      method: 'PATCH',
      template: '/chat/threads/{threadId}/messages/{messageId}',
      summary: "Edits the caller's own message (content, metadata).",
      scopes: CHAT_SCOPES,
      body: 'required',
      fields: ['content', 'metadata'],
      rateLimit: { operation: 'sendUpdateOrDeleteMessage', threadParam: THREAD },
      handler: ({ params, json, caller }) => {
        const raw = json();
        const content = new BodyReader(raw).optionalString('content', { maxLength: Number.MAX_SAFE_INTEGER });
        chat.updateMessage(caller!.userId, params.threadId!, params.messageId!, {
          content: content === undefined ? undefined : requireContent(content),
          metadata: readMetadata(raw.metadata, 'metadata'),
        });
        return { status: 204 };
      },
    },
    {
      ...CHAT,
      method: 'DELETE',
      template: '/chat/threads/{threadId}/messages/{messageId}',
      summary: "Deletes the caller's own message.",
      scopes: CHAT_SCOPES,
      body: 'none',
      rateLimit: { operation: 'sendUpdateOrDeleteMessage', threadParam: THREAD },
      handler: ({ params, caller }) => {
        chat.deleteMessage(caller!.userId, params.threadId!, params.messageId!);
        return { status: 204 };
      },
    },
    {
      ...CHAT,
      method: 'GET',
      template: '/chat/threads/{threadId}/participants',
      summary: "Lists a thread's participants, paged.",
      scopes: CHAT_SCOPES,
      body: 'none',
      rateLimit: { operation: 'listParticipants', threadParam: THREAD },
      handler: (context) => {
        const { url, params } = context;
        const page = chat.listParticipants(context.caller!.userId, params.threadId!, {
          maxPageSize: pageSize(url),
          skip: integerParam(url, 'skip', 0, 0, Number.MAX_SAFE_INTEGER),
        });
        return { status: 200, body: withNextLink(page, context, origin, 'skip') };
      },
    },
    {
      ...CHAT,
      method: 'POST',
      template: '/chat/threads/{threadId}/participants/:add',
      summary: 'Adds participants to a thread (250 at most in all).',
      scopes: MANAGE_PARTICIPANTS,
      body: 'required',
      fields: ['participants'],
      rateLimit: { operation: 'addOrRemoveParticipants', threadParam: THREAD },
      handler: ({ params, json, caller }) => {
        const participants = readParticipants(json().participants, { optional: false });
        const { invalidParticipants } = chat.addParticipants(caller!.userId, params.threadId!, participants);
        return { status: 201, body: invalidParticipants.length ? { invalidParticipants } : {} };
      },
    },
    {
      ...CHAT,
      method: 'POST',
      template: '/chat/threads/{threadId}/participants/:remove',
      summary: 'Removes a participant (the body is their identifier) from a thread.',
      scopes: MANAGE_PARTICIPANTS,
      body: 'required',
      fields: IDENTIFIER_FIELDS,
      rateLimit: { operation: 'addOrRemoveParticipants', threadParam: THREAD },
      handler: ({ params, json, caller }) => {
        const rawId = readIdentifier(json(), 'body');
        chat.removeParticipant(caller!.userId, params.threadId!, rawId);
        return { status: 204 };
      },
    },
    {
      ...CHAT,
      method: 'POST',
      template: '/chat/threads/{threadId}/readReceipts',
      summary: 'Marks a message as read by the caller.',
      scopes: CHAT_SCOPES,
      body: 'required',
      fields: ['chatMessageId'],
      rateLimit: { operation: 'sendReadReceipt', threadParam: THREAD },
      handler: ({ params, json, caller }) => {
        const body = new BodyReader(json());
        chat.sendReadReceipt(caller!.userId, params.threadId!, body.requiredString('chatMessageId', { maxLength: 64 }));
        return { status: 200 };
      },
    },
    {
      ...CHAT,
      method: 'GET',
      template: '/chat/threads/{threadId}/readReceipts',
      summary: "Lists a thread's read receipts, paged.",
      scopes: CHAT_SCOPES,
      body: 'none',
      rateLimit: { operation: 'listReadReceipts', threadParam: THREAD },
      handler: (context) => {
        const { url, params } = context;
        const page = chat.listReadReceipts(context.caller!.userId, params.threadId!, {
          maxPageSize: pageSize(url),
          skip: integerParam(url, 'skip', 0, 0, Number.MAX_SAFE_INTEGER),
        });
        return { status: 200, body: withNextLink(page, context, origin, 'skip') };
      },
    },
    {
      ...CHAT,
      method: 'POST',
      template: '/chat/threads/{threadId}/typing',
      summary: 'Tells the other participants that the caller is typing.',
      scopes: CHAT_SCOPES,
      body: 'json',
      fields: ['senderDisplayName'],
      rateLimit: { operation: 'sendTypingIndicator', threadParam: THREAD },
      handler: ({ params, json, caller }) => {
        const body = new BodyReader(json());
        chat.sendTypingNotification(
          caller!.userId,
          params.threadId!,
          body.optionalString('senderDisplayName', { maxLength: CHAT_LIMITS.displayNameLength }),
        );
        return { status: 200 };
      },
    },
  ];
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
  new BodyReader(model, field).allowOnly(...IDENTIFIER_FIELDS);
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

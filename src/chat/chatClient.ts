import { type CommunicationTokenCredential, toCredential } from '../common/credential.js';
import { TokenCredentialError } from '../common/errors.js';
import { TypedEventEmitter } from '../common/events.js';
import type { HttpPipeline } from '../common/http.js';
import { isCommunicationUserIdentifier } from '../common/identifiers.js';
import { type PagedAsyncIterableIterator, type WirePage, checkMaxPageSize, createPagedIterator } from '../common/paging.js';
import { RealtimeChannel } from '../common/realtimeChannel.js';
import { type TokenIdentifierKind, identifierFromToken } from '../common/tokenIdentity.js';
import { createChatPipeline, threadPath } from './chatPipeline.js';
import { ChatThreadClient } from './chatThreadClient.js';
import { CHAT_EVENT_NAMES, toChatEvent } from './eventMappers.js';
import type { ChatClientEvents } from './events.js';
import {
  type ChatThreadItemModel,
  type CreateChatThreadResultModel,
  toChatThreadItem,
  toChatThreadProperties,
  toParticipantModel,
} from './mappers.js';
import type { ChatParticipant, ChatThreadItem, CreateChatThreadRequest, CreateChatThreadResult, CreateThreadRequest } from './models.js';
import type {
  ChatClientOptions,
  ChatOperationOptions,
  CreateChatThreadOptions,
  DeleteChatThreadOptions,
  ListChatThreadsOptions,
} from './options.js';
import {
  CHAT_LIMITS,
  checkDate,
  checkMetadata,
  checkParticipants,
  checkRetentionPolicy,
  checkTopic,
  requireNonEmptyString,
} from './validation.js';

/** What the service accepts as a `repeatability-request-id`. */
const IDEMPOTENCY_TOKEN = /^[\w-]{1,128}$/;

/**
 * The chat client of one user: creates, lists and deletes threads, hands out a
 * {@link ChatThreadClient} per thread, and delivers real-time chat events once
 * {@link startRealtimeNotifications} has been called.
 *
 * ```ts
 * const chat = new ChatClient(endpoint, new AzureCommunicationTokenCredential(token));
 * chat.on('chatMessageReceived', (e) => console.log(e.senderDisplayName, e.message));
 * await chat.startRealtimeNotifications();
 * ```
 */
export class ChatClient extends TypedEventEmitter<ChatClientEvents> {
  /** The service's endpoint, with a trailing slash. */
  readonly endpoint: string;
  readonly #credential: CommunicationTokenCredential;
  readonly #options: ChatClientOptions;
  readonly #pipeline: HttpPipeline;
  #channel: RealtimeChannel | undefined;
  #unsubscribe: (() => void)[] = [];
  #identifier: TokenIdentifierKind | undefined;
  #resolvingIdentifier: Promise<TokenIdentifierKind> | undefined;

  /**
   * @param endpoint - The service's URL, e.g. `https://contoso.communication.azure.com/`.
   * @param credential - The user's token credential, or a plain user access token.
   */
  constructor(endpoint: string, credential: CommunicationTokenCredential | string, options: ChatClientOptions = {}) {
    super();
    const url = new URL(endpoint);
    this.endpoint = url.href.endsWith('/') ? url.href : `${url.href}/`;
    this.#credential = toCredential(credential);
    this.#options = options;
    this.#pipeline = createChatPipeline(this.endpoint, this.#credential, options);
    if (typeof credential === 'string') this.#identifier = identifierFromToken(credential);
  }

  /**
   * The user (or calling application) this client acts for, read from its token: known from the
   * start when the client was given a token string, else once {@link getIdentifier} resolved.
   * Not part of the ACS ChatClient, which leaves "who am I" to the application.
   */
  get identifier(): TokenIdentifierKind | undefined {
    return this.#identifier;
  }

  /**
   * Resolves the user (or calling application) this client acts for, read once from the
   * credential's token (no request beyond getting a token). Rejects with a `TokenCredentialError`
   * (`InvalidToken`) when the token names no one.
   */
  async getIdentifier(options: ChatOperationOptions = {}): Promise<TokenIdentifierKind> {
    if (this.#identifier) return this.#identifier;
    this.#resolvingIdentifier ??= this.#credential.getToken(options).then(
      ({ token }) => {
        const identifier = identifierFromToken(token);
        if (!identifier) throw new TokenCredentialError('InvalidToken', 'The access token names no user.');
        this.#identifier = identifier;
        return identifier;
      },
      (error: unknown) => {
        this.#resolvingIdentifier = undefined;
        throw error;
      },
    );
    return this.#resolvingIdentifier;
  }

  /**
   * The real-time channel the client delivers events from: the shared one given in the options,
   * or the client's own once {@link startRealtimeNotifications} made it.
   */
  get realtimeChannel(): RealtimeChannel | undefined {
    return this.#options.realtimeChannel ?? this.#channel;
  }

  /** A client for the thread `threadId` (no request is made). */
  getChatThreadClient(threadId: string): ChatThreadClient {
    return new ChatThreadClient(this.endpoint, requireNonEmptyString(threadId, 'threadId'), this.#credential, this.#options);
  }

  /**
   * Creates a thread with the user as a participant (added if not listed). Participants the
   * service does not know come back in `invalidParticipants`.
   */
  async createChatThread(request: CreateChatThreadRequest, options: CreateChatThreadOptions = {}): Promise<CreateChatThreadResult> {
    const body = {
      topic: checkTopic(request?.topic),
      participants: checkParticipants(options.participants, { required: false }).map(toParticipantModel),
      metadata: checkMetadata(options.metadata),
      retentionPolicy: checkRetentionPolicy(options.retentionPolicy),
    };
    const idempotencyToken = options.idempotencyToken ?? crypto.randomUUID();
    if (!IDEMPOTENCY_TOKEN.test(idempotencyToken)) {
      throw new TypeError('idempotencyToken must be 1-128 letters, digits, "-" or "_".');
    }
    const { body: result } = await this.#pipeline.send<CreateChatThreadResultModel>({
      method: 'POST',
      path: 'chat/threads',
      body,
      headers: { 'repeatability-request-id': idempotencyToken },
      abortSignal: options.abortSignal,
    });
    const created: CreateChatThreadResult = {};
    if (result.chatThread) created.chatThread = toChatThreadProperties(result.chatThread);
    if (result.invalidParticipants?.length) created.invalidParticipants = result.invalidParticipants;
    return created;
  }

  /**
   * Concept-page form of {@link createChatThread}: takes `members` (users, or `{ user, displayName }`)
   * and returns the new thread's client.
   */
  async createThread(request: CreateThreadRequest, options: ChatOperationOptions = {}): Promise<ChatThreadClient> {
    if (!Array.isArray(request?.members)) throw new TypeError('members must be an array.');
    const participants = request.members.map((member, index): ChatParticipant => {
      if (isCommunicationUserIdentifier(member)) return { id: member };
      if (typeof member === 'object' && member !== null && isCommunicationUserIdentifier(member.user)) {
        return member.displayName === undefined ? { id: member.user } : { id: member.user, displayName: member.displayName };
      }
      throw new TypeError(`members[${index}] must be a communication user or { user, displayName }.`);
    });
    const { chatThread } = await this.createChatThread({ topic: request.topic }, { ...options, participants });
    if (!chatThread) throw new TypeError('The service created no thread.');
    return this.getChatThreadClient(chatThread.id);
  }

  /** The user's threads, most recently active first. */
  listChatThreads(options: ListChatThreadsOptions = {}): PagedAsyncIterableIterator<ChatThreadItem> {
    const maxPageSize = checkMaxPageSize(options.maxPageSize, CHAT_LIMITS.maxPageSize);
    const startTime = checkDate(options.startTime, 'startTime')?.toISOString();
    const { abortSignal } = options;
    return createPagedIterator<ChatThreadItemModel, ChatThreadItem>({
      maxPageSize,
      map: toChatThreadItem,
      firstPage: async (pageSize) => {
        const size = checkMaxPageSize(pageSize, CHAT_LIMITS.maxPageSize);
        const query = { maxPageSize: size, startTime };
        return (await this.#pipeline.send<WirePage<ChatThreadItemModel>>({ method: 'GET', path: 'chat/threads', query, abortSignal })).body;
      },
      nextPage: async (nextLink) =>
        (await this.#pipeline.send<WirePage<ChatThreadItemModel>>({ method: 'GET', path: nextLink, abortSignal })).body,
    });
  }

  /** Deletes a thread for every participant; they get `chatThreadDeleted`. */
  async deleteChatThread(threadId: string, options: DeleteChatThreadOptions = {}): Promise<void> {
    await this.#pipeline.send({
      method: 'DELETE',
      path: threadPath(requireNonEmptyString(threadId, 'threadId')),
      abortSignal: options.abortSignal,
    });
  }

  /**
   * Connects the real-time channel and starts emitting chat events; resolves once the channel is
   * live. Calling it again while started changes nothing.
   */
  async startRealtimeNotifications(): Promise<void> {
    const channel = this.#options.realtimeChannel ?? (this.#channel ??= this.#createChannel());
    if (this.#unsubscribe.length === 0) this.#subscribe(channel);
    await channel.start();
  }

  /**
   * Stops emitting chat events and closes the client's own channel (a shared one stays open).
   * Listeners stay registered; a later start resumes where this one stopped, so events missed in
   * between arrive then.
   */
  async stopRealtimeNotifications(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    this.#channel?.stop();
  }

  #createChannel(): RealtimeChannel {
    return new RealtimeChannel(this.endpoint, this.#credential, this.#options.realtimeOptions);
  }

  #subscribe(channel: RealtimeChannel): void {
    for (const name of CHAT_EVENT_NAMES) {
      this.#unsubscribe.push(channel.subscribe(name, (data) => this.emit(name, toChatEvent(name, data))));
    }
    const onConnected = (event: ChatClientEvents['realTimeNotificationConnected']) => this.emit('realTimeNotificationConnected', event);
    const onDisconnected = (event: ChatClientEvents['realTimeNotificationDisconnected']) =>
      this.emit('realTimeNotificationDisconnected', event);
    channel.on('connected', onConnected);
    channel.on('disconnected', onDisconnected);
    this.#unsubscribe.push(
      () => channel.off('connected', onConnected),
      () => channel.off('disconnected', onDisconnected),
    );
  }
}

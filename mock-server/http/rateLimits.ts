import { ServiceError } from './errors.js';

/** Whose requests one limit counts together. */
export type RateLimitScope = 'resource' | 'user' | 'thread' | 'userThread' | 'address';

/** One documented limit: at most `limit` requests of `operation` per `windowMs`, per `scope`. */
export interface RateLimitRule {
  operation: RateLimitedOperation;
  scope: RateLimitScope;
  windowMs: number;
  limit: number;
}

/** The operations ACS documents limits for, named as the service-limits page names them. */
export type RateLimitedOperation =
  | 'createIdentity'
  | 'createUserAndToken'
  | 'deleteIdentity'
  | 'issueAccessToken'
  | 'revokeAccessToken'
  | 'createChatThread'
  | 'deleteChatThread'
  | 'updateChatThread'
  | 'addOrRemoveParticipants'
  | 'getOrListChatThreads'
  | 'getChatMessage'
  | 'listChatMessages'
  | 'listReadReceipts'
  | 'listParticipants'
  | 'sendUpdateOrDeleteMessage'
  | 'sendReadReceipt'
  | 'sendTypingIndicator'
  // The demo page's open token routes (not ACS operations).
  | 'createDemoUser'
  | 'refreshDemoToken';

const SECONDS_10 = 10_000;
const SECONDS_30 = 30_000;
const MINUTE = 60_000;

/**
 * The limits of the ACS "Service limits" page (Identity: per resource per 30 s; Chat: per user,
 * per thread or per user per thread, per 10 s and per minute). Calling control, signalling and the
 * demo routes have no documented limits and are not throttled.
 */
export const ACS_RATE_LIMITS: readonly RateLimitRule[] = [
  { operation: 'createIdentity', scope: 'resource', windowMs: SECONDS_30, limit: 1000 },
  { operation: 'createUserAndToken', scope: 'resource', windowMs: SECONDS_30, limit: 1000 },
  { operation: 'deleteIdentity', scope: 'resource', windowMs: SECONDS_30, limit: 500 },
  { operation: 'issueAccessToken', scope: 'resource', windowMs: SECONDS_30, limit: 1000 },
  { operation: 'revokeAccessToken', scope: 'resource', windowMs: SECONDS_30, limit: 500 },
  { operation: 'createChatThread', scope: 'user', windowMs: SECONDS_10, limit: 10 },
  { operation: 'deleteChatThread', scope: 'user', windowMs: SECONDS_10, limit: 10 },
  { operation: 'updateChatThread', scope: 'thread', windowMs: SECONDS_10, limit: 5 },
  { operation: 'addOrRemoveParticipants', scope: 'thread', windowMs: SECONDS_10, limit: 10 },
  { operation: 'addOrRemoveParticipants', scope: 'thread', windowMs: MINUTE, limit: 30 },
  { operation: 'getOrListChatThreads', scope: 'user', windowMs: SECONDS_10, limit: 50 },
  { operation: 'getChatMessage', scope: 'userThread', windowMs: SECONDS_10, limit: 50 },
  { operation: 'getChatMessage', scope: 'thread', windowMs: SECONDS_10, limit: 250 },
  { operation: 'listChatMessages', scope: 'userThread', windowMs: SECONDS_10, limit: 50 },
  { operation: 'listChatMessages', scope: 'userThread', windowMs: MINUTE, limit: 200 },
  { operation: 'listChatMessages', scope: 'thread', windowMs: SECONDS_10, limit: 250 },
  { operation: 'listChatMessages', scope: 'thread', windowMs: MINUTE, limit: 400 },
  { operation: 'listReadReceipts', scope: 'userThread', windowMs: SECONDS_10, limit: 5 },
  { operation: 'listReadReceipts', scope: 'thread', windowMs: SECONDS_10, limit: 100 },
  { operation: 'listParticipants', scope: 'userThread', windowMs: SECONDS_10, limit: 10 },
  { operation: 'listParticipants', scope: 'thread', windowMs: SECONDS_10, limit: 250 },
  { operation: 'sendUpdateOrDeleteMessage', scope: 'thread', windowMs: SECONDS_10, limit: 10 },
  { operation: 'sendUpdateOrDeleteMessage', scope: 'thread', windowMs: MINUTE, limit: 30 },
  { operation: 'sendReadReceipt', scope: 'userThread', windowMs: SECONDS_10, limit: 10 },
  { operation: 'sendReadReceipt', scope: 'userThread', windowMs: MINUTE, limit: 30 },
  { operation: 'sendTypingIndicator', scope: 'userThread', windowMs: SECONDS_10, limit: 5 },
  { operation: 'sendTypingIndicator', scope: 'userThread', windowMs: MINUTE, limit: 15 },
  { operation: 'sendTypingIndicator', scope: 'thread', windowMs: SECONDS_10, limit: 10 },
  { operation: 'sendTypingIndicator', scope: 'thread', windowMs: MINUTE, limit: 30 },
];

/** How the demo's open token routes are throttled. */
export interface DemoRateLimitOptions {
  /** Window of both limits; a minute by default. */
  windowMs?: number;
  /** Demo users one client address may create per window; 10 by default. */
  createsPerWindow?: number;
  /** Refreshes one demo user may make per window; 10 by default. */
  refreshesPerWindow?: number;
  /** The clock, for tests; the demo's number recycling goes by it too. */
  now?: () => number;
}

/**
 * The demo token routes need no credential, so they are always throttled (with or without the
 * ACS limits): user creation per client address, refresh per user.
 */
export function demoRateLimiter(options: DemoRateLimitOptions = {}): RateLimiter {
  return new RateLimiter({ rules: demoRateLimitRules(options), ...(options.now ? { now: options.now } : {}) });
}

/** The demo routes' limits (10 creations per address, 10 refreshes per user, per minute by default). */
export function demoRateLimitRules(options: DemoRateLimitOptions = {}): RateLimitRule[] {
  const windowMs = options.windowMs ?? MINUTE;
  return [
    { operation: 'createDemoUser', scope: 'address', windowMs, limit: options.createsPerWindow ?? 10 },
    { operation: 'refreshDemoToken', scope: 'user', windowMs, limit: options.refreshesPerWindow ?? 10 },
  ];
}

export interface RateLimitOptions {
  /** The limits to enforce; {@link ACS_RATE_LIMITS} by default (tests pass shorter windows). */
  rules?: readonly RateLimitRule[];
  /** The clock, for tests. */
  now?: () => number;
}

/** Who a request counts for: the caller, the thread, the client's address. */
export interface RateLimitSubject {
  userId?: string;
  threadId?: string;
  address?: string;
}

interface Window {
  start: number;
  count: number;
  windowMs: number;
}

/**
 * Fixed-window counters per rule and scope key. Every request counts, throttled ones too ("all
 * requests accrue against your usage limits"); a throttled request is a 429 `TooManyRequests`
 * with `Retry-After` (whole seconds) and `retry-after-ms` until the window that refused it ends.
 * Windows that ended are swept, so memory is bounded by the callers active in one window.
 */
export class RateLimiter {
  readonly #rules: Map<RateLimitedOperation, RateLimitRule[]> = new Map();
  readonly #windows = new Map<string, Window>();
  readonly #now: () => number;
  #nextSweep = 0;

  constructor(options: RateLimitOptions = {}) {
    this.#now = options.now ?? Date.now;
    for (const rule of options.rules ?? ACS_RATE_LIMITS) {
      const list = this.#rules.get(rule.operation) ?? [];
      list.push(rule);
      this.#rules.set(rule.operation, list);
    }
  }

  /** Whether any rule limits this operation (each route's declaration names its operation). */
  limits(operation: RateLimitedOperation): boolean {
    return this.#rules.has(operation);
  }

  /** Counts the request; throws the 429 when any of its operation's limits is exceeded. */
  check(operation: RateLimitedOperation, who: RateLimitSubject): void {
    const rules = this.#rules.get(operation);
    if (!rules) return;
    const now = this.#now();
    this.#sweep(now);
    let retryAfterMs = 0;
    for (const [index, rule] of rules.entries()) {
      const key = `${operation}#${index}|${scopeKey(rule.scope, who)}`;
      let window = this.#windows.get(key);
      if (!window || now >= window.start + window.windowMs) {
        window = { start: now, count: 0, windowMs: rule.windowMs };
        this.#windows.set(key, window);
      }
      window.count++;
      if (window.count > rule.limit) retryAfterMs = Math.max(retryAfterMs, window.start + window.windowMs - now);
    }
    if (retryAfterMs > 0) {
      const ms = Math.max(1, Math.ceil(retryAfterMs));
      throw new ServiceError(
        429,
        'TooManyRequests',
        `Too many requests of this operation (${operation}); retry after ${Math.ceil(ms / 1000)} s.`,
        { 'retry-after': String(Math.ceil(ms / 1000)), 'retry-after-ms': String(ms) },
      );
    }
  }

  /** Live counters, for tests and status figures. */
  get size(): number {
    return this.#windows.size;
  }

  #sweep(now: number): void {
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + 1000;
    for (const [key, window] of this.#windows) {
      if (now >= window.start + window.windowMs) this.#windows.delete(key);
    }
  }
}

function scopeKey(scope: RateLimitScope, who: RateLimitSubject): string {
  switch (scope) {
    case 'resource':
      return '';
    case 'user':
      return who.userId ?? '';
    case 'thread':
      return who.threadId ?? '';
    case 'userThread':
      return `${who.userId ?? ''}|${who.threadId ?? ''}`;
    case 'address':
      return who.address ?? '';
  }
}

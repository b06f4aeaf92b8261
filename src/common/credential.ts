import { AbortError, TokenCredentialError, throwIfAborted } from './errors.js';
import { decodeJwtClaims } from './jwt.js';
import type { OperationOptions } from './operationOptions.js';

/** A user access token and when it expires (ms since the epoch). */
export interface AccessToken {
  token: string;
  expiresOnTimestamp: number;
}

export interface CommunicationGetTokenOptions extends OperationOptions {
  /**
   * The service refused the current token (revoked, or expired early): fetch a new one even if the
   * current one looks valid. A credential that cannot refresh returns the token it has.
   */
  forceRefresh?: boolean;
}

/** What every client takes to authenticate a user. */
export interface CommunicationTokenCredential {
  getToken(options?: CommunicationGetTokenOptions): Promise<AccessToken>;
  dispose(): void;
}

/** What the credential tells a refresher besides the abort signal. */
export interface TokenRefreshContext {
  /** The token being replaced because it was refused (a forced refresh), if any. */
  refusedToken?: string;
}

export interface CommunicationTokenRefreshOptions {
  /**
   * Fetches a fresh token string from the application's trusted server. The second argument (ours;
   * ACS refreshers ignore it) names a token the caller was refused with (`getToken({ forceRefresh })`
   * after the service refused it): a refresher that caches tokens must not hand that one back.
   */
  tokenRefresher: (abortSignal?: AbortSignal, context?: TokenRefreshContext) => Promise<string>;
  /** A token to start with, so the first `getToken` needs no refresh. */
  token?: string;
  /** Refresh in the background before the token expires, not only when asked. */
  refreshProactively?: boolean;
  /**
   * How long before expiry a token counts as due for refresh. Defaults to 10 minutes, or half the
   * token's lifetime for short-lived tokens.
   */
  refreshTimeBeforeTokenExpiryInMs?: number;
}

/** Reads `exp` from a JWT. Throws `TokenCredentialError` when the token is no JWT with an expiry. */
export function parseToken(token: string): AccessToken {
  const { expiresOnTimestamp } = parseTokenClaims(token);
  return { token, expiresOnTimestamp };
}

function parseTokenClaims(token: string): AccessToken & { issuedAtTimestamp?: number } {
  try {
    const { exp, iat } = decodeJwtClaims(token);
    if (typeof exp !== 'number') throw new Error('no exp claim');
    const parsed: AccessToken & { issuedAtTimestamp?: number } = { token, expiresOnTimestamp: exp * 1000 };
    if (typeof iat === 'number') parsed.issuedAtTimestamp = iat * 1000;
    return parsed;
  } catch (cause) {
    throw TokenCredentialError.malformed(cause);
  }
}

const DEFAULT_REFRESH_BEFORE_EXPIRY_MS = 10 * 60_000;
/** Whatever the settings, a token this close to expiry is never handed out. */
const MINIMUM_VALIDITY_MS = 60_000;
/** After a failed background refresh, try again this much later. */
const PROACTIVE_RETRY_MS = 30_000;

/**
 * `AzureCommunicationTokenCredential`: a static token, or a refresher that keeps the token fresh.
 * Concurrent `getToken` callers share one refresh; a token the refresher returns already expired is
 * an error, never a refresh loop.
 */
export class AzureCommunicationTokenCredential implements CommunicationTokenCredential {
  #current: AccessToken | undefined;
  /** When the current token becomes due for refresh, fixed when it arrives. */
  #refreshAt = 0;
  readonly #refresher: CommunicationTokenRefreshOptions['tokenRefresher'] | undefined;
  readonly #proactive: boolean;
  readonly #refreshBeforeMs: number | undefined;
  #pending: { promise: Promise<AccessToken>; controller: AbortController; waiters: number } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  constructor(tokenOrOptions: string | CommunicationTokenRefreshOptions) {
    if (typeof tokenOrOptions === 'string') {
      this.#current = parseToken(tokenOrOptions);
      this.#proactive = false;
      return;
    }
    if (typeof tokenOrOptions?.tokenRefresher !== 'function') {
      throw new TypeError('Pass a token string or options with a tokenRefresher function.');
    }
    const before = tokenOrOptions.refreshTimeBeforeTokenExpiryInMs;
    if (before !== undefined && !(Number.isFinite(before) && before >= 0)) {
      throw new RangeError('refreshTimeBeforeTokenExpiryInMs must be a non-negative number.');
    }
    this.#refresher = tokenOrOptions.tokenRefresher;
    this.#proactive = tokenOrOptions.refreshProactively ?? false;
    this.#refreshBeforeMs = before;
    if (tokenOrOptions.token) this.#accept(tokenOrOptions.token);
    if (this.#proactive) {
      if (this.#current) this.#schedule(this.#current);
      else void this.#refresh().catch(() => undefined);
    }
  }

  async getToken(options: CommunicationGetTokenOptions = {}): Promise<AccessToken> {
    if (this.#disposed) throw TokenCredentialError.disposed();
    throwIfAborted(options.abortSignal);
    const current = this.#current;
    if (!this.#refresher) return current!;
    if (current && !options.forceRefresh && !this.#isDue(current)) return current;
    return this.#refresh(options.abortSignal, options.forceRefresh ? current?.token : undefined);
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Takes a token as current and fixes its refresh time: 10 minutes (or half its life) before expiry. */
  #accept(token: string): AccessToken {
    const parsed = parseTokenClaims(token);
    const now = Date.now();
    const lifetime = parsed.expiresOnTimestamp - Math.min(parsed.issuedAtTimestamp ?? now, now);
    const window = this.#refreshBeforeMs ?? Math.min(DEFAULT_REFRESH_BEFORE_EXPIRY_MS, Math.max(0, lifetime / 2));
    this.#current = { token: parsed.token, expiresOnTimestamp: parsed.expiresOnTimestamp };
    this.#refreshAt = parsed.expiresOnTimestamp - window;
    return this.#current;
  }

  #isDue(token: AccessToken): boolean {
    const now = Date.now();
    return now >= this.#refreshAt || token.expiresOnTimestamp - now <= MINIMUM_VALIDITY_MS;
  }

  /**
   * One refresh at a time: every caller meanwhile awaits the same promise. The refresh runs with a
   * signal of its own, aborted only when every caller waiting on it has aborted: one caller giving
   * up does not cancel the token the others wait for.
   */
  #refresh(abortSignal?: AbortSignal, refusedToken?: string): Promise<AccessToken> {
    if (!this.#pending) {
      const refresher = this.#refresher!;
      const controller = new AbortController();
      const promise = (async () => {
        try {
          const token = await refresher(controller.signal, refusedToken ? { refusedToken } : {});
          if (parseToken(token).expiresOnTimestamp <= Date.now()) {
            throw TokenCredentialError.expiredFromRefresher();
          }
          if (this.#disposed) throw TokenCredentialError.disposed();
          const fresh = this.#accept(token);
          if (this.#proactive) this.#schedule(fresh);
          return fresh;
        } finally {
          this.#pending = undefined;
        }
      })();
      promise.catch(() => undefined); // Reported to each waiter; never an unhandled rejection.
      this.#pending = { promise, controller, waiters: 0 };
    }
    const shared = this.#pending;
    if (!abortSignal) {
      shared.waiters = Infinity; // A waiter that cannot abort keeps the refresh alive.
      return shared.promise;
    }
    if (abortSignal.aborted) return Promise.reject(new AbortError(undefined, { cause: abortSignal.reason }));
    shared.waiters++;
    return new Promise<AccessToken>((resolve, reject) => {
      const onAbort = () => {
        if (--shared.waiters === 0) shared.controller.abort(abortSignal.reason);
        reject(new AbortError(undefined, { cause: abortSignal.reason }));
      };
      abortSignal.addEventListener('abort', onAbort, { once: true });
      shared.promise.then(
        (token) => {
          abortSignal.removeEventListener('abort', onAbort);
          resolve(token);
        },
        (error: unknown) => {
          abortSignal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  #schedule(token: AccessToken): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    // A token that arrives already due (a refresher handing out short-lived tokens) is refreshed
    // again only after a pause, never in a tight loop.
    const due = this.#refreshAt - Date.now();
    const delay = due > 0 ? due : PROACTIVE_RETRY_MS;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#disposed) return;
      this.#refresh().catch(() => {
        if (!this.#disposed && token.expiresOnTimestamp > Date.now()) {
          this.#timer = setTimeout(() => void this.#refresh().catch(() => undefined), PROACTIVE_RETRY_MS);
        }
      });
    }, delay);
  }
}

/** Accepts what the concept-page samples pass: a credential or a plain token string. */
export function toCredential(credential: CommunicationTokenCredential | string): CommunicationTokenCredential {
  if (typeof credential === 'string') return new AzureCommunicationTokenCredential(credential);
  if (credential && typeof credential.getToken === 'function') return credential;
  throw new TypeError('Expected a CommunicationTokenCredential or a token string.');
}

import { errors as joseErrors, jwtVerify } from 'jose';
import { type KeyObject, createHmac, createSecretKey, randomUUID } from 'node:crypto';
import { ServiceError } from '../http/errors.js';
import type { IdentityStore, UserRecord } from '../identity/identityStore.js';

/** The scopes a user access token may carry, as ACS names them. */
export const TOKEN_SCOPES = ['chat', 'voip', 'chat.join', 'chat.join.limited', 'voip.join'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const MIN_EXPIRY_MINUTES = 60;
export const MAX_EXPIRY_MINUTES = 1440;
export const DEFAULT_EXPIRY_MINUTES = 1440;

const ISSUER = 'open-communication';

/** The protected header of every token we issue, base64url-encoded once. */
const HS256_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/**
 * Signs an HS256 JWT (RFC 7519, compact JWS) with Node's own HMAC, synchronously: jose goes through
 * WebCrypto, whose key import and promise-wrapped job cost more than the signature itself, on every
 * token issued. The output is the same compact JWS; tokens are still verified with jose.
 */
function signHs256(claims: Record<string, unknown>, key: KeyObject): string {
  const signingInput = `${HS256_HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
}

export function isTokenScope(value: string): value is TokenScope {
  return (TOKEN_SCOPES as readonly string[]).includes(value);
}

/** A verified token: whose it is and what it allows. */
export interface VerifiedToken {
  userId: string;
  scopes: TokenScope[];
  expiresOn: Date;
  /** When the token was issued (its `iat`); unset for an application's signed request. */
  issuedAt?: Date;
  /** The user's token generation the token was issued in (bumped by every revoke). */
  generation: number;
  /** Set when a calling application acts (HMAC-signed with the access key), not a user's token. */
  isApplication?: boolean;
}

/**
 * Issues and verifies user access tokens: HS256 JWTs carrying the user id, the scopes and the
 * user's token generation. Every route and channel that takes a user token verifies it here.
 */
/** Signature-checked token payloads kept at most (each request of a user presents the same token). */
const VERIFIED_CACHE_LIMIT = 10_000;

export class TokenService {
  /** The signing secret as a key object, made once (not re-imported per token). */
  readonly #key: KeyObject;
  /**
   * Payloads of tokens whose signature and issuer were checked, by the exact token text: checking an
   * HMAC again for every request of the same token was a quarter of a message send. Expiry,
   * revocation, deletion and scopes are still checked on every use.
   */
  readonly #verified = new Map<string, Awaited<ReturnType<typeof jwtVerify>>['payload']>();
  readonly #identities: IdentityStore;

  constructor(signingSecret: string, identities: IdentityStore) {
    this.#key = createSecretKey(Buffer.from(signingSecret, 'base64'));
    this.#identities = identities;
  }

  /**
   * Issues a token for an existing user (its id, or its record as just read); validation of scopes
   * and expiry is the caller's. The token
   * names the service that issued it (`endpoint`: its URL as the requester reached it), so a client
   * given only the token knows where to connect (`new CallClient()` on a page the service did not serve).
   */
  async issue(
    identity: string | Pick<UserRecord, 'id' | 'tokenGeneration'>,
    scopes: TokenScope[],
    expiresInMinutes = DEFAULT_EXPIRY_MINUTES,
    { endpoint }: { endpoint?: string } = {},
  ): Promise<{ token: string; expiresOn: Date }> {
    // A user record the caller has just read (in this same turn) is not looked up again. An
    // application's token names the application; it has no revocation generation of its own
    // (deleting the application ends its tokens).
    const userId = typeof identity === 'string' ? identity : identity.id;
    const generation =
      typeof identity === 'string'
        ? (this.#identities.getUser(userId)?.tokenGeneration ?? (this.#identities.getApplication(userId) ? 0 : undefined))
        : identity.tokenGeneration;
    if (generation === undefined) throw ServiceError.notFound(`The identity ${userId} does not exist.`, 'IdentityNotFound');
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = issuedAt + expiresInMinutes * 60;
    const token = signHs256(
      {
        skypeid: userId.replace(/^8:/, ''),
        acsScope: scopes.join(','),
        gen: generation,
        ...(endpoint ? { endpoint } : {}),
        iss: ISSUER,
        sub: userId,
        jti: randomUUID(),
        iat: issuedAt,
        exp: expiresAt,
      },
      this.#key,
    );
    this.#identities.recordTokenIssued(userId, expiresAt * 1000);
    return { token, expiresOn: new Date(expiresAt * 1000) };
  }

  /**
   * Verifies a token: signature, expiry, revocation, that the user still exists, and (when given)
   * that it carries one of `anyOfScopes`. 401 for a token that is no good, 403 for a good token
   * without the scope.
   */
  async verify(token: string, anyOfScopes?: readonly TokenScope[]): Promise<VerifiedToken> {
    let payload = this.#verified.get(token);
    if (payload && !(typeof payload.exp === 'number' && payload.exp * 1000 > Date.now())) {
      this.#verified.delete(token); // expired: jwtVerify says so below
      payload = undefined;
    }
    try {
      if (!payload) {
        ({ payload } = await jwtVerify(token, this.#key, { issuer: ISSUER, algorithms: ['HS256'] }));
        if (this.#verified.size >= VERIFIED_CACHE_LIMIT) this.#verified.clear();
        this.#verified.set(token, payload);
      }
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw ServiceError.unauthorized('The access token has expired.', 'TokenExpired');
      }
      throw ServiceError.unauthorized('The access token is not valid.', 'InvalidToken');
    }
    const { sub, acsScope, gen, exp, iat } = payload;
    if (typeof sub !== 'string' || typeof acsScope !== 'string' || typeof gen !== 'number') {
      throw ServiceError.unauthorized('The access token is not valid.', 'InvalidToken');
    }
    const isApplication = sub.startsWith('28:acs:');
    const current = isApplication ? this.#identities.getApplication(sub) && 0 : this.#identities.getUser(sub)?.tokenGeneration;
    if (current === undefined) throw ServiceError.unauthorized('The identity of this token was deleted.', 'IdentityDeleted');
    if (gen !== current) {
      throw ServiceError.unauthorized('The access token has been revoked.', 'TokenRevoked');
    }
    const scopes = acsScope.split(',').filter(isTokenScope);
    if (anyOfScopes && !anyOfScopes.some((scope) => scopes.includes(scope))) {
      throw ServiceError.forbidden(`The access token lacks the scope this needs (${anyOfScopes.join(' or ')}).`, 'InsufficientScope');
    }
    const verified: VerifiedToken = { userId: sub, scopes, expiresOn: new Date((exp ?? 0) * 1000), generation: gen };
    if (typeof iat === 'number') verified.issuedAt = new Date(iat * 1000);
    if (isApplication) verified.isApplication = true;
    return verified;
  }

  /**
   * Whether a token verified earlier is still good as far as revocation and deletion go, checked
   * synchronously: a socket whose token was verified before a revoke that landed while the upgrade
   * was in flight must not open.
   */
  isStillValid(verified: VerifiedToken): boolean {
    if (verified.isApplication) return this.#identities.getApplication(verified.userId) !== undefined;
    return this.#identities.getUser(verified.userId)?.tokenGeneration === verified.generation;
  }

  /** Reads `Authorization: Bearer <token>` and verifies it. */
  async verifyBearer(authorization: string | undefined, anyOfScopes?: readonly TokenScope[]): Promise<VerifiedToken> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) {
      throw ServiceError.unauthorized('A user access token is required (Authorization: Bearer).', 'MissingToken');
    }
    return this.verify(match[1]!, anyOfScopes);
  }
}

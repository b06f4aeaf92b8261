import { ServiceError } from '../http/errors.js';
import type { TokenScope, VerifiedToken } from './tokens.js';

/** The caller's user id, if its token carries one of `anyOf`; 401 without a token, 403 without the scope. */
export function requireScope(caller: VerifiedToken | undefined, anyOf: readonly TokenScope[]): string {
  if (!caller) throw ServiceError.unauthorized('A user access token is required.', 'MissingToken');
  if (!anyOf.some((scope) => caller.scopes.includes(scope))) {
    throw ServiceError.forbidden(`The access token lacks the scope this needs (${anyOf.join(' or ')}).`, 'InsufficientScope');
  }
  return caller.userId;
}

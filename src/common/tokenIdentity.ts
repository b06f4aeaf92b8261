import type { CallingApplicationKind, CommunicationUserKind } from './identifiers.js';
import { createIdentifierFromRawId } from './identifiers.js';
import { decodeJwtClaims } from './jwt.js';

/** Who a user access token can be issued to: a communication user, or a calling application. */
export type TokenIdentifierKind = CommunicationUserKind | CallingApplicationKind;

/**
 * The identity a user access token was issued to, read from its claims: `skypeid` as ACS issues it
 * (a user's raw id without its `8:` prefix, an application's with `28:`), else a `sub` that is a raw
 * id. Undefined when the token is no JWT or names no such identity. The one place the clients learn
 * "who am I"; the token is not verified here (the service does that).
 */
export function identifierFromToken(token: string): TokenIdentifierKind | undefined {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwtClaims(token);
  } catch {
    return undefined;
  }
  const candidates: string[] = [];
  if (typeof claims.skypeid === 'string' && claims.skypeid !== '') {
    candidates.push(/^(8|28):/.test(claims.skypeid) ? claims.skypeid : `8:${claims.skypeid}`);
  }
  if (typeof claims.sub === 'string') candidates.push(claims.sub);
  for (const rawId of candidates) {
    const identifier = createIdentifierFromRawId(rawId);
    if (identifier.kind === 'communicationUser' || identifier.kind === 'callingApplication') return identifier;
  }
  return undefined;
}

/**
 * The service that issued a token (its `endpoint` claim, a URL), so that a client given only the
 * token knows where to connect. Undefined for a token without one (or no JWT). Not verified here.
 */
export function endpointFromToken(token: string): string | undefined {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwtClaims(token);
  } catch {
    return undefined;
  }
  if (typeof claims.endpoint !== 'string') return undefined;
  try {
    const url = new URL(claims.endpoint);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

import { decodeJwt } from 'jose';
import type { CommunicationTokenCredential } from '../../common/credential.js';

/**
 * The raw id of the user a token belongs to, read from its claims (ACS puts the user in `skypeid`,
 * without the `8:` prefix; the service here also sets `sub`). Undefined when the token tells nothing.
 */
export async function userIdFromToken(token: string | CommunicationTokenCredential): Promise<string | undefined> {
  try {
    const raw = typeof token === 'string' ? token : (await token.getToken()).token;
    const claims = decodeJwt(raw);
    if (typeof claims.skypeid === 'string' && claims.skypeid !== '') {
      return claims.skypeid.startsWith('8:') ? claims.skypeid : `8:${claims.skypeid}`;
    }
    if (typeof claims.sub === 'string' && claims.sub.startsWith('8:')) return claims.sub;
  } catch {
    // Not a JWT (or the credential failed): the user is learned from the first event instead.
  }
  return undefined;
}

import type { CommunicationTokenCredential } from './credential.js';
import type { AuthPolicy } from './http.js';

/**
 * Authenticates each attempt of a request with the user's token (`Authorization: Bearer`), asking
 * the credential every time, so a refreshed token is picked up by retries too.
 */
export function bearerTokenAuthPolicy(credential: CommunicationTokenCredential): AuthPolicy {
  return async ({ abortSignal }) => {
    const { token } = await credential.getToken({ abortSignal });
    return { authorization: `Bearer ${token}` };
  };
}

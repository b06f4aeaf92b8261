import { AzureCommunicationTokenCredential } from '../../common/credential.js';
import { RestError } from '../../common/errors.js';

/**
 * The credential behind a component's `token-url`: `POST url` (with the page's cookies) answers
 * `{ token }` for the signed-in user, fresh each time it is asked. Loaded by
 * {@link credentialFromTokenUrl} (./tokenUrl.ts) with the first token URL.
 */
export function tokenUrlCredential(url: string, refreshProactively: boolean): AzureCommunicationTokenCredential {
  return new AzureCommunicationTokenCredential({
    refreshProactively,
    async tokenRefresher(abortSignal) {
      const response = await fetch(url, {
        method: 'POST',
        credentials: 'include',
        headers: { accept: 'application/json' },
        signal: abortSignal ?? null,
      });
      const body = (await response.json().catch(() => undefined)) as { token?: unknown } | undefined;
      if (!response.ok || typeof body?.token !== 'string') {
        throw new RestError('TokenUrlFailed', `The token URL answered ${response.status} without a token.`, {
          statusCode: response.status,
          details: body,
        });
      }
      return body.token;
    },
  });
}

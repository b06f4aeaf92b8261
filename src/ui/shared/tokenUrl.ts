import { AzureCommunicationTokenCredential } from '../../common/credential.js';
import { RestError } from '../../common/errors.js';

/**
 * A credential that gets its tokens from the page's own server: `POST tokenUrl` (with the page's
 * cookies) answers `{ token }` for the signed-in user, fresh each time it is asked. This is how a
 * real application hands out tokens: its trusted server holds the access key, the page never does.
 */
export function credentialFromTokenUrl(tokenUrl: string): AzureCommunicationTokenCredential {
  const url = new URL(tokenUrl, globalThis.location?.href).href;
  return new AzureCommunicationTokenCredential({
    refreshProactively: true,
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

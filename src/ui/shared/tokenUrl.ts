import type { AccessToken, CommunicationGetTokenOptions, CommunicationTokenCredential } from '../../common/credential.js';

/**
 * Stands for the token URL's `AzureCommunicationTokenCredential` (./tokenUrlCredential.ts), made as
 * soon as its code has loaded; until then callers wait for it. A component given no `token-url`
 * never loads that code.
 */
class TokenUrlCredential implements CommunicationTokenCredential {
  readonly #credential: Promise<CommunicationTokenCredential>;
  #disposed = false;

  constructor(url: string) {
    // Disposed before its code arrived: made without a background refresh (so nothing is fetched),
    // then disposed, so that `getToken` fails as a disposed credential's does.
    this.#credential = Promise.resolve().then(async () => {
      const { tokenUrlCredential } = await import('./tokenUrlCredential.js');
      const credential = tokenUrlCredential(url, !this.#disposed);
      if (this.#disposed) credential.dispose();
      return credential;
    });
    this.#credential.catch(() => undefined); // Reported to getToken callers; never an unhandled rejection.
  }

  async getToken(options?: CommunicationGetTokenOptions): Promise<AccessToken> {
    return (await this.#credential).getToken(options);
  }

  dispose(): void {
    this.#disposed = true;
    void this.#credential.then(
      (credential) => credential.dispose(),
      () => undefined,
    );
  }
}

/**
 * A credential that gets its tokens from the page's own server: `POST tokenUrl` (with the page's
 * cookies) answers `{ token }` for the signed-in user, fresh each time it is asked. This is how a
 * real application hands out tokens: its trusted server holds the access key, the page never does.
 * Like the credential it stands for, it starts fetching a token at once and refreshes it before expiry.
 */
export function credentialFromTokenUrl(tokenUrl: string): CommunicationTokenCredential {
  return new TokenUrlCredential(new URL(tokenUrl, globalThis.location?.href).href);
}

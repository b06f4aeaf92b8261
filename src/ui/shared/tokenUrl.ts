import type { AccessToken, CommunicationGetTokenOptions, CommunicationTokenCredential } from '../../common/credential.js';

/**
 * Stands for the token URL's `AzureCommunicationTokenCredential` (./tokenUrlCredential.ts), made as
 * soon as its code has loaded; until then callers wait for it. A component given no `token-url`
 * never loads that code.
 */
class TokenUrlCredential implements CommunicationTokenCredential {
  #credential: Promise<CommunicationTokenCredential>;
  readonly #url: string;
  #disposed = false;

  constructor(url: string) {
    this.#url = url;
    this.#credential = this.#load();
  }

  #load(): Promise<CommunicationTokenCredential> {
    const url = this.#url;
    // Disposed before its code arrived: made without a background refresh (so nothing is fetched),
    // then disposed, so that `getToken` fails as a disposed credential's does.
    const credential = Promise.resolve().then(async () => {
      const { tokenUrlCredential } = await import('./tokenUrlCredential.js');
      const credential = tokenUrlCredential(url, !this.#disposed);
      if (this.#disposed) credential.dispose();
      return credential;
    });
    credential.catch(() => undefined); // Reported to getToken callers; never an unhandled rejection.
    return credential;
  }

  async getToken(options?: CommunicationGetTokenOptions): Promise<AccessToken> {
    let credential: CommunicationTokenCredential;
    try {
      credential = await this.#credential;
    } catch (error) {
      // Its code did not load (offline a moment), so none was made: the next call loads it again.
      if (!this.#disposed) this.#credential = this.#load();
      throw error;
    }
    return credential.getToken(options);
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

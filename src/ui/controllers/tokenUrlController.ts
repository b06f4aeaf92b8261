import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CommunicationTokenCredential } from '../../common/credential.js';
import { credentialFromTokenUrl } from '../shared/tokenUrl.js';

/**
 * Owns the credential a component makes from its `token-url` attribute (the page's own server hands
 * out tokens): makes it when first asked, replaces it when the URL changes, and disposes of it when
 * the host leaves the page, so its refresh timer stops with the element. A host that only moves
 * within the page keeps its credential; one that comes back after leaving gets a new one.
 *
 * ```ts
 * readonly #tokenUrl = new TokenUrlController(this);
 * override willUpdate() { const token = this.#tokenUrl.resolve(this.token, this.tokenUrl); … }
 * ```
 */
export class TokenUrlController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  #url = '';
  #credential: CommunicationTokenCredential | undefined;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
  }

  /** The token to use: a given `token` wins (and lets the URL's credential go), else the URL's credential. */
  resolve<T>(token: T | undefined, url: string): T | CommunicationTokenCredential | undefined {
    const fromUrl = this.credentialFor(token ? '' : url);
    return token || fromUrl;
  }

  /**
   * The credential for `url` (none for an empty URL, which also disposes of the previous one).
   * Cheap to call on every update; made only while the host is in the page.
   */
  credentialFor(url: string): CommunicationTokenCredential | undefined {
    if (url !== this.#url) {
      this.#dispose();
      this.#url = url;
    }
    if (url && !this.#credential && this.#host.isConnected) this.#credential = credentialFromTokenUrl(url);
    return this.#credential;
  }

  hostConnected(): void {
    // Back after leaving: the host's next update asks for a new credential.
    if (this.#url && !this.#credential) this.#host.requestUpdate();
  }

  hostDisconnected(): void {
    // Moved within the page: keep it. Gone: its refresh timer must not outlive the element.
    queueMicrotask(() => {
      if (!this.#host.isConnected) this.#dispose();
    });
  }

  #dispose(): void {
    this.#credential?.dispose();
    this.#credential = undefined;
  }
}

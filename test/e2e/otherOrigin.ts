import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CommunicationIdentityClient } from '../../src/identity/communicationIdentityClient.js';

/** A stranger's app on an origin of its own: its pages, and the token route its server would run. */
export interface OtherOrigin {
  /** `http://127.0.0.1:PORT`, not the service's origin. */
  origin: string;
  close(): void;
}

/**
 * Starts the app's server: `POST /token?user=NAME` answers `{ token }` (chat and voip) for the user of
 * that name, as an app's own server would (it holds the access key, the page never does); any other
 * path is the page `pageFor` gives (a 404 when it gives none).
 */
export async function startOtherOrigin(
  identity: CommunicationIdentityClient,
  users: () => Record<string, string>,
  pageFor: (url: URL) => string | undefined,
): Promise<OtherOrigin> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://page.invalid');
    const userId = users()[url.searchParams.get('user') ?? ''];
    if (url.pathname === '/token' && req.method === 'POST' && userId) {
      void identity.getToken({ communicationUserId: userId }, ['chat', 'voip']).then(({ token }) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
      });
      return;
    }
    const html = pageFor(url);
    if (html === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

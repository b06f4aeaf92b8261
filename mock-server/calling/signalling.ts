import express from 'express';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { parsePeerId } from '../../src/calling/peerIds.js';
import type { TokenScope, TokenService } from '../auth/tokens.js';
import { ServiceError } from '../http/errors.js';
import { type LoadedPeerServer, loadPeerServer } from './peerServerLoader.js';

export const SIGNALLING_PATH = '/peerjs';
/** Where the PeerJS client opens its socket: `${path}/peerjs?key=&id=&token=`. */
export const SIGNALLING_SOCKET_PATH = '/peerjs/peerjs';
export const PEERJS_KEY = 'peerjs';
const VOIP_SCOPES: readonly TokenScope[] = ['voip', 'voip.join'];

/**
 * The PeerJS signalling server (`peer`), mounted on the service's own HTTP server. Its socket
 * server takes no upgrades by itself (`noServer`): the service routes them here, and a peer may
 * register only an id of its own token's user (checked before the socket opens; 401 otherwise).
 */
export class Signalling {
  readonly #app = express();
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  readonly #tokens: TokenService;
  readonly #peer: LoadedPeerServer = loadPeerServer();

  constructor(httpServer: Server, tokens: TokenService) {
    this.#tokens = tokens;
    const peerServer = this.#peer.ExpressPeerServer(httpServer, {
      path: '/',
      key: PEERJS_KEY,
      allow_discovery: false,
      alive_timeout: 60_000,
      createWebSocketServer: () => this.#wss,
    });
    // Errors from one peer's socket must never take the service down.
    peerServer.on('error', () => undefined);
    this.#app.use(SIGNALLING_PATH, peerServer);
  }

  /** HTTP requests under {@link SIGNALLING_PATH} (PeerJS's id and discovery routes). */
  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    this.#app(req, res);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://service.invalid');
    void this.#authorise(url).then(
      () => this.#wss.handleUpgrade(req, socket, head, (ws) => this.#wss.emit('connection', ws, req)),
      (error: unknown) => {
        const { status, code, message } =
          error instanceof ServiceError ? error : { status: 500, code: 'InternalError', message: 'internal error' };
        const body = JSON.stringify({ error: { code, message } });
        socket.end(
          `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Bad Request'}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      },
    );
  }

  close(): void {
    this.#peer.stopTimers();
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
  }

  async #authorise(url: URL): Promise<void> {
    const id = url.searchParams.get('id') ?? '';
    const token = url.searchParams.get('token') ?? '';
    if (!token) throw ServiceError.unauthorized('A voip user access token is required as "token".', 'MissingToken');
    const { userId } = await this.#tokens.verify(token, VOIP_SCOPES);
    const peer = parsePeerId(id);
    if (!peer) throw ServiceError.badRequest('The peer id is not a calling endpoint id.', 'InvalidPeerId');
    if (peer.userRawId !== userId) {
      throw ServiceError.forbidden('A peer may register only an id of its own user.', 'PeerIdNotOwned');
    }
  }
}

import express from 'express';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { parsePeerId } from '../../src/calling/peerIds.js';
import type { TokenScope, TokenService, VerifiedToken } from '../auth/tokens.js';
import { ServiceError } from '../http/errors.js';
import { type LoadedPeerServer, loadPeerServer } from './peerServerLoader.js';

export const SIGNALLING_PATH = '/peerjs';
/** Where the PeerJS client opens its socket: `${path}/peerjs?key=&id=&token=`. */
export const SIGNALLING_SOCKET_PATH = '/peerjs/peerjs';
export const PEERJS_KEY = 'peerjs';
const VOIP_SCOPES: readonly TokenScope[] = ['voip', 'voip.join'];
/** Message types a PeerJS client may send (EXPIRE is the server's own). */
const CLIENT_MESSAGE_TYPES = new Set(['HEARTBEAT', 'OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE']);
/** Close code for a frame that is not a PeerJS client message (as the real-time channel's 4400). */
const BAD_FRAME_CLOSE_CODE = 4400;
const UNAUTHORIZED_CLOSE_CODE = 4401;

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
  /** Open sockets by peer id, and the user each belongs to. */
  readonly #sockets = new Map<string, { ws: WebSocket; userId: string }>();

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

  /**
   * Plain HTTP under {@link SIGNALLING_PATH}: refused with a JSON 404. The PeerJS HTTP API (random
   * ids, discovery) is never needed, since clients always register an id of their own user over the
   * socket, and it would be the one route that answers without a credential, and not in JSON.
   */
  handleRequest(_req: IncomingMessage, _res: ServerResponse): never {
    throw ServiceError.notFound(`Signalling takes WebSocket connections only, at ${SIGNALLING_SOCKET_PATH}.`, 'RouteNotFound');
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // The PeerJS client forces its token into the query (`token=`): never log or echo this URL.
    const url = new URL(req.url ?? '/', 'http://service.invalid');
    void this.#authorise(url).then(
      ({ peerId, verified }) =>
        this.#wss.handleUpgrade(req, socket, head, (ws) => {
          if (!this.#tokens.isStillValid(verified)) {
            ws.close(UNAUTHORIZED_CLOSE_CODE, 'token revoked'); // revoked while the upgrade was in flight
            return;
          }
          void this.#open(ws, req, peerId, verified.userId);
        }),
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

  /** Closes every signalling socket of a user (its tokens were revoked, or it was deleted). */
  closeUser(userId: string, reason: string): void {
    for (const { ws, userId: owner } of this.#sockets.values()) {
      if (owner === userId) ws.close(UNAUTHORIZED_CLOSE_CODE, reason);
    }
  }

  close(): void {
    this.#peer.stopTimers();
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
  }

  /**
   * Hands an authorised socket to the PeerJS server. A socket already registered under the same id
   * (a reconnect the service has not yet seen drop) is closed first: the token proved the id is the
   * caller's, and PeerJS would otherwise refuse the new socket as ID-TAKEN until the old one timed
   * out, whenever the reconnect carries a refreshed token. Frames that are not PeerJS client
   * messages close the socket with 4400 before the PeerJS server sees them.
   */
  async #open(ws: WebSocket, req: IncomingMessage, peerId: string, userId: string): Promise<void> {
    const previous = this.#sockets.get(peerId);
    this.#sockets.set(peerId, { ws, userId });
    ws.on('close', () => {
      if (this.#sockets.get(peerId)?.ws === ws) this.#sockets.delete(peerId);
    });
    if (previous && previous.ws.readyState !== previous.ws.CLOSED) {
      const closed = new Promise((resolve) => previous.ws.once('close', resolve));
      previous.ws.terminate();
      await closed;
    }
    if (ws.readyState !== ws.OPEN) return;
    const emit = ws.emit.bind(ws) as (event: string | symbol, ...args: unknown[]) => boolean;
    ws.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      if (event === 'message') {
        const problem = checkClientMessage(args[0] as Buffer, args[1] as boolean);
        if (problem) {
          ws.close(BAD_FRAME_CLOSE_CODE, problem);
          return false;
        }
      }
      return emit(event, ...args);
    }) as typeof ws.emit;
    this.#wss.emit('connection', ws, req);
  }

  async #authorise(url: URL): Promise<{ peerId: string; verified: VerifiedToken }> {
    const id = url.searchParams.get('id') ?? '';
    const token = url.searchParams.get('token') ?? '';
    if (!token) throw ServiceError.unauthorized('A voip user access token is required as "token".', 'MissingToken');
    const verified = await this.#tokens.verify(token, VOIP_SCOPES);
    if (url.searchParams.get('key') !== PEERJS_KEY) {
      throw ServiceError.badRequest(`The PeerJS key must be "${PEERJS_KEY}".`, 'InvalidKey');
    }
    const peer = parsePeerId(id);
    if (!peer) throw ServiceError.badRequest('The peer id is not a calling endpoint id.', 'InvalidPeerId');
    if (peer.userRawId !== verified.userId) {
      throw ServiceError.forbidden('A peer may register only an id of its own user.', 'PeerIdNotOwned');
    }
    return { peerId: id, verified };
  }
}

/** Why a frame is not a PeerJS client message, or `undefined` when it is one. */
function checkClientMessage(data: Buffer, isBinary: boolean): string | undefined {
  if (isBinary) return 'binary frames are not signalling messages';
  let message: unknown;
  try {
    message = JSON.parse(data.toString('utf8'));
  } catch {
    return 'a signalling message is JSON';
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return 'a signalling message is a JSON object';
  const { type, dst, payload } = message as { type?: unknown; dst?: unknown; payload?: unknown };
  if (typeof type !== 'string' || !CLIENT_MESSAGE_TYPES.has(type)) return 'unknown signalling message type';
  if (type === 'HEARTBEAT') return undefined;
  if (typeof dst !== 'string' || !parsePeerId(dst)) return 'dst must be a calling endpoint id';
  if (type !== 'LEAVE' && (typeof payload !== 'object' || payload === null || Array.isArray(payload))) {
    return 'payload must be an object';
  }
  return undefined;
}

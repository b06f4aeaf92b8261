import type * as PeerJs from 'peerjs';
import type { MediaConnection, Peer } from 'peerjs';

/**
 * PeerJS loads when the first call needs it: a chat-only page never downloads it, and in Node, where
 * the package is CommonJS (no named exports), the library imports without it.
 */
async function loadPeer(): Promise<typeof Peer> {
  // Destructured, so that the bundler keeps only `Peer` (not PeerJS's msgpack serialiser and other exports).
  const { Peer, default: commonJs } = (await import('peerjs')) as typeof PeerJs & { default?: typeof PeerJs };
  return Peer ?? commonJs!.Peer;
}
import type { CommunicationTokenCredential } from '../../common/credential.js';
import { TypedEventEmitter } from '../../common/events.js';
import { CallingError } from '../callingErrors.js';

export type PeerEndpointEvents = {
  /** A remote endpoint dials us; the call it belongs to decides whether to answer. */
  incoming: MediaConnection;
  /** Signalling was lost (media already flowing is not affected) or regained. */
  signallingChanged: { connected: boolean };
};

export interface PeerEndpointOptions {
  /** The service endpoint; signalling runs at `${endpoint}peerjs`. */
  endpoint: string;
  peerId: string;
  credential: CommunicationTokenCredential;
  iceServers: RTCIceServer[];
  /** `relay` forces media through a TURN relay (no host or reflexive candidates). */
  iceTransportPolicy?: RTCIceTransportPolicy;
}

const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 5000];

/**
 * This endpoint's PeerJS peer: registered with the service's signalling under an id that encodes
 * the user (the service checks it against the token), always told where the server is and which
 * ICE servers to use (PeerJS defaults point at public cloud servers). Reconnects by itself.
 */
export class PeerEndpoint extends TypedEventEmitter<PeerEndpointEvents> {
  readonly peerId: string;
  readonly #options: PeerEndpointOptions;
  #peer: Peer | undefined;
  #opening: Promise<void> | undefined;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;
  #ignoreIncoming = 0;
  /** Media connections open on this endpoint, for ICE server updates. */
  readonly #connections = new Set<MediaConnection>();
  /** @internal Incoming connections left unanswered by {@link ignoreIncomingForTesting}. */
  readonly ignoredForTesting: MediaConnection[] = [];

  constructor(options: PeerEndpointOptions) {
    super();
    this.peerId = options.peerId;
    this.#options = options;
  }

  get iceServers(): RTCIceServer[] {
    return this.#options.iceServers;
  }

  /**
   * New ICE servers (fresh relay credentials): for the connections made from now on, and through
   * `setConfiguration` for the ones open now, so their next TURN allocation or refresh uses them.
   */
  setIceServers(iceServers: RTCIceServer[]): void {
    this.#options.iceServers = iceServers;
    if (this.#peer) (this.#peer.options as { config?: RTCConfiguration }).config = this.#rtcConfiguration();
    for (const connection of this.#connections) {
      const pc = connection.peerConnection;
      if (!pc || pc.signalingState === 'closed') continue;
      try {
        pc.setConfiguration({ ...pc.getConfiguration(), iceServers });
      } catch {
        // A connection closing meanwhile keeps its old servers.
      }
    }
  }

  #rtcConfiguration(): RTCConfiguration {
    return {
      iceServers: this.#options.iceServers,
      ...(this.#options.iceTransportPolicy ? { iceTransportPolicy: this.#options.iceTransportPolicy } : {}),
    };
  }

  #remember(connection: MediaConnection): void {
    this.#connections.add(connection);
    connection.on('close', () => this.#connections.delete(connection));
    connection.on('error', () => this.#connections.delete(connection));
  }

  /** Registers with signalling; resolves once the service has accepted this peer id. */
  open(): Promise<void> {
    if (this.#disposed) return Promise.reject(CallingError.disposed());
    this.#opening ??= this.#open().catch((error: unknown) => {
      this.#opening = undefined;
      throw error;
    });
    return this.#opening;
  }

  /** Dials a remote endpoint; `undefined` while signalling is lost (PeerJS cannot dial then). */
  call(remotePeerId: string, stream: MediaStream, metadata: unknown): MediaConnection | undefined {
    if (!this.#peer) throw CallingError.invalidState('dial', 'not registered with signalling');
    if (this.#peer.disconnected || this.#peer.destroyed) return undefined;
    const connection = this.#peer.call(remotePeerId, stream, { metadata }) ?? undefined;
    if (connection) this.#remember(connection);
    return connection;
  }

  /** Whether the signalling socket is up. */
  get signallingConnected(): boolean {
    return this.#peer !== undefined && !this.#peer.disconnected && !this.#peer.destroyed;
  }

  /**
   * @internal For fault-injection tests: the signalling socket drops as in a network failure (the
   * endpoint reconnects by itself; media already flowing is not affected).
   */
  simulateSignallingDropForTesting(): void {
    const socket = (this.#peer?.socket as unknown as { _socket?: WebSocket } | undefined)?._socket;
    socket?.close();
  }

  /** @internal For fault-injection tests: the next `count` incoming offers get no answer, as if lost. */
  ignoreIncomingForTesting(count: number): void {
    this.#ignoreIncoming = count;
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#reconnectTimer);
    this.#peer?.destroy();
    this.#peer = undefined;
    this.#connections.clear();
    this.removeAllListeners();
  }

  async #open(): Promise<void> {
    const [{ token }, Peer] = await Promise.all([this.#options.credential.getToken(), loadPeer()]);
    if (this.#disposed) throw CallingError.disposed();
    const url = new URL(this.#options.endpoint);
    const secure = url.protocol === 'https:';
    const peer = new Peer(this.peerId, {
      host: url.hostname,
      port: Number(url.port) || (secure ? 443 : 80),
      path: `${url.pathname.replace(/\/$/, '')}/peerjs`,
      secure,
      key: 'peerjs',
      token,
      config: this.#rtcConfiguration(),
      debug: 0,
    });
    this.#peer = peer;
    peer.on('call', (connection) => {
      if (this.#ignoreIncoming > 0) {
        this.#ignoreIncoming--;
        this.ignoredForTesting.push(connection);
        return;
      }
      this.#remember(connection);
      this.emit('incoming', connection);
    });
    await new Promise<void>((resolve, reject) => {
      const onOpen = () => {
        peer.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        peer.off('open', onOpen);
        peer.destroy();
        reject(new CallingError('SignallingFailed', `Signalling refused this endpoint: ${error.message}`, { cause: error }));
      };
      peer.once('open', onOpen);
      peer.once('error', onError);
    });
    this.#attempt = 0;
    peer.on('disconnected', () => {
      this.emit('signallingChanged', { connected: false });
      this.#scheduleReconnect(peer);
    });
    // Errors after registration concern single connections (a peer that left); calls handle those.
    peer.on('error', () => undefined);
  }

  /** A lost signalling socket comes back by itself, with a fresh token in case the old one expired. */
  #scheduleReconnect(peer: Peer): void {
    if (this.#disposed || peer !== this.#peer || peer.destroyed) return;
    const delay = RECONNECT_DELAYS_MS[Math.min(this.#attempt++, RECONNECT_DELAYS_MS.length - 1)]!;
    this.#reconnectTimer = setTimeout(async () => {
      if (this.#disposed || peer !== this.#peer || !peer.disconnected) return;
      try {
        const { token } = await this.#options.credential.getToken();
        (peer.options as { token?: string }).token = token;
        peer.once('open', () => {
          this.#attempt = 0;
          this.emit('signallingChanged', { connected: true });
        });
        peer.reconnect();
      } catch {
        this.#scheduleReconnect(peer);
      }
    }, delay);
  }
}

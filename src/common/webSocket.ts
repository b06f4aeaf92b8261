import type { WebSocket as NodeWebSocket } from 'ws';

/** The close event's parts the channel reads. */
export interface WebSocketCloseEventLike {
  code: number;
  reason: string;
}

/**
 * The part of the WebSocket API the real-time channel uses. The browser's `WebSocket` and the `ws`
 * package's both have it, and a test can fake it without a network.
 */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: WebSocketCloseEventLike) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/**
 * Opens a WebSocket to `url` (`ws:` or `wss:`), offering `protocols` (the real-time channel passes
 * its access token there: a factory must hand them on, as `new WebSocket(url, protocols)` does).
 */
export type WebSocketFactory = (url: string, protocols?: string[]) => WebSocketLike | Promise<WebSocketLike>;

/** `WebSocket.OPEN` without depending on a global that Node 20 lacks. */
export const WEB_SOCKET_OPEN = 1;

/**
 * Kept in a variable so bundlers leave the import alone: the browser bundle never contains `ws`,
 * and only a runtime without a global `WebSocket` (Node 20) loads it.
 */
const WS_PACKAGE = 'ws';

let nodeWebSocket: Promise<typeof NodeWebSocket> | undefined;

/**
 * Opens a WebSocket with the runtime's own implementation, or with the `ws` package where there is
 * none (Node 20).
 */
export const openWebSocket: WebSocketFactory = async (url, protocols) => {
  const native = (globalThis as { WebSocket?: new (url: string, protocols?: string[]) => unknown }).WebSocket;
  if (typeof native === 'function') return new native(url, protocols) as WebSocketLike;
  nodeWebSocket ??= import(/* @vite-ignore */ WS_PACKAGE).then(
    (module: { WebSocket: typeof NodeWebSocket }) => module.WebSocket,
    (error: unknown) => {
      nodeWebSocket = undefined;
      throw error;
    },
  );
  const Implementation = await nodeWebSocket;
  return new Implementation(url, protocols) as unknown as WebSocketLike;
};

import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TokenService } from './auth/tokens.js';
import { type IceServer, callingRoutes } from './calling/callingRoutes.js';
import { type CallingOptions, CallingService } from './calling/callingService.js';
import { SIGNALLING_PATH, SIGNALLING_SOCKET_PATH, Signalling } from './calling/signalling.js';
import { chatRoutes } from './chat/chatRoutes.js';
import { ChatService } from './chat/chatService.js';
import { demoRoutes } from './demo/demoRoutes.js';
import { type DemoRateLimitOptions, type RateLimitOptions, RateLimiter, demoRateLimiter } from './http/rateLimits.js';
import { ServiceError } from './http/errors.js';
import { RouteDispatcher, allowedHostsOf } from './http/dispatch.js';
import { hostAllowed, hostNotAllowed } from './http/hosts.js';
import { SDK_PATH, SdkFiles } from './http/sdk.js';
import { normalizeOrigin } from './http/origins.js';
import { sendError, setCorsHeaders } from './http/respond.js';
import type { RequestContext } from './http/router.js';
import type { RouteInfo } from './http/routes.js';
import { applicationRoutes } from './identity/applicationRoutes.js';
import { identityRoutes } from './identity/identityRoutes.js';
import { type RunningCoturn, startCoturn } from './relay/coturn.js';
import { type RelayConfiguration, issueRelayCredentials } from './relay/relayCredentials.js';
import { relayRoutes } from './relay/relayRoutes.js';
import { DemoPeople } from './demo/demoPeople.js';
import { roomsRoutes } from './rooms/roomsRoutes.js';
import { type RoomsOptions, RoomsService } from './rooms/roomsService.js';
import { phoneNumberRoutes } from './telephony/phoneNumberRoutes.js';
import { PhoneNumberStore, demoPoolNumbers } from './telephony/phoneNumberStore.js';
import { smsRoutes } from './telephony/smsRoutes.js';
import { SmsService } from './telephony/smsService.js';
import { IdentityStore } from './identity/identityStore.js';
import { RealtimeHub, type RealtimeHubOptions } from './realtime/realtimeHub.js';
import { type ServiceSecrets, generateSecrets, loadOrCreateSecrets } from './secrets.js';
import { REALTIME_PATH } from '../src/common/realtimeProtocol.js';
import { type Db, openDatabase } from './storage/database.js';
import { loadOrCreateCertificate } from './tls.js';

export interface ServiceOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; loopback by default. */
  host?: string;
  /** Data folder for the database and secrets; omit for an in-memory service. */
  dataDir?: string;
  /** Secrets for an in-memory service (a data folder keeps its own). */
  secrets?: ServiceSecrets;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /**
   * Serve HTTPS with a self-signed certificate generated into the data folder: the official chat
   * SDK sends bearer tokens only over HTTPS, and browsers on other machines allow camera and
   * microphone only on secure origins.
   */
  https?: boolean;
  /** Ring timeout and endpoint grace period of calls. */
  calling?: CallingOptions;
  /** Page sizes of the rooms API's lists (100 rooms, 100 participants by default). */
  rooms?: RoomsOptions;
  /** Limits of the real-time channel (retained log, replay pages, socket buffers, sockets per user). */
  realtime?: RealtimeHubOptions;
  /**
   * ICE servers handed to calling clients. Default none: on one machine or a LAN host candidates
   * connect, and no time is lost waiting on unreachable STUN servers.
   */
  iceServers?: IceServer[];
  /**
   * A TURN relay: `true` starts coturn (`turnserver` on PATH) as a child process on loopback, with a
   * secret kept in the data folder (or memory), stopped with the service; options pick its host,
   * port, secret. The network-traversal API and the calling config then hand out its credentials.
   */
  turn?: boolean | { host?: string; port?: number; secret?: string; callingTtlSeconds?: number };
  /** An existing coturn (`static-auth-secret`) instead: its URLs and secret. */
  relay?: RelayConfiguration;
  /** Enables the demo page's token route. */
  demo?: boolean;
  /**
   * Page origins besides the service's own that may call the demo routes (e.g.
   * `https://a.example`); a request with any other `Origin` is refused with 403.
   */
  demoOrigins?: readonly string[];
  /** Throttling of the demo token routes (always on): 10 creations per address, 10 refreshes per user, per minute. */
  demoRateLimits?: DemoRateLimitOptions;
  /** Size of the demo users' number pool (reserved area codes); 1,000 by default. */
  demoNumberPoolSize?: number;
  /** A demo user whose last token expired this long ago is gone: their number may be recycled. 24 h by default. */
  demoGoneAfterMs?: number;
  /**
   * Throttles identity and chat operations as ACS documents (429 with Retry-After). Off by
   * default, so local work, tests and benchmarks are not throttled; `true` for the documented
   * limits, or options with other rules (tests use shorter windows).
   */
  rateLimits?: boolean | RateLimitOptions;
  /** The browser bundles served at /sdk/ (default: dist/sdk, built by `npm run build`). */
  sdkDir?: string;
  /**
   * Requests no route matches go here (the Vite dev server in `npm start`). With a fallback, upgrades
   * on paths the service does not own are left to other listeners (Vite's HMR) instead of refused.
   */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void;
}

/** The parts of a running service, for the entry point and tests. */
export interface RunningService {
  /** `http://127.0.0.1:PORT/` (`https://` in HTTPS mode) */
  endpoint: string;
  /** HTTPS mode: the self-signed certificate's file, for clients to trust. */
  certificatePath?: string;
  port: number;
  connectionString: string;
  secrets: ServiceSecrets;
  /** True when this start generated the secrets (a new data folder). */
  secretsCreated: boolean;
  httpServer: Server;
  db: Db;
  identities: IdentityStore;
  tokens: TokenService;
  realtime: RealtimeHub;
  chat: ChatService;
  calling: CallingService;
  phoneNumbers: PhoneNumberStore;
  sms: SmsService;
  /** Rooms: who may join a room's call and in which role (`roomAccess`, `onParticipantChanged`). */
  rooms: RoomsService;
  /** The TURN relay the service issues credentials for, if any. */
  relay?: RelayConfiguration;
  /** The coturn this service started (`turn: true`), if any. */
  coturn?: RunningCoturn;
  /**
   * Every HTTP route as declared, in dispatch order: method, template, summary, API, auth, scopes,
   * body, limit, origins (the same declarations the service dispatches on).
   */
  routes: ServiceRoute[];
  close(): Promise<void>;
}

export type ServiceRoute = RouteInfo;

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEMO_GONE_AFTER_MS = 24 * 60 * 60_000;

export async function startService(options: ServiceOptions = {}): Promise<RunningService> {
  const { secrets, created } = options.dataDir
    ? loadOrCreateSecrets(options.dataDir)
    : { secrets: options.secrets ?? generateSecrets(), created: options.secrets === undefined };
  const db = openDatabase(options.dataDir);
  const identities = new IdentityStore(db, secrets.resourceId);
  const tokens = new TokenService(secrets.tokenSigningSecret, identities);
  const realtime = new RealtimeHub(db, tokens, identities, options.realtime);
  const chat = new ChatService(db, realtime, identities);
  const phoneNumbers = new PhoneNumberStore(db, identities);
  const sms = new SmsService(db, realtime, phoneNumbers, identities);
  const calling = new CallingService(db, realtime, identities, phoneNumbers, options.calling);
  const rooms = new RoomsService(db, identities, options.rooms);
  calling.attachRooms(rooms);
  const iceServers = options.iceServers ?? [];
  if (options.turn && options.relay) throw new Error('Give turn (start coturn) or relay (an existing one), not both.');
  const turnOptions = typeof options.turn === 'object' ? options.turn : {};
  const coturn = options.turn ? await startCoturn({ ...turnOptions, ...(options.dataDir ? { dataDir: options.dataDir } : {}) }) : undefined;
  const relay: RelayConfiguration | undefined = coturn
    ? { ...coturn.relay, ...(turnOptions.callingTtlSeconds ? { callingTtlSeconds: turnOptions.callingTtlSeconds } : {}) }
    : options.relay;
  /** What `GET /calling/config` answers a user: the static servers, plus fresh relay credentials. */
  const callingIceServers = (userId: string) => {
    if (!relay) return { iceServers };
    const issued = issueRelayCredentials(relay, { user: userId, ttlSeconds: relay.callingTtlSeconds ?? 3600 });
    const [server] = issued.iceServers;
    return {
      iceServers: [...iceServers, { urls: server!.urls, username: server!.username, credential: server!.credential }],
      expiresOn: issued.expiresOn.toISOString(),
    };
  };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const sdk = new SdkFiles(options.sdkDir);
  const rateLimiter = options.rateLimits ? new RateLimiter(options.rateLimits === true ? {} : options.rateLimits) : undefined;

  /** Pages of other origins the demo routes answer (same-origin only otherwise). */
  const allowedOrigins = new Set<string>();
  for (const origin of options.demoOrigins ?? []) {
    const normalized = normalizeOrigin(origin);
    if (!normalized) throw new Error(`Not an origin: "${origin}" (expected e.g. https://a.example).`);
    allowedOrigins.add(normalized);
  }
  const demoNow = options.demoRateLimits?.now ?? Date.now;
  /** The demo routes need no credential, so they are always throttled; the ACS limits only when asked. */
  const limiters = [demoRateLimiter(options.demoRateLimits), ...(rateLimiter ? [rateLimiter] : [])];
  const origin = ({ req }: RequestContext) => originOf(req);

  /** Every route, declared with its rules; dispatch, auth, limits and the route list all read these. */
  const dispatcher = new RouteDispatcher(
    [
      ...identityRoutes(identities, tokens),
      ...applicationRoutes(identities, tokens),
      ...phoneNumberRoutes(phoneNumbers, identities, origin),
      ...smsRoutes(sms),
      ...roomsRoutes(rooms, origin),
      ...chatRoutes(chat, origin),
      ...callingRoutes(calling, origin, callingIceServers),
      ...relayRoutes(relay, identities),
      ...(options.demo
        ? demoRoutes(
            identities,
            tokens,
            { numbers: phoneNumbers, sms },
            {
              numberPool: demoPoolNumbers(options.demoNumberPoolSize),
              goneAfterMs: options.demoGoneAfterMs ?? DEMO_GONE_AFTER_MS,
              now: demoNow,
              people: new DemoPeople(db, identities),
              isOnline: (userId) => realtime.endpointsOf(userId).length > 0,
            },
          )
        : []),
    ],
    {
      tokens,
      identities,
      accessKey: secrets.accessKey,
      limiters,
      isParticipant: (threadId, userId) => chat.isParticipant(threadId, userId),
      allowedOrigins,
      maxBodyBytes,
      originOf,
    },
  );

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const matched = dispatcher.match(method, url.pathname);
    if (!matched && (url.pathname === SIGNALLING_PATH || url.pathname.startsWith(`${SIGNALLING_PATH}/`))) {
      signalling.handleRequest(req, res);
      return;
    }
    if (!matched && url.pathname.startsWith(SDK_PATH)) {
      sdk.handle(req, res, url.pathname);
      return;
    }
    if (!matched) {
      if (dispatcher.policyOfPath(url.pathname)?.api || !options.fallback) {
        throw ServiceError.notFound(`No route for ${method} ${url.pathname}.`, 'RouteNotFound');
      }
      // The demo page is not for other sites either.
      if (!hostAllowed(req, allowedHostsOf(allowedOrigins))) throw hostNotAllowed(req);
      options.fallback(req, res);
      return;
    }
    await dispatcher.dispatch(req, res, url, matched);
  }

  const tls = options.https ? await loadOrCreateCertificate(options.dataDir) : undefined;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    // CORS on the API alone: pages of any origin call it (auth is by header, never by cookie), but
    // nothing else the server answers (the demo page, its token route, files) is for other origins.
    // The demo routes answer other origins only when allow-listed (--demo-origins).
    const url = new URL(req.url ?? '/', 'http://service.invalid');
    const cors = dispatcher.allowsCors(url.pathname, req.headers.origin);
    if (cors) setCorsHeaders(req, res);
    if (req.method === 'OPTIONS' && cors) {
      res.writeHead(204).end();
      return;
    }
    handle(req, res, url).catch((error: unknown) => {
      if (error instanceof ServiceError && error.status === 413) {
        // The refused body may still be arriving: answer, then close rather than read it all.
        res.setHeader('connection', 'close');
        res.once('finish', () => req.destroy());
      }
      sendError(res, error);
    });
  };
  const httpServer: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, listener) : createServer(listener);
  const signalling = new Signalling(httpServer, tokens);
  identities.onTokensInvalidated((userId, reason) =>
    signalling.closeUser(userId, reason === 'revoked' ? 'token revoked' : 'identity deleted'),
  );

  // One upgrade listener routes by path, so the real-time channel, signalling and Vite's HMR
  // socket share the port without swallowing each other's upgrades.
  httpServer.on('upgrade', (req, socket, head) => {
    const { pathname } = new URL(req.url ?? '/', 'http://service.invalid');
    if (pathname === REALTIME_PATH) {
      realtime.handleUpgrade(req, socket, head);
    } else if (pathname === SIGNALLING_SOCKET_PATH) {
      signalling.handleUpgrade(req, socket, head);
    } else if (!options.fallback) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', (error) => {
      void (coturn?.close() ?? Promise.resolve()).then(() => reject(error));
    });
    httpServer.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  const endpoint = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}/`;

  let closing: Promise<void> | undefined;
  return {
    endpoint,
    ...(tls ? { certificatePath: tls.certPath } : {}),
    port,
    connectionString: `endpoint=${endpoint};accesskey=${secrets.accessKey}`,
    secrets,
    secretsCreated: created,
    httpServer,
    db,
    identities,
    tokens,
    realtime,
    chat,
    calling,
    phoneNumbers,
    sms,
    rooms,
    ...(relay ? { relay } : {}),
    ...(coturn ? { coturn } : {}),
    routes: dispatcher.routes(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        calling.close();
        signalling.close();
        realtime.close();
        httpServer.close(() => {
          db.close();
          void (coturn?.close() ?? Promise.resolve()).then(resolve);
        });
        httpServer.closeAllConnections();
      });
      return closing;
    },
  };
}

/** The origin a client used to reach us, for absolute links (`nextLink`). */
function originOf(req: IncomingMessage): string {
  const secure = 'encrypted' in req.socket && Boolean(req.socket.encrypted);
  return `${secure ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
}

import { resolve } from 'node:path';
import { type ServiceOptions, startService as startRunningService } from './service.js';

/** The service as a library (`open-communication/server`), with the command line's options. */
export interface StartServiceOptions extends Pick<
  ServiceOptions,
  'host' | 'https' | 'iceServers' | 'rateLimits' | 'calling' | 'maxBodyBytes'
> {
  /** Port to listen on; 0 picks a free one (the `endpoint` says which). Default 8080, as the CLI. */
  port?: number;
  /** Keep everything in memory; nothing is written to disk. Excludes `data`. */
  memory?: boolean;
  /** Data folder for the database and the generated secrets (default `.data` in the working folder). */
  data?: string;
}

/** A running service. */
export interface CommunicationService {
  /** `http://127.0.0.1:PORT/` (`https://` with `https: true`). */
  readonly endpoint: string;
  /** `endpoint=…;accesskey=…`: what `CommunicationIdentityClient` and the admin clients take. */
  readonly connectionString: string;
  /** With `https: true`: the self-signed certificate's file, for clients to trust. */
  readonly certificatePath?: string;
  /** Stops listening, closes every socket and the storage. */
  close(): Promise<void>;
}

/**
 * Starts the service: identity, chat, real-time events, calling control, telephony and PeerJS
 * signalling on one port.
 *
 * ```ts
 * const service = await startService({ port: 0, memory: true });
 * const identity = new CommunicationIdentityClient(service.connectionString);
 * await service.close();
 * ```
 */
export async function startService(options: StartServiceOptions = {}): Promise<CommunicationService> {
  const { memory = false, data, port = 8080, ...rest } = options;
  if (memory && data !== undefined) throw new TypeError('"memory" and "data" exclude each other.');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`"port" must be 0-65535, not ${port}.`);
  const service = await startRunningService({ ...rest, port, dataDir: memory ? undefined : resolve(data ?? '.data') });
  return {
    endpoint: service.endpoint,
    connectionString: service.connectionString,
    ...(service.certificatePath ? { certificatePath: service.certificatePath } : {}),
    close: () => service.close(),
  };
}

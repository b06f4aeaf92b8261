/**
 * Node-only test kit: an in-process service per describe block, and users with tokens on it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { TokenScope } from '../../mock-server/auth/tokens.js';
import { type RunningService, type ServiceOptions, startService } from '../../mock-server/service.js';

/** A user of the node tests: its raw id (`8:acs:…`) and an access token. */
export interface TestUser {
  id: string;
  token: string;
}

/**
 * Starts a service with `options` before the enclosing describe block's tests and closes it after
 * them. Returns a getter: call it inside a test or hook. Call it inside a describe block, not at a
 * file's top level: Node 20 runs top-level before() hooks as they are registered, without waiting
 * for the one before, so a later top-level hook would find no service yet.
 */
export function withService(options: ServiceOptions = {}): () => RunningService {
  let service: RunningService | undefined;
  before(async () => {
    service = await startService(options);
  });
  after(() => service?.close());
  return () => {
    if (!service) throw new Error('withService(): the service is only there inside a test or hook');
    return service;
  };
}

/** A data folder of a describe block's own, and the services started on it: see {@link withDataDir}. */
export interface DataDir {
  /** The folder (there inside a test or hook). */
  dir(): string;
  /** Starts a service on the folder; the block closes it after its tests if the test did not. */
  start(options?: Omit<ServiceOptions, 'dataDir'>): Promise<RunningService>;
}

/**
 * A temporary data folder for the enclosing describe block (made before its tests, removed after
 * them), for tests that stop a service and start another on the same data. Services started with
 * `start()` and still running after the block are closed before the folder goes. Call it inside a
 * describe block, as {@link withService}.
 */
export function withDataDir(prefix = 'oc-test-'): DataDir {
  let dir: string | undefined;
  const started: RunningService[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  after(async () => {
    await Promise.all(started.map((service) => service.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const folder = () => {
    if (!dir) throw new Error('withDataDir(): the folder is only there inside a test or hook');
    return dir;
  };
  return {
    dir: folder,
    async start(options = {}) {
      const service = await startService({ ...options, dataDir: folder() });
      started.push(service);
      return service;
    },
  };
}

/** A new user with a token of these scopes, made directly on the service (no HTTP round trip). */
export async function testUser(service: RunningService, scopes: TokenScope[] = ['chat']): Promise<TestUser> {
  const { id } = service.identities.createUser();
  const { token } = await service.tokens.issue(id, scopes);
  return { id, token };
}

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the service keeps secret: never in the repository, generated on first start. */
export interface ServiceSecrets {
  /** Names this resource in user ids: `8:acs:<resourceId>_<uuid>`. */
  resourceId: string;
  /** The connection string's access key (base64 of 32 random bytes): signs admin requests. */
  accessKey: string;
  /** Signs user access tokens (base64 of 32 random bytes). */
  tokenSigningSecret: string;
}

export function generateSecrets(): ServiceSecrets {
  return {
    resourceId: randomUUID(),
    accessKey: randomBytes(32).toString('base64'),
    tokenSigningSecret: randomBytes(32).toString('base64'),
  };
}

/**
 * Loads `secrets.json` from the data folder, creating it (mode 0600) on first start. A restart keeps
 * the same key, so connection strings and issued tokens stay valid.
 */
export function loadOrCreateSecrets(dataDir: string): { secrets: ServiceSecrets; created: boolean } {
  const file = join(dataDir, 'secrets.json');
  mkdirSync(dataDir, { recursive: true });
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServiceSecrets>;
    if (!parsed.resourceId || !parsed.accessKey || !parsed.tokenSigningSecret) {
      throw new Error(`${file} is missing fields; move it away to generate new secrets.`);
    }
    return { secrets: parsed as ServiceSecrets, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secrets = generateSecrets();
  // 'wx' fails if another process created the file meanwhile: never overwrite a key in use.
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return { secrets, created: true };
}

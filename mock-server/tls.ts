import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  key: string;
  cert: string;
  /** The certificate's file: what clients trust (e.g. NODE_EXTRA_CA_CERTS, or a browser's store). */
  certPath: string;
  created: boolean;
}

/** Every name this machine answers to: loopback, and its LAN addresses for other devices. */
type AltName = { type: 2; value: string } | { type: 7; ip: string };

function subjectAltNames(): AltName[] {
  const names: AltName[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (!address.internal && !address.address.startsWith('fe80')) names.push({ type: 7, ip: address.address });
    }
  }
  return names;
}

/**
 * A self-signed certificate for the HTTPS mode, generated on first use into `<dataDir>/tls/` (or a
 * temporary folder for an in-memory service) and reused after.
 */
export async function loadOrCreateCertificate(dataDir: string | undefined): Promise<TlsMaterial> {
  const dir = dataDir ? join(dataDir, 'tls') : mkdtempSync(join(tmpdir(), 'communication-tls-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  try {
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dir, { recursive: true });
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 1);
  const pems = await generate([{ name: 'commonName', value: 'Open Communication local service' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: subjectAltNames() },
    ],
  });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  return { key: pems.private, cert: pems.cert, certPath, created: true };
}

import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { ServiceError } from './errors.js';

/**
 * DNS rebinding: a page of another site whose name the attacker points at 127.0.0.1 reaches this
 * server as same-origin (its `Origin` and `Host` both name the attacker's domain). Answers that are
 * not for other sites (the demo page, its token routes) are given only to requests whose `Host` is
 * an IP address, `localhost`, or a host allowed by name (those of `--demo-origins`), as Vite's
 * `server.allowedHosts` does; the API needs no such check, its credentials never ride on cookies.
 */
export function hostAllowed(req: IncomingMessage, allowedHosts: ReadonlySet<string>): boolean {
  const host = req.headers.host;
  if (!host) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) !== 0 || hostname === 'localhost' || allowedHosts.has(hostname);
}

export function hostNotAllowed(req: IncomingMessage): ServiceError {
  return new ServiceError(
    421,
    'HostNotAllowed',
    `This server does not answer for the host ${String(req.headers.host ?? '').slice(0, 200)}: use its address, or allow the name with --demo-origins.`,
  );
}

import type { Request } from 'express';

export interface OriginPolicy {
  /** PUBLIC_BASE_URL: when set, every link uses it and the Host header is never read. */
  publicBaseUrl?: string;
  /** The address the server listens on (HOST); a specific one is trusted like the loopback names. */
  listenHost: string;
  /** ALLOWED_HOSTS: further Host values (`name` or `name:port`, lower case) trusted as they are. */
  allowedHosts: string[];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '']);
// A host name, an IPv4 address or a bracketed IPv6 address, and an optional port: anything else
// (a path, credentials, a second host) is not a Host header we build links from.
const HOST_SHAPE = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/;

/**
 * The origin links in an answer are built from. The Host header is chosen by the client, so a
 * forged one ("Host: evil.example") must never end up in a share link a victim is shown or
 * emailed: without PUBLIC_BASE_URL the Host is used only when it names the loopback or the
 * listening address with the port the request actually arrived on, or is listed in ALLOWED_HOSTS.
 * Anything else gets undefined, and the caller falls back to its default origin.
 */
export function requestOrigin(req: Request, policy: OriginPolicy): string | undefined {
  if (policy.publicBaseUrl) return policy.publicBaseUrl;
  const host = (req.get('host') ?? '').toLowerCase();
  const m = HOST_SHAPE.exec(host);
  if (!m) return undefined;
  const [, name, port] = m as unknown as [string, string, string | undefined];
  const scheme = req.protocol === 'https' ? 'https' : 'http';
  if (policy.allowedHosts.includes(host)) return `${scheme}://${host}`;
  const listen = policy.listenHost.toLowerCase();
  const known = LOOPBACK.has(name) || (!WILDCARD.has(listen) && (name === listen || name === `[${listen}]`));
  const arrivedOn = req.socket.localPort;
  const portMatches = port === undefined ? arrivedOn === (scheme === 'https' ? 443 : 80) : Number(port) === arrivedOn;
  return known && portMatches ? `${scheme}://${host}` : undefined;
}

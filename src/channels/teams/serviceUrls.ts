/**
 * Which Bot Framework service URLs the bot may call. The connector receives the bot's access
 * token, so a reply or proactive message must never go to a host an attacker chose.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return LOOPBACK_HOSTS.has(h) || /^127(\.\d{1,3}){3}$/.test(h);
}

/** `host` or `*.suffix` (any subdomain of suffix, not the suffix itself). */
function hostMatches(host: string, pattern: string): boolean {
  const p = pattern.toLowerCase().trim();
  if (p.startsWith('*.')) return host.endsWith(p.slice(1)) && host.length > p.length - 1;
  return host === p;
}

export interface ServiceUrlPolicy {
  /** Host patterns from TEAMS_SERVICE_URL_ALLOWLIST (default: the public Teams service hosts). */
  hosts: string[];
  /** Without authentication (Emulator on loopback) only loopback service URLs are called. */
  loopbackOnly: boolean;
}

/** https on an allowed host; plain http only for loopback hosts that are explicitly allowed (local fakes, the Emulator). */
export function isAllowedServiceUrl(serviceUrl: string | undefined, policy: ServiceUrlPolicy): boolean {
  if (!serviceUrl) return false;
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  const loopback = isLoopbackHost(host);
  if (policy.loopbackOnly) return loopback && (url.protocol === 'http:' || url.protocol === 'https:');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return false;
  return policy.hosts.some((pattern) => hostMatches(host, pattern));
}

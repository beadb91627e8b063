// proxy: 'env': the proxy environment variables as curl reads them, only when a caller asks for it. For an http
// URL http_proxy (then HTTP_PROXY), for https https_proxy (then HTTPS_PROXY); no_proxy (then NO_PROXY) lists hosts
// reached directly: "*" for all, a host name matches itself and its subdomains (a leading dot is ignored), an IP
// address matches itself, and an entry with ":port" only that port. Read when each request starts.
import { invalidArg } from '../errors';
import { parseProxyServer } from './option';

export interface EnvDecision {
  /** "host:port", or null for a direct connection. */
  proxy: string | null;
  /** Why, for resolveProxy(): the variable used, or the NO_PROXY entry that matched. */
  detail: string;
}

// Keys as the environment spells them: Windows' variables are case-insensitive, and process.env there answers any
// spelling, so only a key that exists with this exact spelling counts (the message then names it as it is).
function variable(env: NodeJS.ProcessEnv, name: string): [string, string] | undefined {
  const keys = Object.keys(env);
  for (const key of [name.toLowerCase(), name.toUpperCase()]) {
    if (!keys.includes(key)) continue;
    const value = env[key];
    if (value !== undefined && value.trim() !== '') return [key, value.trim()];
  }
  return undefined;
}

function bypassedBy(noProxy: string, host: string, port: number): string | undefined {
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return entry;
    // "[v6]:port", "[v6]", "host:port", "host", or a bare IPv6 address (more than one colon).
    const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(entry);
    const hostPort = bracketed ?? (entry.split(':').length === 2 ? /^([^:]*):(\d+)$/.exec(entry) : null);
    let name = hostPort?.[1] ?? entry;
    if (hostPort?.[2] !== undefined && Number(hostPort[2]) !== port) continue;
    if (name.startsWith('*.')) name = name.slice(1);
    if (name.startsWith('.')) name = name.slice(1);
    if (bare === name || bare.endsWith(`.${name}`)) return raw.trim();
  }
  return undefined;
}

/** The proxy the environment gives for `url` (http or https). */
export function envProxyFor(url: URL, env: NodeJS.ProcessEnv = process.env): EnvDecision {
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const port = url.port !== '' ? Number(url.port) : scheme === 'https' ? 443 : 80;
  const noProxy = variable(env, 'no_proxy');
  const host = url.hostname.toLowerCase();
  if (noProxy !== undefined) {
    const entry = bypassedBy(noProxy[1], host, port);
    if (entry !== undefined) return { proxy: null, detail: `${noProxy[0]} lists "${entry}"` };
  }
  const proxy = variable(env, `${scheme}_proxy`);
  if (proxy === undefined) return { proxy: null, detail: `${scheme}_proxy and ${scheme.toUpperCase()}_PROXY are not set` };
  try {
    return { proxy: parseProxyServer(proxy[1], proxy[0]), detail: `from ${proxy[0]}` };
  } catch (error) {
    // The message names the variable, never its value (it may hold a password).
    if (error instanceof TypeError) throw invalidArg(`env.${proxy[0]}`, error.message.replace(/^The "[^"]*" argument /, ''), 'ERR_INVALID_ARG_VALUE');
    throw error;
  }
}

// The `proxy` option of a Session and of request(), checked once and turned into a ProxyMode: what the session's
// WinHttpOpen gets, or what each request must resolve. Proxy credentials never travel in this option (they have
// their own, `proxyCredentials`); a value that carries some is refused without repeating it.
import { invalidArg } from '../errors';

export type ProxyOption =
  /** The system's settings, WPAD and PAC included (default): WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY where Windows has it. */
  | 'system'
  /** The static WinHTTP proxy (`netsh winhttp set proxy`): WINHTTP_ACCESS_TYPE_DEFAULT_PROXY. */
  | 'winhttp'
  /** Direct connections. */
  | 'none'
  /** HTTP_PROXY / HTTPS_PROXY / NO_PROXY (lower case first), read when each request starts. Only when asked. */
  | 'env'
  /** A proxy as users write it: "host:port", "http://host:port", or per scheme "http=a:3128;https=b:3128". */
  | string
  /** The same with a bypass list: "<local>;*.corp" or ['<local>', '*.corp']. */
  | { server: string; bypass?: string | readonly string[] }
  /** A proxy auto-configuration (PAC) file, fetched and run by WinHTTP for each request's URL. */
  | { pac: string };

export type ProxyMode =
  | { kind: 'system' }
  | { kind: 'winhttp' }
  | { kind: 'none' }
  | { kind: 'env' }
  /** `server` in WinHTTP's proxy-list syntax ("host:port" or "http=host:port;https=host:port"). */
  | { kind: 'named'; server: string; bypass: string | null }
  | { kind: 'pac'; url: string };

const CREDENTIALS_HINT = 'must not contain credentials: give them with the proxyCredentials option';
const SHAPES = "must be 'system', 'winhttp', 'none', 'env', a proxy (\"host:port\", \"http://host:port\", " +
  '"http=host:port;https=host:port"), { server, bypass? } or { pac: url }';
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/;

/** Validates a proxy option (at `name`, for messages) and returns its mode. */
export function parseProxyOption(value: unknown, name = 'proxy'): ProxyMode {
  if (value === 'system' || value === 'winhttp' || value === 'none' || value === 'env') return { kind: value };
  if (typeof value === 'string') return { kind: 'named', server: parseServerList(value, name), bypass: null };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArg(name, SHAPES, 'ERR_INVALID_ARG_VALUE');
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).filter((key) => object[key] !== undefined);
  const credentialKeys = keys.filter((key) => ['username', 'password', 'user', 'auth', 'credentials'].includes(key));
  if (credentialKeys.length > 0) {
    throw invalidArg(name, `${CREDENTIALS_HINT} (found ${credentialKeys.map((k) => `"${k}"`).join(', ')})`,
      'ERR_INVALID_ARG_VALUE');
  }
  if ('pac' in object && object.pac !== undefined) {
    const unknown = keys.filter((key) => key !== 'pac');
    if (unknown.length > 0) throw invalidArg(name, `has unknown option ${unknown.map((k) => `"${k}"`).join(', ')} beside "pac"`, 'ERR_INVALID_ARG_VALUE');
    return { kind: 'pac', url: parsePacUrl(object.pac, `${name}.pac`) };
  }
  const unknown = keys.filter((key) => key !== 'server' && key !== 'bypass');
  if (unknown.length > 0) {
    throw invalidArg(name, `has unknown option${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => `"${k}"`).join(', ')}`,
      'ERR_INVALID_ARG_VALUE');
  }
  if (typeof object.server !== 'string') throw invalidArg(`${name}.server`, 'must be a string');
  return {
    kind: 'named',
    server: parseServerList(object.server, `${name}.server`),
    bypass: object.bypass === undefined ? null : parseBypass(object.bypass, `${name}.bypass`),
  };
}

/**
 * One proxy as users write it ("host:port", "http://host:port", "http://host:port/") in WinHTTP's form
 * ("host:port"). WinHTTP talks to a proxy in plain HTTP only, so another proxy scheme is refused.
 */
export function parseProxyServer(text: string, name: string): string {
  let rest = text.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest);
  if (scheme !== null) {
    if (scheme[1].toLowerCase() !== 'http') {
      throw invalidArg(name, `must be an http:// proxy: WinHTTP reaches a proxy over plain HTTP (got ${scheme[1]}://)`,
        'ERR_INVALID_ARG_VALUE');
    }
    rest = rest.slice(scheme[0].length);
    if (rest.endsWith('/')) rest = rest.slice(0, -1);
  }
  if (rest.includes('@')) throw invalidArg(name, CREDENTIALS_HINT, 'ERR_INVALID_ARG_VALUE');
  const match = HOST_PORT.exec(rest);
  if (match === null) throw invalidArg(name, 'must be a proxy as "host:port" or "http://host:port"', 'ERR_INVALID_ARG_VALUE');
  if (match[2] !== undefined) {
    const port = Number(match[2]);
    if (port < 1 || port > 65535) throw invalidArg(name, 'has a port outside 1-65535', 'ERR_INVALID_ARG_VALUE');
  }
  return rest;
}

// "host:port", "http://host:port" or a WinHTTP per-scheme list "http=a:1;https=b:2" (WINHTTP_PROXY_INFO, lpszProxy).
function parseServerList(text: string, name: string): string {
  const entries = text.split(/[;\s]+/).filter((entry) => entry !== '');
  if (entries.length === 0) throw invalidArg(name, SHAPES, 'ERR_INVALID_ARG_VALUE');
  return entries.map((entry) => {
    const scheme = /^(https?)=(.*)$/i.exec(entry);
    if (scheme === null) {
      if (/^[A-Za-z]+=/.test(entry)) {
        throw invalidArg(name, 'lists proxies per scheme for http= and https= only', 'ERR_INVALID_ARG_VALUE');
      }
      return parseProxyServer(entry, name);
    }
    return `${scheme[1].toLowerCase()}=${parseProxyServer(scheme[2], name)}`;
  }).join(';');
}

// WinHTTP's bypass list is one string, entries separated by semicolons ("<local>" = host names without a dot).
function parseBypass(value: unknown, name: string): string {
  const entries = typeof value === 'string' ? value.split(/[;,\s]+/)
    : Array.isArray(value) && value.every((entry) => typeof entry === 'string') ? value as string[]
      : undefined;
  if (entries === undefined) throw invalidArg(name, 'must be a string or an array of strings');
  const kept = entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of kept) {
    if (/[;\0\r\n]/.test(entry) || /\s/.test(entry)) {
      throw invalidArg(name, 'entries must not contain ";", white space, CR, LF or NUL', 'ERR_INVALID_ARG_VALUE');
    }
  }
  if (kept.length === 0) throw invalidArg(name, 'must list at least one host', 'ERR_INVALID_ARG_VALUE');
  return kept.join(';');
}

// WinHTTP fetches PAC files over http and https only (WinHttpGetProxyForUrl: ERROR_WINHTTP_UNRECOGNIZED_SCHEME).
function parsePacUrl(value: unknown, name: string): string {
  if (typeof value !== 'string') throw invalidArg(name, 'must be a string');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidArg(name, 'must be an http:// or https:// URL', 'ERR_INVALID_ARG_VALUE');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidArg(name, 'must be an http:// or https:// URL (WinHTTP fetches PAC files over HTTP only)', 'ERR_INVALID_ARG_VALUE');
  }
  if (url.username !== '' || url.password !== '') throw invalidArg(name, 'must not contain credentials', 'ERR_INVALID_ARG_VALUE');
  return url.href;
}

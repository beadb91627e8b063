// Credentials as the caller gives them, checked once and held where nothing prints them: an explicit user name and
// password (with an optional domain) or 'default' (the logged-on user's, NTLM and Negotiate only, never unasked).
// Server credentials are scoped to an origin; proxy credentials to the session's or request's proxy. A
// CredentialSet shows as "[credentials redacted]" in util.inspect, JSON and string conversions.
import { inspect } from 'node:util';
import { invalidArg } from '../errors';

export interface Credentials {
  user: string;
  password: string;
  /** Windows domain for NTLM/Negotiate: sent as DOMAIN\user. */
  domain?: string;
}

/** Explicit credentials, or 'default': the logged-on Windows user's (NTLM and Negotiate only). */
export type CredentialsOption = Credentials | 'default';

/** Server credentials on a Session: per origin ("https://intranet.example:8443"), as an object or a Map. */
export type OriginCredentials = Record<string, CredentialsOption> | Map<string, CredentialsOption>;

/** What one target gets: a user name (DOMAIN\user) and password, or null for the logged-on user's. */
export type Secret = { user: string; password: string } | null;

const REDACTED = '[credentials redacted]';

/** Checked credentials (never printed). `where` names the option for errors, which never quote a value. */
export function checkCredentials(value: unknown, where: string): Secret {
  if (value === 'default') return null;
  if (typeof value === 'string') {
    // fetch's credentials: 'include' | 'omit' | 'same-origin' are about cookies.
    throw invalidArg(where, "must be { user, password, domain? } or 'default' (cookies are kept by new Session({ cookies: true }))",
      'ERR_INVALID_ARG_VALUE');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArg(where, "must be { user, password, domain? } or 'default'");
  }
  const given = value as Record<string, unknown>;
  const unknown = Object.keys(given).filter((key) => !['user', 'password', 'domain'].includes(key));
  if (unknown.length > 0) throw invalidArg(where, `has unknown keys ${unknown.map((key) => `"${key}"`).join(', ')}`, 'ERR_INVALID_ARG_VALUE');
  for (const key of ['user', 'password'] as const) {
    if (typeof given[key] !== 'string') throw invalidArg(`${where}.${key}`, 'must be a string');
  }
  if (given.domain !== undefined && (typeof given.domain !== 'string' || given.domain === '')) {
    throw invalidArg(`${where}.domain`, 'must be a non-empty string');
  }
  const user = given.user as string;
  if (user === '' || /[\0\r\n]/.test(user) || /\0/.test(given.password as string)) {
    throw invalidArg(`${where}.user`, 'must be non-empty, and neither it nor the password may hold NUL, CR or LF', 'ERR_INVALID_ARG_VALUE');
  }
  return { user: given.domain === undefined ? user : `${given.domain as string}\\${user}`, password: given.password as string };
}

/** An origin as URL gives it ("http://host:port", default port omitted); throws for anything but http(s). */
export function originOf(text: string, where: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidArg(where, 'must be keyed by origins such as "https://host:port"', 'ERR_INVALID_ARG_VALUE');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidArg(where, 'must be keyed by http: or https: origins', 'ERR_INVALID_ARG_VALUE');
  }
  return url.origin;
}

/** Server credentials per origin and the proxy's, as a session or one request() holds them. */
export class CredentialSet {
  readonly #servers: Map<string, Secret>;
  readonly #proxy: Secret | undefined;

  constructor(servers: Map<string, Secret> = new Map(), proxy?: Secret) {
    this.#servers = servers;
    this.#proxy = proxy;
  }

  static readonly EMPTY = new CredentialSet();

  /** From a Session's `credentials` (per origin) and `proxyCredentials`. */
  static forSession(credentials: unknown, proxyCredentials: unknown): CredentialSet {
    const servers = new Map<string, Secret>();
    if (credentials !== undefined) {
      if (typeof credentials !== 'object' || credentials === null || Array.isArray(credentials)) {
        throw invalidArg('credentials', 'must map origins to { user, password, domain? } or \'default\'');
      }
      const entries = credentials instanceof Map ? [...credentials.entries()] : Object.entries(credentials);
      for (const [key, value] of entries) {
        if (typeof key !== 'string') throw invalidArg('credentials', 'must be keyed by origin strings');
        const origin = originOf(key, 'credentials');
        servers.set(origin, checkCredentials(value, `credentials["${origin}"]`));
      }
    }
    const proxy = proxyCredentials === undefined ? undefined : checkCredentials(proxyCredentials, 'proxyCredentials');
    return new CredentialSet(servers, proxy);
  }

  /** This set with request()'s own (checked) credentials for `origin` (the request URL's) and for the proxy. */
  withRequest(origin: string, server: Secret | undefined, proxy: Secret | undefined): CredentialSet {
    if (server === undefined && proxy === undefined) return this;
    const servers = new Map(this.#servers);
    if (server !== undefined) servers.set(origin, server);
    return new CredentialSet(servers, proxy === undefined ? this.#proxy : proxy);
  }

  /** The server credentials for `origin`: undefined when none were given for exactly that origin. */
  server(origin: string): Secret | undefined {
    return this.#servers.get(origin);
  }

  /** The proxy credentials, whatever the target (a redirect keeps the proxy). */
  proxy(): Secret | undefined {
    return this.#proxy;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }
}

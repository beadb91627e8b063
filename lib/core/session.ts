// Session: one WinHTTP session handle (WinHttpOpen with WINHTTP_FLAG_ASYNC). Connections and requests are opened
// under it; closing it closes them first. Keep-alive connections are pooled per session by WinHTTP.
import { invalidArg, InvalidStateError, outOfRange, WinHttpError } from '../errors';
import { getBinding } from '../native/binding';
import {
  WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY,
  WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
  WINHTTP_ACCESS_TYPE_NAMED_PROXY,
  WINHTTP_ACCESS_TYPE_NO_PROXY,
} from '../native/constants';
import type { NativeSession } from '../native/types';
import { resolveTls, tlsSessionOptions, type TlsOptions, type TlsSettings } from '../tls/options';
import { DEFAULT_POLICY, POLICY_KEYS, refuseUnknownOptions, resolvePolicy, type RequestPolicy, type RequestPolicyOptions } from '../policy/options';
import { CredentialSet, type CredentialsOption, type OriginCredentials } from '../policy/credentials';
import { BEHAVIOUR_KEYS, sessionBehaviour, type RequestBehaviour, type SessionBehaviour } from './behaviour';
import { Connection, type ConnectOptions } from './connection';
import { WeakHandleSet, type Membership } from './weak-handles';
import { callNative } from './native-call';
import { DEFAULT_TIMEOUTS, resolveTimeouts, type Timeouts } from './timeouts';
import { validateByteCount, validateHost, validatePort, validateTimeout } from './validate';
import { parseProxyOption, type ProxyMode, type ProxyOption } from '../proxy/option';
import { DEFAULT_PROXY_TIMEOUT_MS, ProxyResolution } from '../proxy/resolution';

export type { ProxyOption } from '../proxy/option';

/**
 * Session options; the RequestBehaviour fields are defaults that each request may override, the request policy
 * fields (redirect, maxRedirects, allowHttpsToHttpRedirect, decompress) defaults for request().
 */
export interface SessionOptions extends RequestBehaviour, RequestPolicyOptions {
  /**
   * Keep cookies: WinHTTP's cookie jar for this session stores Set-Cookie and sends them back (default false:
   * WINHTTP_DISABLE_COOKIES on every request, so no request sends a cookie another one received).
   */
  cookies?: boolean;
  userAgent?: string;
  /** Which proxy requests use (default 'system'); see ProxyOption. */
  proxy?: ProxyOption;
  /**
   * Milliseconds one proxy resolution may take (WPAD discovery, or fetching and running a PAC file) before the
   * request fails with ProxyTimeoutError (default 10,000).
   */
  proxyTimeout?: number;
  timeouts?: Partial<Timeouts>;
  /** Most simultaneous connections to one server (WINHTTP_OPTION_MAX_CONNS_PER_SERVER). */
  maxConnectionsPerServer?: number;
  /**
   * Server credentials per origin, for 401 challenges: { 'https://intranet:8443': { user, password, domain? } or
   * 'default' (the logged-on user's, Negotiate/NTLM) }. Sent only to that exact origin.
   */
  credentials?: OriginCredentials;
  /** Proxy credentials for 407 challenges: { user, password, domain? } or 'default'. */
  proxyCredentials?: CredentialsOption;
  /** Certificate verification (named relaxations only), revocation, TLS versions and pins: lib/tls/options.ts. */
  tls?: TlsOptions;
}

const WINHTTP_OPTION_MAX_CONNS_PER_SERVER = 73;
const SESSION_KEYS = ['cookies', 'userAgent', 'proxy', 'proxyTimeout', 'timeouts', 'maxConnectionsPerServer', 'credentials',
  'proxyCredentials', 'tls', ...BEHAVIOUR_KEYS, ...POLICY_KEYS];

export const DEFAULT_USER_AGENT = 'winhttp (Node.js)';

const ERROR_INVALID_PARAMETER = 87;

// WinHttpOpen's access type for a mode, where the session handle itself can apply it; 'env' and 'pac' are resolved
// per request (WINHTTP_OPTION_PROXY on each request handle) on a session without a proxy.
function accessType(mode: ProxyMode): [number, string | null, string | null] {
  switch (mode.kind) {
    case 'system': return [WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, null, null];
    case 'winhttp': return [WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, null, null];
    case 'named': return [WINHTTP_ACCESS_TYPE_NAMED_PROXY, mode.server, mode.bypass];
    default: return [WINHTTP_ACCESS_TYPE_NO_PROXY, null, null];
  }
}

export class Session {
  readonly timeouts: Readonly<Timeouts>;
  readonly behaviour: Readonly<SessionBehaviour>;
  /** The request policy request() applies by default (a request may override each field). */
  readonly policy: Readonly<RequestPolicy>;
  /** @internal The credentials request() answers challenges with (shown redacted by util.inspect). */
  readonly credentials: CredentialSet;
  /**
   * @internal The proxy mode, and whether each request resolves and sets its proxy itself ('env', 'pac', and
   * 'system' on a Windows older than 8.1, whose WinHttpOpen refuses WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY).
   */
  readonly proxy: Readonly<{ mode: ProxyMode; perRequest: boolean; timeout: number }>;
  /** The TLS settings every https request of this session gets. */
  readonly tls: Readonly<TlsSettings>;
  readonly #native: NativeSession;
  readonly #userAgent: string;
  #proxyResolution: ProxyResolution | undefined;
  readonly #connections = new WeakHandleSet<Connection>();
  #closed = false;

  constructor(options: SessionOptions = {}) {
    if (typeof options !== 'object' || options === null) throw invalidArg('options', 'must be an object');
    refuseUnknownOptions(options, SESSION_KEYS);
    const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    if (typeof userAgent !== 'string' || /[\r\n\0]/.test(userAgent)) throw invalidArg('userAgent', 'must be a string without CR, LF or NUL');
    this.timeouts = Object.freeze(resolveTimeouts(DEFAULT_TIMEOUTS, options.timeouts));
    this.behaviour = Object.freeze(sessionBehaviour(options.cookies, options));
    this.policy = Object.freeze(resolvePolicy(DEFAULT_POLICY, options));
    this.credentials = CredentialSet.forSession(options.credentials, options.proxyCredentials);
    this.tls = resolveTls(options.tls);
    const maxConnections = options.maxConnectionsPerServer === undefined ? undefined
      : validateByteCount('maxConnectionsPerServer', options.maxConnectionsPerServer, 0x7fffffff);
    if (maxConnections === 0) throw outOfRange('maxConnectionsPerServer', '>= 1', 0);
    const mode = parseProxyOption(options.proxy ?? 'system');
    const proxyTimeout = options.proxyTimeout === undefined ? DEFAULT_PROXY_TIMEOUT_MS
      : validateTimeout('proxyTimeout', options.proxyTimeout);
    const [type, proxy, bypass] = accessType(mode);
    const binding = getBinding();
    let perRequest = mode.kind === 'env' || mode.kind === 'pac';
    try {
      this.#native = callNative(() => new binding.Session(userAgent, type, proxy, bypass));
    } catch (error) {
      // Before Windows 8.1 WinHttpOpen refuses AUTOMATIC_PROXY: the documented fallback resolves per request.
      if (!(mode.kind === 'system' && error instanceof WinHttpError && error.errno === ERROR_INVALID_PARAMETER)) throw error;
      this.#native = callNative(() => new binding.Session(userAgent, WINHTTP_ACCESS_TYPE_NO_PROXY, null, null));
      perRequest = true;
    }
    this.proxy = Object.freeze({ mode, perRequest, timeout: proxyTimeout });
    this.#userAgent = userAgent;
    const t = this.timeouts;
    callNative(() => this.#native.setTimeouts(t.resolve, t.connect, t.send, t.receive));
    if (maxConnections !== undefined) {
      callNative(() => this.#native.setOption(WINHTTP_OPTION_MAX_CONNS_PER_SERVER, maxConnections));
    }
    const [tlsOption, tlsValue] = tlsSessionOptions(this.tls);
    if (tlsOption !== undefined) callNative(() => this.#native.setOption(tlsOption, tlsValue));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** WinHttpConnect: a handle for one server; no network I/O happens until a request is sent. */
  connect(host: string, port?: number, options: ConnectOptions = {}): Connection {
    if (this.#closed) throw new InvalidStateError('The session is closed');
    if (typeof options !== 'object' || options === null) throw invalidArg('options', 'must be an object');
    refuseUnknownOptions(options, ['secure']);
    const secure = options.secure === true;
    const checkedHost = validateHost(host);
    const checkedPort = validatePort(port ?? (secure ? 443 : 80));
    let held: Membership<Connection> | undefined;
    const connection = new Connection(this, this.#native, checkedHost, checkedPort, secure, () => {
      if (held !== undefined) this.#connections.delete(held);
    });
    held = this.#connections.add(connection);
    return connection;
  }

  /** @internal The session's proxy resolution (its own WinHTTP session, opened on first use). */
  get proxyResolution(): ProxyResolution {
    if (this.#closed) throw new InvalidStateError('The session is closed');
    const t = this.timeouts;
    this.#proxyResolution ??= new ProxyResolution(this.#userAgent, [t.resolve, t.connect, t.send, t.receive]);
    return this.#proxyResolution;
  }

  /** Closes every connection and request opened under this session, then the session handle. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#proxyResolution?.close();
    for (const connection of this.#connections.values()) connection.close();
    this.#native.close();
  }
}

// Session: one WinHTTP session handle (WinHttpOpen with WINHTTP_FLAG_ASYNC). Connections and requests are opened
// under it; closing it closes them first. Keep-alive connections are pooled per session by WinHTTP.
import { invalidArg, InvalidStateError, outOfRange } from '../errors';
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
import { BEHAVIOUR_KEYS, sessionBehaviour, type RequestBehaviour, type SessionBehaviour } from './behaviour';
import { Connection, type ConnectOptions } from './connection';
import { WeakHandleSet } from './weak-handles';
import { callNative } from './native-call';
import { DEFAULT_TIMEOUTS, resolveTimeouts, type Timeouts } from './timeouts';
import { validateByteCount, validateHost, validatePort } from './validate';

export type ProxyOption =
  /** The system's proxy settings, including WPAD/PAC (WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, Windows 8.1+). */
  | 'system'
  /** The static WinHTTP proxy (netsh winhttp) only (WINHTTP_ACCESS_TYPE_DEFAULT_PROXY). */
  | 'winhttp'
  /** No proxy. */
  | 'none'
  /** A named proxy, e.g. "http://127.0.0.1:3128", with an optional bypass list ("<local>;*.corp"). */
  | { server: string; bypass?: string };

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
  proxy?: ProxyOption;
  timeouts?: Partial<Timeouts>;
  /** Most simultaneous connections to one server (WINHTTP_OPTION_MAX_CONNS_PER_SERVER). */
  maxConnectionsPerServer?: number;
  /** Certificate verification (named relaxations only), revocation, TLS versions and pins: lib/tls/options.ts. */
  tls?: TlsOptions;
}

const WINHTTP_OPTION_MAX_CONNS_PER_SERVER = 73;
const SESSION_KEYS = ['cookies', 'userAgent', 'proxy', 'timeouts', 'maxConnectionsPerServer', 'tls', ...BEHAVIOUR_KEYS,
  ...POLICY_KEYS];

export const DEFAULT_USER_AGENT = 'winhttp (Node.js)';

function accessType(proxy: ProxyOption): [number, string | null, string | null] {
  if (proxy === 'system') return [WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, null, null];
  if (proxy === 'winhttp') return [WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, null, null];
  if (proxy === 'none') return [WINHTTP_ACCESS_TYPE_NO_PROXY, null, null];
  if (typeof proxy === 'object' && proxy !== null && typeof proxy.server === 'string' && proxy.server.length > 0) {
    if (proxy.bypass !== undefined && typeof proxy.bypass !== 'string') throw invalidArg('proxy.bypass', 'must be a string');
    return [WINHTTP_ACCESS_TYPE_NAMED_PROXY, proxy.server, proxy.bypass ?? null];
  }
  throw invalidArg('proxy', "must be 'system', 'winhttp', 'none' or { server, bypass? }", 'ERR_INVALID_ARG_VALUE');
}

export class Session {
  readonly timeouts: Readonly<Timeouts>;
  readonly behaviour: Readonly<SessionBehaviour>;
  /** The request policy request() applies by default (a request may override each field). */
  readonly policy: Readonly<RequestPolicy>;
  /** The TLS settings every https request of this session gets. */
  readonly tls: Readonly<TlsSettings>;
  readonly #native: NativeSession;
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
    this.tls = resolveTls(options.tls);
    const maxConnections = options.maxConnectionsPerServer === undefined ? undefined
      : validateByteCount('maxConnectionsPerServer', options.maxConnectionsPerServer, 0x7fffffff);
    if (maxConnections === 0) throw outOfRange('maxConnectionsPerServer', '>= 1', 0);
    const [type, proxy, bypass] = accessType(options.proxy ?? 'system');
    const binding = getBinding();
    this.#native = callNative(() => new binding.Session(userAgent, type, proxy, bypass));
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
    const connection = new Connection(this, this.#native, checkedHost, checkedPort, secure, () =>
      this.#connections.delete(connection),
    );
    this.#connections.add(connection);
    return connection;
  }

  /** Closes every connection and request opened under this session, then the session handle. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const connection of this.#connections.values()) connection.close();
    this.#native.close();
  }
}

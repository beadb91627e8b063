// The options of `new WebSocket(url, options)`: the request options that apply to an upgrade (session, proxy,
// credentials, headers, timeouts, signal) and the WebSocket's own limits. Checked once, unknown keys refused by name.
import { invalidArg } from '../errors';
import { normalizeHeaders, type HeaderPairs, type HeadersInput } from '../core/headers';
import type { Session } from '../core/session';
import { validateByteCount, validateSignal, validateTimeout } from '../core/validate';
import { checkCredentials, type CredentialsOption } from '../policy/credentials';
import { refuseUnknownOptions } from '../policy/options';
import { parseProxyOption, type ProxyOption } from '../proxy/option';

export interface WebSocketOptions {
  /** Subprotocols offered in Sec-WebSocket-Protocol; `protocol` is the one the server chose. */
  protocols?: string | string[];
  /** The session whose proxy, TLS settings, user agent and credentials the upgrade uses; default: a shared one. */
  session?: Session;
  /** Extra request headers for the upgrade (not Upgrade, Connection or Sec-WebSocket-*, which WinHTTP sets). */
  headers?: HeadersInput;
  /** This WebSocket's proxy instead of the session's. */
  proxy?: ProxyOption;
  /** For a 401 from the server: { user, password, domain? } or 'default'. */
  credentials?: CredentialsOption;
  /** For a 407 from the proxy. */
  proxyCredentials?: CredentialsOption;
  /** Milliseconds for each stage of the upgrade (resolve, connect, send, waiting for the 101). */
  timeout?: number;
  /** Aborts the upgrade, or the open WebSocket (closed at once, code 1006). */
  signal?: AbortSignal;
  /** Bytes send() may queue before it throws WebSocketBufferFullError (default 16 MiB). */
  maxBufferedAmount?: number;
  /**
   * Bytes of received messages an iterator (messages(), for await) may hold unread before receiving pauses: no
   * WinHttpWebSocketReceive is issued until the slowest iterator has taken enough to be back at or under it, so TCP
   * flow control holds the server back (default 16 MiB). Message listeners are not counted: they get each message at
   * once.
   */
  maxQueuedAmount?: number;
  /** A received message larger than this closes the WebSocket with 1009 (default 64 MiB). */
  maxMessageSize?: number;
  /** Milliseconds close() waits for the server's close frame before it aborts (default 10 000). */
  closeTimeout?: number;
}

export const WEBSOCKET_KEYS = ['protocols', 'session', 'headers', 'proxy', 'credentials', 'proxyCredentials', 'timeout',
  'signal', 'maxBufferedAmount', 'maxQueuedAmount', 'maxMessageSize', 'closeTimeout'];

// Set by WinHTTP for the upgrade (WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET) or by this module (the protocols).
const RESERVED_HEADERS = new Set(['upgrade', 'connection', 'sec-websocket-key', 'sec-websocket-version',
  'sec-websocket-protocol', 'sec-websocket-extensions']);
// RFC 6455 4.1: a subprotocol is an HTTP token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export interface CheckedOptions {
  protocols: string[];
  session: Session | undefined;
  headers: HeaderPairs;
  proxy: ReturnType<typeof parseProxyOption> | undefined;
  credentials: ReturnType<typeof checkCredentials> | undefined;
  proxyCredentials: ReturnType<typeof checkCredentials> | undefined;
  timeout: number | undefined;
  signal: AbortSignal | undefined;
  maxBufferedAmount: number;
  maxQueuedAmount: number;
  maxMessageSize: number;
  closeTimeout: number;
}

function checkProtocols(value: unknown): string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) throw invalidArg('protocols', 'must be a string or an array of strings');
  const seen = new Set<string>();
  for (const protocol of list) {
    if (typeof protocol !== 'string' || !TOKEN.test(protocol)) {
      throw Object.assign(new DOMException(`Invalid subprotocol: ${String(protocol)}`, 'SyntaxError'));
    }
    if (seen.has(protocol.toLowerCase())) throw new DOMException(`Duplicate subprotocol: ${protocol}`, 'SyntaxError');
    seen.add(protocol.toLowerCase());
  }
  return list as string[];
}

/** `options` as the constructor's second argument takes it: protocols, or an options object. */
export function checkWebSocketOptions(input: unknown): CheckedOptions {
  const options = (typeof input === 'string' || Array.isArray(input) ? { protocols: input } : input ?? {}) as
    WebSocketOptions;
  if (typeof options !== 'object') throw invalidArg('options', 'must be an object, a string or an array of strings');
  refuseUnknownOptions(options, WEBSOCKET_KEYS);
  if (options.session !== undefined && typeof (options.session as Session).connect !== 'function') {
    throw invalidArg('options.session', 'must be a Session');
  }
  const headers = normalizeHeaders(options.headers);
  for (const [name] of headers) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw invalidArg('options.headers', `must not set ${name}: the WebSocket upgrade sets it`, 'ERR_INVALID_ARG_VALUE');
    }
  }
  return {
    protocols: checkProtocols(options.protocols),
    session: options.session,
    headers,
    proxy: options.proxy === undefined ? undefined : parseProxyOption(options.proxy),
    credentials: options.credentials === undefined ? undefined : checkCredentials(options.credentials, 'credentials'),
    proxyCredentials: options.proxyCredentials === undefined ? undefined
      : checkCredentials(options.proxyCredentials, 'proxyCredentials'),
    timeout: options.timeout === undefined ? undefined : validateTimeout('options.timeout', options.timeout),
    signal: validateSignal(options.signal),
    maxBufferedAmount: options.maxBufferedAmount === undefined ? 16 * 1024 * 1024
      : validateByteCount('options.maxBufferedAmount', options.maxBufferedAmount, Number.MAX_SAFE_INTEGER),
    maxQueuedAmount: options.maxQueuedAmount === undefined ? 16 * 1024 * 1024
      : validateByteCount('options.maxQueuedAmount', options.maxQueuedAmount, Number.MAX_SAFE_INTEGER),
    maxMessageSize: options.maxMessageSize === undefined ? 64 * 1024 * 1024
      : validateByteCount('options.maxMessageSize', options.maxMessageSize, Number.MAX_SAFE_INTEGER),
    closeTimeout: options.closeTimeout === undefined ? 10_000
      : validateTimeout('options.closeTimeout', options.closeTimeout),
  };
}

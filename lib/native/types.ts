// The raw addon as lib/ sees it: a typed description of what native/ exports (native/addon.cc). Nothing outside
// lib/native and lib/core touches these objects.

/** Called on the JS thread for each WinHTTP notification of a request (native/request_wrap.h). */
export type StatusHandler = (
  status: number,
  value: number | Buffer | string,
  asyncApi: number,
  error: number,
  secureFailure: number,
  /** A chained HEADERS_AVAILABLE (NativeRequest.exchange): [status code + '\n' + raw CRLF head, body ended]. */
  head?: [string, boolean],
) => void;

export interface NativeSession {
  setTimeouts(resolveMs: number, connectMs: number, sendMs: number, receiveMs: number): void;
  setOption(option: number, value: number): void;
  close(): void;
}

export interface NativeConnection {
  close(): void;
}

export interface HeaderQueryResult {
  value: string;
  nextIndex: number;
}

export interface NativeRequest {
  addHeaders(lines: string): void;
  setTimeouts(resolveMs: number, connectMs: number, sendMs: number, receiveMs: number): void;
  setOption(option: number, value: number): void;
  /** WINHTTP_OPTION_PROXY for this request: NO_PROXY or NAMED_PROXY with a proxy list (native/proxy_option.cc). */
  setProxy(accessType: number, proxy: string | null, bypass: string | null): void;
  queryHeaders(infoLevel: number, name: string | null, index: number): HeaderQueryResult | null;
  close(): void;
  setNotifications(mask: number): void;
  /** Stage times in ms since the request opened (-1: not seen); after close(), as they were at the close. */
  timings(): number[];
  /** WINHTTP_OPTION_SERVER_CERT_CONTEXT: the server's certificate (DER), then the others the server sent. */
  serverCertificates(): Buffer[];
  /** WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST: DER names, after a send failed with 12044. */
  clientCertIssuers(): Buffer[];
  /** WINHTTP_OPTION_CLIENT_CERT_CONTEXT = WINHTTP_NO_CLIENT_CERT_CONTEXT. */
  useNoClientCertificate(): void;
  /** WINHTTP_OPTION_CLIENT_CERT_CONTEXT = the certificate's context (WinHTTP duplicates it). */
  setClientCertificate(certificate: NativeClientCertificate): void;
  /** tls.ca's check at SENDING_REQUEST (native/tls_trust_gate.h): before the first send. */
  setTrustedRoots(roots: NativeTrustedRoots, host: string, ignoredSecurityFlags: number, checkRevocation: boolean): void;
  /**
   * WinHttpSendRequest. receiveAhead (the whole body goes with the send): the addon calls WinHttpReceiveResponse from
   * SENDREQUEST_COMPLETE and reads the head; a HEADERS_AVAILABLE with the head (or the receive's REQUEST_ERROR)
   * follows SENDREQUEST_COMPLETE without receiveResponse().
   */
  send(totalLength: number, firstBytes?: Uint8Array, receiveAhead?: boolean): void;
  /**
   * Copies the bytes into the upload queue (native/write_queue.h). true: queued, the caller goes on; false: pending
   * until WRITE_COMPLETE (room) or REQUEST_ERROR. A write failure is posted as REQUEST_ERROR (API_WRITE_DATA) even
   * when no call is pending.
   */
  write(bytes: Uint8Array): boolean;
  receiveResponse(): void;
  queryDataAvailable(): void;
  read(maxBytes: number): void;
  /** The body pump (native/body_pump.h): one READ_COMPLETE with up to maxBytes gathered from several reads. */
  pump(maxBytes: number, readAhead?: boolean): void;
  /**
   * addHeaders + send, then the addon receives the response, reads its head and up to firstChunkBytes of the body
   * itself (native/request_exchange.cc): one HEADERS_AVAILABLE brings them, or REQUEST_ERROR the failure.
   */
  exchange(totalLength: number, firstBytes: Uint8Array | undefined, headerLines: string, firstChunkBytes: number): void;
  /** WinHttpQueryAuthSchemes (native/auth_request.cc): WINHTTP_AUTH_SCHEME_* bits, the first offered, the target. */
  queryAuthSchemes(): { supported: number; first: number; target: number };
  /** WinHttpSetCredentials; null user name and password: the logged-on user's (NTLM, Negotiate). */
  setCredentials(target: number, scheme: number, userName: string | null, password: string | null): void;
}

/** A client certificate's CryptoAPI context, held until the object is collected (native/client_cert_wrap.h). */
export interface NativeClientCertificate {
  der(): Buffer;
}

/** A session's tls.ca roots in a CryptoAPI store, with their chain engine (native/tls_roots_wrap.h). */
export interface NativeTrustedRoots {
  /** Whether the chain engine trusts only these roots (hExclusiveRoot); else the default engine is used. */
  exclusive(): boolean;
}

export interface CrackedUrl {
  scheme: string;
  secure: boolean;
  host: string;
  port: number;
  userName: string;
  password: string;
  path: string;
}

/** An Error thrown by the native layer for a failed synchronous WinHTTP call (native/native_error.h). */
export interface NativeCallError extends Error {
  errno: number;
  api: string;
  systemMessage: string;
}

/** What ProxyResolver.resolve() and config() found (native/proxy_resolver.h); errno 0 on success. */
export interface NativeProxyFound {
  api: string;
  errno: number;
  /** WINHTTP_PROXY_RESULT entries (WinHttpGetProxyForUrlEx). */
  entries?: { proxy: boolean; bypass: boolean; scheme: number; host: string; port: number }[];
  autoDetect: boolean;
  accessType: number;
  autoConfigUrl: string | null;
  proxy: string | null;
  bypass: string | null;
}

/** One pending proxy lookup: `cancel` closes a WinHttpGetProxyForUrlEx lookup's resolver handle (absent for
 * WinHttpGetProxyForUrl, which cannot be cancelled); `done` then settles with ERROR_WINHTTP_OPERATION_CANCELLED. */
export interface NativeProxyLookup {
  done: Promise<NativeProxyFound>;
  cancel?: () => void;
}

export interface NativeProxyResolver {
  setTimeouts(resolveMs: number, connectMs: number, sendMs: number, receiveMs: number): void;
  resolve(url: string, flags: number, autoDetectFlags: number, autoConfigUrl: string | null): NativeProxyLookup;
  /** 0: WinHttpGetIEProxyConfigForCurrentUser; 1: WinHttpGetDefaultProxyConfiguration. */
  config(which: 0 | 1): Promise<NativeProxyFound>;
  close(): void;
}

/**
 * Called on the JS thread for each notification of a WebSocket handle (native/websocket_wrap.h): value is the byte
 * count, a Buffer for READ_COMPLETE; bufferType (READ_COMPLETE) is WINHTTP_WEB_SOCKET_BUFFER_TYPE; operation and
 * error (REQUEST_ERROR) are WINHTTP_WEB_SOCKET_OPERATION and the error code.
 */
export type WebSocketStatusHandler = (status: number, value: number | Buffer, bufferType: number, operation: number,
  error: number) => void;

/** WinHttpWebSocket* on one upgraded handle (native/websocket_wrap.h). */
export interface NativeWebSocket {
  send(bufferType: number, bytes: Uint8Array): void;
  receive(maxBytes: number): void;
  /** true: SHUTDOWN_COMPLETE follows; false: done within the call. */
  shutdown(code: number, reason?: Uint8Array): boolean;
  close(code: number, reason?: Uint8Array): void;
  queryCloseStatus(): { code: number; reason: Buffer } | null;
  abort(): void;
}

export interface NativeBinding {
  ProxyResolver: new (userAgent: string) => NativeProxyResolver;
  Session: new (userAgent: string, accessType: number, proxy: string | null, bypass: string | null) => NativeSession;
  Connection: new (session: NativeSession, host: string, port: number) => NativeConnection;
  Request: new (
    connection: NativeConnection,
    method: string,
    path: string,
    flags: number,
    onStatus: StatusHandler,
    /**
     * [resolveMs, connectMs, sendMs, receiveMs, option, value, ...]: WinHttpSetTimeouts, then WinHttpSetOption per
     * pair, in the same call. A failure closes the handle and throws; its error names the `option`.
     */
    configuration?: readonly number[],
  ) => NativeRequest;
  crackUrl(url: string): CrackedUrl;
  WebSocket: {
    new (request: NativeRequest, onStatus: WebSocketStatusHandler): NativeWebSocket;
    prepareUpgrade(request: NativeRequest): void;
  };
  ClientCertificate: {
    new (kind: 'store', localMachine: boolean, der: Uint8Array): NativeClientCertificate;
    new (kind: 'pfx', pfx: Uint8Array, passphrase: string): NativeClientCertificate;
    new (kind: 'held', certificate: unknown): NativeClientCertificate;
  };
  /** On a worker thread (native/client_cert_load.h); a CryptoAPI failure resolves with errno and api. */
  loadClientCertificate(kind: 'store', localMachine: boolean, der: Uint8Array): Promise<{ certificate: unknown; errno?: number; api?: string }>;
  loadClientCertificate(kind: 'pfx', pfx: Uint8Array, passphrase: string): Promise<{ certificate: unknown; errno?: number; api?: string }>;
  listMyStoreAsync(localMachine: boolean): Promise<{ list: { der: Buffer; hasPrivateKey: boolean }[]; errno?: number; api?: string }>;
  TrustedRoots: new (roots: Uint8Array[]) => NativeTrustedRoots;
  /** Every certificate of CurrentUser\\MY or LocalMachine\\MY. */
  listMyStore(localMachine: boolean): { der: Buffer; hasPrivateKey: boolean }[];
  liveRequests(): number;
  formatMessage(code: number): string;
}

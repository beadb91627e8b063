// Request: one WinHTTP request handle and its asynchronous steps, each a promise that settles on the matching
// completion notification: send() -> write()* -> receiveResponse() -> (queryDataAvailable() / read())* -> close().
// One step is pending at a time and steps run in the order WinHTTP allows; a misuse rejects with
// InvalidStateError before reaching WinHTTP. WinHTTP steps only: it never follows a redirect (every 3xx is
// returned) and hands over the body as sent; redirects, decoding and the Content-Length check are the policy
// layer's (lib/policy/).
import { EventEmitter } from 'node:events';
import { InvalidStateError, WinHttpError, apiFromAsyncResult, invalidArg, outOfRange } from '../errors';
import { refuseUnknownOptions } from '../policy/options';
import { getBinding } from '../native/binding';
import {
  ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED,
  ERROR_WINHTTP_RESEND_REQUEST,
  STATUS,
  WINHTTP_FLAG_ESCAPE_DISABLE,
  WINHTTP_FLAG_ESCAPE_DISABLE_QUERY,
  WINHTTP_ACCESS_TYPE_NAMED_PROXY,
  WINHTTP_ACCESS_TYPE_NO_PROXY,
  WINHTTP_FLAG_SECURE,
  WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH,
  WINHTTP_QUERY_CUSTOM,
} from '../native/constants';
import {
  WINHTTP_AUTH_TARGET_PROXY, WINHTTP_AUTOLOGON_SECURITY_LEVEL_LOW, WINHTTP_AUTOLOGON_SECURITY_LEVEL_MEDIUM,
  WINHTTP_OPTION_AUTOLOGON_POLICY,
} from '../native/auth-constants';
import type { NativeConnection, NativeRequest, StatusHandler } from '../native/types';
import { abortErrorFor } from './abort';
import { toBytes } from './bytes';
import { formatted } from './formatted';
import { BEHAVIOUR_KEYS, resolveBehaviour, type RequestBehaviour, type SessionBehaviour } from './behaviour';
import { openConfigured, requestConfiguration, sessionConfiguration } from './configuration';
import { madeInCallback, withCallerFrames } from './call-site';
import { formatHeaderLines, normalizeHeaders, requestHeadersFor, type HeadersInput } from './headers';
import { announcedLength, readResponseHead, responseHeadFrom, type ResponseHead } from './response-head';
import { callNative, toPublicError } from './native-call';
import { isProgressStatus, notificationMask, progressEvent, type ProgressEvent, type ProgressEventName } from './notifications';
import { resolveTimeouts, type Timeouts } from './timeouts';
import { buildTimings, type RequestTimings } from './timings';
import type { TlsSettings } from '../tls/options';
import { peerCertificate, type PeerCertificate } from '../tls/certificate';
import { validateByteCount, validateSignal } from './validate';

export type { ResponseHead } from './response-head';

export interface OpenRequestOptions extends RequestBehaviour {
  /** Per-request timeouts; unset ones come from the session. */
  timeouts?: Partial<Timeouts>;
  /** Aborting closes the request; the pending step rejects with AbortError. */
  signal?: AbortSignal;
}

/** What a 401/407 offers (WinHttpQueryAuthSchemes). */
export interface AuthSchemes {
  /** WINHTTP_AUTH_SCHEME_* bits: Basic 1, NTLM 2, Passport 4, Digest 8, Negotiate 0x10. */
  supported: number;
  first: number;
  /** WINHTTP_AUTH_TARGET_SERVER (0) or WINHTTP_AUTH_TARGET_PROXY (1). */
  target: number;
}

export interface SendOptions {
  headers?: HeadersInput;
  /** Total body bytes that send() and write() will supply (sent as Content-Length). Default: body's length. */
  contentLength?: number;
  /** The first body bytes, sent with the request itself (saves a round trip for small bodies). */
  body?: Uint8Array;
  /**
   * The body's length is unknown: sent with Transfer-Encoding: chunked and WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH;
   * write() sends each chunk framed, endChunks() the last. Not with contentLength or body.
   */
  chunked?: boolean;
}

const OPEN_KEYS = ['timeouts', 'signal', ...BEHAVIOUR_KEYS];
const SEND_KEYS = ['headers', 'contentLength', 'body', 'chunked'];

type Step = 'send' | 'write' | 'receive' | 'query' | 'read' | 'pump' | 'exchange';
// A notification's arguments as #onStatus gets them (native/request_wrap.cc).
type Completion = [status: number, value: number | Buffer | string, asyncApi: number, error: number,
  secureFailure: number, head?: [string, boolean]];
type Phase = 'opened' | 'sending' | 'sent' | 'response' | 'ended';

interface Pending {
  step: Step;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const STEP_API: Record<Step, string> = {
  send: 'WinHttpSendRequest',
  write: 'WinHttpWriteData',
  receive: 'WinHttpReceiveResponse',
  query: 'WinHttpQueryDataAvailable',
  read: 'WinHttpReadData',
  pump: 'WinHttpReadData',
  exchange: 'WinHttpSendRequest',
};

const DEFAULT_READ_SIZE = 64 * 1024;
// WINHTTP_ASYNC_RESULT.dwResult of a failed WinHttpReceiveResponse and WinHttpWriteData.
const API_RECEIVE_RESPONSE = 1;
const API_WRITE_DATA = 4;
// RFC 9112 §7.1: the last chunk, and the empty line that ends the (empty) trailer section.
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');
const MAX_READ_SIZE = 16 * 1024 * 1024;
// What sendAndReceive() lets the addon read of the body with the head: a small response's whole body.
const FIRST_CHUNK_SIZE = 64 * 1024;

function asBytes(chunk: unknown, name: string): Uint8Array {
  const bytes = toBytes(chunk);
  if (bytes === undefined) throw invalidArg(name, 'must be a string, Buffer, TypedArray, DataView or ArrayBuffer');
  return bytes;
}

// RFC 9112 §7.1: the size in hex, CRLF, the bytes, CRLF; one buffer, so one WinHttpWriteData per chunk.
function chunkFrame(bytes: Uint8Array): Buffer {
  const size = Buffer.from(`${bytes.byteLength.toString(16)}\r\n`, 'latin1');
  return Buffer.concat([size, bytes, CRLF], size.byteLength + bytes.byteLength + 2);
}
const CRLF = Buffer.from('\r\n', 'latin1');

function chunkedOption(options: SendOptions): boolean {
  if (options.chunked === undefined || options.chunked === false) return false;
  if (options.chunked !== true) throw invalidArg('options.chunked', 'must be a boolean');
  if (options.contentLength !== undefined) {
    throw invalidArg('options.contentLength', 'cannot go with chunked: a chunked body has no length up front', 'ERR_INVALID_ARG_VALUE');
  }
  if (options.body !== undefined) {
    throw invalidArg('options.body', 'cannot go with chunked: write() each chunk after send()', 'ERR_INVALID_ARG_VALUE');
  }
  return true;
}

export interface Request {
  on(event: ProgressEventName, listener: (event: ProgressEvent) => void): this;
  once(event: ProgressEventName, listener: (event: ProgressEvent) => void): this;
  off(event: ProgressEventName, listener: (event: ProgressEvent) => void): this;
  on(event: 'newListener' | 'removeListener', listener: (name: string | symbol) => void): this;
}

/**
 * Emits WinHTTP's progress notifications as typed events ('resolvingName', 'connectedToServer', ...:
 * see ProgressEventName) while someone listens; nothing crosses from the addon for events nobody listens to.
 */
export class Request extends EventEmitter {
  readonly method: string;
  readonly path: string;
  /** Settles when WinHTTP reports HANDLE_CLOSING for this request (its native state is then freed). */
  readonly handleClosed: Promise<void>;
  readonly #native: NativeRequest;
  readonly #secure: boolean;
  // The server's host name, for TLS failure messages ("certificate name does not match <host>").
  readonly #host: string;
  // The session names its own roots (tls.ca), for TLS failure messages.
  #trustedRootsNamed = false;
  readonly #startedAt = Date.now();
  readonly #openedAt = performance.now();
  #endedAt: number | undefined;
  readonly #onClose: () => void;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.#abort(this.#signal?.reason);
  #markHandleClosed!: () => void;
  #pending: Pending | null = null;
  #closed = false;
  #phase: Phase = 'opened';
  #bodyRemaining = 0;
  // A chunked body (send({ chunked: true })): 'open' until endChunks() has written the last chunk.
  #chunks: 'none' | 'open' | 'ended' = 'none';
  #head: ResponseHead | undefined;
  // https: the server's certificates (DER) as read when the head arrived, or why they could not be read.
  #serverCertificates: Buffer[] | Error | undefined;
  #received = 0;
  // The body length the head announced (core/response-head.ts: 0 for a response without a body), if it did.
  #announced: number | undefined;
  #headerLines: string | undefined;
  // Body bytes the addon read with the head (sendAndReceive), readAvailable()'s first answers; empty: the end.
  #prefetched: Buffer[] = [];

  /** @internal Use Connection.openRequest(). */
  constructor(connection: NativeConnection, method: string, path: string, secure: boolean, host: string,
    tls: Readonly<TlsSettings>,
    sessionTimeouts: Readonly<Timeouts>, sessionBehaviour: Readonly<SessionBehaviour>,
    options: OpenRequestOptions, onClose: () => void) {
    super();
    if (typeof options !== 'object' || options === null) throw invalidArg('options', 'must be an object');
    refuseUnknownOptions(options, OPEN_KEYS, 'options', true);
    // A request that overrides nothing gets the session's configuration as built once (configuration.ts).
    const overridden = options.timeouts !== undefined || BEHAVIOUR_KEYS.some((key) => options[key] !== undefined);
    const behaviour = overridden ? resolveBehaviour(sessionBehaviour, options) : sessionBehaviour;
    const configuration = overridden
      ? requestConfiguration(resolveTimeouts(sessionTimeouts, options.timeouts), behaviour, secure, tls)
      : sessionConfiguration(sessionTimeouts, sessionBehaviour, secure, tls);
    this.#secure = secure;
    this.#host = host;
    this.#signal = validateSignal(options.signal);
    this.method = method;
    this.path = path;
    this.#onClose = onClose;
    this.handleClosed = new Promise((resolve) => (this.#markHandleClosed = resolve));
    const binding = getBinding();
    // The path is validated (no unescaped characters), so WinHTTP must not escape it again (WINHTTP_FLAG_ESCAPE_DISABLE, WinHttpOpenRequest reference).
    const flags = (secure ? WINHTTP_FLAG_SECURE : 0) | WINHTTP_FLAG_ESCAPE_DISABLE | WINHTTP_FLAG_ESCAPE_DISABLE_QUERY;
    const onStatus: StatusHandler = (status, value, asyncApi, error, secureFailure, head) =>
      this.#onStatus(status, value, asyncApi, error, secureFailure, head);
    // WinHttpOpenRequest and the configuration in one call; a failed option has closed the handle already.
    this.#native = openConfigured((pairs) => new binding.Request(connection, method, path, flags, onStatus, pairs),
      configuration, behaviour);
    const certificate = secure ? tls.clientCertificate : undefined;
    try {
      // tls.ca makes WinHTTP accept unknown roots; the native check decides them (configuration.ts keeps no such
      // connection alive).
      const roots = secure ? tls.trustedRoots : undefined;
      // Before the first send, as the WINHTTP_OPTION_CLIENT_CERT_CONTEXT reference allows: no 12044 round trip.
      if (certificate !== undefined) callNative(() => this.#native.setClientCertificate(certificate.native));
      // Checked natively at each SENDING_REQUEST (native/tls_trust_gate.h); redirects are followed by lib/, so the
      // request is only ever sent to `host`.
      if (roots !== undefined) {
        this.#trustedRootsNamed = true;
        const name = host.replace(/^\[(.*)\]$/, '$1'); // an IPv6 literal is matched without its brackets
        callNative(() => this.#native.setTrustedRoots(roots.native, name, tls.securityFlags, tls.checkRevocation));
      }
    } catch (error) {
      // Not yet known to the connection: close the handle only.
      this.#closed = true;
      this.#native.close();
      throw error;
    }
    if (this.#signal !== undefined) {
      if (this.#signal.aborted) this.#abort(this.#signal.reason);
      else this.#signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    // 'newListener' fires before the listener is added, 'removeListener' after it is removed. The removals are
    // watched from the first listener on: most requests never get one, and this runs for each.
    this.on('newListener', (name: string | symbol) => {
      if (!this.#watchingRemovals) {
        this.#watchingRemovals = true;
        this.on('removeListener', () => this.#updateNotifications(this.eventNames()));
      }
      this.#updateNotifications([...this.eventNames(), name]);
    });
  }

  #watchingRemovals = false;

  /**
   * WINHTTP_OPTION_PROXY for this request only, before send(): `proxy` null connects directly, else a proxy list in
   * WinHTTP's syntax ("host:port", "http=host:port;https=host:port") with an optional bypass list. lib/proxy/
   * validates both.
   */
  setProxy(proxy: string | null, bypass: string | null = null): void {
    if (this.#closed) throw new InvalidStateError('The request is closed');
    if (this.#phase !== 'opened') throw new InvalidStateError('setProxy() must come before send()');
    callNative(() => this.#native.setProxy(proxy === null ? WINHTTP_ACCESS_TYPE_NO_PROXY : WINHTTP_ACCESS_TYPE_NAMED_PROXY,
      proxy, proxy === null ? null : bypass));
  }

  /** Timings of this request, from WinHTTP's notifications; complete once the body was read to its end. */
  timings(): RequestTimings {
    // After close() the addon answers with the times it had when it closed the handle.
    return buildTimings(this.#startedAt, this.#native.timings(), this.#endedAt, this.#secure);
  }

  // The addon is told only when the mask changes: registering these very listeners changes nothing.
  #notifyMask = 0;

  #updateNotifications(names: Array<string | symbol>): void {
    const mask = notificationMask(names);
    if (this.#closed || mask === this.#notifyMask) return;
    this.#notifyMask = mask;
    this.#native.setNotifications(mask);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The response head, once receiveResponse() has resolved. */
  get response(): ResponseHead {
    if (this.#head === undefined) throw formatted(new InvalidStateError('No response yet: await receiveResponse() first'));
    return this.#head;
  }

  /**
   * WinHttpAddRequestHeaders + WinHttpSendRequest. Resolves when WinHTTP reports SENDREQUEST_COMPLETE. When the whole
   * body (or none) goes with the send, the addon goes on with WinHttpReceiveResponse at once (receive-ahead), and
   * receiveResponse() takes what that receive brought.
   */
  async send(options: SendOptions = {}): Promise<void> {
    const { first, total, lines, chunked } = this.#checkSend(options, 'send()');
    const added = this.#headersToAdd(lines);
    if (added.length > 0) callNative(() => this.#native.addHeaders(added));
    this.#phase = 'sending';
    this.#bodyRemaining = total - (first?.byteLength ?? 0);
    this.#chunks = chunked ? 'open' : 'none';
    const ahead = !chunked && this.#bodyRemaining === 0;
    try {
      // A chunked body's total is WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH: WinHTTP takes writes until WinHttpReceiveResponse.
      await this.#step('send', () => {
        // Set first: the receive's completion may be handed over before this step's continuation runs.
        this.#receivedAhead = ahead ? 'out' : 'none';
        this.#native.send(chunked ? WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH : total, first, ahead);
      });
    } catch (error) {
      this.#receivedAhead = 'none';
      this.#reopenAfter(error);
      throw error;
    }
    this.#phase = 'sent';
  }

  // send()'s receive-ahead: 'out' while the addon's WinHttpReceiveResponse is under way and no receiveResponse()
  // waits for it, then its completion, kept for receiveResponse(); 'none' without one.
  #receivedAhead: 'none' | 'out' | Completion = 'none';

  // Headers added to a handle stay on it: a resend on the same handle (after 12032, 12044 or a 401/407) sends them
  // again without adding them twice, and cannot change them. Returns the lines still to add ('' on a resend).
  #headersToAdd(lines: string): string {
    if (this.#headerLines === undefined) {
      this.#headerLines = lines;
      return lines;
    }
    if (lines !== this.#headerLines) throw formatted(new InvalidStateError('send() again on the same request must give the same headers'));
    return '';
  }

  // The request may be sent again on the same handle after 12032 ("the desired function can be retried on the same
  // request handle", WinHttpReceiveResponse) and after 12044 (with a client certificate or
  // WINHTTP_NO_CLIENT_CERT_CONTEXT, WinHttpSendRequest).
  #reopenAfter(error: unknown): void {
    if (error instanceof WinHttpError && (error.errno === ERROR_WINHTTP_RESEND_REQUEST ||
      error.errno === ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED)) {
      this.#phase = 'opened';
    }
  }

  #checkSend(options: SendOptions, what: string) {
    if (typeof options !== 'object' || options === null) throw invalidArg('options', 'must be an object');
    refuseUnknownOptions(options, SEND_KEYS, 'options', true);
    if (this.#phase === 'response' && this.#challenged()) {
      // The documented authentication loop: send again on the same handle; the challenge's body is not delivered.
      this.#phase = 'opened';
      this.#prefetched = [];
    }
    this.#expectPhase('opened', what);
    const pairs = normalizeHeaders(options.headers);
    const chunked = chunkedOption(options);
    const first = options.body === undefined ? undefined : asBytes(options.body, 'body');
    const total = options.contentLength === undefined ? (first?.byteLength ?? 0)
      : validateByteCount('contentLength', options.contentLength);
    if (first !== undefined && first.byteLength > total) {
      throw outOfRange('body.byteLength', `<= contentLength (${total})`, first.byteLength);
    }
    const lines = formatHeaderLines(requestHeadersFor(pairs, this.method, chunked ? undefined : total));
    return { first, total, lines, chunked };
  }

  /**
   * @internal send() and receiveResponse() for a request whose whole body (if any) goes with the send, chained in
   * the addon (native/body_pump.h): it receives the response, reads the head and up to 64 KiB of the body itself,
   * off the JS thread where WinHTTP completes elsewhere, and one notification brings them. The bytes are
   * readAvailable()'s first answer; read() and queryDataAvailable() are refused on such a request.
   */
  async sendAndReceive(options: SendOptions = {}): Promise<ResponseHead> {
    const { first, total, lines, chunked } = this.#checkSend(options, 'sendAndReceive()');
    if (chunked) throw invalidArg('options.chunked', 'is not allowed: sendAndReceive() sends the whole body at once', 'ERR_INVALID_ARG_VALUE');
    if (total !== (first?.byteLength ?? 0)) {
      throw outOfRange('contentLength', `=== body.byteLength (${first?.byteLength ?? 0})`, total);
    }
    const headerLines = this.#headersToAdd(lines);
    this.#phase = 'sending';
    this.#bodyRemaining = 0;
    this.#chunks = 'none';
    let result: { value: number | Buffer; head?: [string, boolean] };
    try {
      result = await this.#step('exchange', () => this.#native.exchange(total, first, headerLines, FIRST_CHUNK_SIZE)) as typeof result;
    } catch (error) {
      this.#reopenAfter(error);
      throw error;
    }
    this.#phase = 'sent';
    if (result.head === undefined) return this.#takeHead(readResponseHead(this.#native));
    const head = this.#takeHead(responseHeadFrom(result.head[0]));
    const chunk = result.value as Buffer;
    if (chunk.byteLength > 0) this.#prefetched.push(chunk);
    if (result.head[1]) this.#prefetched.push(Buffer.alloc(0));
    return head;
  }

  #takeHead(head: ResponseHead): ResponseHead {
    this.#head = head;
    this.#announced = announcedLength(this.method, head);
    if (this.#secure) this.#readServerCertificates();
    this.#phase = 'response';
    return head;
  }

  /**
   * The next body bytes (WinHttpWriteData); resolves with their count once they are queued: the addon copies them (the
   * caller may reuse its buffer then) and writes them itself, coalesced with the chunks queued while a write is out
   * (native/write_queue.h). It waits only while about 1 MiB is queued behind the write under way. A write failure
   * rejects the step pending then, or else the next step (write(), endChunks(), receiveResponse()) with its
   * WinHttpError. A chunked body's bytes go as one chunk, framed here (WinHTTP sends what it is given: the framing is
   * the caller's).
   */
  async write(chunk: Uint8Array | string): Promise<number> {
    this.#expectPhase('sent', 'write()');
    const bytes = asBytes(chunk, 'chunk');
    if (bytes.byteLength === 0) return 0;
    if (this.#chunks === 'ended') throw formatted(new InvalidStateError('write() after endChunks()'));
    this.#throwWriteFailure();
    if (this.#chunks === 'open') {
      await this.#queueWrite(chunkFrame(bytes));
      return bytes.byteLength;
    }
    if (bytes.byteLength > this.#bodyRemaining) {
      throw outOfRange('chunk.byteLength', `<= the ${this.#bodyRemaining} body bytes still due by contentLength`, bytes.byteLength);
    }
    this.#bodyRemaining -= bytes.byteLength;
    await this.#queueWrite(bytes);
    return bytes.byteLength;
  }

  /**
   * A chunked body's end: the last chunk, `0\r\n\r\n` (no trailers), queued as write() queues; receiveResponse()
   * waits until it is written.
   */
  async endChunks(): Promise<void> {
    this.#expectPhase('sent', 'endChunks()');
    if (this.#chunks !== 'open') throw formatted(new InvalidStateError('endChunks() needs a body sent with { chunked: true }, not yet ended'));
    this.#throwWriteFailure();
    await this.#queueWrite(LAST_CHUNK);
    this.#chunks = 'ended';
  }

  // A write failure (WinHttpWriteData's REQUEST_ERROR) that no pending step took: every later body step rejects with it.
  #writeFailure: Error | undefined;
  // writeFailed()'s listener.
  #onWriteFailure: ((error: Error) => void) | undefined;

  #throwWriteFailure(): void {
    if (this.#writeFailure !== undefined) throw this.#writeFailure;
  }

  // Into the addon's upload queue: settles at once unless the queue is full, then when it has room (or a write failed).
  #queueWrite(bytes: Uint8Array): Promise<unknown> | undefined {
    return callNative(() => this.#native.write(bytes)) ? undefined : this.#step('write', () => undefined);
  }

  /**
   * @internal Resolves with the write failure once one is known (a queued write failed while no step was pending), so
   * request() can fail its body at once while it waits for the caller's next chunk. One listener at a time.
   */
  writeFailed(): Promise<Error> {
    if (this.#writeFailure !== undefined) return Promise.resolve(this.#writeFailure);
    return new Promise((resolve) => (this.#onWriteFailure = resolve));
  }

  /** WinHttpReceiveResponse, then the status and headers (WinHttpQueryHeaders). */
  async receiveResponse(): Promise<ResponseHead> {
    this.#expectPhase('sent', 'receiveResponse()');
    this.#throwWriteFailure();
    if (this.#chunks === 'open') {
      throw formatted(new InvalidStateError('receiveResponse() before the chunked body was ended: endChunks() first'));
    }
    if (this.#bodyRemaining > 0) {
      throw formatted(new InvalidStateError(`receiveResponse() before the body was written: ${this.#bodyRemaining} bytes still due`));
    }
    const ahead = this.#receivedAhead;
    this.#receivedAhead = 'none';
    let result: { value: unknown; head?: [string, boolean] };
    try {
      result = await this.#step('receive', () => {
        // The addon calls WinHttpReceiveResponse once its upload queue is written out (native/write_queue.h); after
        // a receive-ahead it has called it already: its completion settles this step, now or when it comes.
        if (ahead === 'none') this.#native.receiveResponse();
        else if (ahead !== 'out') this.#complete(this.#pending, ...ahead);
      }) as typeof result;
    } catch (error) {
      if (error !== this.#writeFailure) this.#reopenAfter(error);
      throw error;
    }
    // The addon read the head with the receive (a receive-ahead), unless that failed: then it is queried here.
    return this.#takeHead(result.head === undefined ? readResponseHead(this.#native) : responseHeadFrom(result.head[0]));
  }

  /** @internal The addon's request, for lib/websocket/ (WinHttpWebSocketCompleteUpgrade after a 101 head). */
  get native(): NativeRequest {
    return this.#native;
  }

  /**
   * WinHttpQueryAuthSchemes, after a 401 or 407 head: the WINHTTP_AUTH_SCHEME_* bits offered, the one offered first,
   * and WINHTTP_AUTH_TARGET_SERVER (0) or WINHTTP_AUTH_TARGET_PROXY (1). A challenge WinHTTP cannot answer throws
   * its WinHttpError.
   */
  queryAuthSchemes(): AuthSchemes {
    this.#expectChallenge('queryAuthSchemes()');
    return callNative(() => this.#native.queryAuthSchemes());
  }

  /**
   * WinHttpSetCredentials for `target` and one offered `scheme`, used when send() is called again on this request
   * (the documented authentication loop: send() is allowed again after a 401/407 head, before its body is read).
   * `credentials` null: the logged-on user's (NTLM and Negotiate only; sent only when WINHTTP_OPTION_AUTOLOGON_POLICY
   * allows: OpenRequestOptions.autoLogon).
   */
  setCredentials(target: number, scheme: number, credentials: { user: string; password: string } | null): void {
    this.#expectChallenge('setCredentials()');
    if (credentials === null) {
      // Opt in for this handle only, as .NET's WinHttpHandler does: LOW lets WinHTTP send the logged-on user's to
      // the server, MEDIUM to the proxy (and intranet servers) (WINHTTP_OPTION_AUTOLOGON_POLICY).
      const level = target === WINHTTP_AUTH_TARGET_PROXY ? WINHTTP_AUTOLOGON_SECURITY_LEVEL_MEDIUM : WINHTTP_AUTOLOGON_SECURITY_LEVEL_LOW;
      callNative(() => this.#native.setOption(WINHTTP_OPTION_AUTOLOGON_POLICY, level));
    }
    callNative(() => this.#native.setCredentials(target, scheme, credentials?.user ?? null, credentials?.password ?? null));
  }

  #challenged(): boolean {
    return this.#head !== undefined && (this.#head.status === 401 || this.#head.status === 407) && this.#received === 0;
  }

  #expectChallenge(what: string): void {
    this.#expectPhase('response', what);
    if (!this.#challenged()) throw formatted(new InvalidStateError(`${what} needs a 401 or 407 response whose body was not read`));
  }

  // Read once the head is there, so the certificate outlives the handle (a body read to its end closes it).
  #readServerCertificates(): void {
    try {
      this.#serverCertificates = callNative(() => this.#native.serverCertificates());
    } catch (error) {
      this.#serverCertificates = error as Error;
    }
  }

  /**
   * The certificate the server presented (https, once receiveResponse() has resolved), with the certificates it sent
   * linked as `issuerCertificate`: WINHTTP_OPTION_SERVER_CERT_CONTEXT, in the shape of Node's getPeerCertificate(true).
   */
  serverCertificate(): PeerCertificate {
    if (!this.#secure) throw formatted(new InvalidStateError('serverCertificate() on an http request: there is no certificate'));
    const certificates = this.#serverCertificates;
    if (certificates === undefined) throw formatted(new InvalidStateError('No response yet: await receiveResponse() first'));
    if (certificates instanceof Error) throw certificates;
    return peerCertificate(certificates);
  }

  /** After send() failed with ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED: the DER names of the CAs the server accepts. */
  clientCertIssuers(): Buffer[] {
    if (this.#closed) throw this.#abortError ?? formatted(new InvalidStateError('clientCertIssuers() on a closed request'));
    return callNative(() => this.#native.clientCertIssuers());
  }

  /** Answer the server's certificate request with none (WINHTTP_NO_CLIENT_CERT_CONTEXT); then send() again. */
  useNoClientCertificate(): void {
    this.#expectPhase('opened', 'useNoClientCertificate()');
    callNative(() => this.#native.useNoClientCertificate());
  }

  /** @internal The server's certificate (DER), for the pin check; undefined if WinHTTP gave none. */
  serverCertificateDer(): Buffer | undefined {
    const certificates = this.#serverCertificates;
    return Array.isArray(certificates) ? certificates[0] : undefined;
  }

  /** All values of a response header, by name (WinHttpQueryHeaders with WINHTTP_QUERY_CUSTOM). */
  getHeaderValues(name: string): string[] {
    if (this.#head === undefined) throw formatted(new InvalidStateError('No response yet: await receiveResponse() first'));
    if (typeof name !== 'string' || name.length === 0) throw invalidArg('name', 'must be a non-empty string');
    const values: string[] = [];
    for (let index = 0; ;) {
      const found = callNative(() => this.#native.queryHeaders(WINHTTP_QUERY_CUSTOM, name, index));
      if (found === null) return values;
      values.push(found.value);
      if (found.nextIndex <= index) return values;
      index = found.nextIndex;
    }
  }

  /** WinHttpQueryDataAvailable: bytes readable without waiting; 0 at the end of the body. */
  async queryDataAvailable(): Promise<number> {
    if (this.#bodyDone()) return 0;
    this.#expectPhase('response', 'queryDataAvailable()');
    if (this.#announcedRead()) return 0;
    const available = (await this.#step('query', () => this.#native.queryDataAvailable())) as number;
    if (available === 0) this.#endOfBody();
    return available;
  }

  /**
   * WinHttpReadData: up to maxBytes of the body, or null at its end. Once the bytes a Content-Length announced are
   * read (or at once for a response without a body: HEAD, 1xx, 204, 304), the end comes without another
   * WinHttpReadData, whose answer would be 0 (WinHTTP reads no further than Content-Length).
   */
  async read(maxBytes = DEFAULT_READ_SIZE): Promise<Buffer | null> {
    return this.#readBody('read', 'read()', maxBytes, () => this.#native.read(maxBytes));
  }

  /**
   * The next body bytes as they arrive, up to maxBytes, or null at the end: the addon chains WinHttpQueryDataAvailable
   * and WinHttpReadData itself and hands over one chunk when maxBytes are gathered, the body ends, or nothing more has
   * arrived yet (so a streamed response is not held back). One crossing per chunk instead of four per WinHTTP read.
   * Once used, read() and queryDataAvailable() are refused on this request.
   */
  async readAvailable(maxBytes = DEFAULT_READ_SIZE): Promise<Buffer | null> {
    return this.#readBody('pump', 'readAvailable()', maxBytes, () => this.#native.pump(maxBytes));
  }

  /**
   * @internal readAvailable() with the addon reading ahead: while the caller handles a chunk, a second buffer of
   * `maxBytes` fills (and stops when full until the next call). `maxBytes` must be the same on every call.
   */
  async readAhead(maxBytes: number): Promise<Buffer | null> {
    return this.#readBody('pump', 'readAvailable()', maxBytes, () => this.#native.pump(maxBytes, true));
  }

  // One body chunk from `start` (a read or a pump pull): null at the end of the body.
  async #readBody(step: 'read' | 'pump', what: string, maxBytes: number, start: () => void): Promise<Buffer | null> {
    if (this.#bodyDone()) return null;
    this.#expectPhase('response', what);
    if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_READ_SIZE) {
      throw outOfRange('maxBytes', `>= 1 && <= ${MAX_READ_SIZE}`, maxBytes);
    }
    if (this.#announcedRead()) return null;
    const chunk = step === 'pump' && this.#prefetched.length > 0 ? this.#takePrefetched(maxBytes)
      : (await this.#step(step, start)) as Buffer;
    if (chunk.byteLength === 0) {
      this.#endOfBody();
      return null;
    }
    this.#received += chunk.byteLength;
    return chunk;
  }

  /**
   * @internal readAvailable()'s next answer when it needs no WinHTTP call: a chunk the addon read with the head (up to
   * maxBytes, already validated by the caller); undefined otherwise (then readAvailable() or readAhead() is the way).
   */
  takeReady(maxBytes: number): Buffer | undefined {
    if (this.#closed || this.#pending !== null || this.#phase !== 'response') return undefined;
    if (this.#prefetched.length === 0 || this.#prefetched[0].byteLength === 0) return undefined;
    const chunk = this.#takePrefetched(maxBytes);
    this.#received += chunk.byteLength;
    return chunk;
  }

  // Content-Length's bytes have all been handed over (the end is then marked): a read would only learn the end.
  #announcedRead(): boolean {
    if (this.#announced === undefined || this.#received < this.#announced) return false;
    this.#endOfBody();
    return true;
  }

  #takePrefetched(maxBytes: number): Buffer {
    const chunk = this.#prefetched[0];
    if (chunk.byteLength <= maxBytes) return this.#prefetched.shift()!;
    this.#prefetched[0] = chunk.subarray(maxBytes);
    return chunk.subarray(0, maxBytes);
  }

  /** Bytes of body read so far. */
  get bytesReceived(): number {
    return this.#received;
  }

  /** WinHttpCloseHandle. A pending step rejects with AbortError at once. Safe to call more than once. */
  close(): void {
    // The AbortError (two errors with formatted stacks: a fifth of a small request's JavaScript time under Wine) is
    // built only for a step that is pending.
    if (this.#closed) return;
    this.#closeWith(this.#pending === null ? undefined : abortErrorFor(undefined, this.#pendingApi(), 'The request was closed'));
  }

  #abort(reason: unknown): void {
    this.#abortError = abortErrorFor(reason, this.#pendingApi());
    this.#closeWith(this.#abortError);
  }

  // Set when an abort closed the request: every later step rejects with it, not with "closed".
  #abortError: Error | undefined;

  /** The error this request was aborted with, once an abort (not close()) closed it. */
  get abortError(): Error | undefined {
    return this.#abortError;
  }

  #pendingApi(): string {
    return this.#pending === null ? 'WinHttpCloseHandle' : STEP_API[this.#pending.step];
  }

  // `error`: what the pending step rejects with (undefined when none is pending).
  #closeWith(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    const pending = this.#pending;
    this.#pending = null;
    this.#native.close();
    this.#onClose();
    pending?.reject(error);
  }

  #expectPhase(phase: Phase, what: string): void {
    if (this.#closed) throw this.#abortError ?? formatted(new InvalidStateError(`${what} on a closed request`));
    if (this.#pending !== null) throw formatted(new InvalidStateError(`${what} while ${STEP_API[this.#pending.step]} is pending`));
    if (this.#phase !== phase) throw formatted(new InvalidStateError(`${what} is not allowed now (request is ${this.#phase})`));
  }

  // A step's failure from a callback gets its awaiting callers' frames (call-site.ts), except a body read's: those
  // run in a loop, where the extra await would be paid per chunk.
  #step(step: Step, start: () => void): Promise<unknown> {
    const settled = this.#started(step, start);
    return step === 'read' || step === 'query' || step === 'pump' ? settled : withCallerFrames(settled);
  }

  #started(step: Step, start: () => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#pending = { step, resolve, reject };
      this.#starting = true;
      try {
        start();
      } catch (error) {
        this.#pending = null;
        reject(toPublicError(error));
      } finally {
        this.#starting = false;
      }
    });
  }

  // True while a step's native call runs: a completion that arrives then came inside the call.
  #starting = false;

  // The body ended, and no call is in the way: reading on answers "end" without asking WinHTTP again.
  #bodyDone(): boolean {
    return this.#phase === 'ended' && !this.#closed && this.#pending === null;
  }

  #endOfBody(): void {
    this.#phase = 'ended';
    this.#endedAt = performance.now() - this.#openedAt;
  }

  /** @internal The policy layer read the body to its end (it knows it from Content-Length): timings() gets `end`. */
  markBodyEnd(): void {
    if (this.#phase === 'response') this.#endOfBody();
  }

  // JS thread; called by the addon for each notification (native/request_wrap.cc).
  #onStatus(status: number, value: number | Buffer | string, asyncApi: number, error: number, secureFailure: number,
    head?: [string, boolean]): void {
    if (status === STATUS.HANDLE_CLOSING) {
      this.#markHandleClosed();
      return;
    }
    if (isProgressStatus(status)) {
      const event = progressEvent(status, value)!;
      this.emit(event.type, event);
      return;
    }
    const pending = this.#pending;
    if (pending === null && this.#receivedAhead === 'out' && (status === STATUS.HEADERS_AVAILABLE ||
      (status === STATUS.REQUEST_ERROR && asyncApi === API_RECEIVE_RESPONSE))) {
      this.#receivedAhead = [status, value, asyncApi, error, secureFailure, head];
      return;
    }
    // A queued write's failure may come while no step is pending: it is kept for the next one (write()).
    if (pending === null && !(status === STATUS.REQUEST_ERROR && asyncApi === API_WRITE_DATA)) return;
    if (this.#starting && pending !== null) {
      // The step completed inside its own call (native/inline_completion.h). It settles after the caller's code that
      // follows the call, as a completion from WinHTTP's threads would: until then a second call is refused as
      // pending, and a close or an abort still wins.
      queueMicrotask(() => {
        if (this.#pending === pending) this.#complete(pending, status, value, asyncApi, error, secureFailure, head);
      });
      return;
    }
    this.#complete(pending, status, value, asyncApi, error, secureFailure, head);
  }

  #complete(pending: Pending | null, status: number, value: number | Buffer | string, asyncApi: number, error: number,
    secureFailure: number, head?: [string, boolean]): void {
    this.#pending = null;
    if (status === STATUS.REQUEST_ERROR) {
      const failure = madeInCallback(formatted(new WinHttpError(error, apiFromAsyncResult(asyncApi), {
        systemMessage: getBinding().formatMessage(error),
        secureFailureFlags: secureFailure !== 0 ? secureFailure : undefined,
        host: this.#host,
        trustedRootsNamed: this.#trustedRootsNamed,
      })));
      if (asyncApi === API_WRITE_DATA) {
        this.#writeFailure = failure;
        this.#onWriteFailure?.(failure);
        this.#onWriteFailure = undefined;
      }
      pending?.reject(failure);
    } else if (pending !== null) {
      pending.resolve(pending.step === 'exchange' || pending.step === 'receive' ? { value, head } : value);
    }
  }
}

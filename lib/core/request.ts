// Request: one WinHTTP request handle and its asynchronous steps, each a promise that settles on the matching
// completion notification: send() -> write()* -> receiveResponse() -> (queryDataAvailable() / read())* -> close().
// One step is pending at a time and steps run in the order WinHTTP allows; a misuse rejects with
// InvalidStateError before reaching WinHTTP. The body is checked against Content-Length here, because WinHTTP
// does not always report a truncated body (WINE.md; REFERENCES.md #17).
import { AbortError, InvalidStateError, ResponseTruncatedError, WinHttpError, apiFromAsyncResult, invalidArg, outOfRange } from '../errors';
import { getBinding } from '../native/binding';
import {
  ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
  STATUS,
  WINHTTP_FLAG_ESCAPE_DISABLE,
  WINHTTP_FLAG_ESCAPE_DISABLE_QUERY,
  WINHTTP_FLAG_SECURE,
  WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT,
  WINHTTP_QUERY_CUSTOM,
  WINHTTP_QUERY_RAW_HEADERS_CRLF,
  WINHTTP_QUERY_STATUS_CODE,
} from '../native/constants';
import type { NativeConnection, NativeRequest } from '../native/types';
import { findHeader, formatHeaderLines, normalizeHeaders, parseRawHeaders, type HeadersInput, type IncomingHeaders } from './headers';
import { callNative, toPublicError } from './native-call';
import { resolveTimeouts, type Timeouts } from './timeouts';
import { validateByteCount, validateSignal } from './validate';

export interface OpenRequestOptions {
  /** Per-request timeouts; unset ones come from the session. */
  timeouts?: Partial<Timeouts>;
  /** Aborting closes the request; the pending step rejects with AbortError. */
  signal?: AbortSignal;
}

export interface SendOptions {
  headers?: HeadersInput;
  /** Total body bytes that send() and write() will supply (sent as Content-Length). Default: body's length. */
  contentLength?: number;
  /** The first body bytes, sent with the request itself (saves a round trip for small bodies). */
  body?: Uint8Array;
}

export interface ResponseHead {
  status: number;
  statusText: string;
  httpVersion: string;
  /** Lower-case names; repeated headers joined with ", " except set-cookie, which is an array. */
  headers: IncomingHeaders;
  /** Names and values as received, alternating: [name, value, name, value, ...]. */
  rawHeaders: string[];
}

type Step = 'send' | 'write' | 'receive' | 'query' | 'read';
type Phase = 'opened' | 'sending' | 'sent' | 'response' | 'ended';

interface Pending {
  step: Step;
  resolve: (value: number | Buffer) => void;
  reject: (error: unknown) => void;
}

const STEP_API: Record<Step, string> = {
  send: 'WinHttpSendRequest',
  write: 'WinHttpWriteData',
  receive: 'WinHttpReceiveResponse',
  query: 'WinHttpQueryDataAvailable',
  read: 'WinHttpReadData',
};

const DEFAULT_READ_SIZE = 64 * 1024;
const MAX_READ_SIZE = 16 * 1024 * 1024;

function asBytes(chunk: unknown, name: string): Uint8Array {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw invalidArg(name, 'must be a string, Buffer, TypedArray, DataView or ArrayBuffer');
}

export class Request {
  readonly method: string;
  readonly path: string;
  /** Settles when WinHTTP reports HANDLE_CLOSING for this request (its native state is then freed). */
  readonly handleClosed: Promise<void>;
  readonly #native: NativeRequest;
  readonly #onClose: () => void;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.#abort(this.#signal?.reason);
  #markHandleClosed!: () => void;
  #pending: Pending | null = null;
  #closed = false;
  #phase: Phase = 'opened';
  #bodyRemaining = 0;
  #head: ResponseHead | undefined;
  #expectedLength: number | undefined;
  #received = 0;

  /** @internal Use Connection.openRequest(). */
  constructor(connection: NativeConnection, method: string, path: string, secure: boolean,
    sessionTimeouts: Readonly<Timeouts>, options: OpenRequestOptions, onClose: () => void) {
    if (typeof options !== 'object' || options === null) throw invalidArg('options', 'must be an object');
    const timeouts = resolveTimeouts(sessionTimeouts, options.timeouts);
    this.#signal = validateSignal(options.signal);
    this.method = method;
    this.path = path;
    this.#onClose = onClose;
    this.handleClosed = new Promise((resolve) => (this.#markHandleClosed = resolve));
    const binding = getBinding();
    // The path is validated (no unescaped characters), so WinHTTP must not escape it again (REFERENCES.md #20).
    const flags = (secure ? WINHTTP_FLAG_SECURE : 0) | WINHTTP_FLAG_ESCAPE_DISABLE | WINHTTP_FLAG_ESCAPE_DISABLE_QUERY;
    this.#native = callNative(() => new binding.Request(connection, method, path, flags,
      (status, value, asyncApi, error, secureFailure) => this.#onStatus(status, value, asyncApi, error, secureFailure)));
    try {
      callNative(() => {
        this.#native.setTimeouts(timeouts.resolve, timeouts.connect, timeouts.send, timeouts.receive);
        this.#native.setOption(WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, timeouts.receiveResponse);
      });
    } catch (error) {
      this.close();
      throw error;
    }
    if (this.#signal !== undefined) {
      if (this.#signal.aborted) this.#abort(this.#signal.reason);
      else this.#signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The response head, once receiveResponse() has resolved. */
  get response(): ResponseHead {
    if (this.#head === undefined) throw new InvalidStateError('No response yet: await receiveResponse() first');
    return this.#head;
  }

  /** WinHttpAddRequestHeaders + WinHttpSendRequest. Resolves when WinHTTP reports SENDREQUEST_COMPLETE. */
  async send(options: SendOptions = {}): Promise<void> {
    if (typeof options !== 'object' || options === null) throw invalidArg('options', 'must be an object');
    this.#expectPhase('opened', 'send()');
    const pairs = normalizeHeaders(options.headers);
    const first = options.body === undefined ? undefined : asBytes(options.body, 'body');
    const total = options.contentLength === undefined ? (first?.byteLength ?? 0)
      : validateByteCount('contentLength', options.contentLength);
    if (first !== undefined && first.byteLength > total) {
      throw outOfRange('body.byteLength', `<= contentLength (${total})`, first.byteLength);
    }
    const declared = findHeader(pairs, 'content-length');
    if (declared !== undefined && declared !== String(total)) {
      throw invalidArg('headers.content-length', `(${declared}) disagrees with the body length ${total}`, 'ERR_INVALID_ARG_VALUE');
    }
    if (findHeader(pairs, 'transfer-encoding') !== undefined) {
      throw invalidArg('headers.transfer-encoding', 'is not supported: give the body a known length (Content-Length)', 'ERR_INVALID_ARG_VALUE');
    }
    if (declared === undefined && (total > 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(this.method))) {
      pairs.push(['Content-Length', String(total)]);
    }
    if (pairs.length > 0) callNative(() => this.#native.addHeaders(formatHeaderLines(pairs)));
    this.#phase = 'sending';
    this.#bodyRemaining = total - (first?.byteLength ?? 0);
    await this.#step('send', () => this.#native.send(total, first));
    this.#phase = 'sent';
  }

  /** WinHttpWriteData: the next body bytes; resolves with the count WinHTTP wrote. */
  async write(chunk: Uint8Array | string): Promise<number> {
    this.#expectPhase('sent', 'write()');
    const bytes = asBytes(chunk, 'chunk');
    if (bytes.byteLength === 0) return 0;
    if (bytes.byteLength > this.#bodyRemaining) {
      throw outOfRange('chunk.byteLength', `<= the ${this.#bodyRemaining} body bytes still due by contentLength`, bytes.byteLength);
    }
    this.#bodyRemaining -= bytes.byteLength;
    return (await this.#step('write', () => this.#native.write(bytes))) as number;
  }

  /** WinHttpReceiveResponse, then the status and headers (WinHttpQueryHeaders). */
  async receiveResponse(): Promise<ResponseHead> {
    this.#expectPhase('sent', 'receiveResponse()');
    if (this.#bodyRemaining > 0) {
      throw new InvalidStateError(`receiveResponse() before the body was written: ${this.#bodyRemaining} bytes still due`);
    }
    await this.#step('receive', () => this.#native.receiveResponse());
    const head = this.#readHead();
    this.#head = head;
    this.#phase = 'response';
    this.#expectedLength = this.#bodyLength(head);
    return head;
  }

  /** All values of a response header, by name (WinHttpQueryHeaders with WINHTTP_QUERY_CUSTOM). */
  getHeaderValues(name: string): string[] {
    if (this.#head === undefined) throw new InvalidStateError('No response yet: await receiveResponse() first');
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
    this.#expectPhase('response', 'queryDataAvailable()');
    const available = (await this.#bodyStep('query', () => this.#native.queryDataAvailable())) as number;
    if (available === 0) this.#endOfBody();
    return available;
  }

  /** WinHttpReadData: up to maxBytes of the body, or null at its end. */
  async read(maxBytes = DEFAULT_READ_SIZE): Promise<Buffer | null> {
    this.#expectPhase('response', 'read()');
    if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_READ_SIZE) {
      throw outOfRange('maxBytes', `>= 1 && <= ${MAX_READ_SIZE}`, maxBytes);
    }
    const chunk = (await this.#bodyStep('read', () => this.#native.read(maxBytes))) as Buffer;
    if (chunk.byteLength === 0) {
      this.#endOfBody();
      return null;
    }
    this.#received += chunk.byteLength;
    return chunk;
  }

  /** Bytes of body read so far. */
  get bytesReceived(): number {
    return this.#received;
  }

  /** WinHttpCloseHandle. A pending step rejects with AbortError at once. Safe to call more than once. */
  close(): void {
    this.#closeWith(new AbortError('The request was closed'));
  }

  #abort(reason: unknown): void {
    this.#closeWith(new AbortError(undefined, { cause: reason }));
  }

  #closeWith(error: Error): void {
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
    if (this.#closed) throw new InvalidStateError(`${what} on a closed request`);
    if (this.#pending !== null) throw new InvalidStateError(`${what} while ${STEP_API[this.#pending.step]} is pending`);
    if (this.#phase !== phase) throw new InvalidStateError(`${what} is not allowed now (request is ${this.#phase})`);
  }

  #step(step: Step, start: () => void): Promise<number | Buffer> {
    return new Promise((resolve, reject) => {
      this.#pending = { step, resolve, reject };
      try {
        start();
      } catch (error) {
        this.#pending = null;
        reject(toPublicError(error));
      }
    });
  }

  // A connection dropped before Content-Length bytes arrived is a truncated body, whatever WinHTTP called it.
  async #bodyStep(step: Step, start: () => void): Promise<number | Buffer> {
    try {
      return await this.#step(step, start);
    } catch (error) {
      const expected = this.#expectedLength;
      if (error instanceof WinHttpError && error.category === 'connection' && expected !== undefined && this.#received < expected) {
        throw new ResponseTruncatedError(expected, this.#received, { cause: error });
      }
      throw error;
    }
  }

  #endOfBody(): void {
    this.#phase = 'ended';
    const expected = this.#expectedLength;
    if (expected !== undefined && this.#received < expected) throw new ResponseTruncatedError(expected, this.#received);
  }

  #readHead(): ResponseHead {
    const statusText = callNative(() => this.#native.queryHeaders(WINHTTP_QUERY_STATUS_CODE, null, 0))?.value ?? '';
    const status = Number.parseInt(statusText, 10);
    if (!(status >= 100 && status <= 999)) {
      // Seen under Wine for a garbage status line; Windows reports 12152 from WinHttpReceiveResponse itself.
      throw new WinHttpError(ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 'WinHttpReceiveResponse', {
        detail: `The response has no valid status code (WinHTTP reported ${JSON.stringify(statusText)})`,
      });
    }
    const raw = callNative(() => this.#native.queryHeaders(WINHTTP_QUERY_RAW_HEADERS_CRLF, null, 0))?.value ?? '';
    return { status, ...parseRawHeaders(raw) };
  }

  // Content-Length, where the response has a body whose length it announces (RFC 9110 §8.6).
  #bodyLength(head: ResponseHead): number | undefined {
    if (this.method === 'HEAD' || head.status < 200 || head.status === 204 || head.status === 304) return 0;
    if (head.headers['transfer-encoding'] !== undefined) return undefined;
    const value = head.headers['content-length'];
    if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
    return Number(value);
  }

  // JS thread; called by the addon for each notification (native/request_wrap.cc).
  #onStatus(status: number, value: number | Buffer, asyncApi: number, error: number, secureFailure: number): void {
    if (status === STATUS.HANDLE_CLOSING) {
      this.#markHandleClosed();
      return;
    }
    const pending = this.#pending;
    if (pending === null) return;
    this.#pending = null;
    if (status === STATUS.REQUEST_ERROR) {
      pending.reject(new WinHttpError(error, apiFromAsyncResult(asyncApi), {
        systemMessage: getBinding().formatMessage(error),
        secureFailureFlags: secureFailure !== 0 ? secureFailure : undefined,
      }));
    } else {
      pending.resolve(value);
    }
  }
}

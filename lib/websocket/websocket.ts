// WebSocket over WinHTTP, shaped as WHATWG's (readyState, send, close(code, reason), binaryType, bufferedAmount,
// protocol, extensions, on* handlers and addEventListener) plus an async iterator of messages. The upgrade is a
// request of the session (handshake.ts), so its proxy, credentials and TLS settings apply; channel.ts drives the
// upgraded handle. One WinHttpWebSocketSend is in flight at a time; the rest wait in a queue of at most
// maxBufferedAmount bytes. Received messages an iterator has not taken count in queuedAmount; past
// maxQueuedAmount no receive is issued until the slowest iterator catches up (listeners get messages at once and
// hold nothing). Once close() is called no more messages are delivered (WHATWG), so receiving goes on regardless to
// reach the server's close frame.
import { Blob } from 'node:buffer';
import { invalidArg } from '../errors';
import type { Request } from '../core/request';
import type { Session } from '../core/session';
import { defaultSession } from '../default-session';
import { Channel } from './channel';
import { BUFFER_TYPE, CLOSE_ABNORMAL, CLOSE_INVALID_PAYLOAD, CLOSE_NO_STATUS, CLOSE_NORMAL, CLOSE_TOO_BIG,
  MAX_CLOSE_REASON_BYTES } from './constants';
import { WebSocketBufferFullError, WebSocketProtocolError } from './errors';
import { WebSocketCloseEvent, WebSocketErrorEvent } from './events';
import { upgrade } from './handshake';
import { MessageQueue, type WebSocketMessage } from './message-queue';
import { checkWebSocketOptions, type CheckedOptions, type WebSocketOptions } from './options';

type BinaryType = 'blob' | 'arraybuffer';
type Handler = ((event: Event) => void) | null;
type SendData = string | ArrayBufferLike | ArrayBufferView | Blob;

interface Outgoing {
  type: number;
  bytes: Uint8Array | Promise<Uint8Array>;
  size: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class WebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  readonly url: string;
  #readyState = 0;
  #protocol = '';
  #binaryType: BinaryType = 'blob';
  #bufferedAmount = 0;
  readonly #options: CheckedOptions;
  readonly #handshake: { request?: Request } = {};
  #channel: Channel | undefined;
  readonly #queue: Outgoing[] = [];
  #sending = false;
  #idleWaiters: Array<() => void> = [];
  // close() was called while OPEN: the code and reason our close frame carries, and whether it was sent.
  #closeFrame: { code: number; reason: Uint8Array; sent: boolean } | undefined;
  #closeTimer: NodeJS.Timeout | undefined;
  readonly #handlers = new Map<string, Handler>();
  readonly #iterators = new Set<MessageQueue>();
  readonly #onAbort = () => this.terminate();

  constructor(url: string | URL, options?: string | string[] | WebSocketOptions) {
    super();
    const parsed = parseUrl(url);
    this.url = parsed.href;
    this.#options = checkWebSocketOptions(options);
    const session = this.#options.session ?? defaultSession();
    const signal = this.#options.signal;
    if (signal?.aborted) throw signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    const http = new URL(parsed.href);
    http.protocol = parsed.protocol === 'wss:' ? 'https:' : 'http:';
    void this.#connect(http, session);
  }

  get readyState(): number { return this.#readyState; }
  get protocol(): string { return this.#protocol; }
  /** WinHTTP negotiates no extensions. */
  get extensions(): string { return ''; }
  get bufferedAmount(): number { return this.#bufferedAmount; }
  /** Bytes of received messages waiting in the fullest iterator (messages(), for await); 0 without iterators. */
  get queuedAmount(): number {
    let most = 0;
    for (const queue of this.#iterators) most = Math.max(most, queue.bytes);
    return most;
  }
  get binaryType(): BinaryType { return this.#binaryType; }
  set binaryType(value: BinaryType) {
    if (value === 'blob' || value === 'arraybuffer') this.#binaryType = value;
  }

  get onopen(): Handler { return this.#handlers.get('open') ?? null; }
  set onopen(handler: Handler) { this.#setHandler('open', handler); }
  get onmessage(): Handler { return this.#handlers.get('message') ?? null; }
  set onmessage(handler: Handler) { this.#setHandler('message', handler); }
  get onclose(): Handler { return this.#handlers.get('close') ?? null; }
  set onclose(handler: Handler) { this.#setHandler('close', handler); }
  get onerror(): Handler { return this.#handlers.get('error') ?? null; }
  set onerror(handler: Handler) { this.#setHandler('error', handler); }

  send(data: SendData): void {
    if (this.#readyState === WebSocket.CONNECTING) throw new DOMException('The WebSocket is not open yet', 'InvalidStateError');
    const outgoing = toOutgoing(data);
    if (this.#readyState !== WebSocket.OPEN || this.#closeFrame !== undefined) {
      // WHATWG: after the closing handshake started, data is counted and dropped.
      this.#bufferedAmount += outgoing.size;
      return;
    }
    if (this.#bufferedAmount + outgoing.size > this.#options.maxBufferedAmount) {
      throw new WebSocketBufferFullError(this.#bufferedAmount, this.#options.maxBufferedAmount);
    }
    this.#bufferedAmount += outgoing.size;
    this.#queue.push(outgoing);
    void this.#pumpSends();
  }

  /** Resolves once everything send() queued has been handed to the server (or the WebSocket closed). */
  drained(): Promise<void> {
    if (!this.#sending && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  close(code?: number, reason?: string): void {
    if (code !== undefined && (!Number.isInteger(code) || (code !== CLOSE_NORMAL && (code < 3000 || code > 4999)))) {
      throw new DOMException(`The close code must be 1000 or 3000-4999, not ${code}`, 'InvalidAccessError');
    }
    const reasonBytes = Buffer.from(reason === undefined ? '' : String(reason), 'utf8');
    if (reasonBytes.byteLength > MAX_CLOSE_REASON_BYTES) {
      throw new DOMException(`The close reason must be at most ${MAX_CLOSE_REASON_BYTES} bytes of UTF-8`, 'SyntaxError');
    }
    if (this.#readyState === WebSocket.CLOSING || this.#readyState === WebSocket.CLOSED) return;
    if (this.#readyState === WebSocket.CONNECTING) {
      this.#fail(new Error('The WebSocket was closed before the connection was established'));
      return;
    }
    this.#readyState = WebSocket.CLOSING;
    this.#closeFrame = { code: code ?? CLOSE_NORMAL, reason: reasonBytes, sent: false };
    this.#closeTimer = setTimeout(() => this.#finish(CLOSE_ABNORMAL, '', false), this.#options.closeTimeout);
    this.#closeTimer.unref();
    if (!this.#sending) this.#sendCloseFrame();
    // Messages from now on are dropped: a paused receive loop goes on to reach the server's close frame.
    this.#channel?.resume();
  }

  /** Closes the connection at once, without the closing handshake (close event: 1006, not clean). */
  terminate(): void {
    this.#finish(CLOSE_ABNORMAL, '', false);
  }

  /** The messages from now on: text as strings, binary as Buffers. Ends at a clean close; throws the failure. */
  messages(): AsyncIterableIterator<WebSocketMessage> {
    const resumeUnlessHeld = () => {
      if (!this.#holdReceiving()) this.#channel?.resume();
    };
    const queue = new MessageQueue({
      detach: () => {
        this.#iterators.delete(queue);
        resumeUnlessHeld();
      },
      taken: resumeUnlessHeld,
    });
    if (this.#readyState === WebSocket.CLOSED) queue.end();
    else this.#iterators.add(queue);
    return queue;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<WebSocketMessage> {
    return this.messages();
  }

  #setHandler(type: string, handler: Handler): void {
    const old = this.#handlers.get(type);
    if (old) this.removeEventListener(type, old);
    if (typeof handler === 'function') {
      this.#handlers.set(type, handler);
      this.addEventListener(type, handler);
    } else {
      this.#handlers.delete(type);
    }
  }

  async #connect(url: URL, session: Session): Promise<void> {
    try {
      const upgraded = await upgrade(url, session, this.#options, this.#handshake);
      this.#handshake.request = undefined;
      if (this.#readyState !== WebSocket.CONNECTING) {
        upgraded.request.close();
        return;
      }
      this.#channel = new Channel(upgraded.request, {
        message: (data, text) => this.#onMessage(data, text),
        closeFrame: () => this.#onCloseFrame(),
        holdReceiving: () => this.#holdReceiving(),
        receiveFailed: (error) => this.#fail(error ?? new WebSocketProtocolError(
          `A message was larger than maxMessageSize (${this.#options.maxMessageSize} bytes)`, CLOSE_TOO_BIG)),
      }, this.#options.maxMessageSize);
      this.#protocol = upgraded.protocol;
      this.#channel.startReceiving();
      this.#readyState = WebSocket.OPEN;
      this.dispatchEvent(new Event('open'));
    } catch (error) {
      if (this.#readyState === WebSocket.CONNECTING) this.#fail(error as Error);
    }
  }

  // While OPEN, messages go to the iterators: receiving waits while one of them holds more than maxQueuedAmount.
  #holdReceiving(): boolean {
    return this.#readyState === WebSocket.OPEN && this.queuedAmount > this.#options.maxQueuedAmount;
  }

  async #pumpSends(): Promise<void> {
    if (this.#sending || this.#channel === undefined) return;
    this.#sending = true;
    try {
      while (this.#queue.length > 0 && this.#readyState !== WebSocket.CLOSED) {
        const next = this.#queue[0];
        await this.#channel.send(next.type, await next.bytes);
        this.#queue.shift();
        this.#bufferedAmount -= next.size;
      }
    } catch (error) {
      this.#fail(error as Error);
    } finally {
      this.#sending = false;
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
    if (this.#readyState === WebSocket.CLOSING && this.#closeFrame?.sent === false) this.#sendCloseFrame();
  }

  // Our close frame (WinHttpWebSocketShutdown), after the queued data; receiving goes on until the server's.
  #sendCloseFrame(): void {
    const frame = this.#closeFrame!;
    frame.sent = true;
    this.#channel!.shutdown(frame.code, frame.reason).catch((error: Error) => this.#fail(error));
  }

  #onMessage(data: Buffer, text: boolean): void {
    if (this.#readyState !== WebSocket.OPEN) return;
    let value: string | Buffer = data;
    if (text) {
      try {
        value = utf8.decode(data);
      } catch {
        this.#fail(new WebSocketProtocolError('A text message was not valid UTF-8', CLOSE_INVALID_PAYLOAD));
        return;
      }
    }
    for (const queue of this.#iterators) queue.push(value, data.byteLength);
    const payload = typeof value === 'string' ? value : this.#binaryType === 'arraybuffer'
      ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) : new Blob([data]);
    this.dispatchEvent(new MessageEvent('message', { data: payload, origin: new URL(this.url).origin }));
  }

  // The server's close frame: the answer to ours, or its own close, which WinHttpWebSocketClose answers.
  #onCloseFrame(): void {
    const status = this.#channel!.closeStatus();
    const code = status?.code ?? CLOSE_NO_STATUS;
    const reason = status === null ? '' : status.reason.toString('utf8');
    if (this.#closeFrame !== undefined) {
      this.#finish(code, reason, true);
      return;
    }
    this.#readyState = WebSocket.CLOSING;
    this.#bufferedAmount -= this.#queue.splice(0).reduce((sum, dropped) => sum + dropped.size, 0);
    void this.drained()
      .then(() => this.#channel!.close(code === CLOSE_NO_STATUS ? CLOSE_NORMAL : code, Buffer.alloc(0)))
      .then(() => this.#finish(code, reason, true), () => this.#finish(code, reason, false));
  }

  // WHATWG "fail the WebSocket connection": error, then close 1006.
  #fail(error: Error): void {
    if (this.#readyState === WebSocket.CLOSED) return;
    this.#finish(CLOSE_ABNORMAL, '', false, error);
  }

  #finish(code: number, reason: string, wasClean: boolean, error?: Error): void {
    if (this.#readyState === WebSocket.CLOSED) return;
    this.#readyState = WebSocket.CLOSED;
    clearTimeout(this.#closeTimer);
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    this.#handshake.request?.close();
    this.#channel?.abort(error ?? new Error('The WebSocket was closed'));
    for (const queue of this.#iterators) queue.end(wasClean ? undefined : error);
    this.#iterators.clear();
    if (error !== undefined) this.dispatchEvent(new WebSocketErrorEvent(error));
    this.dispatchEvent(new WebSocketCloseEvent(code, reason, wasClean));
  }
}

function parseUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new DOMException(`Invalid URL: ${String(input)}`, 'SyntaxError');
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new DOMException(`The URL's scheme must be ws or wss, not ${url.protocol}`, 'SyntaxError');
  }
  if (url.hash !== '') throw new DOMException('The URL must not have a fragment', 'SyntaxError');
  return url;
}

function toOutgoing(data: SendData): Outgoing {
  if (typeof data === 'string') {
    const bytes = Buffer.from(data, 'utf8');
    return { type: BUFFER_TYPE.UTF8_MESSAGE, bytes, size: bytes.byteLength };
  }
  if (data instanceof Blob) {
    return { type: BUFFER_TYPE.BINARY_MESSAGE, bytes: data.arrayBuffer().then((b) => new Uint8Array(b)), size: data.size };
  }
  // A copy: the caller may change its buffer once send() returns.
  if (ArrayBuffer.isView(data)) {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    return { type: BUFFER_TYPE.BINARY_MESSAGE, bytes, size: bytes.byteLength };
  }
  if (data instanceof ArrayBuffer || data instanceof SharedArrayBuffer) {
    const bytes = new Uint8Array(data).slice();
    return { type: BUFFER_TYPE.BINARY_MESSAGE, bytes, size: bytes.byteLength };
  }
  throw invalidArg('data', 'must be a string, an ArrayBuffer, a TypedArray, a DataView or a Blob');
}

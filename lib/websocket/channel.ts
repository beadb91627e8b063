// The WinHTTP calls of one upgraded WebSocket handle as promises, and the receive loop: one WinHttpWebSocketReceive
// pending at a time, fragments (BINARY/UTF8_FRAGMENT buffer types, and messages larger than the receive buffer)
// gathered until the message's last piece. The loop pauses when the listener says so (holdReceiving) and goes on
// at resume(). Knows nothing of WHATWG; websocket.ts decides what happens.
import { WinHttpError } from '../errors';
import { formatted } from '../core/formatted';
import { callNative } from '../core/native-call';
import type { Request } from '../core/request';
import { getBinding } from '../native/binding';
import { STATUS } from '../native/constants';
import type { NativeWebSocket } from '../native/types';
import { BUFFER_TYPE, CLOSE_COMPLETE, OPERATION_API, SHUTDOWN_COMPLETE } from './constants';

const RECEIVE_SIZE = 64 * 1024;

export interface ChannelListener {
  message(data: Buffer, text: boolean): void;
  /** The server's close frame arrived (read it with closeStatus()); receiving has stopped. */
  closeFrame(): void;
  /** A receive failed, or a message grew past maxMessageSize (`tooBig`); receiving has stopped. */
  receiveFailed(error: WinHttpError | undefined, tooBig: boolean): void;
  /** Asked after each completed receive: true leaves the next WinHttpWebSocketReceive to resume(). */
  holdReceiving(): boolean;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

export class Channel {
  /** Settles when WinHTTP reports HANDLE_CLOSING (the native state is then freed). */
  readonly handleClosed: Promise<void>;
  readonly #native: NativeWebSocket;
  readonly #listener: ChannelListener;
  readonly #maxMessageSize: number;
  #markHandleClosed!: () => void;
  #sending: Waiter | null = null;
  #closing: Waiter | null = null;
  #fragments: Buffer[] = [];
  #fragmentBytes = 0;
  #aborted = false;
  // No receive is pending because holdReceiving() said so; resume() issues the next.
  #paused = false;

  /** WinHttpWebSocketCompleteUpgrade on `request` (after its 101), which is then closed. */
  constructor(request: Request, listener: ChannelListener, maxMessageSize: number) {
    this.#listener = listener;
    this.#maxMessageSize = maxMessageSize;
    this.handleClosed = new Promise((resolve) => (this.#markHandleClosed = resolve));
    try {
      this.#native = callNative(() => new (getBinding().WebSocket)(request.native,
        (status, value, bufferType, operation, error) => this.#onStatus(status, value, bufferType, operation, error)));
    } finally {
      // The WebSocket handle does not need the request's (WinHttpWebSocketCompleteUpgrade reference).
      request.close();
    }
  }

  /** WinHttpWebSocketSend; resolves at WRITE_COMPLETE. One at a time (websocket.ts queues). */
  send(bufferType: number, bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      callNative(() => this.#native.send(bufferType, bytes));
      this.#sending = { resolve, reject };
    });
  }

  startReceiving(): void {
    callNative(() => this.#native.receive(RECEIVE_SIZE));
  }

  /** After a pause: the next WinHttpWebSocketReceive (a failure reaches receiveFailed). Otherwise nothing. */
  resume(): void {
    if (!this.#paused || this.#aborted) return;
    this.#paused = false;
    this.#receiveNext();
  }

  /** WinHttpWebSocketShutdown: our close frame; receiving goes on until the server's. */
  shutdown(code: number, reason: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      const follows = callNative(() => this.#native.shutdown(code, reason));
      if (follows) this.#closing = { resolve, reject };
      else resolve();
    });
  }

  /** WinHttpWebSocketClose: after the server's close frame, our answer to it. */
  close(code: number, reason: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      callNative(() => this.#native.close(code, reason));
      this.#closing = { resolve, reject };
    });
  }

  closeStatus(): { code: number; reason: Buffer } | null {
    return callNative(() => this.#native.queryCloseStatus());
  }

  /** WinHttpCloseHandle: pending calls reject with `error`. */
  abort(error: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#native.abort();
    this.#settle('sending', error);
    this.#settle('closing', error);
  }

  #settle(which: 'sending' | 'closing', error?: Error): void {
    const waiter = which === 'sending' ? this.#sending : this.#closing;
    if (which === 'sending') this.#sending = null;
    else this.#closing = null;
    if (error === undefined) waiter?.resolve();
    else waiter?.reject(error);
  }

  #onStatus(status: number, value: number | Buffer, bufferType: number, operation: number, error: number): void {
    switch (status) {
      case STATUS.WRITE_COMPLETE: return this.#settle('sending');
      case CLOSE_COMPLETE:
      case SHUTDOWN_COMPLETE: return this.#settle('closing');
      case STATUS.READ_COMPLETE: return this.#received(value as Buffer, bufferType);
      case STATUS.HANDLE_CLOSING: return this.#markHandleClosed();
      case STATUS.REQUEST_ERROR: {
        const failure = formatted(new WinHttpError(error, OPERATION_API[operation] ?? `WebSocket operation ${operation}`));
        if (operation === 0) return this.#settle('sending', failure);
        if (operation === 1) return this.#listener.receiveFailed(failure, false);
        return this.#settle('closing', failure);
      }
      default:
    }
  }

  #received(bytes: Buffer, bufferType: number): void {
    if (bufferType === BUFFER_TYPE.CLOSE) return this.#listener.closeFrame();
    this.#fragmentBytes += bytes.byteLength;
    if (this.#fragmentBytes > this.#maxMessageSize) {
      this.#fragments = [];
      return this.#listener.receiveFailed(undefined, true);
    }
    if (bytes.byteLength > 0) this.#fragments.push(bytes);
    if (bufferType === BUFFER_TYPE.BINARY_MESSAGE || bufferType === BUFFER_TYPE.UTF8_MESSAGE) {
      const message = this.#fragments.length === 1 ? this.#fragments[0] : Buffer.concat(this.#fragments);
      this.#fragments = [];
      this.#fragmentBytes = 0;
      this.#listener.message(message, bufferType === BUFFER_TYPE.UTF8_MESSAGE);
    }
    if (this.#aborted) return;
    if (this.#listener.holdReceiving()) {
      this.#paused = true;
      return;
    }
    this.#receiveNext();
  }

  #receiveNext(): void {
    try {
      this.startReceiving();
    } catch (error) {
      // Called from the addon's callback or a consumer's next(): a throw here would reach neither usefully.
      this.#listener.receiveFailed(error as WinHttpError, false);
    }
  }
}

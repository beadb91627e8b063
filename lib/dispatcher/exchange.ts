// One undici dispatch over WinHTTP: request() with redirect 'manual' and no decoding (the caller, e.g. Node's fetch,
// follows redirects and decodes itself), the raw head handed to the handler, then the body as it comes, paused while
// the handler asks (the Readable stops pulling from WinHTTP once its buffer is full). An abort from the handler
// aborts request()'s signal, which closes the WinHTTP request at whatever stage it is.
import type { Readable } from 'node:stream';
import { abortErrorFor } from '../core/abort';
import { request } from '../request';
import type { WinHttpFetchOptions } from '../fetch/winhttp-options';
import { exchangeRequest, type UndiciDispatchOptions } from './dispatch-options';
import { callbacksFor, type Callbacks, type ExchangeControl } from './handler';

export class Exchange implements ExchangeControl {
  readonly #abort = new AbortController();
  readonly #callbacks: Callbacks;
  readonly #onEnd: () => void;
  #settled = false;
  #paused = false;
  #body: Readable | undefined;

  constructor(handler: Record<string, unknown>, onEnd: () => void) {
    this.#callbacks = callbacksFor(handler, this);
    this.#onEnd = onEnd;
  }

  get aborted(): boolean {
    return this.#abort.signal.aborted;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get reason(): unknown {
    return this.#abort.signal.reason;
  }

  abort(reason?: unknown): void {
    if (this.#settled) return;
    const error = reason ?? abortErrorFor(undefined, 'WinHttpCloseHandle');
    this.#abort.abort(error);
    this.#fail(error);
  }

  pause(): void {
    this.#paused = true;
    this.#body?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#body?.resume();
  }

  /** Fails at once with `error` (a closed dispatcher). */
  refuse(error: Error): void {
    this.#step(() => this.#callbacks.start());
    this.#fail(error);
  }

  async run(opts: UndiciDispatchOptions, options: WinHttpFetchOptions): Promise<void> {
    this.#step(() => this.#callbacks.start());
    if (this.#settled) return;
    try {
      const { url, options: exchange } = await exchangeRequest(opts);
      const res = await request(url, { ...options, ...exchange, signal: this.#abort.signal });
      const body = res.body;
      if (this.#settled) {
        body.destroy();
        return;
      }
      this.#body = body;
      body.on('error', (error) => this.#fail(error));
      if (!this.#step(() => this.#callbacks.headers(res.status, res.rawHeaders, res.statusText))) this.pause();
      if (this.#settled) return void body.destroy();
      body.on('data', (chunk: Buffer) => {
        if (!this.#settled && !this.#step(() => this.#callbacks.data(chunk))) this.pause();
      });
      body.on('end', () => {
        if (this.#settled) return;
        this.#settled = true;
        this.#step(() => this.#callbacks.complete());
        this.#onEnd();
      });
      if (this.#paused) body.pause();
    } catch (error) {
      this.#fail(error);
    }
  }

  // Runs a handler callback; one that throws aborts the exchange with its error (as undici does). Returns its result.
  #step(callback: () => boolean | void): boolean {
    try {
      return callback() !== false;
    } catch (error) {
      this.abort(error);
      return true;
    }
  }

  #fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#body?.destroy();
    try {
      this.#callbacks.error(error);
    } finally {
      this.#onEnd();
    }
  }
}

// What request() resolves with: the response head and a Readable body that pulls from WinHTTP only as the consumer
// reads (one readAvailable() per _read: the addon gathers up to 256 KiB of what has arrived), so a slow consumer
// slows the download.
import { Readable } from 'node:stream';
import { abortErrorFor } from './core/abort';
import { invalidArg } from './errors';
import { validateInterval } from './progress/interval';
import type { Request, ResponseHead } from './core/request';
import type { PeerCertificate } from './tls/certificate';
import type { CheckedBody } from './policy/body-length';
import type { IncomingHeaders } from './core/headers';
import type { RequestTimings } from './core/timings';
import { ProgressMeter, type Progress } from './progress/meter';

const MAX_CHUNK = 256 * 1024;
const ignore = () => {};

/** What a body emits as 'progress' after each chunk WinHTTP handed over (encoded bytes, as Content-Length counts). */
export interface BodyBytes {
  received: number;
  total: number | undefined;
}

/** The body as WinHTTP hands it over (still encoded), checked against Content-Length. */
export class ResponseBody extends Readable {
  readonly #source: CheckedBody;
  readonly #release: () => void;
  #received = 0;
  // The stream's own machinery has pulled (_read ran): its iterator must be the one to go on.
  #touched = false;

  /** @internal */
  constructor(source: CheckedBody, request: Request, release: () => void, signal: AbortSignal | undefined) {
    super({ highWaterMark: MAX_CHUNK });
    this.#source = source;
    this.#release = release;
    if (signal !== undefined) {
      const onAbort = () => this.destroy(request.abortError ?? abortErrorFor(signal.reason, 'WinHttpCloseHandle'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.once('close', () => signal.removeEventListener('abort', onAbort));
    }
  }

  override _read(): void {
    this.#touched = true;
    this.#pull().then(
      (chunk) => this.push(chunk),
      (error: unknown) => this.destroy(error as Error),
    );
  }

  async #pull(): Promise<Buffer | null> {
    return this.#took(await this.#source.next(MAX_CHUNK));
  }

  // A chunk (or the end) taken from the source: counted, and told to a progress listener.
  #took(chunk: Buffer | null): Buffer | null {
    if (chunk === null) this.#release();
    else {
      this.#received += chunk.byteLength;
      // Per chunk, on the read path: build the event only for a listener (onProgress, download()).
      if (this.listenerCount('progress') > 0) {
        this.emit('progress', { received: this.#received, total: this.#source.expected } satisfies BodyBytes);
      }
    }
    return chunk;
  }

  /**
   * `for await` over a body nothing has read yet (no 'data' or 'readable' listener, not paused): the chunks straight
   * from WinHTTP, without the stream's buffer, its iterator's events and a promise per turn of each (bench/README.md,
   * finding 3k). It ends, fails and destroys the stream as Readable's own iterator does; otherwise that one is used.
   */
  override [Symbol.asyncIterator](): AsyncIterableIterator<Buffer> {
    if (this.#touched || this.destroyed || this.readableFlowing !== null || this.listenerCount('data') > 0 ||
      this.listenerCount('readable') > 0) {
      return super[Symbol.asyncIterator]();
    }
    this.#touched = true;
    // Its errors reach the loop (as with Readable's iterator, whose listener this replaces), not 'error' unheard.
    this.on('error', ignore);
    let finished = false;
    const settle = (result: Promise<IteratorResult<Buffer, undefined>>) => result.then((outcome) => {
      finished = outcome.done === true;
      return outcome;
    }, (error: unknown) => {
      finished = true;
      throw error;
    });
    return {
      next: () => {
        if (finished) return Promise.resolve({ value: undefined, done: true });
        // What is known without waiting (a chunk read with the head, the end Content-Length marks) skips the pull.
        const ready = this.destroyed ? undefined : this.#source.nextReady(MAX_CHUNK);
        if (ready === undefined) return settle(this.#nextDirect());
        let took: Buffer | null;
        try {
          took = this.#took(ready);
        } catch (error) {
          // A progress listener threw: as from a pull, the body fails with it.
          this.destroy(error as Error);
          return settle(Promise.resolve().then(() => this.#destroyedOutcome()));
        }
        return took !== null ? Promise.resolve({ value: took, done: false }) : settle(this.#endDirect());
      },
      // A loop left early (break, throw) destroys the body, which closes its request.
      return: async () => {
        finished = true;
        if (!this.destroyed) this.destroy();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  async #nextDirect(): Promise<IteratorResult<Buffer, undefined>> {
    let chunk: Buffer | null = null;
    if (!this.destroyed) {
      try {
        chunk = await this.#pull();
      } catch (error) {
        // A destroy() while the pull was out closed the request, which failed the pull: the destroy decides.
        if (!this.destroyed) this.destroy(error as Error);
        return this.#destroyedOutcome();
      }
    }
    if (this.destroyed) return this.#destroyedOutcome();
    if (chunk !== null) return { value: chunk, done: false };
    return this.#endDirect();
  }

  // The end, as a stream that ran out: 'end' (a progress meter's last call) comes before the loop is left.
  async #endDirect(): Promise<IteratorResult<Buffer, undefined>> {
    this.push(null);
    this.read(0);
    if (!this.readableEnded) {
      // read(0) queued the tick that emits 'end' (unless the stream is destroyed first); ticks run in order.
      await new Promise((resolve) => process.nextTick(resolve));
      return this.#destroyedOutcome();
    }
    return { value: undefined, done: true };
  }

  // Destroyed before, or while, a pull was out (an abort, destroy()): what Readable's own iterator reports then.
  #destroyedOutcome(): IteratorResult<Buffer, undefined> {
    if (this.errored !== null) throw this.errored;
    if (this.readableEnded) return { value: undefined, done: true };
    throw Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#release();
    callback(error);
  }
}

export class Response implements ResponseHead {
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  readonly httpVersion: string;
  readonly headers: IncomingHeaders;
  readonly rawHeaders: string[];
  /** The body, decoded where decompress: true asked for it (a ResponseBody when nothing is decoded). */
  readonly body: Readable;
  /** The absolute URLs redirected to, in order (empty without redirects); `url` is the last. */
  readonly redirects: readonly string[];
  readonly #request: Request;

  /** @internal */
  constructor(url: string, redirects: readonly string[], head: ResponseHead, request: Request, body: Readable) {
    this.#request = request;
    this.redirects = redirects;
    this.url = url;
    this.status = head.status;
    this.statusText = head.statusText;
    this.httpVersion = head.httpVersion;
    this.headers = head.headers;
    this.rawHeaders = head.rawHeaders;
    this.body = body;
  }

  /** Resolve, connect, TLS, wait and download times of the last hop; `end` and `download` once the body was read. */
  get timings(): RequestTimings {
    return this.#request.timings();
  }

  /** https: the certificate the server presented, in the shape of Node's getPeerCertificate(true) (lib/tls/certificate.ts). */
  serverCertificate(): PeerCertificate {
    return this.#request.serverCertificate();
  }

  /**
   * Calls `listener` as the body is read with the bytes received so far (before any decoding) of the total
   * Content-Length announced, the rate and time left: at most once per `intervalMs` (default 100), and once more
   * with `done: true` when the body has ended.
   */
  onProgress(listener: (progress: Progress) => void, options: { intervalMs?: number } = {}): this {
    if (typeof listener !== 'function') throw invalidArg('listener', 'must be a function');
    const meter = new ProgressMeter(listener, { intervalMs: validateInterval(options.intervalMs) });
    let counted: number | undefined;
    this.body.on('progress', ({ received, total }: BodyBytes) => {
      if (counted === undefined) meter.start(0, total);
      meter.add(received - (counted ?? 0));
      counted = received;
    });
    this.body.once('end', () => meter.finish());
    return this;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** The whole body in one Buffer. */
  async buffer(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async text(): Promise<string> {
    return (await this.buffer()).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

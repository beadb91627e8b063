// What request() resolves with: the response head and a Readable body that pulls from WinHTTP only as the consumer
// reads (one WinHttpQueryDataAvailable + WinHttpReadData per _read), so a slow consumer slows the download.
import { Readable } from 'node:stream';
import { abortErrorFor } from './core/abort';
import type { Request, ResponseHead } from './core/request';
import type { IncomingHeaders } from './core/headers';
import type { RequestTimings } from './core/timings';

const MAX_CHUNK = 256 * 1024;

export class ResponseBody extends Readable {
  readonly #request: Request;
  readonly #release: () => void;

  constructor(request: Request, release: () => void, signal: AbortSignal | undefined) {
    super({ highWaterMark: MAX_CHUNK });
    this.#request = request;
    this.#release = release;
    if (signal !== undefined) {
      const onAbort = () => this.destroy(request.abortError ?? abortErrorFor(signal.reason, 'WinHttpCloseHandle'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.once('close', () => signal.removeEventListener('abort', onAbort));
    }
  }

  override _read(): void {
    this.#pull().then(
      (chunk) => this.push(chunk),
      (error: unknown) => this.destroy(error as Error),
    );
  }

  async #pull(): Promise<Buffer | null> {
    const available = await this.#request.queryDataAvailable();
    if (available === 0) {
      this.#release();
      return null;
    }
    const chunk = await this.#request.read(Math.min(available, MAX_CHUNK));
    if (chunk === null) this.#release();
    return chunk;
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
  readonly body: ResponseBody;
  /** URLs WinHTTP followed to get here, in order (empty without redirects). */
  readonly redirects: readonly string[];
  readonly #request: Request;

  /** @internal */
  constructor(url: string, head: ResponseHead, request: Request, body: ResponseBody) {
    this.#request = request;
    this.redirects = request.redirects;
    this.url = request.redirects.at(-1) ?? url;
    this.status = head.status;
    this.statusText = head.statusText;
    this.httpVersion = head.httpVersion;
    this.headers = head.headers;
    this.rawHeaders = head.rawHeaders;
    this.body = body;
  }

  /** Resolve, connect, TLS, wait and download times; `end` and `download` appear once the body was read. */
  get timings(): RequestTimings {
    return this.#request.timings();
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

// The Content-Length check. WinHTTP does not always report a body cut short (Wine ends it cleanly: docs/wine.md),
// so the policy layer counts the bytes as they come from WinHTTP, before any decoding: Content-Length counts
// the encoded bytes. A body that announced its length also ends with its last byte, without one more WinHTTP round
// trip to learn it (one of about twenty crossings per small request; bench/README.md, finding 3).
import { ResponseTruncatedError, WinHttpError } from '../errors';
import { formatted } from '../core/formatted';
import type { Request, ResponseHead } from '../core/request';
import { announcedLength } from '../core/response-head';

/** The raw body of a request whose head has arrived, read with readAvailable() (the addon's body pump). */
export class CheckedBody {
  readonly #request: Request;
  readonly #expected: number | undefined;
  readonly #readAhead: boolean;
  #received = 0;

  /** `readAhead`: the addon fills a second buffer while the caller handles a chunk (same maxBytes every call). */
  constructor(request: Request, method: string, head: ResponseHead, readAhead = false) {
    this.#request = request;
    this.#expected = announcedLength(method, head);
    this.#readAhead = readAhead;
  }

  /** Content-Length of the body, where the response announced one. */
  get expected(): number | undefined {
    return this.#expected;
  }

  /**
   * next()'s answer where it is known without waiting: a chunk read with the head, or null once Content-Length bytes
   * have come; undefined when only next() can tell. No promise: a small body is read in two calls of this.
   */
  nextReady(maxBytes: number): Buffer | null | undefined {
    if (this.#expected !== undefined && this.#received >= this.#expected) {
      this.#request.markBodyEnd();
      return null;
    }
    const chunk = this.#request.takeReady(maxBytes);
    if (chunk !== undefined) this.#received += chunk.byteLength;
    return chunk;
  }

  /** The next bytes (at most `maxBytes`), or null at the end. Rejects with ResponseTruncatedError when short. */
  async next(maxBytes: number): Promise<Buffer | null> {
    if (this.#expected !== undefined && this.#received >= this.#expected) {
      this.#request.markBodyEnd();
      return null;
    }
    try {
      const chunk = this.#readAhead ? await this.#request.readAhead(maxBytes) : await this.#request.readAvailable(maxBytes);
      if (chunk === null) {
        this.#checkComplete(undefined);
        return null;
      }
      this.#received += chunk.byteLength;
      return chunk;
    } catch (error) {
      // A connection dropped before Content-Length bytes arrived is a truncated body, whatever WinHTTP called it.
      if (error instanceof WinHttpError && error.category === 'connection') this.#checkComplete(error);
      throw error;
    }
  }

  #checkComplete(cause: Error | undefined): void {
    const expected = this.#expected;
    if (expected !== undefined && this.#received < expected) {
      throw formatted(new ResponseTruncatedError(expected, this.#received, cause === undefined ? undefined : { cause }));
    }
  }
}

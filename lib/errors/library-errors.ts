// The library's own errors, raised by the TypeScript layer rather than by WinHTTP: abort, truncated response body,
// API misuse, unsupported platform, and Node-style argument validation errors. Every class has a stable `code`
// and an `instanceof` that holds across package copies and realms (see ./brand).

import { inspect } from 'node:util';
import { hasBrand, setBrand } from './brand';

export interface ErrorCauseOptions {
  cause?: unknown;
}

const ABORT_BRAND = Symbol.for('winhttp.AbortError');
const TRUNCATED_BRAND = Symbol.for('winhttp.ResponseTruncatedError');
const INVALID_STATE_BRAND = Symbol.for('winhttp.InvalidStateError');
const UNSUPPORTED_PLATFORM_BRAND = Symbol.for('winhttp.UnsupportedPlatformError');
const DEADLINE_BRAND = Symbol.for('winhttp.DeadlineError');
const REDIRECT_BRAND = Symbol.for('winhttp.RedirectError');

/** A request aborted through its AbortSignal; same name, code and default message as Node's own AbortError. */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'ABORT_ERR';
  /** The AbortSignal's reason, when a signal aborted (undefined for close()). */
  readonly reason: unknown;

  constructor(message = 'The operation was aborted', options?: ErrorCauseOptions & { reason?: unknown }) {
    super(message, options === undefined || !('cause' in options) ? undefined : { cause: options.cause });
    setBrand(this, ABORT_BRAND);
    this.reason = options?.reason;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, AbortError, ABORT_BRAND, value);
  }
}

/** The response body ended before the number of bytes its Content-Length announced. */
export class ResponseTruncatedError extends Error {
  override readonly name = 'ResponseTruncatedError';
  readonly code = 'ERR_WINHTTP_BODY_TRUNCATED';
  /** Content-Length of the response. */
  readonly expected: number;
  /** Bytes actually received. */
  readonly received: number;

  constructor(expected: number, received: number, options?: ErrorCauseOptions) {
    super(`Response body truncated: received ${received} of ${expected} bytes announced by Content-Length`, options);
    setBrand(this, TRUNCATED_BRAND);
    this.expected = expected;
    this.received = received;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, ResponseTruncatedError, TRUNCATED_BRAND, value);
  }
}

/** API misuse: e.g. a second read while one is pending, or an operation on a closed handle. */
export class InvalidStateError extends Error {
  override readonly name = 'InvalidStateError';
  readonly code = 'ERR_WINHTTP_INVALID_STATE';

  constructor(message: string, options?: ErrorCauseOptions) {
    super(message, options);
    setBrand(this, INVALID_STATE_BRAND);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, InvalidStateError, INVALID_STATE_BRAND, value);
  }
}

/** The package was loaded on a platform without WinHTTP. */
export class UnsupportedPlatformError extends Error {
  override readonly name = 'UnsupportedPlatformError';
  readonly code = 'ERR_WINHTTP_UNSUPPORTED_PLATFORM';
  readonly platform: string;

  constructor(platform: string = process.platform) {
    super(`winhttp needs Windows: WinHTTP is not available on ${platform}`);
    setBrand(this, UNSUPPORTED_PLATFORM_BRAND);
    this.platform = platform;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, UnsupportedPlatformError, UNSUPPORTED_PLATFORM_BRAND, value);
  }
}

export type InvalidArgCode = 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE';

/**
 * A Node-style TypeError for a bad argument: `The "<name>" argument <message>` ("property" instead of "argument"
 * for dotted names such as 'options.timeout'), e.g. invalidArg('timeout', 'must be of type number. Received "5"').
 */
export function invalidArg(
  name: string,
  message: string,
  code: InvalidArgCode = 'ERR_INVALID_ARG_TYPE',
): TypeError & { code: InvalidArgCode } {
  const kind = name.includes('.') ? 'property' : 'argument';
  const error = Object.assign(new TypeError(`The "${name}" ${kind} ${message}`), { code });
  Error.captureStackTrace(error, invalidArg);
  return error;
}

/** A Node-style RangeError: `The value of "<name>" is out of range. It must be <range>. Received <received>`. */
export function outOfRange(name: string, range: string, received: unknown): RangeError & { code: 'ERR_OUT_OF_RANGE' } {
  const message = `The value of "${name}" is out of range. It must be ${range}. Received ${inspect(received)}`;
  const error = Object.assign(new RangeError(message), { code: 'ERR_OUT_OF_RANGE' as const });
  Error.captureStackTrace(error, outOfRange);
  return error;
}

/** The request's overall deadline passed (request()'s `deadline` option); the request was closed. */
export class DeadlineError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'ERR_WINHTTP_DEADLINE_EXCEEDED';
  readonly category = 'timeout';
  readonly deadline: number;

  constructor(deadline: number) {
    super(`The request did not complete within its deadline of ${deadline} ms`);
    setBrand(this, DEADLINE_BRAND);
    this.deadline = deadline;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, DeadlineError, DEADLINE_BRAND, value);
  }
}

/** A 3xx answer to a request made with `redirect: 'error'`. */
export class RedirectError extends Error {
  override readonly name = 'RedirectError';
  readonly code = 'ERR_WINHTTP_UNEXPECTED_REDIRECT';
  readonly status: number;
  readonly location: string | undefined;

  constructor(status: number, location: string | undefined) {
    super(`The server answered ${status}${location ? ` with Location ${location}` : ''}, and redirect is 'error'`);
    setBrand(this, REDIRECT_BRAND);
    this.status = status;
    this.location = location;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, RedirectError, REDIRECT_BRAND, value);
  }
}

const TOO_MANY_REDIRECTS_BRAND = Symbol.for('winhttp.TooManyRedirectsError');
const REDIRECT_LOOP_BRAND = Symbol.for('winhttp.RedirectLoopError');
const REDIRECT_BODY_BRAND = Symbol.for('winhttp.RedirectBodyError');
const DECODING_BRAND = Symbol.for('winhttp.ContentDecodingError');

/** One more redirect than `maxRedirects` allows. `redirects` lists the ones followed, then the refused target. */
export class TooManyRedirectsError extends Error {
  override readonly name = 'TooManyRedirectsError';
  readonly code = 'ERR_WINHTTP_TOO_MANY_REDIRECTS';
  readonly maxRedirects: number;
  readonly redirects: readonly string[];

  constructor(maxRedirects: number, redirects: readonly string[]) {
    super(`More than ${maxRedirects} redirect${maxRedirects === 1 ? '' : 's'}: ${redirects.join(' -> ')}`);
    setBrand(this, TOO_MANY_REDIRECTS_BRAND);
    this.maxRedirects = maxRedirects;
    this.redirects = redirects;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, TooManyRedirectsError, TOO_MANY_REDIRECTS_BRAND, value);
  }
}

/** A redirect back to a URL already requested with the same method: `chain` is every URL, the repeated one last. */
export class RedirectLoopError extends Error {
  override readonly name = 'RedirectLoopError';
  readonly code = 'ERR_WINHTTP_REDIRECT_LOOP';
  readonly chain: readonly string[];

  constructor(chain: readonly string[]) {
    super(`Redirect loop: ${chain.join(' -> ')}`);
    setBrand(this, REDIRECT_LOOP_BRAND);
    this.chain = chain;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, RedirectLoopError, REDIRECT_LOOP_BRAND, value);
  }
}

/** A 307/308 asks for the request body again, and it was a stream that cannot be sent twice. */
export class RedirectBodyError extends Error {
  override readonly name = 'RedirectBodyError';
  readonly code = 'ERR_WINHTTP_REDIRECT_BODY_NOT_REPLAYABLE';
  readonly status: number;
  readonly location: string;

  constructor(status: number, location: string) {
    super(`The server answered ${status} with Location ${location}, which needs the request body sent again, but the ` +
      "body was a stream and cannot be replayed: give it as bytes, or use redirect: 'manual' to get the 3xx");
    setBrand(this, REDIRECT_BODY_BRAND);
    this.status = status;
    this.location = location;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, RedirectBodyError, REDIRECT_BODY_BRAND, value);
  }
}

/** A response body that `decompress: true` could not decode: corrupt data, or a content-coding it does not know. */
export class ContentDecodingError extends Error {
  override readonly name = 'ContentDecodingError';
  readonly code = 'ERR_WINHTTP_CONTENT_DECODING';
  /** The Content-Encoding of the response, as received. */
  readonly encoding: string;

  constructor(encoding: string, message: string, options?: ErrorCauseOptions) {
    super(message, options);
    setBrand(this, DECODING_BRAND);
    this.encoding = encoding;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, ContentDecodingError, DECODING_BRAND, value);
  }
}

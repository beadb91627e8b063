// download()'s options, checked once before anything is opened: its own (progress, checksum, resume, retries) and
// request()'s, minus what a download decides itself (method, body, decoding, Range).
import { invalidArg, outOfRange } from '../errors';
import { findHeader, normalizeHeaders, type HeaderPairs } from '../core/headers';
import { validateSignal } from '../core/validate';
import { refuseUnknownOptions } from '../policy/options';
import { REQUEST_KEYS, type RequestOptions } from '../request';
import type { Progress } from '../progress/meter';
import { validateInterval } from '../progress/interval';
import { DEFAULT_BACKOFF, DEFAULT_RETRIES, realClock, type BackoffOptions, type RetryClock } from './retry';

export interface RetryInfo {
  /** 1 for the first retry after a failure (the count restarts once an attempt adds bytes to the file). */
  retry: number;
  /** The number of the attempt about to be made (2 for the first retry). */
  attempt: number;
  /** How long download() waits before it (Retry-After, or the backoff). */
  delayMs: number;
  /** Why: the failure of the attempt before. */
  error: Error;
}

export interface DownloadOptions extends Omit<RequestOptions, 'method' | 'body' | 'contentLength' | 'decompress'> {
  /** Progress of the file (a resumed prefix counts): at most once per `progressInterval` ms, and once at the end. */
  onProgress?: (progress: Progress) => void;
  /** Milliseconds between progress reports, 100 or more (default 100). */
  progressInterval?: number;
  /** The SHA-256 the file must have (64 hex digits); otherwise nothing is kept and ChecksumMismatchError says so. */
  sha256?: string;
  /**
   * Default true: pick up the partial file an earlier call (or killed process) left for this URL and path, and leave
   * a resumable one when this call fails or is aborted. false: always start over and leave nothing behind.
   */
  resume?: boolean;
  /** Retries after transient failures in a row (default 5); an attempt that adds bytes to the file resets the count. */
  retries?: number;
  /** The wait before retry n: min(maxMs, initialMs * 2^(n-1)), of which a random half (default 500 ms, 30 s). */
  backoff?: BackoffOptions;
  /** Told before each retry (what failed, how long the wait is). */
  onRetry?: (info: RetryInfo) => void;
  /** For tests and custom schedulers: the clock the waits and progress use, and the jitter source (default Math.random). */
  clock?: RetryClock;
  random?: () => number;
}

export const DOWNLOAD_KEYS = ['onProgress', 'progressInterval', 'sha256', 'resume', 'retries', 'backoff', 'onRetry',
  'clock', 'random'];
const REQUEST_PASSED = REQUEST_KEYS.filter((key) => !['method', 'body', 'contentLength', 'decompress'].includes(key));

export interface DownloadPlan {
  request: RequestOptions;
  headers: HeaderPairs;
  signal: AbortSignal | undefined;
  onProgress: ((progress: Progress) => void) | undefined;
  progressInterval: number;
  sha256: string | undefined;
  resume: boolean;
  retries: number;
  backoff: Required<BackoffOptions>;
  onRetry: ((info: RetryInfo) => void) | undefined;
  clock: RetryClock;
  random: () => number;
}

const WHY_NOT = {
  method: 'a download is a GET',
  body: 'a download is a GET',
  contentLength: 'a download is a GET',
  decompress: 'a download keeps the bytes as sent (a range of an encoded body cannot be resumed)',
} as Record<string, string>;

function optionalFunction<T>(options: Record<string, unknown>, name: string): T | undefined {
  const value = options[name];
  if (value !== undefined && typeof value !== 'function') throw invalidArg(name, 'must be a function');
  return value as T | undefined;
}

function wholeNumber(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw invalidArg(name, 'must be a number');
  if (!Number.isInteger(value) || value < 0 || value > max) throw outOfRange(name, `an integer >= 0 && <= ${max}`, value);
  return value;
}

export function planDownload(options: DownloadOptions): DownloadPlan {
  if (typeof options !== 'object' || options === null) throw invalidArg('options', 'must be an object');
  for (const key of Object.keys(WHY_NOT)) {
    if ((options as Record<string, unknown>)[key] !== undefined) {
      throw invalidArg(`options.${key}`, `is not a download() option: ${WHY_NOT[key]}`, 'ERR_INVALID_ARG_VALUE');
    }
  }
  refuseUnknownOptions(options, [...REQUEST_PASSED, ...DOWNLOAD_KEYS]);
  const raw = options as Record<string, unknown>;
  const headers = normalizeHeaders(options.headers);
  for (const name of ['range', 'if-range']) {
    if (findHeader(headers, name) !== undefined) {
      throw invalidArg('options.headers', `must not set ${name}: download() sends Range and If-Range itself to resume`,
        'ERR_INVALID_ARG_VALUE');
    }
  }
  const sha256 = options.sha256;
  if (sha256 !== undefined && (typeof sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha256))) {
    throw invalidArg('sha256', 'must be 64 hexadecimal digits', 'ERR_INVALID_ARG_VALUE');
  }
  if (options.resume !== undefined && typeof options.resume !== 'boolean') throw invalidArg('resume', 'must be a boolean');
  const backoff = { ...DEFAULT_BACKOFF };
  if (options.backoff !== undefined) {
    if (typeof options.backoff !== 'object' || options.backoff === null) throw invalidArg('backoff', 'must be an object');
    refuseUnknownOptions(options.backoff, ['initialMs', 'maxMs'], 'backoff');
    backoff.initialMs = wholeNumber('backoff.initialMs', options.backoff.initialMs, backoff.initialMs, 3_600_000);
    backoff.maxMs = wholeNumber('backoff.maxMs', options.backoff.maxMs, backoff.maxMs, 3_600_000);
  }
  const clock = options.clock ?? realClock;
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function' || typeof clock.sleep !== 'function') {
    throw invalidArg('clock', 'must be an object with now() and sleep(ms, signal)');
  }
  const request: Record<string, unknown> = {};
  for (const key of REQUEST_PASSED) if (raw[key] !== undefined) request[key] = raw[key];
  return {
    request: request as RequestOptions,
    headers,
    signal: validateSignal(options.signal),
    onProgress: optionalFunction(raw, 'onProgress'),
    progressInterval: validateInterval(options.progressInterval, 'progressInterval'),
    sha256: sha256?.toLowerCase(),
    resume: options.resume ?? true,
    retries: wholeNumber('retries', options.retries, DEFAULT_RETRIES, 1000),
    backoff,
    onRetry: optionalFunction(raw, 'onRetry'),
    clock,
    random: optionalFunction(raw, 'random') ?? Math.random,
  };
}

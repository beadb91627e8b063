// When download() tries again and how long it waits: transient failures only (timeouts, resets, truncated bodies,
// 408/429/5xx), after a capped exponential backoff with jitter, or after the server's Retry-After. The clock and the
// random source are injectable, so tests check the schedule without sleeping.
import { AbortError, DeadlineError, ResponseTruncatedError, WinHttpError } from '../errors';

export interface BackoffOptions {
  /** The first wait, in ms (default 500). */
  initialMs?: number;
  /** No wait is longer (default 30 000 ms); a Retry-After above it ends the retries. */
  maxMs?: number;
}

export interface RetryClock {
  now(): number;
  /** Resolves after `ms`, or rejects with an AbortError when `signal` aborts first. */
  sleep(ms: number, signal: AbortSignal | undefined): Promise<void>;
}

export const DEFAULT_RETRIES = 5;
export const DEFAULT_BACKOFF: Required<BackoffOptions> = { initialMs: 500, maxMs: 30_000 };

/** Statuses worth asking again for: the server is busy or failing now, not refusing this request for good. */
const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUS.has(status);
}

/** Errors worth trying again for: the network failed, not the request or the caller. */
export function isTransientError(error: unknown): boolean {
  if (error instanceof AbortError) return false;
  if (error instanceof ResponseTruncatedError || error instanceof DeadlineError) return true;
  return error instanceof WinHttpError && ['timeout', 'connection', 'connect'].includes(error.category);
}

/** The wait before retry number `attempt` (1 for the first): half of the capped exponential step, plus a random half. */
export function backoffDelay(attempt: number, backoff: Required<BackoffOptions>, random: () => number): number {
  const step = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Retry-After as ms from `now`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent or invalid. */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export const realClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError(undefined, { reason: signal.reason }));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError(undefined, { reason: signal!.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  }),
};

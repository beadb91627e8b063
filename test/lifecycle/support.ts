// Shared by the lifecycle suites: promise/stream settlement tracking, the live native request counter after forced
// garbage collection, and the shape checks every suite uses.
import { setTimeout as delay } from 'node:timers/promises';
import { liveNativeRequests } from '../../lib';
import { gc } from '../helpers/gc';

export type Failure = Error & Record<string, unknown>;

/** How a promise settled, kept for later inspection; `count` would exceed 1 only for a broken thenable. */
export interface Tracked<T> {
  readonly promise: Promise<T>;
  state: 'pending' | 'resolved' | 'rejected';
  value?: T;
  error?: Failure;
  /** performance.now() when it settled. */
  at?: number;
}

/** Attaches handlers at once (so no rejection goes unhandled) and records the outcome. */
export function track<T>(promise: Promise<T>): Tracked<T> {
  const tracked: Tracked<T> = { promise, state: 'pending' };
  promise.then((value) => {
    tracked.state = 'resolved';
    tracked.value = value;
    tracked.at = performance.now();
  }, (error: Failure) => {
    tracked.state = 'rejected';
    tracked.error = error;
    tracked.at = performance.now();
  });
  return tracked;
}

/** Waits until `tracked` settled or `ms` passed. */
export async function settledWithin<T>(tracked: Tracked<T>, ms: number): Promise<Tracked<T>> {
  const timer = delay(ms, undefined, { ref: false });
  await Promise.race([tracked.promise.then(() => undefined, () => undefined), timer]);
  return tracked;
}

/** Every 'data', 'end', 'error' and 'close' of a stream, in order. */
export function streamEvents(stream: NodeJS.ReadableStream): Array<{ event: string; error?: Failure; bytes?: number }> {
  const events: Array<{ event: string; error?: Failure; bytes?: number }> = [];
  stream.on('data', (chunk: Buffer) => events.push({ event: 'data', bytes: chunk.length }));
  stream.on('end', () => events.push({ event: 'end' }));
  stream.on('error', (error: Failure) => events.push({ event: 'error', error }));
  stream.on('close', () => events.push({ event: 'close' }));
  return events;
}

/** An AbortError as the library makes it (same name and code as Node's own). */
// Its cause is the WinHttpError for the cancelled call (ERROR_WINHTTP_OPERATION_CANCELLED), whose own cause, like
// the AbortError's `reason`, is the signal's reason.
export function expectAbortError(error: Failure | undefined, reason?: unknown): void {
  expect(error).toBeDefined();
  expect(error!.name).toBe('AbortError');
  expect(error!.code).toBe('ABORT_ERR');
  const cause = error!.cause as Failure | undefined;
  expect(cause?.name).toBe('WinHttpError');
  expect(cause?.code).toBe('ERROR_WINHTTP_OPERATION_CANCELLED');
  expect(cause?.errno).toBe(12017);
  if (reason !== undefined) {
    expect((error as { reason?: unknown }).reason).toBe(reason);
    expect((cause as { cause?: unknown }).cause).toBe(reason);
  }
}

/** What close() rejects a pending step with. */
export function expectClosedError(error: Failure | undefined): void {
  expect(error).toBeDefined();
  expect(error!.name).toBe('AbortError');
  expect(error!.code).toBe('ABORT_ERR');
  expect(error!.message).toBe('The request was closed');
}

export function expectInvalidState(error: Failure | undefined, text?: RegExp): void {
  expect(error).toBeDefined();
  expect(error!.name).toBe('InvalidStateError');
  expect(error!.code).toBe('ERR_WINHTTP_INVALID_STATE');
  if (text !== undefined) expect(error!.message).toMatch(text);
}

/**
 * liveNativeRequests() once it is at most `target`, forcing GC and yielding to the event loop (finalizers run
 * there) between looks; gives up after `ms` and returns what it saw last.
 */
export async function liveRequestsAfterGc(target: number, ms = 5000): Promise<number> {
  const end = performance.now() + ms;
  for (;;) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    const live = liveNativeRequests();
    if (live <= target || performance.now() >= end) return live;
    await delay(25);
  }
}

/** The starting value for liveRequestsAfterGc: the count once earlier work (other files in this worker) settled. */
export async function settledLiveRequests(): Promise<number> {
  let last = await liveRequestsAfterGc(0, 200);
  for (let i = 0; i < 10; i++) {
    await delay(20);
    const now = await liveRequestsAfterGc(0, 0);
    if (now === last) return now;
    last = now;
  }
  return last;
}

// Small assertion helpers shared by the integration tests.
import { once } from 'node:events';
import type { Readable } from 'node:stream';

/** What `promise` rejected with; fails the test if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error(`expected a rejection, but the promise resolved with ${String(value)}`);
}

/** What `fn` threw synchronously; fails the test if it returned. */
export function thrownBy(fn: () => unknown): Error & Record<string, unknown> {
  try {
    fn();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a synchronous throw, but the call returned');
}

/** The error a stream is destroyed with (first 'error' event); fails if the stream ends or closes without one. */
export function streamError(stream: NodeJS.ReadableStream & { destroyed?: boolean }): Promise<Error & Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    stream.once('error', (error: Error) => resolve(error as Error & Record<string, unknown>));
    stream.once('end', () => reject(new Error('expected a stream error, but the stream ended')));
    stream.once('close', () => setImmediate(() => reject(new Error('expected a stream error, but the stream closed without one'))));
  });
}

export function elapsedSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Whether `promise` has settled by the time a macrotask scheduled now (setImmediate) runs: true when it was settled
 * from JavaScript in the current turn (the microtasks that follow), false when it waits for anything else (a
 * WinHTTP notification, a timer, I/O). Checks "settles at once" by order, not by a wall-clock bound.
 */
export async function settlesBeforeNextMacrotask(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true), () => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

/** Reads one chunk of `body`, then pauses it (a reader that stops pulling); resolves with that chunk once paused. */
export async function firstChunkThenPause(body: Readable): Promise<Buffer> {
  const first = new Promise<Buffer>((resolve) => body.once('data', (chunk: Buffer) => {
    body.pause();
    resolve(chunk);
  }));
  const [chunk] = await Promise.all([first, once(body, 'pause')]);
  return chunk;
}

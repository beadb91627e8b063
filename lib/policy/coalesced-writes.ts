// A streamed request body (request()'s iterable with contentLength) written with one WinHttpWriteData pending at a
// time: the chunks that arrive while a write is pending go together in the next write, up to MAX_WRITE. A producer
// faster than the connection then costs one crossing per MiB instead of one per chunk (bench/README.md, upload), and
// a slow one is never waited for: its chunk goes as soon as the write before it is done. A write that fails while the
// next chunk is awaited fails the body at once, as when each chunk's write was awaited.
import { invalidArg } from '../errors';
import { toBytes } from '../core/bytes';
import type { Request } from '../core/request';

const MAX_WRITE = 1024 * 1024;

type Chunks = AsyncIterable<unknown> | Iterable<unknown>;

function iteratorOf(chunks: Chunks): AsyncIterator<unknown> | Iterator<unknown> {
  return Symbol.asyncIterator in chunks ? (chunks as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    : (chunks as Iterable<unknown>)[Symbol.iterator]();
}

const FLUSH = Symbol('flush');

/** Writes every chunk of `chunks`; resolves with the byte count. Rejects with the first failure. */
export async function writeCoalesced(req: Request, chunks: Chunks): Promise<number> {
  const iterator = iteratorOf(chunks);
  let written = 0;
  let waiting: Uint8Array[] = [];
  let waitingBytes = 0;
  let pending: Promise<unknown> | undefined;
  let done = false;
  const flush = () => {
    const bytes = waiting.length === 1 ? waiting[0] : Buffer.concat(waiting, waitingBytes);
    waiting = [];
    waitingBytes = 0;
    pending = req.write(bytes);
    pending.catch(() => undefined);  // a failure is rethrown where `pending` is next awaited or raced
  };
  try {
    let next: Promise<IteratorResult<unknown>> | undefined;
    for (;;) {
      next ??= Promise.resolve(iterator.next());
      // While a write is pending the next chunk is awaited beside it: its failure ends the body at once, and its
      // end sends what arrived meanwhile.
      const step = pending === undefined ? await next
        : await Promise.race([next, pending.then(() => (waitingBytes > 0 ? FLUSH : new Promise<never>(() => {})))]);
      if (step === FLUSH) {
        flush();
        continue;
      }
      next = undefined;
      if (step.done === true) {
        done = true;
        break;
      }
      const bytes = toBytes(step.value);
      if (bytes === undefined) throw invalidArg('body chunk', 'must be a string, Buffer or TypedArray');
      if (bytes.byteLength === 0) continue;
      written += bytes.byteLength;
      waiting.push(bytes);
      waitingBytes += bytes.byteLength;
      if (pending === undefined) {
        flush();
      } else if (waitingBytes >= MAX_WRITE) {
        await pending;
        flush();
      }
    }
    await pending;
    if (waitingBytes > 0) {
      flush();
      await pending;
    }
    return written;
  } finally {
    // Leaving early: the iterator is told (not awaited: a producer may be waiting for a chunk that never comes), and
    // the write under way settles before the caller closes the request.
    if (!done) Promise.resolve(iterator.return?.()).catch(() => undefined);
    await pending?.catch(() => undefined);
  }
}

// A streamed request body (request()'s iterable with contentLength): each chunk is written as it comes, and
// Request.write() resolves once the addon has queued it; the addon coalesces the chunks that arrive while a write is
// out into its next WinHttpWriteData, up to 1 MiB (native/write_queue.h). A producer faster than the connection then
// costs one crossing per MiB instead of one per chunk (bench/README.md, upload), and a slow one is never waited for:
// its chunk goes as soon as the write before it is done. A write that fails while the next chunk is awaited fails the
// body at once, as when each chunk's write was awaited; leaving early tells the iterator.
import { invalidArg } from '../errors';
import { toBytes } from '../core/bytes';
import type { Request } from '../core/request';

type Chunks = AsyncIterable<unknown> | Iterable<unknown>;

function iteratorOf(chunks: Chunks): AsyncIterator<unknown> | Iterator<unknown> {
  return Symbol.asyncIterator in chunks ? (chunks as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    : (chunks as Iterable<unknown>)[Symbol.iterator]();
}

function isThenable(value: unknown): value is PromiseLike<IteratorResult<unknown>> {
  return typeof (value as { then?: unknown }).then === 'function';
}

/** Writes every chunk of `chunks`; resolves with the byte count. Rejects with the first failure. */
export async function writeCoalesced(req: Request, chunks: Chunks): Promise<number> {
  const iterator = iteratorOf(chunks);
  // A queued write that fails while the producer works on its next chunk: it ends the body without that chunk.
  const failed = req.writeFailed().then((error) => ({ failed: error }));
  let written = 0;
  let done = false;
  try {
    for (;;) {
      // An async producer's next chunk is awaited beside the failure; a sync one's is there already (no race to pay).
      const next = iterator.next();
      const step = isThenable(next) ? await Promise.race([next, failed]) : next;
      if ('failed' in step) throw step.failed;
      if (step.done === true) {
        done = true;
        return written;
      }
      const bytes = toBytes(step.value);
      if (bytes === undefined) throw invalidArg('body chunk', 'must be a string, Buffer or TypedArray');
      if (bytes.byteLength === 0) continue;
      written += await req.write(bytes);
    }
  } finally {
    // Leaving early: the iterator is told (not awaited: a producer may be waiting for a chunk that never comes).
    if (!done) Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

// The body of a fetch() as request() sends it. Node's own Request has already extracted it (string, bytes, Blob,
// URLSearchParams, FormData as multipart, ReadableStream) and set its Content-Type, so no serialisation is written
// here: a body of known length is read from the Request whole and sent with its Content-Length; a ReadableStream
// the caller gave is streamed as it comes, with its Content-Length header's length, or chunked without one (as
// Node's fetch sends it).
import { invalidArg } from '../errors';

export interface FetchBody {
  body: Uint8Array | AsyncIterable<Uint8Array> | undefined;
  contentLength: number | undefined;
}

/** `streamed`: the caller gave a ReadableStream as init.body. Rejects with the signal's reason once it aborts. */
export async function fetchBody(request: globalThis.Request, streamed: boolean, signal: AbortSignal | undefined): Promise<FetchBody> {
  const stream = request.body as ReadableStream<unknown> | null;
  if (stream === null) return { body: undefined, contentLength: undefined };
  const declared = request.headers.get('content-length');
  if (streamed) {
    const contentLength = declared !== null && /^\d+$/.test(declared) ? Number(declared) : undefined;
    return { body: chunksOf(stream.getReader(), signal), contentLength };
  }
  const chunks: Uint8Array[] = [];
  for await (const chunk of chunksOf(stream.getReader(), signal)) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  return { body: bytes, contentLength: undefined };
}

// The stream's chunks, checked as Node's fetch checks them (Uint8Array only); an abort cancels the stream.
async function* chunksOf(reader: ReadableStreamDefaultReader<unknown>, signal: AbortSignal | undefined): AsyncIterable<Uint8Array> {
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const { done, value } = await reader.read();
      if (signal?.aborted) throw signal.reason;
      if (done) return;
      if (!(value instanceof Uint8Array)) throw invalidArg('body chunk', 'must be a Uint8Array');
      yield value;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
}

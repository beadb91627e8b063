// Request bodies for request(): bytes in memory, or a stream of chunks whose total length is known up front.
// (Chunked uploads, where the length is unknown, need WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH and are not offered yet.)
import { invalidArg } from './errors';
import { toBytes } from './core/bytes';

export type BodyInit =
  | string
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | Iterable<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>;

export type PreparedBody =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'stream'; chunks: AsyncIterable<unknown> | Iterable<unknown>; length: number };

export function prepareBody(body: unknown, declaredLength: number | undefined): PreparedBody | undefined {
  if (body === undefined || body === null) return undefined;
  const bytes = toBytes(body);
  if (bytes !== undefined) return { kind: 'bytes', bytes };
  if (typeof body === 'object' && (Symbol.asyncIterator in body || Symbol.iterator in body)) {
    if (declaredLength === undefined) {
      throw invalidArg('body', 'is a stream: give its length with the contentLength option or a Content-Length header',
        'ERR_INVALID_ARG_VALUE');
    }
    return { kind: 'stream', chunks: body as AsyncIterable<unknown>, length: declaredLength };
  }
  throw invalidArg('body', 'must be a string, Buffer, TypedArray, ArrayBuffer, or an (async) iterable of chunks');
}

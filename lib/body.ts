// Request bodies for request(): bytes in memory, or a stream of chunks, with its total length when known up front
// (sent with Content-Length) or without (sent chunked, as it comes: lib/policy/dispatch.ts).
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
  | { kind: 'stream'; chunks: AsyncIterable<unknown> | Iterable<unknown>; length: number | undefined };

export function prepareBody(body: unknown, declaredLength: number | undefined): PreparedBody | undefined {
  if (body === undefined || body === null) return undefined;
  const bytes = toBytes(body);
  if (bytes !== undefined) return { kind: 'bytes', bytes };
  if (typeof body === 'object' && (Symbol.asyncIterator in body || Symbol.iterator in body)) {
    return { kind: 'stream', chunks: body as AsyncIterable<unknown>, length: declaredLength };
  }
  throw invalidArg('body', 'must be a string, Buffer, TypedArray, ArrayBuffer, or an (async) iterable of chunks');
}

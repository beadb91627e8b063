// Body bytes from the types a caller may hand us. Realm-independent checks: a Buffer or ArrayBuffer made in another
// context (a vm, jest's sandbox, the addon) is still accepted.

const TAG = Object.prototype.toString;

/** The bytes of a string (UTF-8), Buffer, TypedArray, DataView or ArrayBuffer; undefined for anything else. */
export function toBytes(chunk: unknown): Uint8Array | undefined {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (ArrayBuffer.isView(chunk)) {
    return chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  if (TAG.call(chunk) === '[object ArrayBuffer]') return new Uint8Array(chunk as ArrayBuffer);
  return undefined;
}

// Content decoding with node:zlib streams, the same on every Windows (WinHTTP's own WINHTTP_OPTION_DECOMPRESSION has
// no brotli anywhere and is missing on Wine and older Windows). The decoders sit after the Content-Length check, so
// it counts the encoded bytes, and they are piped, so a slow consumer slows the download.
import { pipeline, PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';
import { ContentDecodingError } from '../errors';
import { formatted } from '../core/formatted';
import type { IncomingHeaders } from '../core/headers';

/** What decompress: true asks for. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

type Coding = 'gzip' | 'deflate' | 'br';
const CODINGS: readonly string[] = ['gzip', 'x-gzip', 'deflate', 'br'];

/**
 * The codings to undo, in the order to undo them (Content-Encoding lists them in the order applied), or an empty
 * list for none. Throws ContentDecodingError for a coding this layer cannot decode.
 */
export function codingsToUndo(headers: IncomingHeaders): Coding[] {
  const header = headers['content-encoding'];
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(',') : header;
  const codings = text.split(',').map((coding) => coding.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
  const unknown = codings.filter((coding) => !CODINGS.includes(coding));
  if (unknown.length > 0) {
    throw formatted(new ContentDecodingError(text, `The response is encoded with ${unknown.map((c) => JSON.stringify(c)).join(', ')}, ` +
      `which decompress: true cannot decode (it asked for ${ACCEPT_ENCODING})`));
  }
  return codings.map((coding) => (coding === 'x-gzip' ? 'gzip' : coding) as Coding).reverse();
}

// "deflate" is meant to be zlib-wrapped (RFC 9110 §8.4.1.2), but servers also send raw deflate: a zlib stream
// starts with a CMF byte whose low nibble is 8 (the deflate method), which is how undici tells them apart too.
class DeflateDecoder extends Transform {
  #inflate: zlib.Inflate | zlib.InflateRaw | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#inflate === undefined) {
      if (chunk.byteLength === 0) return callback();
      const inflate = (chunk[0] & 0x0f) === 0x08 ? zlib.createInflate() : zlib.createInflateRaw();
      inflate.on('data', (data: Buffer) => this.push(data));
      inflate.on('error', (error) => this.destroy(error));
      this.#inflate = inflate;
    }
    this.#inflate.write(chunk, () => callback());
  }

  override _flush(callback: TransformCallback): void {
    if (this.#inflate === undefined) return callback();
    this.#inflate.once('end', () => callback());
    this.#inflate.end();
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.#inflate?.destroy();
    callback(error);
  }
}

function decoder(coding: Coding): Transform {
  if (coding === 'gzip') return zlib.createGunzip();
  if (coding === 'br') return zlib.createBrotliDecompress();
  return new DeflateDecoder();
}

/**
 * `raw` decoded through `codings` (from codingsToUndo). Destroying the result destroys `raw` (releasing its
 * request); an error of `raw` (abort, truncation) reaches the result unchanged, a decoder's error as
 * ContentDecodingError.
 */
export function decodedBody(raw: Readable, codings: Coding[], encoding: string): Readable {
  const output = new PassThrough();
  const decoders = codings.map(decoder);
  for (const step of decoders) {
    // Heard before pipeline() hears it, so the output fails with the typed error, which pipeline then keeps.
    step.once('error', (error) => output.destroy(formatted(new ContentDecodingError(encoding,
      `The response body could not be decoded (Content-Encoding: ${encoding}): ${error.message}`, { cause: error }))));
  }
  pipeline([raw, ...decoders, output], () => undefined);
  // Progress counts the bytes as received (Content-Length counts them encoded): Response.onProgress listens here.
  raw.on('progress', (bytes) => output.emit('progress', bytes));
  return output;
}

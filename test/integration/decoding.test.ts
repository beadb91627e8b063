// decompress: true, decoded by the policy layer (lib/policy/decoding.ts) with node:zlib as the body streams, the same
// under Wine (whose WinHTTP refuses WINHTTP_OPTION_DECOMPRESSION with 12009): gzip, deflate zlib-wrapped and raw, br,
// two codings in a row, every byte compared; a slow reader holds back a 20 MB gzip download; the Content-Length
// check counts encoded bytes; corrupt or unknown encodings fail with ContentDecodingError; a caller's own
// Accept-Encoding gets the bytes as sent.
import type * as http from 'node:http';
import type * as net from 'node:net';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { brotliCompressSync, constants as zlibConstants, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { request } from '../../lib';
import { firstChunkThenPause, rejectionOf, streamError } from '../helpers/assertions';
import { type TestServer, deterministicBytes, readRequestHead, sha256, startHttpServer, startRawServer, writeWithBackpressure } from '../helpers/servers';

const MB = 1024 * 1024;
const TEXT = Buffer.from(Array.from({ length: 20000 }, (_, i) => `line ${i}: the quick brown fox\n`).join(''));
// Random bytes do not compress: 20 MB of them stay about 20 MB on the wire, more than every buffer on the way.
const NOISE = deterministicBytes(20 * MB, 'decoding backpressure');
const NOISE_GZIP = gzipSync(NOISE, { level: 1 });
const ENCODED: Record<string, [string, Buffer]> = {
  gzip: ['gzip', gzipSync(TEXT)],
  deflate: ['deflate', deflateSync(TEXT)],
  'raw-deflate': ['deflate', deflateRawSync(TEXT)],
  br: ['br', brotliCompressSync(TEXT, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } })],
  'gzip-then-br': ['gzip, br', brotliCompressSync(gzipSync(TEXT))],
  zstd: ['zstd', Buffer.from('not really zstd')],
  corrupt: ['gzip', Buffer.concat([gzipSync(TEXT).subarray(0, 10), Buffer.alloc(500, 0xff)])],
};

let web: TestServer<http.Server>;
let raw: TestServer<net.Server>;
const acceptEncodings: string[] = [];
/** Backpressure probe, filled by /noise. */
const noise = { written: 0, done: false };

beforeAll(async () => {
  web = await startHttpServer((req, res) => {
    acceptEncodings.push(String(req.headers['accept-encoding'] ?? ''));
    const name = (req.url ?? '/').slice(1);
    if (name === 'noise') {
      res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': NOISE_GZIP.length });
      void writeWithBackpressure(res, NOISE_GZIP, 64 * 1024, (written) => {
        noise.written = written;
      }).then(() => {
        noise.done = true;
      });
      return;
    }
    if (name === 'chunked-cut') {
      // A gzip stream that stops half-way, in a chunked body that ends cleanly: only the decoder can tell.
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      res.end(ENCODED.gzip[1].subarray(0, ENCODED.gzip[1].length >> 1));
      return;
    }
    const [encoding, body] = ENCODED[name];
    res.writeHead(200, { 'Content-Encoding': encoding, 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  // A gzip body cut off after half of the bytes its Content-Length announces.
  raw = await startRawServer((socket) => {
    void readRequestHead(socket).then(() => {
      const body = ENCODED.gzip[1];
      socket.end(Buffer.concat([
        Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}\r\n\r\n`),
        body.subarray(0, body.length >> 1),
      ]));
    }, () => undefined);
  });
});
afterAll(async () => {
  await Promise.all([web.close(), raw.close()]);
});

describe.each(['gzip', 'deflate', 'raw-deflate', 'br', 'gzip-then-br'])('%s', (name) => {
  it('is asked for and decoded, every byte', async () => {
    acceptEncodings.length = 0;
    const res = await request(`${web.url}${name}`, { decompress: true });
    expect(res.headers['content-encoding']).toBe(ENCODED[name][0]);
    expect(res.headers['content-length']).toBe(String(ENCODED[name][1].length));
    expect((await res.buffer()).equals(TEXT)).toBe(true);
    expect(acceptEncodings).toEqual(['gzip, deflate, br']);
  });
});

it('a HEAD of an encoded resource has no body to decode', async () => {
  const res = await request(`${web.url}gzip`, { method: 'HEAD', decompress: true });
  expect(res.status).toBe(200);
  expect((await res.buffer()).byteLength).toBe(0);
});

it("a caller's own Accept-Encoding is sent as given, and the body arrives as sent", async () => {
  acceptEncodings.length = 0;
  const res = await request(`${web.url}gzip`, { decompress: true, headers: { 'Accept-Encoding': 'gzip' } });
  expect((await res.buffer()).equals(ENCODED.gzip[1])).toBe(true);
  expect(acceptEncodings).toEqual(['gzip']);
});

it('a slow reader holds the server back (backpressure through the decoder), then the whole 20 MB arrives', async () => {
  const res = await request(`${web.url}noise`, { decompress: true });
  const body = res.body;
  const chunks: Buffer[] = [await firstChunkThenPause(body)];
  await delay(700);
  const writtenWhilePaused = noise.written;
  expect(noise.done).toBe(false);
  expect(writtenWhilePaused).toBeLessThan(NOISE_GZIP.length / 2);
  await delay(300);
  expect(noise.written).toBe(writtenWhilePaused); // stalled, not merely slow
  body.on('data', (chunk: Buffer) => chunks.push(chunk));
  body.resume();
  await once(body, 'end');
  const all = Buffer.concat(chunks);
  expect(all.length).toBe(NOISE.length);
  expect(sha256(all)).toBe(sha256(NOISE));
  expect(noise.done).toBe(true);
  console.log(`decoding backpressure: the server had written ${writtenWhilePaused} of ${NOISE_GZIP.length} bytes while the reader paused`);
});

it('an encoded body cut short of its Content-Length: ResponseTruncatedError counting encoded bytes', async () => {
  const res = await request(raw.url, { decompress: true });
  const error = await rejectionOf(res.buffer());
  expect(error.name).toBe('ResponseTruncatedError');
  expect(error.code).toBe('ERR_WINHTTP_BODY_TRUNCATED');
  expect(error.expected).toBe(ENCODED.gzip[1].length);
  expect(error.received).toBe(ENCODED.gzip[1].length >> 1);
  expect(res.body.destroyed).toBe(true);
});

it('a gzip stream that ends early in a complete chunked body: ContentDecodingError', async () => {
  const res = await request(`${web.url}chunked-cut`, { decompress: true });
  const error = await rejectionOf(res.buffer());
  expect(error.name).toBe('ContentDecodingError');
  expect(error.code).toBe('ERR_WINHTTP_CONTENT_DECODING');
  expect(error.encoding).toBe('gzip');
  expect((error.cause as { code?: string }).code).toBe('Z_BUF_ERROR');
});

it('a corrupt gzip body: the stream fails with ContentDecodingError, its cause zlib\'s error', async () => {
  const res = await request(`${web.url}corrupt`, { decompress: true });
  const errored = streamError(res.body);
  res.body.resume();
  const error = await errored;
  expect(error.name).toBe('ContentDecodingError');
  expect(error.code).toBe('ERR_WINHTTP_CONTENT_DECODING');
  expect(error.message).toMatch(/^The response body could not be decoded \(Content-Encoding: gzip\): /);
  expect((error.cause as { code?: string }).code).toBe('Z_DATA_ERROR');
  expect(res.body.destroyed).toBe(true);
});

it('a coding it did not ask for (zstd): request() rejects with ContentDecodingError naming it', async () => {
  const error = await rejectionOf(request(`${web.url}zstd`, { decompress: true }));
  expect(error.name).toBe('ContentDecodingError');
  expect(error.code).toBe('ERR_WINHTTP_CONTENT_DECODING');
  expect(error.encoding).toBe('zstd');
  expect(error.message).toBe('The response is encoded with "zstd", which decompress: true cannot decode (it asked for gzip, deflate, br)');
});

// Benchmark client "request": the library's request() with its Readable body, consumed with for await, as a user
// would. A Session without proxy is passed (like the reference client); uploads are an iterable of 64 KiB chunks
// with contentLength, so each chunk is one WinHttpWriteData.
'use strict';
const crossings = require('./crossings').countCrossings();
const { Session, request, liveNativeRequests } = require('../..');

function open(port) {
  const session = new Session({ proxy: 'none' });
  const origin = `http://127.0.0.1:${port}`;

  async function exchange(path, options) {
    const res = await request(origin + path, { session, ...options });
    let bytes = 0;
    let chunks = 0;
    for await (const c of res.body) {
      bytes += c.length;
      chunks += 1;
    }
    return { status: res.status, bytes, chunks, held: Number(res.headers['x-held'] ?? -1) };
  }

  function* pieces(total, chunk) {
    for (let offset = 0; offset < total; offset += chunk.length) {
      yield total - offset >= chunk.length ? chunk : chunk.subarray(0, total - offset);
    }
  }

  return {
    get: (path) => exchange(path, {}),
    upload: (total, chunk) => exchange('/upload', { method: 'POST', body: pieces(total, chunk), contentLength: total }),
    liveRequests: liveNativeRequests,
    crossings: () => crossings.calls + crossings.callbacks,
    close: () => session.close(),
  };
}

module.exports = { open };

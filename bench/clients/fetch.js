// Benchmark client "fetch": the library's fetch() (Node's own Response, its body a ReadableStream pulled from
// WinHTTP as it is read), consumed with for await as a user would. A Session without proxy is passed in
// init.winhttp (like the reference client); uploads are a ReadableStream of 64 KiB chunks with Content-Length, as
// node-fetch.js sends them, so each chunk is one WinHttpWriteData.
'use strict';
const crossings = require('./crossings').countCrossings();
const { Session, fetch, liveNativeRequests } = require('../..');

function open(port) {
  const session = new Session({ proxy: 'none' });
  return fetchClient(port, (url, init) => fetch(url, { ...init, winhttp: { session } }), {
    liveRequests: liveNativeRequests,
    crossings: () => crossings.calls + crossings.callbacks,
    close: () => session.close(),
  });
}

/** get/upload through `fetchFn`, the same for every fetch client (also fetch-dispatcher.js). */
function fetchClient(port, fetchFn, rest) {
  const origin = `http://127.0.0.1:${port}`;

  async function exchange(path, init) {
    const res = await fetchFn(origin + path, init);
    let bytes = 0;
    let chunks = 0;
    for await (const c of res.body) {
      bytes += c.length;
      chunks += 1;
    }
    return { status: res.status, bytes, chunks, held: Number(res.headers.get('x-held') ?? -1) };
  }

  function upload(total, chunk) {
    let offset = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (offset >= total) return controller.close();
        const piece = total - offset >= chunk.length ? chunk : chunk.subarray(0, total - offset);
        offset += piece.length;
        controller.enqueue(piece);
      },
    });
    return exchange('/upload', { method: 'POST', body, duplex: 'half', headers: { 'content-length': String(total) } });
  }

  return { get: (path) => exchange(path, undefined), upload, ...rest };
}

module.exports = { open, fetchClient };

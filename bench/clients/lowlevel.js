// Benchmark client "lowlevel": the library's low-level API, one promise per WinHTTP step. One Session (no proxy,
// like the reference client) and one Connection; each exchange is openRequest -> send -> write* ->
// receiveResponse -> read(64 KiB) until null -> close, the loop a user of this API would write.
'use strict';
const crossings = require('./crossings').countCrossings();
const { Session, liveNativeRequests } = require('../..');

const READ_SIZE = 64 * 1024;

function open(port) {
  const session = new Session({ proxy: 'none' });
  const connection = session.connect('127.0.0.1', port);

  async function exchange(method, path, sendOptions, chunk, total) {
    const req = connection.openRequest(method, path);
    try {
      await req.send(sendOptions);
      for (let offset = 0; offset < total; offset += chunk.length) {
        await req.write(total - offset >= chunk.length ? chunk : chunk.subarray(0, total - offset));
      }
      const head = await req.receiveResponse();
      let bytes = 0;
      let chunks = 0;
      for (let c; (c = await req.read(READ_SIZE)) !== null; chunks += 1) bytes += c.length;
      return { status: head.status, bytes, chunks, held: Number(head.headers['x-held'] ?? -1) };
    } finally {
      req.close();
    }
  }

  return {
    get: (path) => exchange('GET', path, {}, Buffer.alloc(0), 0),
    upload: (total, chunk) => exchange('POST', '/upload', { contentLength: total }, chunk, total),
    liveRequests: liveNativeRequests,
    crossings: () => crossings.calls + crossings.callbacks,
    close: () => session.close(),
  };
}

module.exports = { open };

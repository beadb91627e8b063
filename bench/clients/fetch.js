// Benchmark client "fetch": the library's fetch() (Node's own Response, its body a ReadableStream pulled from
// WinHTTP as it is read), consumed with for await as a user would. A Session without proxy is passed in
// init.winhttp (like the reference client); uploads are a ReadableStream of 64 KiB chunks with Content-Length, as
// node-fetch.js sends them, so each chunk is one WinHttpWriteData.
'use strict';
const crossings = require('./crossings').countCrossings();
const { Session, fetch, liveNativeRequests } = require('../..');
const { fetchClient } = require('./fetch-client');

function open(port) {
  const session = new Session({ proxy: 'none' });
  return fetchClient(port, (url, init) => fetch(url, { ...init, winhttp: { session } }), {
    liveRequests: liveNativeRequests,
    crossings: () => crossings.calls + crossings.callbacks,
    close: () => session.close(),
  });
}

module.exports = { open };

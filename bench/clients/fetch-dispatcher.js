// Benchmark client "fetch-dispatcher": Node's own global fetch with setGlobalDispatcher(new WinHttpDispatcher()),
// the one-line way in for code that already calls fetch: Node's fetch (its redirects, decoding, Response) over
// WinHTTP exchanges. Beside node-fetch (the same fetch over Node's sockets) and fetch (ours), it shows what the
// dispatcher costs.
'use strict';
const crossings = require('./crossings').countCrossings();
const { Session, WinHttpDispatcher, setGlobalDispatcher, liveNativeRequests } = require('../..');
const { fetchClient } = require('./fetch-client');

function open(port) {
  const session = new Session({ proxy: 'none' });
  setGlobalDispatcher(new WinHttpDispatcher({ session }));
  return fetchClient(port, (url, init) => fetch(url, init), {
    liveRequests: liveNativeRequests,
    crossings: () => crossings.calls + crossings.callbacks,
    close: () => session.close(),
  });
}

module.exports = { open };

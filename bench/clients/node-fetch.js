// Benchmark client "node-fetch": Node's own global fetch (undici) in the same node.exe, the peer a user would pick
// instead. Under Wine it goes straight to sockets, so its ratio measures Wine's WinHTTP, not our binding. Uploads
// are a ReadableStream of 64 KiB chunks with Content-Length. One Wine workaround: undici's connector enables TCP
// keep-alive probes before connecting, which fails under Wine 8 ("connect UNKNOWN", measured: net.connect() then
// setKeepAlive(true, 60000) fails, after 'connect' it works), so the global dispatcher is replaced by an undici
// Agent with connect.keepAlive false. HTTP keep-alive (connection reuse) is unaffected.
'use strict';

const { fetchClient } = require('./fetch-client');

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

async function open(port) {
  // Node creates its global dispatcher on the first fetch; its constructor is undici's Agent.
  await fetch('http://127.0.0.1:1/').catch(() => undefined);
  const Agent = globalThis[GLOBAL_DISPATCHER].constructor;
  globalThis[GLOBAL_DISPATCHER] = new Agent({ connect: { keepAlive: false } });

  return fetchClient(port, (url, init) => fetch(url, init), {
    liveRequests: () => process.getActiveResourcesInfo().length,
    close: () => undefined,
  });
}

module.exports = { open };

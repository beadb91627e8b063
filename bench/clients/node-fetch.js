// Benchmark client "node-fetch": Node's own global fetch (undici) in the same node.exe, the peer a user would pick
// instead. Under Wine it goes straight to sockets, so its ratio measures Wine's WinHTTP, not our binding. Uploads
// are a ReadableStream of 64 KiB chunks with Content-Length. One Wine workaround: undici's connector enables TCP
// keep-alive probes before connecting, which fails under Wine 8 ("connect UNKNOWN", measured: net.connect() then
// setKeepAlive(true, 60000) fails, after 'connect' it works), so the global dispatcher is replaced by an undici
// Agent with connect.keepAlive false. HTTP keep-alive (connection reuse) is unaffected.
'use strict';

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

async function open(port) {
  const origin = `http://127.0.0.1:${port}`;
  // Node creates its global dispatcher on the first fetch; its constructor is undici's Agent.
  await fetch('http://127.0.0.1:1/').catch(() => undefined);
  const Agent = globalThis[GLOBAL_DISPATCHER].constructor;
  globalThis[GLOBAL_DISPATCHER] = new Agent({ connect: { keepAlive: false } });

  async function exchange(path, init) {
    const res = await fetch(origin + path, init);
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

  return {
    get: (path) => exchange(path, undefined),
    upload,
    liveRequests: () => process.getActiveResourcesInfo().length,
    close: () => undefined,
  };
}

module.exports = { open };

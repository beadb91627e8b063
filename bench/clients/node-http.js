// Benchmark client "node-http": node:http with a keep-alive Agent in the same node.exe, the other peer a user would
// pick. Uploads write 64 KiB chunks with Content-Length, waiting for 'drain' when the socket is full.
'use strict';
const http = require('node:http');
const { once } = require('node:events');

function open(port) {
  const agent = new http.Agent({ keepAlive: true });

  async function exchange(method, path, total, chunk) {
    const headers = method === 'POST' ? { 'content-length': total } : {};
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers });
    const response = once(req, 'response');
    for (let offset = 0; offset < total; offset += chunk.length) {
      const piece = total - offset >= chunk.length ? chunk : chunk.subarray(0, total - offset);
      if (!req.write(piece)) await once(req, 'drain');
    }
    req.end();
    const [res] = await response;
    let bytes = 0;
    let chunks = 0;
    for await (const c of res) {
      bytes += c.length;
      chunks += 1;
    }
    return { status: res.statusCode, bytes, chunks, held: Number(res.headers['x-held'] ?? -1) };
  }

  return {
    get: (path) => exchange('GET', path, 0, Buffer.alloc(0)),
    upload: (total, chunk) => exchange('POST', '/upload', total, chunk),
    liveRequests: () => process.getActiveResourcesInfo().length,
    close: () => agent.destroy(),
  };
}

module.exports = { open };

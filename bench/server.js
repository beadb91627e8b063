// The benchmark's loopback server: plain Linux node:http with keep-alive, TCP_NODELAY on every socket (a 40 ms
// delayed-ACK stall per keep-alive request was seen otherwise), everything served from memory. GET /bytes?n=N
// streams N bytes from a preallocated buffer with Content-Length; GET /small returns 200 bytes; GET /hold?n=N holds
// every request until N are held at once (or 2 s passed since the first: Wine runs at most 500 WinHTTP requests at
// once), then answers all with x-held: the count held at release, so a client can prove how many of its requests
// were in flight together; POST /upload consumes the body and answers with its byte count (400 if that is not the
// Content-Length). start() is used by scripts/bench.js; `node bench/server.js` prints the port and serves until
// killed.
'use strict';
const http = require('http');

const CHUNK = Buffer.alloc(1 << 20, 0x61);
const SMALL = Buffer.alloc(200, 0x62);
const HOLD_LIMIT_MS = 2_000;

function sendBytes(res, total) {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
  let left = total;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

function holder() {
  let held = [];
  let timer = null;
  const release = () => {
    clearTimeout(timer);
    timer = null;
    const batch = held;
    held = [];
    for (const res of batch) res.writeHead(200, { 'content-length': 2, 'x-held': batch.length }).end('ok');
  };
  return (res, want) => {
    held.push(res);
    if (timer === null) timer = setTimeout(release, HOLD_LIMIT_MS);
    if (held.length >= want) release();
  };
}

function handle(req, res, hold) {
  const url = new URL(req.url, 'http://x');
  const n = Number(url.searchParams.get('n'));
  if (req.method === 'GET' && url.pathname === '/small') {
    return void res.writeHead(200, { 'content-length': SMALL.length }).end(SMALL);
  }
  if (req.method === 'GET' && url.pathname === '/bytes' && Number.isSafeInteger(n) && n >= 0) return sendBytes(res, n);
  if (req.method === 'GET' && url.pathname === '/hold' && Number.isSafeInteger(n) && n > 0) return hold(res, n);
  if (req.method === 'POST' && url.pathname === '/upload') {
    let count = 0;
    req.on('data', (chunk) => { count += chunk.length; });
    req.on('end', () => {
      const body = String(count);
      const declared = req.headers['content-length'];
      const status = declared === undefined || Number(declared) === count ? 200 : 400;
      res.writeHead(status, { 'content-length': body.length }).end(body);
    });
    return;
  }
  res.writeHead(404, { 'content-length': 0 }).end();
}

/** Listens on a free port of 127.0.0.1; resolves with { port, close() }. */
function start() {
  const hold = holder();
  const sockets = new Set();
  const options = { keepAliveTimeout: 120_000, requestTimeout: 0 };
  const server = http.createServer(options, (req, res) => handle(req, res, hold));
  server.headersTimeout = 0;
  server.maxRequestsPerSocket = 0;
  server.on('connection', (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', 4096, () => resolve({
      port: server.address().port,
      close: () => new Promise((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
    }));
  });
}

module.exports = { start };

if (require.main === module) start().then(({ port }) => console.log(port));

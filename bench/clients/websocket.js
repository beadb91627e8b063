// Runs one WebSocket benchmark inside the Windows node.exe (under Wine on Linux) with one client, and prints one JSON
// line. Usage: node.exe bench/clients/websocket.js <winhttp|node> port=P. `winhttp` is this library's WebSocket,
// `node` Node's own global WebSocket (undici, Node 22+) in the same node.exe, against the same echo server
// (bench/ws-server.js). Two measurements, each after a warm-up:
//   small: 5,000 messages of 64 bytes echoed, at most 100 unanswered at a time: messages per second (round trips)
//   large: 32 binary messages of 1 MiB echoed one after another: MB/s of payload each way (1 MB = 10^6 bytes)
// Every echo is compared with what was sent; a mismatch is counted in `errors`.
'use strict';
const { Session, WebSocket: WinHttpWebSocket } = require('../..');

const [clientName, ...pairs] = process.argv.slice(2);
const options = Object.fromEntries(pairs.map((pair) => pair.split('=')).map(([k, v]) => [k, Number(v)]));

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

// Node's WebSocket connects through undici's global dispatcher, whose connector enables TCP keep-alive probes before
// connecting: under Wine 8 that fails the connect ("connect UNKNOWN"; bench/clients/node-fetch.js). As there, the
// dispatcher is replaced by an undici Agent with connect.keepAlive false.
async function connect(url) {
  if (clientName === 'node') {
    if (typeof globalThis.WebSocket !== 'function') throw new Error('this node.exe has no global WebSocket');
    await fetch('http://127.0.0.1:1/').catch(() => undefined);
    const Agent = globalThis[GLOBAL_DISPATCHER].constructor;
    globalThis[GLOBAL_DISPATCHER] = new Agent({ connect: { keepAlive: false } });
    return new globalThis.WebSocket(url);
  }
  return new WinHttpWebSocket(url, { session: new Session({ proxy: 'none' }) });
}

// Sends `messages` through `ws` with at most `window` unanswered; resolves with the seconds taken and errors.
function echo(ws, messages, window) {
  return new Promise((resolve) => {
    let sent = 0;
    let received = 0;
    let errors = 0;
    const t0 = performance.now();
    const fill = () => {
      while (sent < messages.length && sent - received < window) ws.send(messages[sent++]);
    };
    ws.onmessage = (event) => {
      const expected = messages[received++];
      const got = Buffer.from(typeof event.data === 'string' ? Buffer.from(event.data) : new Uint8Array(event.data));
      if (!got.equals(Buffer.from(expected))) errors += 1;
      if (received === messages.length) resolve({ seconds: (performance.now() - t0) / 1e3, errors });
      else fill();
    };
    fill();
  });
}

async function main() {
  const ws = await connect(`ws://127.0.0.1:${options.port}/`);
  ws.binaryType = 'arraybuffer';
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = (event) => reject(event.error ?? new Error('WebSocket error'));
  });
  const small = Array.from({ length: 5000 }, (_, i) => `${String(i).padStart(8, '0')}${'s'.repeat(56)}`);
  const large = Array.from({ length: 32 }, (_, i) => Buffer.alloc(1 << 20, i));
  await echo(ws, small.slice(0, 500), 100);
  await echo(ws, large.slice(0, 2), 1);
  const s = await echo(ws, small, 100);
  const l = await echo(ws, large, 1);
  ws.close();
  console.log(JSON.stringify({
    client: clientName, messages_per_s: small.length / s.seconds,
    mbps: (large.length * (1 << 20)) / 1e6 / l.seconds, errors: s.errors + l.errors,
  }));
  process.exit(0);
}

main().catch((error) => {
  console.log(JSON.stringify({ client: clientName, error: String(error && error.message) }));
  process.exit(1);
});

// The WebSocket tests' server: the `ws` package (nobody here wrote it) in its own node process (Linux node under
// Wine, started by ws-server.ts), on 127.0.0.1, plain and TLS (the suite CA's localhost certificate). It writes
// { port, securePort, pid } to <dir>/ready.json and exits when <dir> is removed. Each path is one behaviour:
//   /echo            every message back, text as text and binary as binary
//   /fragments       on "go": a text and a binary message sent as three fragments each
//   /big?n=N         on "go": N bytes, byte i = (i * 31 + 7) & 255, as one binary message
//   /flood?n=N       on "go": N text messages "m<i>"
//   /flow?n=N&size=S&id=I   on "go": N binary messages of S bytes at once, byte j of message i (i * 31 + j * 7) & 255;
//                    GET /flow-status?id=I answers { flushed, bufferedAmount }: how many of them ws has handed to
//                    the kernel (their send callbacks ran) and the bytes ws still holds because the socket is full
//   /close?code=C&reason=R   on the first message: closes with C and R
//   /abrupt          on the first message: destroys the TCP connection
//   /ping            on connect: a ping "p1"; the pong's payload is sent back as text "pong:<payload>"
//   /headers         on connect: the upgrade's request headers as JSON text
//   /protocols       picks "chat.v2" if offered; on connect: the offered list as text
//   /wrong-protocol  picks "unoffered", whatever was offered
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';

// The part of ws's API used here (the package ships no types, and @types/ws is not needed for this much).
interface WebSocket {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'pong', listener: (payload: Buffer) => void): void;
  on(event: 'error', listener: () => void): void;
  once(event: 'message', listener: () => void): void;
  send(data: string | Buffer, options?: { binary?: boolean; fin?: boolean }, done?: (error?: Error) => void): void;
  readonly bufferedAmount: number;
  ping(data: string): void;
  close(code: number, reason: string): void;
  terminate(): void;
}
interface WebSocketServerOptions {
  server: http.Server;
  handleProtocols(offered: Set<string>, request: http.IncomingMessage): string | false;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { WebSocketServer } = require('ws') as {
  WebSocketServer: new (options: WebSocketServerOptions) => {
    on(event: 'connection', listener: (socket: WebSocket, request: http.IncomingMessage) => void): void;
  };
};

function bigPattern(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 255;
  return bytes;
}

function flowMessage(i: number, size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let j = 0; j < size; j++) bytes[j] = (i * 31 + j * 7) & 255;
  return bytes;
}

// /flow's sockets by id, for /flow-status.
const flows = new Map<string, { socket: WebSocket; flushed: number }>();

function flowStatus(request: http.IncomingMessage, response: http.ServerResponse): void {
  const flow = flows.get(new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('id') ?? '');
  response.writeHead(flow ? 200 : 404, { 'content-type': 'application/json' });
  response.end(JSON.stringify(flow ? { flushed: flow.flushed, bufferedAmount: flow.socket.bufferedAmount } : {}));
}

function serve(socket: WebSocket, request: http.IncomingMessage): void {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const n = Number(url.searchParams.get('n') ?? '0');
  socket.on('error', () => {});
  switch (url.pathname) {
    case '/echo':
      socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
      return;
    case '/fragments':
      socket.once('message', () => {
        socket.send('frag', { fin: false });
        socket.send('ment', { fin: false });
        socket.send('ed ✓', { fin: true });
        socket.send(Buffer.from([1, 2, 3]), { binary: true, fin: false });
        socket.send(Buffer.from([4, 5]), { binary: true, fin: false });
        socket.send(Buffer.from([6]), { binary: true, fin: true });
      });
      return;
    case '/big':
      socket.once('message', () => socket.send(bigPattern(n), { binary: true }));
      return;
    case '/flood':
      socket.once('message', () => {
        for (let i = 0; i < n; i++) socket.send(`m${i}`);
      });
      return;
    case '/flow': {
      const flow = { socket, flushed: 0 };
      flows.set(url.searchParams.get('id') ?? '', flow);
      const size = Number(url.searchParams.get('size'));
      socket.once('message', () => {
        for (let i = 0; i < n; i++) socket.send(flowMessage(i, size), { binary: true }, (error) => {
            if (!error) flow.flushed++;
          });
      });
      return;
    }
    case '/close':
      socket.once('message', () => socket.close(Number(url.searchParams.get('code')), url.searchParams.get('reason') ?? ''));
      return;
    case '/abrupt':
      socket.once('message', () => socket.terminate());
      return;
    case '/ping':
      socket.on('pong', (payload) => socket.send(`pong:${payload.toString()}`));
      socket.ping('p1');
      return;
    case '/headers':
      socket.send(JSON.stringify(request.headers));
      return;
    case '/protocols':
      socket.send(request.headers['sec-websocket-protocol'] ?? '');
      socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
      return;
    default:
      socket.close(4404, 'no such path');
  }
}

async function main(): Promise<void> {
  const [dir, certDir] = process.argv.slice(2);
  const options = {
    handleProtocols: (offered: Set<string>, request: http.IncomingMessage) =>
      request.url === '/wrong-protocol' ? 'unoffered' : offered.has('chat.v2') ? 'chat.v2' : false,
  };
  const plain = http.createServer();
  const secure = https.createServer({
    cert: readFileSync(path.join(certDir, 'server.pem')),
    key: readFileSync(path.join(certDir, 'server-key.pem')),
  });
  for (const server of [plain, secure]) {
    new WebSocketServer({ server, ...options }).on('connection', serve);
    server.on('request', flowStatus);
    server.on('connection', (socket) => socket.setNoDelay(true));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
  const port = (plain.address() as AddressInfo).port;
  const securePort = (secure.address() as AddressInfo).port;
  writeFileSync(path.join(dir, 'ready.json'), JSON.stringify({ port, securePort, pid: process.pid }));
  setInterval(() => {
    if (!existsSync(dir)) process.exit(0);
  }, 500);
}

main().catch(() => process.exit(1));

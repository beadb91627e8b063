// The demo's file server, on 127.0.0.1 in the demo's own process: one file of random bytes with a strong ETag and
// byte ranges, sent at a pace a person can watch (about 16 MB/s), whose first answer breaks off at 40 % so the demo
// shows a download resuming. It publishes the file's SHA-256 the way a download page would.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoFile {
  url: string;
  bytes: number;
  sha256: string;
  close(): void;
}

const SIZE = 32 * 1024 * 1024;
const BLOCK = 256 * 1024;
const PACE_MS = 16;

export async function serveDemoFile(): Promise<DemoFile> {
  const file = randomBytes(SIZE);
  const sha256 = createHash('sha256').update(file).digest('hex');
  const etag = `"${sha256.slice(0, 16)}"`;
  let answered = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/demo.bin') return void res.writeHead(404).end();
    answered += 1;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range !== null && req.headers['if-range'] === etag ? Math.min(Number(range[1]), SIZE) : 0;
    res.writeHead(start > 0 ? 206 : 200, {
      'Content-Length': SIZE - start, ETag: etag, 'Accept-Ranges': 'bytes',
      ...(start > 0 ? { 'Content-Range': `bytes ${start}-${SIZE - 1}/${SIZE}` } : {}),
    });
    const cut = answered === 1 ? Math.floor(SIZE * 0.4) : SIZE;
    let at = start;
    const next = () => {
      if (res.destroyed) return;
      if (at >= cut) return void (cut < SIZE ? setTimeout(() => res.destroy(), 100) : res.end());
      const end = Math.min(at + BLOCK, cut);
      res.write(file.subarray(at, end), () => setTimeout(next, PACE_MS));
      at = end;
    };
    next();
  });
  server.on('connection', (socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/demo.bin`,
    bytes: SIZE,
    sha256,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

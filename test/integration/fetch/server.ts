// The loopback servers of the fetch differential tests: two origins (A and B, two ports of 127.0.0.1) with the same
// routes, recording what each request brought (method, path, every header, every body byte) under its x-run
// header, so a run through Node's fetch and one through ours can be compared hop by hop.
import type * as http from 'node:http';
import * as zlib from 'node:zlib';
import { deterministicBytes, readBody, startHttpServer, type TestServer } from '../../helpers/servers';

export interface SeenHop {
  origin: 'A' | 'B';
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export const TEXT = 'Grüße from the loopback server, '.repeat(64);
export const LARGE = deterministicBytes(6 * 1024 * 1024 + 123, 'fetch large body');
export const DRIP_FIRST = deterministicBytes(1000, 'fetch drip');

export interface FetchServers {
  a: TestServer<http.Server>;
  b: TestServer<http.Server>;
  /** The requests seen with `x-run: run`, in order. */
  hops(run: string): SeenHop[];
  close(): Promise<void>;
}

const ENCODED: Record<string, () => { encoding: string; bytes: Buffer }> = {
  gzip: () => ({ encoding: 'gzip', bytes: zlib.gzipSync(TEXT) }),
  'x-gzip': () => ({ encoding: 'x-gzip', bytes: zlib.gzipSync(TEXT) }),
  deflate: () => ({ encoding: 'deflate', bytes: zlib.deflateSync(TEXT) }),
  'deflate-raw': () => ({ encoding: 'deflate', bytes: zlib.deflateRawSync(TEXT) }),
  br: () => ({ encoding: 'br', bytes: zlib.brotliCompressSync(TEXT) }),
  'gzip-br': () => ({ encoding: 'gzip, br', bytes: zlib.brotliCompressSync(zlib.gzipSync(TEXT)) }),
  unknown: () => ({ encoding: 'x-unknown', bytes: Buffer.from(TEXT) }),
  broken: () => ({ encoding: 'gzip', bytes: Buffer.from('this is not gzip at all') }),
};

// Routes (the same on A and B):
//   /echo            200, the request body back, with two x-multi headers and two Set-Cookie
//   /status/<n>?to=  that status with that Location (A/... and B/... name an origin)
//   /chain/<n>       n 302s down to /chain/0 (an echo)
//   /encoded/<name>  TEXT encoded as ENCODED[name] says
//   /large           LARGE, with its Content-Length
//   /nobody/<n>      status n (204, 304) without a body
//   /stall           never answers;  /drip: DRIP_FIRST of twice its length, then nothing more
//   /truncated       Content-Length 100, 50 bytes, then the socket is destroyed
//   /reset           the socket is destroyed before any answer
async function handle(origin: 'A' | 'B', servers: () => FetchServers, seen: Map<string, SeenHop[]>,
  req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const [, route, arg] = url.pathname.split('/');
  if (route === 'reset') return void req.socket.destroy();
  const body = route === 'stall' ? Buffer.alloc(0) : (await readBody(req)).bytes;
  const run = req.headers['x-run'];
  if (typeof run === 'string') {
    const hops = seen.get(run) ?? [];
    hops.push({ origin, method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, body });
    seen.set(run, hops);
  }
  if (route === 'status') {
    const to = url.searchParams.get('to') ?? '/echo';
    const location = to.startsWith('B/') ? `${servers().b.url}${to.slice(2)}` : to.startsWith('A/') ? `${servers().a.url}${to.slice(2)}` : to;
    const moved = Buffer.from(`moved ${arg}`);
    res.writeHead(Number(arg), { Location: location, 'Content-Type': 'text/plain', 'Content-Length': moved.length });
    return void res.end(req.method === 'HEAD' ? undefined : moved);
  }
  if (route === 'chain' && Number(arg) > 0) {
    res.writeHead(302, { Location: `/chain/${Number(arg) - 1}`, 'Content-Length': '0' });
    return void res.end();
  }
  if (route === 'encoded') {
    const { encoding, bytes } = ENCODED[arg]();
    res.writeHead(200, { 'Content-Encoding': encoding, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': bytes.length });
    return void res.end(req.method === 'HEAD' ? undefined : bytes);
  }
  if (route === 'large') {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': LARGE.length });
    return void res.end(LARGE);
  }
  if (route === 'nobody') return void res.writeHead(Number(arg), { 'X-Status': arg }).end();
  if (route === 'stall') return;
  if (route === 'drip') {
    // With a Content-Length: under Wine, WinHttpReadData waits on the JS thread for a chunked body's next chunk
    // header (docs/wine.md), which would hold the abort back.
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': DRIP_FIRST.length * 2 });
    return void res.write(DRIP_FIRST);
  }
  if (route === 'truncated') {
    res.writeHead(200, { 'Content-Length': '100' });
    res.write(Buffer.alloc(50, 0x61));
    return void setTimeout(() => req.socket.destroy(), 20);
  }
  // A multipart boundary is random per serialisation: echoed as BOUNDARY, so two clients' echoes compare.
  const boundary = /boundary=(\S+)/.exec(req.headers['content-type'] ?? '')?.[1];
  const echo = boundary === undefined ? body : Buffer.from(body.toString('latin1').split(boundary).join('BOUNDARY'), 'latin1');
  res.writeHead(200, [
    ['Content-Type', 'application/octet-stream'],
    ['X-Multi', 'one'],
    ['X-Multi', 'two'],
    ['Set-Cookie', 'a=1; Path=/'],
    ['Set-Cookie', 'b=2; Path=/'],
    ['Content-Length', String(echo.length)],
  ].flat());
  res.end(req.method === 'HEAD' ? undefined : echo);
}

export async function startFetchServers(): Promise<FetchServers> {
  const seen = new Map<string, SeenHop[]>();
  let servers: FetchServers | undefined;
  const get = () => servers!;
  const a = await startHttpServer((req, res) => void handle('A', get, seen, req, res));
  const b = await startHttpServer((req, res) => void handle('B', get, seen, req, res));
  servers = {
    a, b,
    hops: (run) => seen.get(run) ?? [],
    close: () => Promise.all([a.close(), b.close()]).then(() => undefined),
  };
  return servers;
}

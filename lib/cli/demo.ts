// `winhttp` with no url: a self-contained tour that needs no network. It serves two routes on 127.0.0.1 from this
// process, fetches them through WinHTTP (GET, then a POST echo), then shows the typed error for a closed port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from '../request';
import { WinHttpError } from '../errors';
import { formatHead } from './fetch-command';

function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({
        hello: 'from a loopback server, fetched through WinHTTP',
        method: req.method,
        path: req.url,
        userAgent: req.headers['user-agent'],
        receivedBytes: Buffer.concat(chunks).length,
      }) + '\n');
    });
  });
  server.on('connection', (socket) => socket.setNoDelay(true));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function freePort(): Promise<number> {
  const probe = createServer();
  return new Promise((resolve) => probe.listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as AddressInfo;
    probe.close(() => resolve(port));
  }));
}

export async function runDemo(out: NodeJS.WritableStream): Promise<void> {
  const server = await serve();
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  out.write(`winhttp demo: a server on ${base} (loopback, this process); every request goes through winhttp.dll\n\n`);
  try {
    for (const [method, path, body] of [['GET', '/hello', undefined], ['POST', '/echo', 'some bytes to upload']] as const) {
      const started = process.hrtime.bigint();
      out.write(`> ${method} ${base}${path}${body === undefined ? '' : ` (body: ${body.length} bytes)`}\n`);
      const response = await request(`${base}${path}`, { method, body, timeout: 10_000 });
      const text = await response.text();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      out.write(formatHead(response.status, response.statusText, response.httpVersion, response.rawHeaders));
      out.write(`${text}(${Buffer.byteLength(text)} body bytes in ${ms.toFixed(1)} ms)\n\n`);
    }
    const closed = `http://127.0.0.1:${await freePort()}/`;
    out.write(`> GET ${closed} (nobody listens there)\n`);
    try {
      await request(closed, { timeout: 10_000 });
      out.write('unexpected: the request succeeded\n');
    } catch (error) {
      if (!(error instanceof WinHttpError)) throw error;
      out.write(`${error.name}: code=${error.code} errno=${error.errno} api=${error.api} category=${error.category}\n`);
    }
  } finally {
    server.close();
  }
}

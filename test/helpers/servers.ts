// Loopback servers for the integration tests. Each test file starts its own in its own process, on a free port of
// 127.0.0.1 (Wine's sockets are the host's, so the Windows node.exe under Wine reaches them as well), and closes
// them in afterAll. Every accepted socket gets TCP_NODELAY (a 40 ms delayed-ACK stall per keep-alive request was
// seen without it) and is tracked, so close() can destroy the ones WinHTTP keeps alive instead of waiting for them.
import { createCipheriv, createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { UNTRUSTED_CA } from './trusted-ca';

export interface TestServer<S extends net.Server = net.Server> {
  server: S;
  port: number;
  /** Origin with a trailing slash, e.g. "http://127.0.0.1:50123/". */
  url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections open now (only startHttpsServer's servers count them). */
  readonly openConnections?: number;
  /** Destroys every open socket, then closes the listener(s). */
  close(): Promise<void>;
}

interface Tracker {
  sockets: Set<net.Socket>;
  count: number;
}

function track(server: net.Server, tracker: Tracker = { sockets: new Set(), count: 0 }): Tracker {
  server.on('connection', (socket: net.Socket) => {
    socket.setNoDelay(true);
    tracker.count += 1;
    tracker.sockets.add(socket);
    socket.on('close', () => tracker.sockets.delete(socket));
  });
  return tracker;
}

function listen(server: net.Server, host: string, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function closeServers(servers: net.Server[], tracker: Tracker): Promise<void> {
  for (const socket of tracker.sockets) socket.destroy();
  tracker.sockets.clear();
  return Promise.all(servers.map((server) => new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  }))).then(() => undefined);
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** An http server on 127.0.0.1 (or `host`, a loopback address) with `handler` for every request. */
export async function startHttpServer(handler: http.RequestListener, host = '127.0.0.1'): Promise<TestServer<http.Server>> {
  const server = http.createServer(handler);
  const tracker = track(server);
  const port = await listen(server, host);
  return {
    server,
    port,
    url: `http://${urlHost(host)}:${port}/`,
    get connections() { return tracker.count; },
    close: () => closeServers([server], tracker),
  };
}

/** A plain TCP server for scripted misbehaviour: `onSocket` gets each accepted socket. */
export async function startRawServer(onSocket: (socket: net.Socket) => void): Promise<TestServer<net.Server>> {
  const server = net.createServer();
  const tracker = track(server);
  server.on('connection', (socket) => {
    socket.on('error', () => undefined); // a reset from the client is part of some scripts
    onSocket(socket);
  });
  const port = await listen(server, '127.0.0.1');
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/`,
    get connections() { return tracker.count; },
    close: () => closeServers([server], tracker),
  };
}

/**
 * An https server with a fixture certificate (test/fixtures/tls: DNS SAN localhost, IP SAN 127.0.0.1), by default
 * the one signed by the test CA that no trust store holds; `tls` picks another set (test/helpers/trusted-ca.ts) and
 * may limit the TLS versions the server accepts or ask for a client certificate. Its url is https://localhost:<port>/ (Wine rejects https://127.0.0.1
 * even with an IP SAN: docs/wine.md). Windows resolves "localhost" to ::1 first, so the port is also bound on ::1
 * when that is possible.
 */
export async function startHttpsServer(handler: http.RequestListener,
  tls: { cert: Buffer; key: Buffer } & Pick<https.ServerOptions,
    'minVersion' | 'maxVersion' | 'requestCert' | 'rejectUnauthorized' | 'ca'> = UNTRUSTED_CA,
): Promise<TestServer<https.Server>> {
  const { cert, key, minVersion, maxVersion, requestCert, rejectUnauthorized, ca } = tls;
  const options: https.ServerOptions = { cert, key, minVersion, maxVersion, requestCert, rejectUnauthorized, ca };
  const servers = [https.createServer(options, handler), https.createServer(options, handler)];
  const tracker: Tracker = { sockets: new Set(), count: 0 };
  for (const server of servers) {
    track(server, tracker);
    server.on('tlsClientError', () => undefined); // the client refusing our certificate is what some tests want
  }
  const port = await listen(servers[0], '127.0.0.1');
  try {
    await listen(servers[1], '::1', port);
  } catch {
    // no IPv6 loopback, or the port is taken there: 127.0.0.1 alone
  }
  return {
    server: servers[0],
    port,
    url: `https://localhost:${port}/`,
    get connections() { return tracker.count; },
    get openConnections() { return tracker.sockets.size; },
    close: () => closeServers(servers, tracker),
  };
}

/** A loopback port that nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server, '127.0.0.1');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves with the request head (up to and including the empty line) once it has arrived on `socket`. */
export function readRequestHead(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (data: Buffer) => {
      text += data.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end >= 0) {
        socket.off('data', onData);
        socket.off('error', reject);
        resolve(text.slice(0, end + 4));
      }
    };
    socket.on('data', onData);
    socket.on('error', reject);
  });
}

/** `size` pseudo-random bytes fixed by `seed` (AES-128-CTR keystream), the same on every run and machine. */
export function deterministicBytes(size: number, seed: string): Buffer {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The whole request body, with its length and sha256. */
export async function readBody(req: http.IncomingMessage): Promise<{ bytes: Buffer; length: number; sha256: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  return { bytes, length: bytes.length, sha256: sha256(bytes) };
}

/** Writes `data` to `res` in slices, waiting for 'drain' whenever write() returns false. */
export async function writeWithBackpressure(res: http.ServerResponse, data: Buffer, slice = 64 * 1024,
  onSlice?: (written: number, accepted: boolean) => void): Promise<void> {
  for (let offset = 0; offset < data.length; offset += slice) {
    if (res.destroyed) return;
    const piece = data.subarray(offset, offset + slice);
    const accepted = res.write(piece);
    onSlice?.(offset + piece.length, accepted);
    if (!accepted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end();
}

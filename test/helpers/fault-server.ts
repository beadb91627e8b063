// A loopback server that misbehaves on purpose, one scripted fault per path (GET <url>/<fault>): the fault matrix
// (test/lifecycle/fault-matrix.test.ts) runs every fault against every abort point. It speaks raw TCP so that it can
// send what no HTTP library would (resets, cut bodies, broken chunked encoding, garbage), answers one request per
// connection (every answer says Connection: close, so WinHTTP never reuses one), sets TCP_NODELAY on every socket
// (startRawServer) and destroys whatever is still open on close(). A request whose URL carries `?hold=<id>` gets its
// answer only once the test calls release(id): the test then knows the client cannot have heard from the server
// before that. It runs on a worker thread of the test process
// (see serveInThisThread for why), and reports its counters to the test's thread.
import type * as net from 'node:net';
import { type MessagePort, Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { closedPort, readRequestHead, startRawServer } from './servers';

export const FAULTS = [
  /** A well-formed 200 with a Content-Length body of BODY_LENGTH bytes (the baseline). */
  'ok',
  /** The request head arrives, then the connection is reset (RST) before any byte of the response. */
  'reset-before-headers',
  /** Head (Content-Length: BODY_LENGTH) and CUT_AT bytes, then, CUT_DELAY_MS later, a reset. */
  'reset-mid-body',
  /** Head (Content-Length: BODY_LENGTH) and CUT_AT bytes, then, CUT_DELAY_MS later, FIN. */
  'truncated-length',
  /** A chunked body: one chunk of CUT_AT bytes, then, CUT_DELAY_MS later, FIN without the last chunk. */
  'truncated-chunked',
  /** A chunked body: one good chunk of CUT_AT bytes, then, CUT_DELAY_MS later, a chunk-size line that is not hex and FIN. */
  'malformed-chunked',
  /** "THIS IS NOT HTTP" instead of a status line, then FIN. */
  'garbage-status',
  /** A response head of about OVERSIZED_HEAD_BYTES (100 lines of 1000 bytes), more than WinHTTP's 64 KiB default. */
  'oversized-headers',
  /** MANY_HEADERS_COUNT header lines ("X: 1"), the whole head under 64 KiB. */
  'many-headers',
  /** Head (Content-Length: DRIP_LENGTH), then one byte every DRIP_INTERVAL_MS. */
  'slow-drip',
  /** Reads the request and never answers. */
  'never-answers',
  /** Head (Content-Length: BODY_LENGTH), then, CUT_DELAY_MS later, FIN without a body. */
  'close-after-headers',
  /** "100 Continue", then, CUT_DELAY_MS later, FIN instead of the final response. */
  'continue-then-fail',
  /** 302 to itself (with a counter in the query) forever. */
  'redirect-loop',
  /** 302 to http://127.0.0.1:<a closed port>/. */
  'redirect-to-closed-port',
] as const;

export type Fault = (typeof FAULTS)[number];

/** Paths the fault server also serves, for the lifecycle suites; not faults of the matrix. */
export const SERVICE_PATHS = [
  /** Reads the request head, then stops reading (the request body fills the socket buffers) and never answers. */
  'stall-upload',
  /** A 200 with a Content-Length body of BIG_LENGTH bytes, sent as fast as the client takes it. */
  'big',
] as const;

export type ServicePath = (typeof SERVICE_PATHS)[number];

export const BODY_LENGTH = 1000;
export const CUT_AT = 10;
/**
 * Between the first body bytes and the cut: long enough for the client to have taken the first bytes, so that "abort
 * after the first chunk" is reached before the cut (Windows' WinHTTP may drop data it has not yet handed out when the
 * connection closes under it).
 */
export const CUT_DELAY_MS = 100;
export const OVERSIZED_HEAD_BYTES = 100 * 1024;
export const MANY_HEADERS_COUNT = 10_000;
export const DRIP_LENGTH = 100;
export const DRIP_INTERVAL_MS = 100;
export const BIG_LENGTH = 8 * 1024 * 1024;

/** The body of 'ok' (and the prefix of every cut body): BODY_LENGTH bytes of 'a'..'z'. */
export const FAULT_BODY = Buffer.from(Array.from({ length: BODY_LENGTH }, (_, i) => 97 + (i % 26)));

export interface FaultServer {
  port: number;
  /** http://127.0.0.1:<port>/ */
  url: string;
  /** http://127.0.0.1:<port>/<fault or service path>, with `?hold=<hold>` when given (see release()). */
  urlOf(path: Fault | ServicePath, hold?: string): string;
  /** Lets the server answer the request held under `id` (now, or at once when it arrives later). */
  release(id: string): void;
  /** The port 'redirect-to-closed-port' points at (bound once, then released: nobody listens there). */
  readonly closedPort: number;
  /** Request heads received, by fault (each redirect hop counts), as last reported by the server thread. */
  readonly hits: ReadonlyMap<string, number>;
  /** Connections accepted so far, as last reported. */
  readonly connections: number;
  /** Connections still open at the server (a leak shows here), as last reported. */
  readonly openSockets: number;
  /** Resolves once the counters above include everything the server thread has seen until now. */
  sync(): Promise<void>;
  /** Destroys every open socket, closes the listener and ends the server thread. */
  close(): Promise<void>;
}

const HEAD_END = '\r\n\r\n';

function head(status: string, headers: string[]): string {
  return [`HTTP/1.1 ${status}`, ...headers, 'Connection: close'].join('\r\n') + HEAD_END;
}

/** Writes `data` (a string as latin1) unless the socket is gone. */
function send(socket: net.Socket, data: string | Buffer): void {
  if (!socket.destroyed) socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
}

/** Runs `step` every `ms` until it returns false or the socket closes. */
function every(socket: net.Socket, ms: number, step: () => boolean): void {
  const timer = setInterval(() => {
    if (socket.destroyed || !step()) clearInterval(timer);
  }, ms);
  socket.once('close', () => clearInterval(timer));
}

/** Runs `then` after `ms`, unless the socket is gone by then. */
function later(socket: net.Socket, ms: number, then: () => void): void {
  const timer = setTimeout(() => socket.destroyed || then(), ms);
  socket.once('close', () => clearTimeout(timer));
}

const FIRST_BYTES = FAULT_BODY.subarray(0, CUT_AT).toString('latin1');
const FIRST_CHUNK = `${CUT_AT.toString(16)}\r\n${FIRST_BYTES}\r\n`;

// Complete answers (ok, redirects) leave the socket open: the client closes it (Connection: close), and the server
// ends its side then (allowHalfOpen is off). A FIN sent at once could make WinHTTP drop data it has not handed out.
function answer(socket: net.Socket, fault: string, query: URLSearchParams, closed: number): void {
  switch (fault) {
    case 'ok':
      send(socket, head('200 OK', [`Content-Length: ${BODY_LENGTH}`]) + FAULT_BODY.toString('latin1'));
      return;
    case 'reset-before-headers':
      socket.resetAndDestroy();
      return;
    case 'reset-mid-body':
      send(socket, head('200 OK', [`Content-Length: ${BODY_LENGTH}`]) + FIRST_BYTES);
      later(socket, CUT_DELAY_MS, () => socket.resetAndDestroy());
      return;
    case 'truncated-length':
      send(socket, head('200 OK', [`Content-Length: ${BODY_LENGTH}`]) + FIRST_BYTES);
      later(socket, CUT_DELAY_MS, () => socket.end());
      return;
    case 'truncated-chunked':
      send(socket, head('200 OK', ['Transfer-Encoding: chunked']) + FIRST_CHUNK);
      later(socket, CUT_DELAY_MS, () => socket.end());
      return;
    case 'malformed-chunked':
      send(socket, head('200 OK', ['Transfer-Encoding: chunked']) + FIRST_CHUNK);
      later(socket, CUT_DELAY_MS, () => socket.end('zz-not-hex\r\nmore\r\n'));
      return;
    case 'garbage-status':
      socket.end('THIS IS NOT HTTP\r\n\r\nsome bytes\r\n');
      return;
    case 'oversized-headers': {
      const lines = Array.from({ length: OVERSIZED_HEAD_BYTES / 1024 },
        (_, i) => `X-Big-${String(i).padStart(3, '0')}: ${'b'.repeat(1010)}`);
      send(socket, head('200 OK', [...lines, 'Content-Length: 2']) + 'ok');
      return;
    }
    case 'many-headers': {
      const lines = Array.from({ length: MANY_HEADERS_COUNT }, () => 'X: 1');
      send(socket, head('200 OK', [...lines, 'Content-Length: 2']) + 'ok');
      return;
    }
    case 'slow-drip': {
      send(socket, head('200 OK', [`Content-Length: ${DRIP_LENGTH}`]));
      let sent = 0;
      every(socket, DRIP_INTERVAL_MS, () => {
        send(socket, FAULT_BODY.subarray(sent, sent + 1));
        sent += 1;
        return sent < DRIP_LENGTH;
      });
      return;
    }
    case 'never-answers':
      return;
    case 'close-after-headers':
      send(socket, head('200 OK', [`Content-Length: ${BODY_LENGTH}`]));
      later(socket, CUT_DELAY_MS, () => socket.end());
      return;
    case 'continue-then-fail':
      send(socket, 'HTTP/1.1 100 Continue\r\n\r\n');
      later(socket, CUT_DELAY_MS, () => socket.end());
      return;
    case 'redirect-loop': {
      const n = Number(query.get('n') ?? '0') + 1;
      send(socket, head('302 Found', [`Location: /redirect-loop?n=${n}`, 'Content-Length: 0']));
      return;
    }
    case 'redirect-to-closed-port':
      send(socket, head('302 Found', [`Location: http://127.0.0.1:${closed}/`, 'Content-Length: 0']));
      return;
    case 'stall-upload':
      socket.pause();
      return;
    case 'big': {
      send(socket, head('200 OK', [`Content-Length: ${BIG_LENGTH}`]));
      const block = Buffer.alloc(64 * 1024, 0x62);
      let sent = 0;
      const pump = () => {
        while (sent < BIG_LENGTH && !socket.destroyed) {
          sent += block.length;
          if (!socket.write(block)) return void socket.once('drain', pump);
        }
      };
      pump();
      return;
    }
    default:
      send(socket, head('404 Not Found', ['Content-Length: 0']));
  }
}

interface Stats {
  hits: Array<[string, number]>;
  connections: number;
  open: number;
}

type ToThread = { type: 'sync' } | { type: 'close' } | { type: 'release'; id: string };
type FromThread = { type: 'listening'; port: number; closedPort: number } | { type: 'stats'; stats: Stats; synced?: boolean };

// The server thread: a raw server whose event loop does not share the test's JS thread. Under Wine, WinHTTP reads
// the next chunk header of a chunked body synchronously inside WinHttpReadData on the calling (JS) thread
// (docs/wine.md): a server on that same thread could then not send the bytes the read waits for until the receive
// timeout fired.
async function serveInThisThread(port: MessagePort): Promise<void> {
  const closed = await closedPort();
  const hits = new Map<string, number>();
  const open = new Set<net.Socket>();
  // Held answers by hold id, and the ids released (a request may arrive after its release, or never).
  const held = new Map<string, () => void>();
  const released = new Set<string>();
  const stats = (): Stats => ({ hits: [...hits], connections: server.connections, open: open.size });
  const report = () => port.postMessage({ type: 'stats', stats: stats() } satisfies FromThread);
  const server = await startRawServer((socket) => {
    open.add(socket);
    report();
    socket.once('close', () => {
      open.delete(socket);
      report();
    });
    readRequestHead(socket).then((text) => {
      const target = text.slice(text.indexOf(' ') + 1, text.indexOf(' ', text.indexOf(' ') + 1));
      const url = new URL(target, 'http://127.0.0.1');
      const fault = url.pathname.slice(1);
      hits.set(fault, (hits.get(fault) ?? 0) + 1);
      report();
      socket.resume(); // discard any request body, so a client writing one is never stuck on a full window
      const hold = url.searchParams.get('hold');
      if (hold === null || released.has(hold)) answer(socket, fault, url.searchParams, closed);
      else held.set(hold, () => socket.destroyed || answer(socket, fault, url.searchParams, closed));
    }, () => socket.destroy());
  });
  port.on('message', (message: ToThread) => {
    if (message.type === 'sync') port.postMessage({ type: 'stats', stats: stats(), synced: true } satisfies FromThread);
    else if (message.type === 'release') {
      released.add(message.id);
      held.get(message.id)?.();
      held.delete(message.id);
    } else void server.close().then(() => port.close());
  });
  port.postMessage({ type: 'listening', port: server.port, closedPort: closed } satisfies FromThread);
}

if (!isMainThread && (workerData as { faultServer?: boolean } | null)?.faultServer === true) {
  void serveInThisThread(parentPort!);
}

/** Starts the fault server on a thread of its own (in this process), on a free port of 127.0.0.1. */
export async function startFaultServer(): Promise<FaultServer> {
  const worker = new Worker(__filename, { workerData: { faultServer: true } });
  let stats: Stats = { hits: [], connections: 0, open: 0 };
  const syncWaiters: Array<() => void> = [];
  const listening = new Promise<{ port: number; closedPort: number }>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: FromThread) => {
      if (message.type === 'listening') resolve(message);
      else {
        stats = message.stats;
        if (message.synced) syncWaiters.shift()?.();
      }
    });
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const { port, closedPort: closed } = await listening;
  const url = `http://127.0.0.1:${port}/`;
  return {
    port,
    url,
    urlOf: (path: Fault | ServicePath, hold?: string) => `${url}${path}${hold === undefined ? '' : `?hold=${hold}`}`,
    release: (id: string) => worker.postMessage({ type: 'release', id } satisfies ToThread),
    closedPort: closed,
    get hits() { return new Map(stats.hits); },
    get connections() { return stats.connections; },
    get openSockets() { return stats.open; },
    sync: () => new Promise<void>((resolve) => {
      syncWaiters.push(resolve);
      worker.postMessage({ type: 'sync' } satisfies ToThread);
    }),
    close: async () => {
      worker.postMessage({ type: 'close' } satisfies ToThread);
      await exited;
    },
  };
}

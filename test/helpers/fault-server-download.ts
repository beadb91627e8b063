// A loopback file server for download() that fails on purpose, on a worker thread of the test process (as
// fault-server.ts, and for the same reason: under Wine a read may block the test's JS thread). It speaks raw TCP, one
// request per connection, so it can reset a connection mid-body. Every file is a deterministic byte stream
// (fileBytes: AES-128-CTR keystream, computed at any offset, so no 200 MB buffer is held), and each request's
// behaviour comes from its query string, so tests share one server and stay independent (a `key` names the state
// kept across requests, e.g. how many have been answered):
//
//   size=N seed=S      the file: N bytes of fileBytes(S)
//   key=K              state across requests (count, drops) lives under K
//   ranges=0           ignore Range (answer 200 with the whole file)
//   validator=etag|weak|date|none   strong ETag (default), weak ETag, Last-Modified only, nothing
//   drops=D dropSeed=X the first D responses end early at a random offset (seeded), by RST or FIN alternately
//   cut=rst|fin        every drop by that one (a FIN delivers every byte sent before it; an RST may lose some)
//   changeAfter=R      from request R+1 on, the file is fileBytes(S + '-v2') with another ETag/Last-Modified
//   ignoreIfRange=1    answer a Range with 206 even when If-Range does not match (a broken server)
//   busy=B retryAfter=T  the first B requests get 503 with Retry-After: T
//   corrupt=1          one byte in the middle of every response body is flipped
//   stallAt=O          the first response stops sending at file offset O and never ends (until the client goes)
//   status=C           answer C with an empty body
//   pace=MS            wait MS after each 64 KiB block (so a transfer takes a known least time)
import { createCipheriv, createHash } from 'node:crypto';
import type * as net from 'node:net';
import { type MessagePort, Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { prng } from './prng';
import { readRequestHead, startRawServer } from './servers';

/** What the server saw and did for one request. */
export interface ServedRequest {
  key: string;
  range: string | undefined;
  ifRange: string | undefined;
  status: number;
  /** First file offset of the body sent, and how many body bytes went out before the end or the cut. */
  start: number;
  sent: number;
  /** 'rst' or 'fin' when the body was cut on purpose, 'stall' when it stopped. */
  cut?: string;
}

function keyOf(seed: string): Buffer {
  return createHash('sha256').update(seed).digest().subarray(0, 16);
}

/** A reader of fileBytes(seed) from `offset` on: each call returns the next `length` bytes. */
export function fileReader(seed: string, offset: number): (length: number) => Buffer {
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(Math.floor(offset / 16)), 8);
  const cipher = createCipheriv('aes-128-ctr', keyOf(seed), iv);
  const skip = offset % 16;
  if (skip > 0) cipher.update(Buffer.alloc(skip));
  return (length) => cipher.update(Buffer.alloc(length));
}

/** The sha256 (hex) of the first `size` bytes of fileBytes(seed), computed in 1 MiB blocks. */
export function fileSha256(seed: string, size: number): string {
  const hash = createHash('sha256');
  const next = fileReader(seed, 0);
  for (let at = 0; at < size; at += 1 << 20) hash.update(next(Math.min(1 << 20, size - at)));
  return hash.digest('hex');
}

const CUT_DELAY_MS = 100;
const LAST_MODIFIED = ['Mon, 02 Nov 2026 10:00:00 GMT', 'Tue, 03 Nov 2026 11:00:00 GMT'];

interface KeyState {
  requests: number;
  random: () => number;
}

function header(head: string, name: string): string | undefined {
  const match = new RegExp(`^${name}:[ \\t]*(.*?)[ \\t]*$`, 'im').exec(head);
  return match?.[1];
}

function answer(socket: net.Socket, head: string, states: Map<string, KeyState>, log: (entry: ServedRequest) => void): void {
  const target = head.slice(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
  const q = new URL(target, 'http://127.0.0.1').searchParams;
  const key = q.get('key') ?? target;
  const state = states.get(key) ?? { requests: 0, random: prng(Number(q.get('dropSeed') ?? '1')) };
  states.set(key, state);
  state.requests += 1;
  const n = state.requests;
  const range = header(head, 'range');
  const ifRange = header(head, 'if-range');
  const entry: ServedRequest = { key, range, ifRange, status: 0, start: 0, sent: 0 };
  const finish = (extra: Partial<ServedRequest>) => log(Object.assign(entry, extra));
  const write = (text: string) => socket.write(Buffer.from(text, 'latin1'));
  const headOf = (status: string, lines: string[]) => write([`HTTP/1.1 ${status}`, ...lines, 'Connection: close', '', ''].join('\r\n'));

  if (q.get('status') !== null) {
    headOf(`${q.get('status')} Scripted`, ['Content-Length: 0']);
    return finish({ status: Number(q.get('status')) });
  }
  if (n <= Number(q.get('busy') ?? '0')) {
    headOf('503 Service Unavailable', [`Retry-After: ${q.get('retryAfter') ?? '1'}`, 'Content-Length: 0']);
    return finish({ status: 503 });
  }
  const size = Number(q.get('size') ?? '1000');
  const changed = q.get('changeAfter') !== null && n > Number(q.get('changeAfter'));
  const seed = (q.get('seed') ?? 'file') + (changed ? '-v2' : '');
  const version = changed ? 1 : 0;
  const etag = `"${createHash('sha256').update(seed).digest('hex').slice(0, 16)}"`;
  const validator = q.get('validator') ?? 'etag';
  const validators = validator === 'etag' ? [`ETag: ${etag}`] : validator === 'weak' ? [`ETag: W/${etag}`]
    : validator === 'date' ? [`Last-Modified: ${LAST_MODIFIED[version]}`] : [];
  const current = validator === 'etag' ? etag : validator === 'date' ? LAST_MODIFIED[version] : undefined;

  let start = 0;
  let status = '200 OK';
  const rangeMatch = /^bytes=(\d+)-$/.exec(range ?? '');
  const ifRangeHolds = ifRange === undefined || ifRange === current || q.get('ignoreIfRange') === '1';
  if (q.get('ranges') !== '0' && rangeMatch !== null && ifRangeHolds) {
    start = Number(rangeMatch[1]);
    if (start >= size) {
      headOf('416 Range Not Satisfiable', [`Content-Range: bytes */${size}`, 'Content-Length: 0']);
      return finish({ status: 416 });
    }
    status = '206 Partial Content';
  }
  const length = size - start;
  headOf(status, [...validators, `Content-Length: ${length}`, ...(q.get('ranges') === '0' ? [] : ['Accept-Ranges: bytes']),
    ...(start > 0 || status.startsWith('206') ? [`Content-Range: bytes ${start}-${size - 1}/${size}`] : [])]);

  // Where this body ends: the whole range, or a cut (seeded offset, RST or FIN) or a stall.
  let end = size;
  let cut: string | undefined;
  if (n <= Number(q.get('drops') ?? '0')) {
    end = start + Math.floor(state.random() * length);
    cut = q.get('cut') ?? (n % 2 === 1 ? 'rst' : 'fin');
  }
  if (q.get('stallAt') !== null && n === 1) {
    end = Math.min(end, Number(q.get('stallAt')));
    cut = 'stall';
  }
  const corruptAt = q.get('corrupt') === '1' ? Math.floor(size / 2) : -1;
  const read = fileReader(seed, start);
  let at = start;
  const done = () => {
    finish({ status: Number(status.slice(0, 3)), start, sent: at - start, cut });
    if (cut === 'rst') socket.resetAndDestroy();
    else if (cut === 'fin') socket.end();
    // 'stall' and a whole body: the client closes (Connection: close)
  };
  const pace = Number(q.get('pace') ?? '0');
  const pump = () => {
    while (at < end && !socket.destroyed) {
      const block = read(Math.min(64 * 1024, end - at));
      if (corruptAt >= at && corruptAt < at + block.length) block[corruptAt - at] ^= 0xff;
      at += block.length;
      if (pace > 0) return void socket.write(block, () => setTimeout(pump, pace));
      if (!socket.write(block)) return void socket.once('drain', pump);
    }
    if (socket.destroyed) finish({ status: Number(status.slice(0, 3)), start, sent: at - start, cut: 'client' });
    // Cut a while after the last byte went out, so the client has taken what was sent (WinHTTP may drop bytes it has
    // not handed out yet when the connection closes under it).
    else if (cut === 'rst' || cut === 'fin') socket.write(Buffer.alloc(0), () => setTimeout(done, CUT_DELAY_MS));
    else done();
  };
  pump();
}

type ToThread = { type: 'sync' } | { type: 'close' };
type FromThread = { type: 'listening'; port: number } | { type: 'served'; entry: ServedRequest } | { type: 'synced' };

async function serveInThisThread(port: MessagePort): Promise<void> {
  const states = new Map<string, KeyState>();
  const server = await startRawServer((socket) => {
    readRequestHead(socket).then((head) => {
      socket.resume();
      answer(socket, head, states, (entry) => port.postMessage({ type: 'served', entry } satisfies FromThread));
    }, () => socket.destroy());
  });
  port.on('message', (message: ToThread) => {
    if (message.type === 'sync') port.postMessage({ type: 'synced' } satisfies FromThread);
    else void server.close().then(() => port.close());
  });
  port.postMessage({ type: 'listening', port: server.port } satisfies FromThread);
}

if (!isMainThread && (workerData as { downloadFaultServer?: boolean } | null)?.downloadFaultServer === true) {
  void serveInThisThread(parentPort!);
}

export interface DownloadFaultServer {
  /** http://127.0.0.1:<port>/file?<query> */
  url(query: Record<string, string | number>): string;
  /** Requests served so far for `key`, in order, as of the last sync(). */
  served(key: string): ServedRequest[];
  /** Resolves once served() includes every request the server has finished until now. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export async function startDownloadFaultServer(): Promise<DownloadFaultServer> {
  const worker = new Worker(__filename, { workerData: { downloadFaultServer: true } });
  const log: ServedRequest[] = [];
  const waiters: Array<() => void> = [];
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: FromThread) => {
      if (message.type === 'listening') resolve(message.port);
      else if (message.type === 'served') log.push(message.entry);
      else waiters.shift()?.();
    });
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    url: (query) => `http://127.0.0.1:${port}/file?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`,
    served: (key) => log.filter((entry) => entry.key === key),
    sync: () => new Promise<void>((resolve) => {
      waiters.push(resolve);
      worker.postMessage({ type: 'sync' } satisfies ToThread);
    }),
    close: async () => {
      worker.postMessage({ type: 'close' } satisfies ToThread);
      await exited;
    },
  };
}

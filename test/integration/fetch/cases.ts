// The table of the fetch differential tests: each case is one fetch (a method, a body of each kind, redirects of
// each kind, encoded and large responses, aborts at each stage, failures), run by runCase() through any fetch
// function, whose outcome (status, statusText, type, url, redirected, response headers, every body byte, or the
// error's class and message) can be compared with another fetch's. Used by the test file and by its worker_thread.
import { createHash, randomUUID } from 'node:crypto';
import { DRIP_FIRST } from './server';
import { WINE_CHUNKED_UPLOAD } from '../../helpers/wine';

export type FetchFn = (input: string, init?: RequestInit & { duplex?: 'half' }) => Promise<Response>;

export interface Bases {
  A: string;
  B: string;
  /** A loopback port nobody listens on. */
  closedPort: number;
}

export interface FetchCase {
  name: string;
  /** The URL: "A/path" or "B/path" (an origin of the servers), or a function of the bases. */
  url: string | ((bases: Bases) => string);
  init?: () => RequestInit & { duplex?: 'half' };
  /** Abort: before the call, while waiting for the head, or after the first body chunk; with the default or an own reason. */
  abort?: { at: 'before' | 'head' | 'body'; reason?: 'own' };
  /** The body has no known length (a ReadableStream without Content-Length): sent chunked. */
  unknownLength?: boolean;
  /** Why this case does not run through Node's global fetch with the WinHttpDispatcher (a difference that remains). */
  notThroughDispatcher?: string;
}

/** Why a case does not run here: chunked uploads fail under Wine (docs/wine.md); real Windows runs them. */
export function skippedHere(c: FetchCase, onWine: boolean): string | undefined {
  return onWine && c.unknownLength === true ? WINE_CHUNKED_UPLOAD : undefined;
}

const BYTES = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 256);
const UPLOAD = Buffer.from(Uint8Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => (i * 31 + 11) % 251));

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  });
}

function formData(): FormData {
  const form = new FormData();
  form.append('field', 'välue');
  form.append('file', new Blob([BYTES], { type: 'application/x-bytes' }), 'bytes.bin');
  return form;
}

// A body made afresh for each run (a stream is consumed by the first).
const post = (body: () => unknown, extra: RequestInit = {}) => () =>
  ({ method: 'POST', body: body() as NonNullable<RequestInit['body']>, ...extra });

export const CASES: FetchCase[] = [
  { name: 'GET', url: 'A/echo' },
  { name: 'HEAD', url: 'A/echo', init: () => ({ method: 'HEAD' }) },
  { name: 'DELETE', url: 'A/echo', init: () => ({ method: 'DELETE' }) },
  { name: 'OPTIONS', url: 'A/echo', init: () => ({ method: 'OPTIONS' }) },
  { name: 'PATCH with a string', url: 'A/echo', init: () => ({ method: 'PATCH', body: 'patched ✓' }) },
  { name: 'lower-case post is normalised', url: 'A/echo', init: () => ({ method: 'post', body: 'x' }) },
  { name: 'POST without a body', url: 'A/echo', init: () => ({ method: 'POST' }) },
  { name: 'POST a string', url: 'A/echo', init: post(() => 'hello, wörld') },
  { name: 'POST an empty string', url: 'A/echo', init: post(() => '') },
  { name: 'POST a Uint8Array', url: 'A/echo', init: post(() => BYTES) },
  { name: 'POST an ArrayBuffer', url: 'A/echo', init: post(() => BYTES.buffer.slice(0)) },
  { name: 'POST a DataView', url: 'A/echo', init: post(() => new DataView(BYTES.buffer, 10, 100)) },
  { name: 'POST an Int16Array', url: 'A/echo', init: post(() => new Int16Array([1, -2, 300, -32768])) },
  { name: 'POST a Blob with a type', url: 'A/echo', init: post(() => new Blob(['blob ', BYTES], { type: 'application/x-blob' })) },
  { name: 'POST URLSearchParams', url: 'A/echo', init: post(() => new URLSearchParams({ q: 'a b&c', ü: '1' })) },
  { name: 'POST FormData (multipart)', url: 'A/echo', init: post(() => formData()) },
  { name: 'PUT 3 MiB', url: 'A/echo', init: () => ({ method: 'PUT', body: UPLOAD }) },
  {
    name: 'POST a ReadableStream with Content-Length', url: 'A/echo',
    init: post(() => streamOf([BYTES.subarray(0, 1000), BYTES.subarray(1000)]), { duplex: 'half', headers: { 'Content-Length': String(BYTES.length) } } as RequestInit),
  },
  {
    name: 'POST a ReadableStream of unknown length', url: 'A/echo', unknownLength: true,
    init: post(() => streamOf([BYTES.subarray(0, 1000), BYTES.subarray(1000)]), { duplex: 'half' } as RequestInit),
  },
  {
    name: 'headers as given: a record, repeated names, Authorization, Cookie', url: 'A/echo',
    init: () => ({ headers: [['X-Custom', 'one'], ['x-custom', 'two'], ['Authorization', 'Bearer t'], ['Cookie', 'k=v'], ['Accept', 'text/plain']] }),
  },
  { name: 'a Headers object and a caller Accept-Encoding', url: 'A/encoded/gzip', init: () => ({ headers: new Headers({ 'Accept-Encoding': 'gzip' }) }) },
  { name: 'a URL with a query and a fragment', url: 'A/echo?a=1&b=%20#frag' },
  ...[301, 302, 303, 307, 308].flatMap((status): FetchCase[] => [
    { name: `${status} after GET`, url: `A/status/${status}?to=/echo` },
    {
      name: `${status} after POST with a body (and Content-Type)`, url: `A/status/${status}?to=/echo`,
      init: post(() => 'posted body', { headers: { 'Content-Type': 'text/x-posted' } }),
    },
    { name: `${status} after HEAD`, url: `A/status/${status}?to=/echo`, init: () => ({ method: 'HEAD' }) },
    { name: `${status} redirect: 'manual'`, url: `A/status/${status}?to=/echo`, init: () => ({ redirect: 'manual' }) },
    { name: `${status} redirect: 'error'`, url: `A/status/${status}?to=/echo`, init: () => ({ redirect: 'error' }) },
  ]),
  {
    name: 'cross-origin redirect drops Authorization and Cookie, keeps the rest', url: 'A/status/302?to=B/echo',
    init: () => ({ headers: { Authorization: 'Bearer secret', Cookie: 'k=v', 'X-Kept': 'yes' } }),
  },
  { name: 'relative Location', url: 'A/status/301?to=../echo?x=1' },
  { name: '303 after PUT with a body', url: 'A/status/303?to=/echo', init: () => ({ method: 'PUT', body: 'put body' }) },
  {
    name: '307 after POST of a ReadableStream (cannot be replayed)', url: 'A/status/307?to=/echo',
    init: post(() => streamOf([BYTES]), { duplex: 'half', headers: { 'Content-Length': String(BYTES.length) } } as RequestInit),
  },
  { name: '20 redirects', url: 'A/chain/20' },
  { name: '21 redirects', url: 'A/chain/21' },
  { name: 'a 3xx without Location', url: 'A/nobody/302' },
  ...['gzip', 'x-gzip', 'deflate', 'deflate-raw', 'br', 'gzip-br', 'unknown'].map((name): FetchCase =>
    ({ name: `Content-Encoding ${name}`, url: `A/encoded/${name}` })),
  { name: 'HEAD of an encoded response', url: 'A/encoded/gzip', init: () => ({ method: 'HEAD' }) },
  {
    name: 'a body that is not what Content-Encoding says', url: 'A/encoded/broken',
    notThroughDispatcher: "Node 22's fetch never settles the body when its decoder fails after the dispatcher's " +
      'onComplete and before the caller reads (WinHTTP delivers the 23 bytes and the end at once)',
  },
  { name: '6 MiB body', url: 'A/large' },
  { name: '204', url: 'A/nobody/204' },
  { name: '304', url: 'A/nobody/304' },
  { name: 'abort before the call', url: 'A/echo', abort: { at: 'before' } },
  { name: 'abort before the call, own reason', url: 'A/echo', abort: { at: 'before', reason: 'own' } },
  { name: 'abort while waiting for the head', url: 'A/stall', abort: { at: 'head' } },
  { name: 'abort while waiting for the head, own reason', url: 'A/stall', abort: { at: 'head', reason: 'own' } },
  { name: 'abort while reading the body', url: 'A/drip', abort: { at: 'body' } },
  { name: 'abort while reading the body, own reason', url: 'A/drip', abort: { at: 'body', reason: 'own' } },
  { name: 'connection refused', url: (bases) => `http://127.0.0.1:${bases.closedPort}/` },
  { name: 'connection reset before the head', url: 'A/reset' },
  { name: 'body cut short of its Content-Length', url: 'A/truncated' },
  { name: 'GET with a body is refused', url: 'A/echo', init: () => ({ method: 'GET', body: 'x' }) },
  { name: 'a forbidden method is refused', url: 'A/echo', init: () => ({ method: 'TRACE' }) },
  { name: 'a stream body without duplex is refused', url: 'A/echo', init: post(() => streamOf([BYTES])) },
  { name: 'a non-http scheme', url: 'ftp://127.0.0.1/' },
];

export interface ErrorOutcome {
  name: string;
  message: string;
  /** The error is the abort signal's reason itself. */
  isReason: boolean;
  hasCause: boolean;
}

export interface Outcome {
  run: string;
  error?: ErrorOutcome & { stage: 'fetch' | 'body' };
  status?: number;
  statusText?: string;
  type?: string;
  url?: string;
  redirected?: boolean;
  headers?: Array<[string, string]>;
  setCookie?: string[];
  /** null: response.body is null. */
  body?: { length: number; sha256: string } | null;
}

// Response headers that describe the connection, not the response.
const CONNECTION_HEADERS = ['date', 'connection', 'keep-alive'];

function errorOutcome(error: unknown, reason: unknown): ErrorOutcome {
  const e = error as { name?: string; message?: string; cause?: unknown };
  return { name: String(e?.name), message: String(e?.message), isReason: error === reason, hasCause: e?.cause !== undefined };
}

const local = (url: string, bases: Bases) => url.replace(bases.A, 'A/').replace(bases.B, 'B/');

export function urlOf(c: FetchCase, bases: Bases): string {
  if (typeof c.url === 'function') return c.url(bases);
  if (c.url.startsWith('A/')) return bases.A + c.url.slice(2);
  if (c.url.startsWith('B/')) return bases.B + c.url.slice(2);
  return c.url;
}

/** Runs `c` through `fetchFn`; the x-run header (a new id) lets the servers file what they saw under outcome.run. */
export async function runCase(fetchFn: FetchFn, c: FetchCase, bases: Bases): Promise<Outcome> {
  const run = randomUUID();
  const init = c.init?.() ?? {};
  const headers = new Headers(init.headers);
  headers.set('x-run', run);
  const controller = new AbortController();
  const reason = c.abort?.reason === 'own' ? new Error('own reason') : undefined;
  const abort = () => controller.abort(reason);
  if (c.abort?.at === 'before') abort();
  let timer: NodeJS.Timeout | undefined;
  if (c.abort?.at === 'head') timer = setTimeout(abort, 200);
  let response: Response;
  try {
    response = await fetchFn(urlOf(c, bases), { ...init, headers, signal: c.abort ? controller.signal : undefined });
  } catch (error) {
    return { run, error: { stage: 'fetch', ...errorOutcome(error, controller.signal.reason) } };
  } finally {
    clearTimeout(timer);
  }
  const outcome: Outcome = {
    run,
    status: response.status,
    statusText: response.statusText,
    type: response.type,
    url: local(response.url, bases),
    redirected: response.redirected,
    headers: [...response.headers].filter(([name]) => !CONNECTION_HEADERS.includes(name)),
    setCookie: response.headers.getSetCookie(),
  };
  try {
    outcome.body = response.body === null ? null : await bodyOf(response, c.abort?.at === 'body' ? abort : undefined);
  } catch (error) {
    outcome.error = { stage: 'body', ...errorOutcome(error, controller.signal.reason) };
  }
  return outcome;
}

// Every byte, read through the stream's reader; `abort` is called after the first chunk (which must be DRIP_FIRST).
async function bodyOf(response: Response, abort: (() => void) | undefined): Promise<{ length: number; sha256: string }> {
  const reader = response.body!.getReader();
  const hash = createHash('sha256');
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
    length += value.byteLength;
    if (abort !== undefined && length >= DRIP_FIRST.length) abort();
  }
  return { length, sha256: hash.digest('hex') };
}

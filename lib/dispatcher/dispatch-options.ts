// undici's dispatch options (origin, path, method, headers, body, query, maxRedirections, upgrade) as request()
// options for one exchange. undici's hints for its own sockets (reset, blocking, idempotent, ...) have no WinHTTP
// counterpart and are ignored, as undici's own handlers ignore options meant for others; its per-request timeouts
// (headersTimeout, bodyTimeout) would be believed in force, so they are refused with what to use instead; a request
// that needs a raw socket (upgrade, CONNECT) is refused.
import { Blob } from 'node:buffer';
import { invalidArg } from '../errors';
import type { HeaderPairs } from '../core/headers';
import type { RequestOptions } from '../request';

export interface UndiciDispatchOptions {
  origin?: string | URL;
  path: string;
  method: string;
  headers?: unknown;
  body?: unknown;
  query?: Record<string, unknown>;
  maxRedirections?: number;
  upgrade?: string | null;
  [other: string]: unknown;
}

export interface ExchangeRequest {
  url: string;
  options: Pick<RequestOptions, 'method' | 'headers' | 'body' | 'contentLength' | 'redirect' | 'maxRedirects'>;
}

export async function exchangeRequest(opts: UndiciDispatchOptions): Promise<ExchangeRequest> {
  if (typeof opts !== 'object' || opts === null) throw invalidArg('options', 'must be an object');
  if (opts.upgrade !== undefined && opts.upgrade !== null || opts.method === 'CONNECT') {
    throw invalidArg('options.upgrade', 'is not supported: WinHTTP gives no raw socket to upgrade or tunnel (use undici\'s own Agent for it)',
      'ERR_INVALID_ARG_VALUE');
  }
  for (const name of ['headersTimeout', 'bodyTimeout']) {
    if (opts[name] !== undefined && opts[name] !== null) {
      throw invalidArg(`options.${name}`, 'is not supported per dispatch: give the dispatcher a session whose timeouts ' +
        '(receiveResponse, receive) say it, or a timeout: new WinHttpDispatcher({ session, timeout })', 'ERR_INVALID_ARG_VALUE');
    }
  }
  if (typeof opts.path !== 'string' || (opts.origin === undefined && !/^https?:/i.test(opts.path))) {
    throw invalidArg('options.path', 'must be a string (with options.origin, or an absolute URL)');
  }
  const url = new URL(opts.path, opts.origin);
  for (const [name, value] of Object.entries(opts.query ?? {})) url.searchParams.append(name, String(value));
  const headers = headerPairs(opts.headers);
  const declared = headers.find(([name]) => name.toLowerCase() === 'content-length')?.[1];
  const { body, contentLength } = await requestBody(opts.body, declared);
  const follow = typeof opts.maxRedirections === 'number' && opts.maxRedirections > 0;
  return {
    url: url.href,
    options: {
      method: opts.method, headers, body, contentLength,
      redirect: follow ? 'follow' : 'manual', maxRedirects: follow ? opts.maxRedirections : undefined,
    },
  };
}

const text = (value: unknown) => (Buffer.isBuffer(value) ? value.toString('latin1') : String(value));

// undici takes headers as an object, a flat [name, value, ...] array (strings or Buffers) or [name, value] pairs.
function headerPairs(headers: unknown): HeaderPairs {
  if (headers === undefined || headers === null) return [];
  const pairs: HeaderPairs = [];
  if (Array.isArray(headers) && headers.every((item) => !Array.isArray(item))) {
    if (headers.length % 2 !== 0) throw invalidArg('options.headers', 'must hold name, value pairs', 'ERR_INVALID_ARG_VALUE');
    for (let i = 0; i < headers.length; i += 2) pairs.push([text(headers[i]), text(headers[i + 1])]);
    return pairs;
  }
  const entries = typeof headers === 'object' && Symbol.iterator in headers
    ? headers as Iterable<[unknown, unknown]> : Object.entries(headers as object);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) pairs.push([text(name), text(item)]);
  }
  return pairs;
}

// A stream goes as it comes: with the length its Content-Length header gives, or chunked without one.
async function requestBody(body: unknown, declared: string | undefined): Promise<Pick<RequestOptions, 'body' | 'contentLength'>> {
  if (body === undefined || body === null) return {};
  if (typeof body === 'string' || body instanceof Uint8Array) return { body };
  if (body instanceof Blob) return { body: new Uint8Array(await body.arrayBuffer()) };
  if (typeof body === 'object' && (Symbol.asyncIterator in body || Symbol.iterator in body)) {
    const chunks = body as AsyncIterable<Uint8Array | string>;
    return { body: chunks, contentLength: declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined };
  }
  throw invalidArg('options.body', 'must be a string, Buffer, Uint8Array, Blob, Readable or (async) iterable');
}

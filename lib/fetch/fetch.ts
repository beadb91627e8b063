// fetch(input, init): the WHATWG fetch over WinHTTP, on request() and so on the policy layer (redirects, the
// Content-Length check, decoding), resolving with Node's own Response. Node's own Request parses the input, the
// init and the body, so both fetches accept and refuse the same things; WinHTTP's options come in init.winhttp.
// Failures reject as Node's fetch rejects: the signal's reason after an abort, else TypeError('fetch failed') whose
// cause is the WinHttpError (or the library's error: RedirectError, TooManyRedirectsError, ...).
import type { Readable } from 'node:stream';
import type { HeaderPairs } from '../core/headers';
import { invalidArg, UnsupportedPlatformError } from '../errors';
import { ACCEPT_ENCODING, codingsToUndo, decodedBody } from '../policy/decoding';
import { request } from '../request';
import { fetchBody } from './request-body';
import { fetchResponse } from './fetch-response';
import { winhttpOptions, type WinHttpFetchOptions } from './winhttp-options';
import type { Response as WinHttpResponse } from '../response';

export interface FetchInit extends RequestInit {
  /** WinHTTP's options for this fetch: request()'s options (session, timeout, ...) but the standard init's own. */
  winhttp?: WinHttpFetchOptions;
  /** Node's fetch requires 'half' with a ReadableStream body. */
  duplex?: 'half';
}

// Node's fetch follows at most 20 redirects (the standard's limit), and follows https -> http as the standard does.
const FETCH_POLICY = { maxRedirects: 20, allowHttpsToHttpRedirect: true };
// What Node's fetch sends when the caller does not (the standard's Accept and Sec-Fetch-Mode, an Accept-Language).
const DEFAULT_HEADERS: HeaderPairs = [['accept', '*/*'], ['accept-language', '*'], ['sec-fetch-mode', 'cors']];

type RequestArgs = ConstructorParameters<typeof Request>;

export async function fetch(input: string | URL | globalThis.Request, init?: FetchInit): Promise<globalThis.Response> {
  const { winhttp, ...standard } = init ?? {};
  const options = winhttpOptions(winhttp, 'init.winhttp');
  if ((standard as { dispatcher?: unknown }).dispatcher !== undefined) {
    // Node's fetch takes one; this fetch always goes through WinHTTP, so it would be silently ignored.
    throw invalidArg('init.dispatcher', 'is not used by this fetch (it always goes through WinHTTP): give WinHTTP ' +
      "options in init.winhttp, or pass the dispatcher to Node's own fetch", 'ERR_INVALID_ARG_VALUE');
  }
  const req = new Request(input as RequestArgs[0], standard as RequestArgs[1]);
  const signal = callerSignal(input, standard);
  if (signal?.aborted) throw signal.reason;
  const headers: HeaderPairs = [...req.headers];
  for (const [name, value] of DEFAULT_HEADERS) if (!req.headers.has(name)) headers.push([name, value]);
  // Decoded here rather than by request()'s decompress, because fetch decodes even when the caller chose the
  // Accept-Encoding, and passes a coding it does not know through undecoded, as Node's fetch does.
  if (!req.headers.has('accept-encoding')) headers.push(['accept-encoding', ACCEPT_ENCODING]);
  const url = withoutFragment(req.url);
  let res: WinHttpResponse;
  try {
    const { body, contentLength } = await fetchBody(req, isStream(standard.body), signal);
    res = await request(url, {
      ...FETCH_POLICY, ...options, method: req.method, headers, body, contentLength, signal, redirect: req.redirect,
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    // Off Windows, the one clear error the package gives everywhere, not a network failure.
    if (error instanceof UnsupportedPlatformError) throw error;
    throw new TypeError('fetch failed', { cause: error });
  }
  return fetchResponse(res, decoded(res, req.method), url, req.method, signal);
}

// The caller's own signal, not req.signal: Node's Request follows the caller's signal only while the Request object
// lives (a WeakRef), and ours is dropped once fetch() resolves, while the body may still be read.
function callerSignal(input: unknown, init: RequestInit): AbortSignal | undefined {
  if ('signal' in init) return init.signal ?? undefined;
  return input instanceof Request ? input.signal : undefined;
}

// The fragment is not sent, and the standard's response URL leaves it out.
function withoutFragment(href: string): string {
  const url = new URL(href);
  url.hash = '';
  return url.href;
}

function isStream(body: unknown): boolean {
  return typeof body === 'object' && body !== null && typeof (body as ReadableStream).getReader === 'function';
}

function decoded(res: WinHttpResponse, method: string): Readable {
  const header = res.headers['content-encoding'];
  if (header === undefined || method === 'HEAD') return res.body;
  const encoding = Array.isArray(header) ? header.join(', ') : header;
  let codings;
  try {
    codings = codingsToUndo(res.headers);
  } catch {
    return res.body; // a coding fetch did not ask for: the bytes as sent, as Node's fetch gives them
  }
  return codings.length === 0 ? res.body : decodedBody(res.body, codings, encoding);
}

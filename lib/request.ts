// request(url, options): one HTTP exchange through WinHTTP, resolved once the response head arrives, with the body
// as a Readable. Built on the low-level steps in core/: crackUrl -> connect -> openRequest -> send -> write* ->
// receiveResponse, then the body pulls queryDataAvailable/read as it is consumed.
import { DeadlineError, invalidArg, WinHttpError } from './errors';
import { abortErrorFor } from './core/abort';
import { prepareBody, type BodyInit, type PreparedBody } from './body';
import { toBytes } from './core/bytes';
import { findHeader, normalizeHeaders, requestHeadersFor, type HeadersInput } from './core/headers';
import { callNative } from './core/native-call';
import type { OpenRequestOptions, Request } from './core/request';
import type { RequestBehaviour } from './core/behaviour';
import type { Session } from './core/session';
import { uniformTimeouts } from './core/timeouts';
import { validateByteCount, validateMethod, validateSignal, validateTimeout } from './core/validate';
import { defaultSession } from './default-session';
import { getBinding } from './native/binding';
import { ERROR_WINHTTP_RESEND_REQUEST } from './native/constants';
import { Response, ResponseBody } from './response';

export interface RequestOptions extends RequestBehaviour {
  method?: string;
  headers?: HeadersInput;
  body?: BodyInit;
  /** Length of a streamed body (else a Content-Length header must give it). */
  contentLength?: number;
  /** Milliseconds allowed for each stage: resolve, connect, send, waiting for headers, and each body read. */
  timeout?: number;
  signal?: AbortSignal;
  /** Milliseconds for the whole exchange, body included; past it the request is closed with DeadlineError. */
  deadline?: number;
  /** The session to use (its proxy, user agent, timeouts); default: a shared one. */
  session?: Session;
}

const FIRST_WRITE = 64 * 1024;
// WinHTTP asks for a resend after e.g. a proxy or server closed a kept-alive connection; more than this is a loop.
const MAX_RESENDS = 3;
const WRITE_SIZE = 1024 * 1024;

function urlText(url: unknown): string {
  if (typeof url === 'string') return url;
  if (Object.prototype.toString.call(url) === '[object URL]') return (url as URL).href;
  throw invalidArg('url', 'must be a string or a URL');
}

export async function request(url: string | URL, options: RequestOptions = {}): Promise<Response> {
  if (typeof options !== 'object' || options === null) throw invalidArg('options', 'must be an object');
  const href = urlText(url);
  const signal = validateSignal(options.signal);
  const timeouts = options.timeout === undefined ? undefined : uniformTimeouts(validateTimeout('timeout', options.timeout));
  const headers = normalizeHeaders(options.headers);
  const method = validateMethod(options.method ?? (options.body === undefined ? 'GET' : 'POST'));
  const declared = findHeader(headers, 'content-length');
  const contentLength = options.contentLength !== undefined ? validateByteCount('contentLength', options.contentLength)
    : declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
  const body = prepareBody(options.body, contentLength);
  // Checked before any handle is opened (Request.send checks again, for low-level callers).
  requestHeadersFor(headers, method, body === undefined ? (contentLength ?? 0)
    : body.kind === 'bytes' ? body.bytes.byteLength : body.length);
  if (options.session !== undefined && typeof (options.session as Session).connect !== 'function') {
    throw invalidArg('session', 'must be a Session');
  }
  const deadline = options.deadline === undefined ? undefined : validateTimeout('deadline', options.deadline);
  if (signal?.aborted) throw abortErrorFor(signal.reason, 'WinHttpCrackUrl');

  const binding = getBinding();
  const target = callNative(() => binding.crackUrl(href));
  if (target.userName !== '' || target.password !== '') {
    throw invalidArg('url', 'must not contain credentials', 'ERR_INVALID_ARG_VALUE');
  }
  const session = options.session ?? defaultSession();
  const connection = session.connect(target.host, target.port, { secure: target.secure });
  const { signal: combined, clear } = withDeadline(signal, deadline);
  const release = () => {
    clear();
    connection.close();
  };
  try {
    const openOptions: OpenRequestOptions = { ...pickBehaviour(options), timeouts, signal: combined };
    const req = connection.openRequest(method, target.path === '' ? '/' : target.path, openOptions);
    req.url = href;
    const head = await untilAborted(exchange(req, headers, body, contentLength), combined, req);
    return new Response(href, head, req, new ResponseBody(req, release, combined));
  } catch (error) {
    release();
    throw error;
  }
}

// Settles with `work`, or rejects as soon as `signal` aborts: a streamed body may be waiting on the caller's own
// iterator, which no WinHTTP call would interrupt. `work` then fails on the closed request and is ignored.
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, req: Request): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    // The request heard the abort first (its listener was added earlier) and holds the error to report.
    const onAbort = () => reject(req.abortError ?? abortErrorFor(signal.reason, 'WinHttpCloseHandle'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function pickBehaviour(options: RequestOptions): RequestBehaviour {
  const { redirect, maxRedirects, allowHttpsToHttpRedirect, decompress, keepAlive, maxResponseHeaderSize,
    maxResponseDrainSize, httpVersion } = options;
  return { redirect, maxRedirects, allowHttpsToHttpRedirect, decompress, keepAlive, maxResponseHeaderSize,
    maxResponseDrainSize, httpVersion };
}

// The caller's signal and the deadline as one signal; the deadline's reason is a DeadlineError.
function withDeadline(signal: AbortSignal | undefined, deadline: number | undefined) {
  if (deadline === undefined) return { signal, clear: () => {} };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineError(deadline)), deadline);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

// Sends the request and its body, and waits for the response head, resending while WinHTTP asks for it and the
// body can be sent again.
async function exchange(req: Request, headers: ReturnType<typeof normalizeHeaders>, body: PreparedBody | undefined,
  contentLength: number | undefined) {
  for (let resends = 0; ; resends++) {
    await sendBody(req, headers, body, contentLength);
    try {
      return await req.receiveResponse();
    } catch (error) {
      const replayable = body === undefined || body.kind === 'bytes';
      if (!(error instanceof WinHttpError && error.errno === ERROR_WINHTTP_RESEND_REQUEST) || !replayable ||
        resends >= MAX_RESENDS) {
        throw error;
      }
    }
  }
}

async function sendBody(req: Request, headers: ReturnType<typeof normalizeHeaders>, body: PreparedBody | undefined,
  contentLength: number | undefined): Promise<void> {
  if (body === undefined) {
    await req.send({ headers, contentLength });
    return;
  }
  if (body.kind === 'bytes') {
    const bytes = body.bytes;
    await req.send({ headers, contentLength: bytes.byteLength, body: bytes.subarray(0, FIRST_WRITE) });
    for (let offset = FIRST_WRITE; offset < bytes.byteLength; offset += WRITE_SIZE) {
      await req.write(bytes.subarray(offset, offset + WRITE_SIZE));
    }
    return;
  }
  await req.send({ headers, contentLength: body.length });
  let written = 0;
  for await (const chunk of body.chunks) {
    const bytes = toBytes(chunk);
    if (bytes === undefined) throw invalidArg('body chunk', 'must be a string, Buffer or TypedArray');
    written += bytes.byteLength;
    await req.write(bytes);
  }
  if (written !== body.length) {
    throw invalidArg('body', `ended after ${written} of the ${body.length} bytes its length announced`, 'ERR_INVALID_ARG_VALUE');
  }
}

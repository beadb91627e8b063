// request(url, options): one HTTP exchange through WinHTTP, resolved once the response head arrives, with the body
// as a Readable. Built on the low-level steps in core/: crackUrl -> connect -> openRequest -> send -> write* ->
// receiveResponse, then the body pulls queryDataAvailable/read as it is consumed.
import { invalidArg } from './errors';
import { prepareBody, toBytes, type BodyInit, type PreparedBody } from './body';
import { findHeader, normalizeHeaders, type HeadersInput } from './core/headers';
import { callNative } from './core/native-call';
import type { Request } from './core/request';
import type { Session } from './core/session';
import { uniformTimeouts } from './core/timeouts';
import { validateByteCount, validateSignal, validateTimeout } from './core/validate';
import { defaultSession } from './default-session';
import { getBinding } from './native/binding';
import { Response, ResponseBody } from './response';

export interface RequestOptions {
  method?: string;
  headers?: HeadersInput;
  body?: BodyInit;
  /** Length of a streamed body (else a Content-Length header must give it). */
  contentLength?: number;
  /** Milliseconds allowed for each stage: resolve, connect, send, waiting for headers, and each body read. */
  timeout?: number;
  signal?: AbortSignal;
  /** The session to use (its proxy, user agent, timeouts); default: a shared one. */
  session?: Session;
}

const FIRST_WRITE = 64 * 1024;
const WRITE_SIZE = 1024 * 1024;

function urlText(url: unknown): string {
  if (typeof url === 'string') return url;
  if (url instanceof URL) return url.href;
  throw invalidArg('url', 'must be a string or a URL');
}

export async function request(url: string | URL, options: RequestOptions = {}): Promise<Response> {
  if (typeof options !== 'object' || options === null) throw invalidArg('options', 'must be an object');
  const href = urlText(url);
  const signal = validateSignal(options.signal);
  const timeouts = options.timeout === undefined ? undefined : uniformTimeouts(validateTimeout('timeout', options.timeout));
  const headers = normalizeHeaders(options.headers);
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const declared = findHeader(headers, 'content-length');
  const contentLength = options.contentLength !== undefined ? validateByteCount('contentLength', options.contentLength)
    : declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
  const body = prepareBody(options.body, contentLength);
  if (options.session !== undefined && typeof (options.session as Session).connect !== 'function') {
    throw invalidArg('session', 'must be a Session');
  }
  signal?.throwIfAborted();

  const binding = getBinding();
  const target = callNative(() => binding.crackUrl(href));
  if (target.userName !== '' || target.password !== '') {
    throw invalidArg('url', 'must not contain credentials', 'ERR_INVALID_ARG_VALUE');
  }
  const session = options.session ?? defaultSession();
  const connection = session.connect(target.host, target.port, { secure: target.secure });
  try {
    const req = connection.openRequest(method, target.path === '' ? '/' : target.path, { timeouts, signal });
    await sendBody(req, headers, body, contentLength);
    const head = await req.receiveResponse();
    return new Response(href, head, new ResponseBody(req, () => connection.close(), signal));
  } catch (error) {
    connection.close();
    throw error;
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

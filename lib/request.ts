// request(url, options): one HTTP exchange through WinHTTP, resolved once the final response head arrives, with the
// body as a Readable. Validates every input once, then hands the exchange to the policy layer (policy/dispatch.ts),
// which follows redirects, checks and decodes the body, over the low-level steps in core/.
import { DeadlineError, invalidArg } from './errors';
import { abortErrorFor } from './core/abort';
import { prepareBody, type BodyInit } from './body';
import { findHeader, normalizeHeaders, requestHeadersFor, type HeadersInput } from './core/headers';
import { crackUrl, parsedUrl } from './core/cracked-url';
import type { Request } from './core/request';
import { BEHAVIOUR_KEYS, type RequestBehaviour } from './core/behaviour';
import type { Session } from './core/session';
import { uniformTimeouts } from './core/timeouts';
import { validateByteCount, validateMethod, validateSignal, validateTimeout } from './core/validate';
import { defaultSession } from './default-session';
import { dispatch } from './policy/dispatch';
import { POLICY_KEYS, refuseUnknownOptions, resolvePolicy, type RequestPolicyOptions } from './policy/options';
import { checkCredentials, type CredentialsOption } from './policy/credentials';
import { Response } from './response';
import { parseProxyOption, type ProxyOption } from './proxy/option';
import { proxyStep } from './proxy/per-request';

export interface RequestOptions extends RequestBehaviour, RequestPolicyOptions {
  method?: string;
  headers?: HeadersInput;
  body?: BodyInit;
  /** Length of a streamed body (else a Content-Length header must give it). */
  contentLength?: number;
  /** Milliseconds allowed for each stage: resolve, connect, send, waiting for headers, and each body read. */
  timeout?: number;
  signal?: AbortSignal;
  /** Milliseconds for the whole exchange, redirects and body included; past it the request is closed with DeadlineError. */
  deadline?: number;
  /** The session to use (its proxy, user agent, timeouts, cookies, defaults); default: a shared one. */
  session?: Session;
  /**
   * For a 401 from the request URL's origin only (never sent to another origin after a redirect): { user, password,
   * domain? }, or 'default' for the logged-on user's (Negotiate/NTLM). Overrides the session's for that origin.
   */
  credentials?: CredentialsOption;
  /** For a 407 from the proxy, on every hop: { user, password, domain? } or 'default'. Overrides the session's. */
  proxyCredentials?: CredentialsOption;
  /** This request's proxy, instead of the session's (WINHTTP_OPTION_PROXY on its request handles). */
  proxy?: ProxyOption;
}

export const REQUEST_KEYS = ['method', 'headers', 'body', 'contentLength', 'timeout', 'signal', 'deadline', 'session',
  'proxy', 'credentials', 'proxyCredentials', ...BEHAVIOUR_KEYS, ...POLICY_KEYS];

function urlText(url: unknown): string {
  if (typeof url === 'string') return url;
  if (Object.prototype.toString.call(url) === '[object URL]') return (url as URL).href;
  throw invalidArg('url', 'must be a string or a URL');
}

export async function request(url: string | URL, options: RequestOptions = {}): Promise<Response> {
  if (typeof options !== 'object' || options === null) throw invalidArg('options', 'must be an object');
  refuseUnknownOptions(options, REQUEST_KEYS);
  const href = urlText(url);
  const proxyOverride = options.proxy === undefined ? undefined : parseProxyOption(options.proxy);
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
  const serverSecret = options.credentials === undefined ? undefined : checkCredentials(options.credentials, 'credentials');
  const proxySecret = options.proxyCredentials === undefined ? undefined
    : checkCredentials(options.proxyCredentials, 'proxyCredentials');
  if (options.session !== undefined && typeof (options.session as Session).connect !== 'function') {
    throw invalidArg('session', 'must be a Session');
  }
  const session = options.session ?? defaultSession();
  const policy = resolvePolicy(session.policy, options);
  const deadline = options.deadline === undefined ? undefined : validateTimeout('deadline', options.deadline);
  if (signal?.aborted) throw abortErrorFor(signal.reason, 'WinHttpCrackUrl');

  // WinHTTP itself splits the URL, so a URL is rejected exactly where WinHTTP would.
  const target = crackUrl(href);
  if (target.userName !== '' || target.password !== '') {
    throw invalidArg('url', 'must not contain credentials', 'ERR_INVALID_ARG_VALUE');
  }
  const parsed = parsedUrl(href);
  const credentials = session.credentials.withRequest(parsed.origin, serverSecret, proxySecret);
  const { signal: combined, clear } = withDeadline(signal, deadline);
  const { keepAlive, maxResponseHeaderSize, maxResponseDrainSize, httpVersion } = options;
  const current: { request?: Request } = {};
  try {
    const first = { url: parsed, method, headers, body, contentLength };
    const open = { keepAlive, maxResponseHeaderSize, maxResponseDrainSize, httpVersion, timeouts, signal: combined };
    const proxy = proxyStep(session, proxyOverride);
    const done = await untilAborted(dispatch(first, target, { session, policy, open, credentials, proxy }, current, clear), combined,
      current);
    return new Response(done.url, done.redirects, done.head, done.request, done.body);
  } catch (error) {
    clear();
    throw error;
  }
}

// Settles with `work`, or rejects as soon as `signal` aborts: a streamed body may be waiting on the caller's own
// iterator, which no WinHTTP call would interrupt. `work` then fails on the closed request and is ignored.
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, current: { request?: Request }): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    // The request heard the abort first (its listener was added earlier) and holds the error to report.
    const onAbort = () => reject(current.request?.abortError ?? abortErrorFor(signal.reason, 'WinHttpCloseHandle'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
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

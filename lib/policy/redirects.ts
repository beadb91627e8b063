// Which redirects are followed, and what the next hop sends: the fetch standard's HTTP-redirect fetch
// (https://fetch.spec.whatwg.org/#http-redirect-fetch), decided here alone, the same on every Windows. WinHTTP
// follows nothing itself (WINHTTP_OPTION_REDIRECT_POLICY_NEVER), so no header reaches another server unless this
// module let it through.
import { RedirectBodyError, RedirectError, RedirectLoopError, TooManyRedirectsError } from '../errors';
import { formatted } from '../core/formatted';
import { withoutHeaders, type HeaderPairs } from '../core/headers';
import type { ResponseHead } from '../core/request';
import type { PreparedBody } from '../body';
import type { RequestPolicy } from './options';

/** One request of a redirect chain. */
export interface Hop {
  url: URL;
  method: string;
  headers: HeaderPairs;
  body: PreparedBody | undefined;
  /** Length of a streamed body (else the bytes' own length). */
  contentLength: number | undefined;
}

const REDIRECT_STATUSES = [301, 302, 303, 307, 308];
// Sent only to the origin the caller addressed: credentials and cookies (undici's redirect handler drops the same).
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization', 'host'];
// Describe the body, so they go with it (fetch's "request-body-header names", and Content-Length).
const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location', 'content-length'];

/** The 3xx's Location as an absolute URL, when it is a redirect status with a usable http(s) Location. */
export function redirectTarget(head: ResponseHead, from: URL): URL | undefined {
  const location = head.headers.location;
  if (!REDIRECT_STATUSES.includes(head.status) || typeof location !== 'string') return undefined;
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    return undefined;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return undefined;
  // Credentials in a Location are not used, and must not show up in response.redirects or an error.
  target.username = '';
  target.password = '';
  target.hash = '';
  return target;
}

/**
 * The next hop for a 3xx answer to `hop`, or undefined when the 3xx is the response (redirect: 'manual', no usable
 * Location, or https -> http without allowHttpsToHttpRedirect). `chain` lists the URLs requested so far, the first
 * one first. Throws RedirectError (redirect: 'error'), TooManyRedirectsError, RedirectLoopError or
 * RedirectBodyError.
 */
export function nextHop(hop: Hop, head: ResponseHead, policy: RequestPolicy, chain: readonly Hop[],
  loopsAllowed: boolean): Hop | undefined {
  if (!REDIRECT_STATUSES.includes(head.status)) return undefined;
  if (policy.redirect === 'error') {
    const location = head.headers.location;
    throw formatted(new RedirectError(head.status, typeof location === 'string' ? location : undefined));
  }
  const target = redirectTarget(head, hop.url);
  if (policy.redirect === 'manual' || target === undefined) return undefined;
  if (hop.url.protocol === 'https:' && target.protocol === 'http:' && !policy.allowHttpsToHttpRedirect) return undefined;
  const followed = chain.slice(1).map((earlier) => earlier.url.href);
  if (followed.length >= policy.maxRedirects) {
    throw formatted(new TooManyRedirectsError(policy.maxRedirects, [...followed, target.href]));
  }

  let { method, headers, body, contentLength } = hop;
  // A bodiless GET after a 303 is already what the 303 asks for: it goes on unchanged, headers included (fetch).
  const toGet = ((head.status === 301 || head.status === 302) && method === 'POST') ||
    (head.status === 303 && method !== 'HEAD' && !(method === 'GET' && body === undefined));
  if (toGet) {
    method = 'GET';
    body = undefined;
    contentLength = undefined;
    headers = withoutHeaders(headers, BODY_HEADERS);
  } else if (body?.kind === 'stream') {
    // 307/308 (or 301/302 of another method) send the body again, and a stream was consumed by the first hop.
    throw formatted(new RedirectBodyError(head.status, target.href));
  }
  if (target.origin !== hop.url.origin) headers = withoutHeaders(headers, ORIGIN_BOUND_HEADERS);

  // Where cookies are kept, a hop back may be legitimate (a login that sets a cookie, then returns): only
  // maxRedirects bounds those.
  if (!loopsAllowed && chain.some((earlier) => earlier.url.href === target.href && earlier.method === method)) {
    throw formatted(new RedirectLoopError([...chain.map((earlier) => earlier.url.href), target.href]));
  }
  return { url: target, method, headers, body, contentLength };
}

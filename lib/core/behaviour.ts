// Per-request protocol behaviour: redirects, decompression, keep-alive, response limits and HTTP version, each
// validated and turned into the WinHttpSetOption calls that implement it. Sessions give defaults; a request may
// override any of them.
import { invalidArg, outOfRange, WinHttpError } from '../errors';
import type { NativeRequest } from '../native/types';
import { ERROR_WINHTTP_INVALID_OPTION } from '../native/constants';
import { callNative } from './native-call';

export interface RequestBehaviour {
  /** 'follow' (default): WinHTTP follows redirects; 'manual': the 3xx is returned; 'error': a 3xx rejects. */
  redirect?: 'follow' | 'manual' | 'error';
  /** Most redirects followed (default 10); one more fails with ERROR_WINHTTP_REDIRECT_FAILED. */
  maxRedirects?: number;
  /** Follow a redirect from https to http (default false: such a 3xx is returned instead). */
  allowHttpsToHttpRedirect?: boolean;
  /** Let WinHTTP decode gzip/deflate bodies (WINHTTP_OPTION_DECOMPRESSION, Windows 8.1+). Default false. */
  decompress?: boolean;
  /** Reuse connections (default true). */
  keepAlive?: boolean;
  /** Largest response head accepted, bytes (ERROR_WINHTTP_HEADER_SIZE_OVERFLOW beyond). WinHTTP's default: 64 KiB. */
  maxResponseHeaderSize?: number;
  /** Most bytes drained from an unread body to reuse its connection (ERROR_WINHTTP_RESPONSE_DRAIN_OVERFLOW). */
  maxResponseDrainSize?: number;
  /** Highest HTTP version to negotiate: '1.1' (default), '2' or '3', where the running WinHTTP supports it. */
  httpVersion?: '1.1' | '2' | '3';
}

const OPTION = {
  DISABLE_FEATURE: 63,
  REDIRECT_POLICY: 88,
  MAX_HTTP_AUTOMATIC_REDIRECTS: 89,
  MAX_RESPONSE_HEADER_SIZE: 91,
  MAX_RESPONSE_DRAIN_SIZE: 92,
  DECOMPRESSION: 118,
  ENABLE_HTTP_PROTOCOL: 133,
} as const;
const REDIRECT_POLICY = { NEVER: 0, DISALLOW_HTTPS_TO_HTTP: 1, ALWAYS: 2 } as const;
const WINHTTP_DISABLE_KEEP_ALIVE = 0x2;
const WINHTTP_DECOMPRESSION_FLAG_ALL = 0x3;
const PROTOCOL_FLAGS = { '1.1': 0, '2': 0x1, '3': 0x1 | 0x2 } as const;

const DEFAULTS: Required<RequestBehaviour> = {
  redirect: 'follow',
  maxRedirects: 10,
  allowHttpsToHttpRedirect: false,
  decompress: false,
  keepAlive: true,
  maxResponseHeaderSize: 64 * 1024,
  maxResponseDrainSize: 1024 * 1024,
  httpVersion: '1.1',
};

function checkCount(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') throw invalidArg(name, 'must be a number');
  if (!Number.isInteger(value) || value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
  return value;
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidArg(name, 'must be a boolean');
  return value;
}

/** Validates `overrides` and merges them over `base` (a session's behaviour, or the defaults). */
export function resolveBehaviour(base: Readonly<Required<RequestBehaviour>> | undefined,
  overrides: RequestBehaviour | undefined): Required<RequestBehaviour> {
  const result = { ...(base ?? DEFAULTS) };
  const o = overrides ?? {};
  if (o.redirect !== undefined) {
    if (!['follow', 'manual', 'error'].includes(o.redirect)) {
      throw invalidArg('redirect', "must be 'follow', 'manual' or 'error'", 'ERR_INVALID_ARG_VALUE');
    }
    result.redirect = o.redirect;
  }
  if (o.maxRedirects !== undefined) result.maxRedirects = checkCount('maxRedirects', o.maxRedirects, 0, 100);
  if (o.allowHttpsToHttpRedirect !== undefined) {
    result.allowHttpsToHttpRedirect = checkBoolean('allowHttpsToHttpRedirect', o.allowHttpsToHttpRedirect);
  }
  if (o.decompress !== undefined) result.decompress = checkBoolean('decompress', o.decompress);
  if (o.keepAlive !== undefined) result.keepAlive = checkBoolean('keepAlive', o.keepAlive);
  if (o.maxResponseHeaderSize !== undefined) {
    result.maxResponseHeaderSize = checkCount('maxResponseHeaderSize', o.maxResponseHeaderSize, 1024, 0x7fffffff);
  }
  if (o.maxResponseDrainSize !== undefined) {
    result.maxResponseDrainSize = checkCount('maxResponseDrainSize', o.maxResponseDrainSize, 0, 0x7fffffff);
  }
  if (o.httpVersion !== undefined) {
    if (!(o.httpVersion in PROTOCOL_FLAGS)) throw invalidArg('httpVersion', "must be '1.1', '2' or '3'", 'ERR_INVALID_ARG_VALUE');
    result.httpVersion = o.httpVersion;
  }
  return result;
}

export const DEFAULT_BEHAVIOUR: Readonly<Required<RequestBehaviour>> = Object.freeze({ ...DEFAULTS });

/** Sets the options on a freshly opened request handle. */
export function applyBehaviour(native: NativeRequest, behaviour: Required<RequestBehaviour>): void {
  const set = (option: number, value: number) => callNative(() => native.setOption(option, value));
  if (behaviour.redirect === 'follow') {
    set(OPTION.REDIRECT_POLICY, behaviour.allowHttpsToHttpRedirect ? REDIRECT_POLICY.ALWAYS : REDIRECT_POLICY.DISALLOW_HTTPS_TO_HTTP);
    set(OPTION.MAX_HTTP_AUTOMATIC_REDIRECTS, behaviour.maxRedirects);
  } else {
    // REFERENCES.md #19: the policy, not a redirect limit, is the reliable way to stop following.
    set(OPTION.REDIRECT_POLICY, REDIRECT_POLICY.NEVER);
  }
  if (behaviour.decompress) set(OPTION.DECOMPRESSION, WINHTTP_DECOMPRESSION_FLAG_ALL);
  if (!behaviour.keepAlive) set(OPTION.DISABLE_FEATURE, WINHTTP_DISABLE_KEEP_ALIVE);
  set(OPTION.MAX_RESPONSE_HEADER_SIZE, behaviour.maxResponseHeaderSize);
  set(OPTION.MAX_RESPONSE_DRAIN_SIZE, behaviour.maxResponseDrainSize);
  // Always set: the default differs between Windows versions (REFERENCES.md #15). A WinHTTP too old to know the
  // option can only do HTTP/1.1, which is what '1.1' asks for; an opt-in to 2 or 3 there fails clearly.
  try {
    set(OPTION.ENABLE_HTTP_PROTOCOL, PROTOCOL_FLAGS[behaviour.httpVersion]);
  } catch (error) {
    if (!(error instanceof WinHttpError) || error.errno !== ERROR_WINHTTP_INVALID_OPTION) throw error;
    if (behaviour.httpVersion !== '1.1') {
      throw new WinHttpError(error.errno, error.api, {
        detail: `HTTP/${behaviour.httpVersion} was requested, but this WinHTTP does not support WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL (Windows 10 1607 or later is needed)`,
      });
    }
  }
}

// Per-request WinHTTP behaviour: keep-alive, response limits, HTTP version and the session's cookie jar, each
// validated and turned into the WinHttpSetOption calls that implement it. Sessions give defaults; a request may
// override all but cookies. Redirects and decoding are policy (lib/policy/), not WinHTTP options.
import { invalidArg, outOfRange, WinHttpError } from '../errors';
import { ERROR_WINHTTP_INVALID_OPTION } from '../native/constants';

export interface RequestBehaviour {
  /** Reuse connections (default true). */
  keepAlive?: boolean;
  /** Largest response head accepted, bytes (ERROR_WINHTTP_HEADER_SIZE_OVERFLOW beyond). WinHTTP's default: 64 KiB. */
  maxResponseHeaderSize?: number;
  /** Most bytes drained from an unread body to reuse its connection (ERROR_WINHTTP_RESPONSE_DRAIN_OVERFLOW). */
  maxResponseDrainSize?: number;
  /** Highest HTTP version to negotiate: '1.1' (default), '2' or '3', where the running WinHTTP supports it. */
  httpVersion?: '1.1' | '2' | '3';
}

export const BEHAVIOUR_KEYS = ['keepAlive', 'maxResponseHeaderSize', 'maxResponseDrainSize', 'httpVersion'] as const;

/** What a session fixes for every request handle opened under it, besides the overridable behaviour. */
export interface SessionBehaviour extends Required<RequestBehaviour> {
  /** Let WinHTTP keep this session's cookie jar (default false: WINHTTP_DISABLE_COOKIES on every request). */
  cookies: boolean;
}

const OPTION = {
  DISABLE_FEATURE: 63,
  REDIRECT_POLICY: 88,
  MAX_RESPONSE_HEADER_SIZE: 91,
  MAX_RESPONSE_DRAIN_SIZE: 92,
  ENABLE_HTTP_PROTOCOL: 133,
} as const;
const WINHTTP_OPTION_REDIRECT_POLICY_NEVER = 0;
// WINHTTP_OPTION_DISABLE_FEATURE flags (Option Flags page): cookies 0x1, redirects 0x2, authentication 0x4,
// keep-alive 0x8.
const WINHTTP_DISABLE_COOKIES = 0x1;
const WINHTTP_DISABLE_KEEP_ALIVE = 0x8;
const PROTOCOL_FLAGS = { '1.1': 0, '2': 0x1, '3': 0x1 | 0x2 } as const;

const DEFAULTS: SessionBehaviour = {
  cookies: false,
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
export function resolveBehaviour(base: Readonly<SessionBehaviour>, overrides: RequestBehaviour | undefined): SessionBehaviour {
  const result = { ...base };
  const o = overrides ?? {};
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

/** Validates a session's `cookies` option over the defaults. */
export function sessionBehaviour(cookies: unknown, overrides: RequestBehaviour): SessionBehaviour {
  const result = resolveBehaviour(DEFAULTS, overrides);
  if (cookies !== undefined) result.cookies = checkBoolean('cookies', cookies);
  return result;
}

/**
 * The options of a freshly opened request handle, as [option, value, ...] for the addon's configure(): one crossing
 * for all of them. WinHTTP never follows a redirect itself (the policy layer, lib/policy/redirects.ts, decides each
 * hop the same on every Windows), and decodes nothing. WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL comes last: it is always
 * set (the default differs between Windows versions; .NET's WinHttpHandler sets it on every request too), and a
 * WinHTTP too old to know it fails only that one, after the others were set (see protocolOptionFailure).
 */
export function behaviourOptions(behaviour: SessionBehaviour): number[] {
  const disabled = (behaviour.cookies ? 0 : WINHTTP_DISABLE_COOKIES) | (behaviour.keepAlive ? 0 : WINHTTP_DISABLE_KEEP_ALIVE);
  return [
    OPTION.REDIRECT_POLICY, WINHTTP_OPTION_REDIRECT_POLICY_NEVER,
    ...(disabled !== 0 ? [OPTION.DISABLE_FEATURE, disabled] : []),
    OPTION.MAX_RESPONSE_HEADER_SIZE, behaviour.maxResponseHeaderSize,
    OPTION.MAX_RESPONSE_DRAIN_SIZE, behaviour.maxResponseDrainSize,
    OPTION.ENABLE_HTTP_PROTOCOL, PROTOCOL_FLAGS[behaviour.httpVersion],
  ];
}

/**
 * What a failed configure() means for the request: undefined when only ENABLE_HTTP_PROTOCOL failed as unknown to this
 * WinHTTP and HTTP/1.1 was asked for (all it can do anyway), else the error to throw (a clear one when HTTP/2 or 3
 * was asked for there).
 */
export function protocolOptionFailure(error: WinHttpError, option: number | undefined, behaviour: SessionBehaviour): Error | undefined {
  if (option !== OPTION.ENABLE_HTTP_PROTOCOL || error.errno !== ERROR_WINHTTP_INVALID_OPTION) return error;
  if (behaviour.httpVersion === '1.1') return undefined;
  return new WinHttpError(error.errno, error.api, {
    detail: `HTTP/${behaviour.httpVersion} was requested, but this WinHTTP does not support WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL (Windows 10 1607 or later is needed)`,
  });
}

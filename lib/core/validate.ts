// Input checks that run before anything reaches WinHTTP. Each failure is a TypeError or RangeError with a Node-style
// `code` that says what was wrong.
import { invalidArg, outOfRange } from '../errors';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Header values: visible ASCII, space and tab. WinHTTP converts wide header text with the system code page, so
// anything beyond ASCII would reach the wire differently from machine to machine.
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;
const UNESCAPED = /[\x00-\x20\x7f]/;

export function validateMethod(method: unknown): string {
  if (typeof method !== 'string') throw invalidArg('method', 'must be a string');
  if (!TOKEN.test(method)) {
    throw Object.assign(new TypeError(`Invalid HTTP method ${JSON.stringify(method)}: it must be an HTTP token`), {
      code: 'ERR_INVALID_HTTP_TOKEN',
    });
  }
  return method;
}

export function validateHeaderName(name: unknown): string {
  if (typeof name !== 'string') throw invalidArg('header name', 'must be a string');
  if (!TOKEN.test(name)) {
    throw Object.assign(new TypeError(`Header name must be a valid HTTP token [${JSON.stringify(name)}]`), {
      code: 'ERR_INVALID_HTTP_TOKEN',
    });
  }
  return name;
}

export function validateHeaderValue(name: string, value: unknown): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') throw invalidArg(`headers.${name}`, 'must be a string or a number');
  if (!HEADER_VALUE.test(text)) {
    throw Object.assign(
      new TypeError(`Invalid character in header content ${JSON.stringify(name)}: only printable ASCII and tab are allowed (no CR, LF or NUL)`),
      { code: 'ERR_INVALID_CHAR' },
    );
  }
  return text;
}

export function validateHost(host: unknown): string {
  if (typeof host !== 'string' || host.length === 0) throw invalidArg('host', 'must be a non-empty string');
  if (/[\s/\\?#@\x00-\x1f\x7f]/.test(host)) throw invalidArg('host', `is not a host name: ${JSON.stringify(host)}`, 'ERR_INVALID_ARG_VALUE');
  return host;
}

export function validatePort(port: unknown): number {
  if (typeof port !== 'number') throw invalidArg('port', 'must be a number');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw outOfRange('port', '>= 1 && <= 65535', port);
  return port;
}

/** A request target as WinHTTP sends it (escaping is disabled, so it must already be escaped). */
export function validatePath(path: unknown): string {
  if (typeof path !== 'string') throw invalidArg('path', 'must be a string');
  if (path !== '*' && !path.startsWith('/')) throw invalidArg('path', `must start with "/": ${JSON.stringify(path)}`, 'ERR_INVALID_ARG_VALUE');
  if (UNESCAPED.test(path)) {
    throw Object.assign(new TypeError('Request path contains unescaped characters'), { code: 'ERR_UNESCAPED_CHARACTERS' });
  }
  return path;
}

/** Milliseconds for a WinHTTP timeout: 0 means none (WinHTTP's "infinite"); at most 2^31-1. */
export function validateTimeout(name: string, value: unknown): number {
  if (typeof value !== 'number') throw invalidArg(name, 'must be a number of milliseconds');
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) throw outOfRange(name, '>= 0 && <= 2147483647', value);
  return value;
}

export function validateSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal === null) return undefined;
  if (typeof signal !== 'object' || typeof (signal as AbortSignal).aborted !== 'boolean' ||
    typeof (signal as AbortSignal).addEventListener !== 'function') {
    throw invalidArg('signal', 'must be an AbortSignal');
  }
  return signal as AbortSignal;
}

export function validateByteCount(name: string, value: unknown, max = 0xffffffff): number {
  if (typeof value !== 'number') throw invalidArg(name, 'must be a number');
  if (!Number.isInteger(value) || value < 0 || value > max) throw outOfRange(name, `>= 0 && <= ${max}`, value);
  return value;
}

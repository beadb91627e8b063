// Request headers in (records, pairs, web Headers) and response headers out (WinHTTP's raw CRLF block), in the
// shapes Node users know: lower-case keys, set-cookie as an array, rawHeaders as a flat name/value list.
import { invalidArg } from '../errors';
import { validateHeaderName, validateHeaderValue } from './validate';

export type HeadersInput =
  | Record<string, string | number | readonly string[] | undefined>
  | Iterable<readonly [string, string]>;

export type HeaderPairs = Array<[string, string]>;

// Lists this module built or checked: validated once, so passing one on (request() to Request.send()) costs nothing.
const checked = new WeakSet<HeaderPairs>();

function checkedPairs(pairs: HeaderPairs): HeaderPairs {
  checked.add(pairs);
  return pairs;
}

// No headers given: one shared list (frozen: the lists this module returns are never changed in place).
const NO_HEADERS = checkedPairs(Object.freeze([]) as unknown as HeaderPairs);

/** Names and values checked (HTTP tokens; printable ASCII values), in order, repeated names kept. */
export function normalizeHeaders(input: HeadersInput | undefined): HeaderPairs {
  if (Array.isArray(input) && checked.has(input as HeaderPairs)) return input as HeaderPairs;
  if (input === undefined || input === null) return NO_HEADERS;
  if (typeof input !== 'object') throw invalidArg('headers', 'must be an object or an iterable of [name, value] pairs');
  const pairs: HeaderPairs = [];
  const add = (name: unknown, value: unknown) => {
    const checked = validateHeaderName(name);
    pairs.push([checked, validateHeaderValue(checked, value)]);
  };
  if (Symbol.iterator in input) {
    for (const entry of input as Iterable<readonly [string, string]>) {
      if (!Array.isArray(entry) || entry.length !== 2) throw invalidArg('headers', 'entries must be [name, value] pairs', 'ERR_INVALID_ARG_VALUE');
      add(entry[0], entry[1]);
    }
    return checkedPairs(pairs);
  }
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) add(name, item);
    else add(name, value);
  }
  return checkedPairs(pairs);
}

/** `pairs` without the headers named (case-insensitive), still counted as checked. */
export function withoutHeaders(pairs: HeaderPairs, names: readonly string[]): HeaderPairs {
  return checkedPairs(pairs.filter(([name]) => !names.includes(name.toLowerCase())));
}

/** `pairs` with one more header, still counted as checked (the caller vouches for the name and value). */
export function withHeader(pairs: HeaderPairs, name: string, value: string): HeaderPairs {
  return checkedPairs([...pairs, [name, value]]);
}

export function findHeader(pairs: HeaderPairs, name: string): string | undefined {
  const lower = name.toLowerCase();
  const found = pairs.find(([key]) => key.toLowerCase() === lower);
  return found?.[1];
}

/** The block WinHttpAddRequestHeaders takes: CRLF-separated "Name: value" lines. */
export function formatHeaderLines(pairs: HeaderPairs): string {
  return pairs.map(([name, value]) => `${name}: ${value}`).join('\r\n');
}

export type IncomingHeaders = Record<string, string | string[]>;

export interface ParsedHead {
  status: number;
  httpVersion: string;
  statusText: string;
  headers: IncomingHeaders;
  rawHeaders: string[];
}

const STATUS_LINE = /^HTTP\/(\d+(?:\.\d+)?)\s+\d{3}\s?(.*)$/;

/**
 * Parses WINHTTP_QUERY_RAW_HEADERS_CRLF (the status line, then one header per line, then an empty line) into a head
 * with `status`, WinHttpQueryHeaders' WINHTTP_QUERY_STATUS_CODE. Scanned in place, without an array of lines: it runs
 * once per response (bench/README.md, finding 3k).
 */
export function parseRawHeaders(raw: string, status: number): ParsedHead {
  let end = raw.indexOf('\r\n');
  if (end < 0) end = raw.length;
  const match = STATUS_LINE.exec(raw.slice(0, end));
  const headers: IncomingHeaders = {};
  const rawHeaders: string[] = [];
  for (let start = end + 2; start < raw.length; start = end + 2) {
    end = raw.indexOf('\r\n', start);
    if (end < 0) end = raw.length;
    const colon = raw.indexOf(':', start);
    if (colon <= start || colon >= end) continue;
    const name = raw.slice(start, colon).trim();
    const value = raw.slice(colon + 1, end).trim();
    rawHeaders.push(name, value);
    const key = name.toLowerCase();
    const existing = headers[key];
    if (key === 'set-cookie') headers[key] = existing === undefined ? [value] : [...(existing as string[]), value];
    else headers[key] = existing === undefined ? value : `${existing}, ${value}`;
  }
  return { status, statusText: match?.[2] ?? '', httpVersion: match?.[1] ?? '', headers, rawHeaders };
}

const BODYLESS_METHODS = ['GET', 'HEAD', 'DELETE', 'OPTIONS'];

/**
 * The headers to send for a body of `total` bytes, or of unknown length (`total` undefined: sent chunked): the
 * caller's, plus Content-Length or Transfer-Encoding: chunked where HTTP wants one. Throws for headers the library
 * owns: a Content-Length that disagrees with the body (or comes with a body of unknown length), or Transfer-Encoding.
 */
export function requestHeadersFor(pairs: HeaderPairs, method: string, total: number | undefined): HeaderPairs {
  const declared = findHeader(pairs, 'content-length');
  if (findHeader(pairs, 'transfer-encoding') !== undefined) {
    throw invalidArg('headers.transfer-encoding', 'is set by the library: a body of unknown length is sent chunked, ' +
      'one of known length with Content-Length', 'ERR_INVALID_ARG_VALUE');
  }
  if (total === undefined) {
    if (declared !== undefined) {
      throw invalidArg('headers.content-length', `(${declared}) cannot go with a chunked body (one of unknown length)`,
        'ERR_INVALID_ARG_VALUE');
    }
    return withHeader(pairs, 'Transfer-Encoding', 'chunked');
  }
  if (declared !== undefined && declared !== String(total)) {
    throw invalidArg('headers.content-length', `(${declared}) disagrees with the body length ${total}`, 'ERR_INVALID_ARG_VALUE');
  }
  if (declared === undefined && (total > 0 || !BODYLESS_METHODS.includes(method))) {
    return withHeader(pairs, 'Content-Length', String(total));
  }
  return pairs;
}

// The response head as WinHttpQueryHeaders gives it: the status code, then the raw CRLF block, parsed once.
import { WinHttpError } from '../errors';
import {
  ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
  WINHTTP_QUERY_RAW_HEADERS_CRLF,
  WINHTTP_QUERY_STATUS_CODE,
} from '../native/constants';
import type { NativeRequest } from '../native/types';
import { formatted } from './formatted';
import { parseRawHeaders, type IncomingHeaders } from './headers';
import { callNative } from './native-call';

export interface ResponseHead {
  status: number;
  statusText: string;
  httpVersion: string;
  /** Lower-case names; repeated headers joined with ", " except set-cookie, which is an array. */
  headers: IncomingHeaders;
  /** Names and values as received, alternating: [name, value, name, value, ...]. */
  rawHeaders: string[];
}

/** Reads the head of a request whose WinHttpReceiveResponse has completed. */
export function readResponseHead(native: NativeRequest): ResponseHead {
  const status = checkedStatusCode(callNative(() => native.queryHeaders(WINHTTP_QUERY_STATUS_CODE, null, 0))?.value ?? '');
  return parseRawHeaders(callNative(() => native.queryHeaders(WINHTTP_QUERY_RAW_HEADERS_CRLF, null, 0))?.value ?? '', status);
}

/**
 * The head as the addon read it at the end of a chained exchange (native/body_pump_chain.cc): the status code as
 * WinHttpQueryHeaders gave it, a line feed, the raw CRLF head.
 */
export function responseHeadFrom(text: string): ResponseHead {
  const split = text.indexOf('\n');
  return parseRawHeaders(text.slice(split + 1), checkedStatusCode(text.slice(0, split)));
}

function checkedStatusCode(statusText: string): number {
  const status = Number.parseInt(statusText, 10);
  if (!(status >= 100 && status <= 999)) {
    // Seen under Wine for a garbage status line; Windows reports 12152 from WinHttpReceiveResponse itself.
    throw formatted(new WinHttpError(ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 'WinHttpReceiveResponse', {
      detail: `The response has no valid status code (WinHTTP reported ${JSON.stringify(statusText)})`,
    }));
  }
  return status;
}

/** Content-Length, where the response has a body whose length it announces (RFC 9110 §8.6); 0 for no body. */
export function announcedLength(method: string, head: ResponseHead): number | undefined {
  if (method === 'HEAD' || head.status < 200 || head.status === 204 || head.status === 304) return 0;
  if (head.headers['transfer-encoding'] !== undefined) return undefined;
  const value = head.headers['content-length'];
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

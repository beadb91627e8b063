// WinHttpError: the error raised when a WinHTTP function fails. It carries the Win32/WinHTTP error number, its
// symbolic name and category from ./codes, the failing API, and for TLS failures the reasons decoded from the
// WINHTTP_CALLBACK_STATUS_SECURE_FAILURE flags (lib/tls/failure-reasons.ts). Also maps WINHTTP_ASYNC_RESULT.dwResult
// to the API name.

import { hasBrand, setBrand } from './brand';
import { describeErrorCode, type WinHttpErrorCategory } from './codes';
import { decodeSecureFailureFlags, describeSecureFailure, noFlagsNote } from '../tls/failure-reasons';

export { decodeSecureFailureFlags } from '../tls/failure-reasons';

const BRAND = Symbol.for('winhttp.WinHttpError');

/** WINHTTP_ASYNC_RESULT.dwResult (API_* in winhttp.h) → the WinHTTP function whose asynchronous call failed. */
const ASYNC_RESULT_API: Readonly<Record<number, string>> = Object.freeze({
  1: 'WinHttpReceiveResponse', // API_RECEIVE_RESPONSE
  2: 'WinHttpQueryDataAvailable', // API_QUERY_DATA_AVAILABLE
  3: 'WinHttpReadData', // API_READ_DATA
  4: 'WinHttpWriteData', // API_WRITE_DATA
  5: 'WinHttpSendRequest', // API_SEND_REQUEST
  6: 'WinHttpGetProxyForUrlEx', // API_GET_PROXY_FOR_URL
});

/** The WinHTTP function named by a WINHTTP_ASYNC_RESULT.dwResult; unknown values give `async operation <n>`. */
export function apiFromAsyncResult(dwResult: number): string {
  return ASYNC_RESULT_API[dwResult] ?? `async operation ${dwResult}`;
}

const normalize = (text: string): string => text.trim().replace(/\.$/, '').toLowerCase();

export interface WinHttpErrorOptions {
  /** Text of FormatMessageW for the error number, as obtained by the native layer. */
  systemMessage?: string;
  /** dwStatusInformation of WINHTTP_CALLBACK_STATUS_SECURE_FAILURE. */
  secureFailureFlags?: number;
  /** The host the request was for: names it where the certificate's name did not match. */
  host?: string;
  /** The session named its own roots (tls.ca): an unknown root means one `ca` does not name. */
  trustedRootsNamed?: boolean;
  cause?: unknown;
  /** Extra context appended to the message (e.g. the URL or the phase of the request). */
  detail?: string;
}

export class WinHttpError extends Error {
  /** WINHTTP_ASYNC_RESULT.dwResult → API name. */
  static readonly API = ASYNC_RESULT_API;

  override readonly name = 'WinHttpError';
  /** Symbolic name, e.g. 'ERROR_WINHTTP_TIMEOUT'; `ERROR_<n>` for numbers not in the table. */
  readonly code: string;
  /** The Win32/WinHTTP error number (GetLastError() or WINHTTP_ASYNC_RESULT.dwError). */
  readonly errno: number;
  /** The WinHTTP function that failed, e.g. 'WinHttpSendRequest'. */
  readonly api: string;
  readonly category: WinHttpErrorCategory;
  /** WINHTTP_CALLBACK_STATUS_FLAG_* bits (as an unsigned 32-bit number), when the native layer reported them. */
  declare readonly secureFailureFlags?: number;
  /**
   * Why a TLS connection failed: `secureFailureFlags` decoded ('invalid-ca', 'cert-cn-invalid', ...; see
   * decodeSecureFailureFlags); empty when no flags were reported.
   */
  readonly reasons: readonly string[];

  constructor(errno: number, api: string, options: WinHttpErrorOptions = {}) {
    const { code, meaning, category } = describeErrorCode(errno);
    const flags = options.secureFailureFlags === undefined ? undefined : options.secureFailureFlags >>> 0;
    const reasons = flags === undefined ? [] : decodeSecureFailureFlags(flags);

    let message = `${api} failed: ${code} (${errno}): ${meaning}`;
    const system = options.systemMessage?.trim();
    if (system && normalize(system) !== normalize(meaning)) message += ` — ${system}`;
    if (flags !== undefined) message += `: ${describeSecureFailure(flags, options.host, options.trustedRootsNamed)}`;
    else if (category === 'tls' && noFlagsNote(errno) !== undefined) message += `. ${noFlagsNote(errno)}`;
    if (options.detail) message += `. ${options.detail}`;

    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    setBrand(this, BRAND);
    this.code = code;
    this.errno = errno;
    this.api = api;
    this.category = category;
    if (flags !== undefined) this.secureFailureFlags = flags;
    this.reasons = Object.freeze(reasons);
  }

  get isTimeout(): boolean {
    return this.category === 'timeout';
  }

  get isTls(): boolean {
    return this.category === 'tls';
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, WinHttpError, BRAND, value);
  }
}

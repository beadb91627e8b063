// WinHttpError: the error raised when a WinHTTP function fails. It carries the Win32/WinHTTP error number, its
// symbolic name and category from ./codes, the failing API, and for TLS failures the decoded
// WINHTTP_CALLBACK_STATUS_SECURE_FAILURE flags. Also maps WINHTTP_ASYNC_RESULT.dwResult to the API name.

import { hasBrand, setBrand } from './brand';
import { describeErrorCode, type WinHttpErrorCategory } from './codes';

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

/** WINHTTP_CALLBACK_STATUS_FLAG_* bits of the SECURE_FAILURE notification: [bit, name, readable meaning]. */
const SECURE_FAILURE_FLAGS: readonly (readonly [bit: number, name: string, meaning: string])[] = [
  [0x00000001, 'CERT_REV_FAILED', 'revocation status could not be checked'],
  [0x00000002, 'INVALID_CERT', 'certificate is not valid'],
  [0x00000004, 'CERT_REVOKED', 'certificate has been revoked'],
  [0x00000008, 'INVALID_CA', 'certificate chain ends in an untrusted root'],
  [0x00000010, 'CERT_CN_INVALID', 'certificate name does not match the host'],
  [0x00000020, 'CERT_DATE_INVALID', 'certificate has expired or is not yet valid'],
  [0x00000040, 'CERT_WRONG_USAGE', 'certificate is not valid for this usage'],
  [0x80000000, 'SECURITY_CHANNEL_ERROR', 'secure channel error'],
];

const hex32 = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

/**
 * Names of the WINHTTP_CALLBACK_STATUS_FLAG_* bits set in `flags` (without the prefix, e.g. 'CERT_CN_INVALID'),
 * in bit order; bits winhttp.h does not define are reported together as `UNKNOWN_0x........`.
 */
export function decodeSecureFailureFlags(flags: number): string[] {
  let rest = flags >>> 0;
  const names: string[] = [];
  for (const [bit, name] of SECURE_FAILURE_FLAGS) {
    if ((rest & bit) !== 0) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) names.push(`UNKNOWN_${hex32(rest)}`);
  return names;
}

function describeSecureFailure(flags: number, reasons: readonly string[]): string {
  const parts = reasons.map((reason) => {
    const known = SECURE_FAILURE_FLAGS.find(([, name]) => name === reason);
    return known ? `${reason} (${known[2]})` : reason;
  });
  return `Secure failure flags ${hex32(flags)}: ${parts.join(', ') || 'none'}`;
}

const normalize = (text: string): string => text.trim().replace(/\.$/, '').toLowerCase();

export interface WinHttpErrorOptions {
  /** Text of FormatMessageW for the error number, as obtained by the native layer. */
  systemMessage?: string;
  /** dwStatusInformation of WINHTTP_CALLBACK_STATUS_SECURE_FAILURE. */
  secureFailureFlags?: number;
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
  /** Decoded `secureFailureFlags` (see decodeSecureFailureFlags); empty when no flags were reported. */
  readonly secureFailureReasons: readonly string[];

  constructor(errno: number, api: string, options: WinHttpErrorOptions = {}) {
    const { code, meaning, category } = describeErrorCode(errno);
    const flags = options.secureFailureFlags === undefined ? undefined : options.secureFailureFlags >>> 0;
    const reasons = flags === undefined ? [] : decodeSecureFailureFlags(flags);

    let message = `${api} failed: ${code} (${errno}): ${meaning}`;
    const system = options.systemMessage?.trim();
    if (system && normalize(system) !== normalize(meaning)) message += ` — ${system}`;
    if (flags !== undefined) message += `. ${describeSecureFailure(flags, reasons)}`;
    if (options.detail) message += `. ${options.detail}`;

    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    setBrand(this, BRAND);
    this.code = code;
    this.errno = errno;
    this.api = api;
    this.category = category;
    if (flags !== undefined) this.secureFailureFlags = flags;
    this.secureFailureReasons = Object.freeze(reasons);
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

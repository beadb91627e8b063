// Table of the error numbers a WinHTTP binding meets: every ERROR_WINHTTP_* code of winhttp.h (12001..12193,
// numbers checked against the Windows SDK header and Microsoft's "Error Messages (Winhttp.h)" page) plus the Win32
// and Winsock codes WinHTTP passes through. Each number maps to its symbolic name, a one-line meaning and a category
// that callers can branch on (retry on 'timeout', surface 'tls' problems, and so on).

export type WinHttpErrorCategory =
  | 'timeout'
  | 'tls'
  | 'connect'
  | 'connection'
  | 'protocol'
  | 'cancelled'
  | 'url'
  | 'auth'
  | 'proxy'
  | 'usage'
  | 'resource'
  | 'other';

export interface WinHttpErrorInfo {
  /** Symbolic name as spelled in winhttp.h / winerror.h, e.g. 'ERROR_WINHTTP_CANNOT_CONNECT'. */
  readonly code: string;
  /** One-line English meaning. */
  readonly meaning: string;
  readonly category: WinHttpErrorCategory;
}

type Row = readonly [errno: number, code: string, category: WinHttpErrorCategory, meaning: string];

const ROWS: readonly Row[] = [
  // winhttp.h: WINHTTP_ERROR_BASE (12000) + n
  [12001, 'ERROR_WINHTTP_OUT_OF_HANDLES', 'resource', 'No more WinHTTP handles could be allocated'],
  [12002, 'ERROR_WINHTTP_TIMEOUT', 'timeout', 'The request timed out'],
  [12004, 'ERROR_WINHTTP_INTERNAL_ERROR', 'other', 'An internal WinHTTP error occurred'],
  [12005, 'ERROR_WINHTTP_INVALID_URL', 'url', 'The URL is not valid'],
  [12006, 'ERROR_WINHTTP_UNRECOGNIZED_SCHEME', 'url', 'The URL scheme is not "http:" or "https:"'],
  [12007, 'ERROR_WINHTTP_NAME_NOT_RESOLVED', 'connect', 'The server name could not be resolved'],
  [12009, 'ERROR_WINHTTP_INVALID_OPTION', 'usage', 'An invalid option value was passed to WinHttpQueryOption or WinHttpSetOption'],
  [12011, 'ERROR_WINHTTP_OPTION_NOT_SETTABLE', 'usage', 'The option can only be queried, not set'],
  [12012, 'ERROR_WINHTTP_SHUTDOWN', 'other', 'WinHTTP is being shut down or unloaded'],
  [12015, 'ERROR_WINHTTP_LOGIN_FAILURE', 'auth', 'The login attempt failed'],
  [12017, 'ERROR_WINHTTP_OPERATION_CANCELLED', 'cancelled', 'The operation was cancelled, usually because its handle was closed'],
  [12018, 'ERROR_WINHTTP_INCORRECT_HANDLE_TYPE', 'usage', 'The handle is of the wrong type for this operation'],
  [12019, 'ERROR_WINHTTP_INCORRECT_HANDLE_STATE', 'usage', 'The handle is not in the right state for this operation'],
  [12029, 'ERROR_WINHTTP_CANNOT_CONNECT', 'connect', 'The connection to the server could not be established'],
  [12030, 'ERROR_WINHTTP_CONNECTION_ERROR', 'connection', 'The connection to the server was reset or terminated, or the TLS protocol was incompatible'],
  [12032, 'ERROR_WINHTTP_RESEND_REQUEST', 'other', 'The request must be sent again on the same handle'],
  [12037, 'ERROR_WINHTTP_SECURE_CERT_DATE_INVALID', 'tls', 'The server certificate has expired or is not yet valid'],
  [12038, 'ERROR_WINHTTP_SECURE_CERT_CN_INVALID', 'tls', 'The server certificate name does not match the host name'],
  [12044, 'ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED', 'tls', 'The server requires a TLS client certificate'],
  [12045, 'ERROR_WINHTTP_SECURE_INVALID_CA', 'tls', 'The server certificate chain ends in an untrusted root'],
  [12057, 'ERROR_WINHTTP_SECURE_CERT_REV_FAILED', 'tls', 'The certificate revocation status could not be checked'],
  [12100, 'ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN', 'usage', 'The operation cannot be performed before Open'],
  [12101, 'ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND', 'usage', 'The operation cannot be performed before Send'],
  [12102, 'ERROR_WINHTTP_CANNOT_CALL_AFTER_SEND', 'usage', 'The operation cannot be performed after Send'],
  [12103, 'ERROR_WINHTTP_CANNOT_CALL_AFTER_OPEN', 'usage', 'The option cannot be requested after Open'],
  [12150, 'ERROR_WINHTTP_HEADER_NOT_FOUND', 'other', 'The requested header was not found'],
  [12152, 'ERROR_WINHTTP_INVALID_SERVER_RESPONSE', 'protocol', 'The server response could not be parsed'],
  [12153, 'ERROR_WINHTTP_INVALID_HEADER', 'protocol', 'A header is not valid'],
  [12154, 'ERROR_WINHTTP_INVALID_QUERY_REQUEST', 'usage', 'The header query request is not valid'],
  [12155, 'ERROR_WINHTTP_HEADER_ALREADY_EXISTS', 'usage', 'The header already exists'],
  [12156, 'ERROR_WINHTTP_REDIRECT_FAILED', 'protocol', 'The redirect failed: the scheme changed or too many redirects were followed'],
  [12157, 'ERROR_WINHTTP_SECURE_CHANNEL_ERROR', 'tls', 'A TLS (secure channel) error occurred'],
  [12166, 'ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT', 'proxy', 'The proxy auto-configuration (PAC) script failed to run'],
  [12167, 'ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT', 'proxy', 'The proxy auto-configuration (PAC) file could not be downloaded'],
  [12169, 'ERROR_WINHTTP_SECURE_INVALID_CERT', 'tls', 'The server certificate is not valid'],
  [12170, 'ERROR_WINHTTP_SECURE_CERT_REVOKED', 'tls', 'The server certificate has been revoked'],
  [12172, 'ERROR_WINHTTP_NOT_INITIALIZED', 'other', 'WinHTTP is not initialized'],
  [12175, 'ERROR_WINHTTP_SECURE_FAILURE', 'tls', 'The server TLS certificate failed validation'],
  [12176, 'ERROR_WINHTTP_UNHANDLED_SCRIPT_TYPE', 'proxy', 'The proxy script type is not supported'],
  [12177, 'ERROR_WINHTTP_SCRIPT_EXECUTION_ERROR', 'proxy', 'An error occurred while executing the proxy script'],
  [12178, 'ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR', 'proxy', 'No proxy could be located for the URL'],
  [12179, 'ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE', 'tls', 'The server certificate is not valid for this usage'],
  [12180, 'ERROR_WINHTTP_AUTODETECTION_FAILED', 'proxy', 'The proxy auto-configuration URL could not be discovered'],
  [12181, 'ERROR_WINHTTP_HEADER_COUNT_EXCEEDED', 'protocol', 'The response has more headers than WinHTTP accepts'],
  [12182, 'ERROR_WINHTTP_HEADER_SIZE_OVERFLOW', 'protocol', 'The response headers exceed the size limit of the request handle'],
  [12183, 'ERROR_WINHTTP_CHUNKED_ENCODING_HEADER_SIZE_OVERFLOW', 'protocol', 'A chunked-encoding header overflowed while parsing'],
  [12184, 'ERROR_WINHTTP_RESPONSE_DRAIN_OVERFLOW', 'protocol', 'The response exceeds an internal WinHTTP size limit'],
  [12185, 'ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY', 'tls', 'The client certificate has no associated private key'],
  [12186, 'ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY', 'tls', 'The process may not access the private key of the client certificate'],
  [12187, 'ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED_PROXY', 'tls', 'The proxy requires a TLS client certificate'],
  [12188, 'ERROR_WINHTTP_SECURE_FAILURE_PROXY', 'tls', 'The proxy TLS certificate failed validation'],
  [12189, 'ERROR_WINHTTP_RESERVED_189', 'other', 'Reserved WinHTTP error'],
  [12190, 'ERROR_WINHTTP_HTTP_PROTOCOL_MISMATCH', 'protocol', 'The server did not speak the required HTTP protocol version'],
  [12191, 'ERROR_WINHTTP_GLOBAL_CALLBACK_FAILED', 'other', 'A global WinHTTP callback failed'],
  [12192, 'ERROR_WINHTTP_FEATURE_DISABLED', 'other', 'The requested WinHTTP feature is disabled'],
  [12193, 'ERROR_WINHTTP_FAST_FORWARDING_NOT_SUPPORTED', 'other', 'Fast forwarding is not supported'],

  // winerror.h: Win32 codes WinHTTP returns or that the binding produces around it
  [6, 'ERROR_INVALID_HANDLE', 'usage', 'The handle is not valid or has been closed'],
  [8, 'ERROR_NOT_ENOUGH_MEMORY', 'resource', 'Not enough memory to complete the operation'],
  [14, 'ERROR_OUTOFMEMORY', 'resource', 'Not enough memory to complete the operation'],
  [18, 'ERROR_NO_MORE_FILES', 'other', 'No more files were found'],
  [50, 'ERROR_NOT_SUPPORTED', 'other', 'The request is not supported'],
  [87, 'ERROR_INVALID_PARAMETER', 'usage', 'A parameter is not valid'],
  [122, 'ERROR_INSUFFICIENT_BUFFER', 'usage', 'The buffer is too small for the returned data'],
  [259, 'ERROR_NO_MORE_ITEMS', 'other', 'No more items were found'],
  [995, 'ERROR_OPERATION_ABORTED', 'cancelled', 'The I/O operation was aborted'],
  [997, 'ERROR_IO_PENDING', 'other', 'The operation is pending and will complete asynchronously'],
  [1223, 'ERROR_CANCELLED', 'cancelled', 'The operation was cancelled'],
  [1460, 'ERROR_TIMEOUT', 'timeout', 'The operation timed out'],
  [4317, 'ERROR_INVALID_OPERATION', 'usage', 'The operation is not valid in the current state'],

  // winsock2.h: socket errors that surface through WinHTTP (Wine reports send/receive timeouts as WSAETIMEDOUT)
  [10051, 'WSAENETUNREACH', 'connect', 'The network is unreachable'],
  [10053, 'WSAECONNABORTED', 'connection', 'The connection was aborted by the local host'],
  [10054, 'WSAECONNRESET', 'connection', 'The connection was reset by the peer'],
  [10060, 'WSAETIMEDOUT', 'timeout', 'The connection timed out'],
  [10061, 'WSAECONNREFUSED', 'connect', 'The connection was refused'],
  [10065, 'WSAEHOSTUNREACH', 'connect', 'The host is unreachable'],
  [11001, 'WSAHOST_NOT_FOUND', 'connect', 'The host name was not found'],
];

/** errno → symbolic name, meaning and category. */
export const WINHTTP_ERROR_CODES: ReadonlyMap<number, WinHttpErrorInfo> = new Map(
  ROWS.map(([errno, code, category, meaning]) => [errno, Object.freeze({ code, meaning, category })]),
);

/** Describes an error number; unknown numbers get code `ERROR_<n>`, meaning 'Unknown error', category 'other'. */
export function describeErrorCode(errno: number): WinHttpErrorInfo {
  return WINHTTP_ERROR_CODES.get(errno) ?? { code: `ERROR_${errno}`, meaning: 'Unknown error', category: 'other' };
}

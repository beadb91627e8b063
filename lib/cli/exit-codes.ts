// The `winhttp` command's exit codes, one per kind of failure a script may want to branch on; every command uses
// them (the table is in the README). A WinHttpError maps by its category (lib/errors/codes.ts); the library's own
// errors by their code.

export const EXIT = Object.freeze({
  /** Done (without --fail, whatever the HTTP status). */
  OK: 0,
  /** A failure not listed below (a file that could not be written, an unexpected error). */
  FAILURE: 1,
  /** Bad command line: unknown option, bad value, missing url. */
  USAGE: 2,
  /** The URL is not a valid http:// or https:// URL. */
  URL: 3,
  /** The server could not be reached: name not resolved, connection refused, network unreachable. */
  CONNECT: 4,
  /** The connection broke or the answer was not valid HTTP: reset, truncated body, bad headers, redirect loop. */
  PROTOCOL: 5,
  /** A timeout: a stage's --timeout, or a PAC/WPAD lookup that took too long. */
  TIMEOUT: 6,
  /** TLS: the certificate failed validation or a pin, the handshake failed, a client certificate was wanted. */
  TLS: 7,
  /** The proxy: its PAC file could not be found, downloaded or run, or WPAD found none. */
  PROXY: 8,
  /** Authentication failed in WinHTTP (ERROR_WINHTTP_LOGIN_FAILURE). */
  AUTH: 9,
  /** Cancelled by Ctrl+C: 130, as shells report a command that SIGINT ended. */
  CANCELLED: 130,
  /** winhttp get: the downloaded bytes do not match --sha256 (nothing is kept). */
  CHECKSUM: 11,
  /** --fail and the final HTTP status was 400 or above (curl -f uses 22 as well). */
  HTTP_ERROR: 22,
});

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const BY_CATEGORY: Readonly<Record<string, ExitCode>> = {
  url: EXIT.URL,
  connect: EXIT.CONNECT,
  connection: EXIT.PROTOCOL,
  protocol: EXIT.PROTOCOL,
  timeout: EXIT.TIMEOUT,
  tls: EXIT.TLS,
  proxy: EXIT.PROXY,
  auth: EXIT.AUTH,
  cancelled: EXIT.CANCELLED,
};

const BY_CODE: Readonly<Record<string, ExitCode>> = {
  ERR_INVALID_ARG_TYPE: EXIT.USAGE,
  ERR_INVALID_ARG_VALUE: EXIT.USAGE,
  ERR_OUT_OF_RANGE: EXIT.USAGE,
  ABORT_ERR: EXIT.CANCELLED,
  ERR_WINHTTP_BODY_TRUNCATED: EXIT.PROTOCOL,
  ERR_WINHTTP_TOO_MANY_REDIRECTS: EXIT.PROTOCOL,
  ERR_WINHTTP_REDIRECT_LOOP: EXIT.PROTOCOL,
  ERR_WINHTTP_CONTENT_DECODING: EXIT.PROTOCOL,
  ERR_WINHTTP_CERTIFICATE_PIN_MISMATCH: EXIT.TLS,
  ERR_WINHTTP_PROXY_TIMEOUT: EXIT.TIMEOUT,
  ERR_WINHTTP_DEADLINE_EXCEEDED: EXIT.TIMEOUT,
  ERR_WINHTTP_CHECKSUM_MISMATCH: EXIT.CHECKSUM,
  // winhttp get saves no error page: an HTTP status of 400 or above fails it as --fail fails a fetch.
  ERR_WINHTTP_DOWNLOAD_STATUS: EXIT.HTTP_ERROR,
};

/** The exit code for an error a command failed with. */
export function exitCodeFor(error: unknown): ExitCode {
  const { name, code, category } = (error ?? {}) as { name?: string; code?: unknown; category?: unknown };
  if (name === 'WinHttpError' && typeof category === 'string') return BY_CATEGORY[category] ?? EXIT.FAILURE;
  if (typeof code === 'string' && code in BY_CODE) return BY_CODE[code];
  return EXIT.FAILURE;
}

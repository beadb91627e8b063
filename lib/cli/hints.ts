// One line of what to try, for each error a command can end with: by the WinHttpError's symbolic code (a TLS failure
// by its reasons: each names the one flag that accepts it), by the library error's code, or for an HTTP status that
// --fail turned into a failure. Every command prints it under the error (report-error.ts).
import { RELAXATION_FOR_REASON, relaxationFlag } from './tls-args';
import type { TlsFailureReason } from '../tls/failure-reasons';

const DIAGNOSE = 'winhttp diagnose URL shows';
const NOT_REACHED = `check the host name and port, a firewall, or whether a proxy is needed (--proxy host:port; ${DIAGNOSE} which proxy is used)`;
const PAC = `the proxy auto-configuration failed: check the PAC URL or WPAD in the proxy settings (${DIAGNOSE} them), or choose --proxy none|host:port`;
const RESET = `the connection was closed mid-exchange: retry; a proxy or TLS inspection may be cutting it (${DIAGNOSE} the path)`;
const NOT_HTTP = 'the answer was not valid HTTP: is it an HTTP server on that port (http:// vs https://)?';
const CERTIFICATE = `${DIAGNOSE} the certificate chain and why Windows refuses it`;

const BY_CODE: Readonly<Record<string, string>> = {
  ERROR_WINHTTP_NAME_NOT_RESOLVED: `the host name did not resolve: check its spelling, DNS, or whether only a proxy can resolve it (--proxy; ${DIAGNOSE} the proxy decision)`,
  WSAHOST_NOT_FOUND: `the host name did not resolve: check its spelling, DNS, or whether only a proxy can resolve it (--proxy; ${DIAGNOSE} the proxy decision)`,
  ERROR_WINHTTP_CANNOT_CONNECT: `nothing accepted the connection: ${NOT_REACHED}`,
  WSAECONNREFUSED: `the connection was refused: ${NOT_REACHED}`,
  WSAENETUNREACH: `the network is unreachable: ${NOT_REACHED}`,
  WSAEHOSTUNREACH: `the host is unreachable: ${NOT_REACHED}`,
  ERROR_WINHTTP_TIMEOUT: `no answer in time: raise --timeout (milliseconds per stage), or check the proxy (${DIAGNOSE} each stage's time)`,
  WSAETIMEDOUT: `no answer in time: raise --timeout (milliseconds per stage), or check the proxy (${DIAGNOSE} each stage's time)`,
  ERROR_TIMEOUT: 'no answer in time: raise --timeout (milliseconds per stage)',
  ERROR_WINHTTP_CONNECTION_ERROR: RESET,
  WSAECONNRESET: RESET,
  WSAECONNABORTED: RESET,
  ERROR_WINHTTP_INVALID_SERVER_RESPONSE: NOT_HTTP,
  ERROR_WINHTTP_INVALID_HEADER: NOT_HTTP,
  ERROR_WINHTTP_HEADER_COUNT_EXCEEDED: NOT_HTTP,
  ERROR_WINHTTP_HEADER_SIZE_OVERFLOW: NOT_HTTP,
  ERROR_WINHTTP_CHUNKED_ENCODING_HEADER_SIZE_OVERFLOW: NOT_HTTP,
  ERROR_WINHTTP_RESPONSE_DRAIN_OVERFLOW: 'the answer exceeds a WinHTTP size limit: a proxy or server sending far more than announced?',
  ERROR_WINHTTP_HTTP_PROTOCOL_MISMATCH: 'the server did not speak the HTTP version asked for',
  ERROR_WINHTTP_REDIRECT_FAILED: `the redirect could not be followed: ${DIAGNOSE} each redirect`,
  ERROR_WINHTTP_INVALID_URL: 'give an absolute URL: http://host[:port]/path or https://...',
  ERROR_WINHTTP_UNRECOGNIZED_SCHEME: 'only http:// and https:// URLs are supported',
  ERROR_WINHTTP_LOGIN_FAILURE: 'the credentials were refused: check --user / --proxy-user (DOMAIN\\user:password for a domain account)',
  ERROR_WINHTTP_OPERATION_CANCELLED: 'the request was cancelled before it completed',
  ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT: PAC,
  ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT: PAC,
  ERROR_WINHTTP_SCRIPT_EXECUTION_ERROR: PAC,
  ERROR_WINHTTP_UNHANDLED_SCRIPT_TYPE: PAC,
  ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR: PAC,
  ERROR_WINHTTP_AUTODETECTION_FAILED: PAC,
  ERROR_WINHTTP_SECURE_CHANNEL_ERROR: `the TLS handshake failed: the server may want a TLS version or cipher Windows does not offer; ${CERTIFICATE}`,
  ERROR_WINHTTP_SECURE_INVALID_CERT: `the server's certificate is not valid: ${CERTIFICATE}`,
  ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED: 'the server wants a TLS client certificate: give one to the library (new Session({ tls: { clientCertificate } }))',
  ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY: 'the client certificate has no private key in the store: import it with its key (PFX)',
  ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY: 'this account may not use the client certificate\'s private key: check the key\'s permissions',
  ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED_PROXY: 'the proxy wants a TLS client certificate',
  ERROR_WINHTTP_SECURE_FAILURE_PROXY: 'the proxy\'s own TLS certificate failed validation: add its CA to the Windows certificate store',
  ERR_WINHTTP_PROXY_TIMEOUT: `the PAC file or WPAD lookup took too long: check the proxy settings (${DIAGNOSE} them), or choose --proxy none|host:port`,
  ERR_WINHTTP_DEADLINE_EXCEEDED: 'the exchange took longer than its deadline',
  ERR_WINHTTP_BODY_TRUNCATED: `the body ended before its Content-Length: ${RESET}`,
  ERR_WINHTTP_TOO_MANY_REDIRECTS: `${DIAGNOSE} each redirect`,
  ERR_WINHTTP_REDIRECT_LOOP: `${DIAGNOSE} each redirect`,
  ERR_WINHTTP_CONTENT_DECODING: 'the body is not in the encoding the server named',
  ERR_WINHTTP_CERTIFICATE_PIN_MISMATCH: 'the certificate is not the pinned one: TLS inspection by a proxy or a changed certificate',
};

// A specific certificate error code names its one reason.
const REASON_OF_CODE: Readonly<Record<string, TlsFailureReason>> = {
  ERROR_WINHTTP_SECURE_INVALID_CA: 'invalid-ca',
  ERROR_WINHTTP_SECURE_CERT_CN_INVALID: 'cert-cn-invalid',
  ERROR_WINHTTP_SECURE_CERT_DATE_INVALID: 'cert-date-invalid',
  ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE: 'cert-wrong-usage',
  ERROR_WINHTTP_SECURE_CERT_REV_FAILED: 'cert-rev-failed',
  ERROR_WINHTTP_SECURE_CERT_REVOKED: 'cert-revoked',
};

const REVOCATION_UNKNOWN = 'the revocation server (CRL/OCSP) could not be reached: it may need the proxy; or leave out --check-revocation';
const REVOKED = 'the server\'s certificate is revoked: the server needs a new one (no flag accepts this)';

const REASON_HINT: Readonly<Record<TlsFailureReason, string>> = {
  'invalid-ca': 'add the issuing CA to the Windows certificate store (Root)',
  'cert-cn-invalid': 'use the host name the certificate was issued for',
  'cert-date-invalid': 'renew the certificate, or check this computer\'s clock',
  'cert-wrong-usage': 'the server needs a certificate issued for server authentication',
  'cert-rev-failed': REVOCATION_UNKNOWN,
  'cert-revoked': REVOKED,
  'invalid-cert': 'the certificate is malformed: the server needs a new one',
  'security-channel-error': 'the TLS handshake failed (Schannel): a TLS version or cipher Windows does not offer?',
};

/** What to do about each reason, and the one flag that accepts it (knowing the risk) where there is one. */
function certificateHint(reasons: readonly string[]): string {
  const fixes = reasons.filter((reason): reason is TlsFailureReason => reason in REASON_HINT).map((reason) => {
    const relaxation = RELAXATION_FOR_REASON[reason];
    return `${reason}: ${REASON_HINT[reason]}${relaxation === undefined ? '' : `, or accept it with ${relaxationFlag(relaxation)}`}`;
  });
  if (fixes.length === 0) return `${CERTIFICATE}; a failure is accepted only by naming it (--dangerously-accept-...)`;
  return fixes.join('; ');
}

/** The hint for an error a command ended with; undefined when there is nothing better to say than its message. */
export function hintFor(error: unknown): string | undefined {
  const { code, reasons } = (error ?? {}) as { code?: unknown; reasons?: unknown };
  if (typeof code !== 'string') return undefined;
  if (code === 'ERROR_WINHTTP_SECURE_FAILURE') return certificateHint(Array.isArray(reasons) ? reasons : []);
  if (code in REASON_OF_CODE) return certificateHint([REASON_OF_CODE[code]]);
  return BY_CODE[code];
}

/** The hint for a final HTTP status that --fail made a failure. */
export function hintForStatus(status: number): string {
  if (status === 401) return 'the server wants credentials: --user user:password, or --ntlm/--negotiate for the logged-on user';
  if (status === 407) return 'the proxy wants credentials: --proxy-user user:password, or --proxy-ntlm/--proxy-negotiate';
  if (status === 403) return 'the server refused access with these credentials (or to this client)';
  if (status === 404 || status === 410) return 'the server has nothing at that path';
  if (status >= 500) return 'the server (or a proxy in between) failed: retry later';
  return 'the server refused the request';
}

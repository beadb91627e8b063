// ClientCertificateNeededError: the server requires a TLS client certificate and the session has none. A WinHttpError
// ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED (12044) that also lists the certificate authorities the server accepts
// (WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST), so the caller can choose a certificate and retry.
import { WinHttpError } from '../errors';

export class ClientCertificateNeededError extends WinHttpError {
  /** The CAs whose certificates the server accepts, as "CN=..., O=..." (empty: the server named none). */
  readonly issuers: readonly string[];

  constructor(issuers: readonly string[], options: { cause: WinHttpError }) {
    super(12044, 'WinHttpSendRequest', {
      cause: options.cause,
      detail: `The server refused the connection without one (${options.cause.code}). ` + (issuers.length === 0
        ? 'It named no certificate authority'
        : `It accepts certificates issued by: ${issuers.map((issuer) => `"${issuer}"`).join('; ')}`),
    });
    this.issuers = Object.freeze([...issuers]);
  }
}

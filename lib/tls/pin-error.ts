// CertificatePinError: the server of a pinned host presented a certificate that matches none of its pins
// (lib/tls/pins.ts). Raised after the TLS handshake and the response head, before any body byte is read; the
// request is closed.
import { hasBrand, setBrand } from '../errors/brand';

const PIN_BRAND = Symbol.for('winhttp.CertificatePinError');

export class CertificatePinError extends Error {
  override readonly name = 'CertificatePinError';
  readonly code = 'ERR_WINHTTP_CERTIFICATE_PIN_MISMATCH';
  readonly category = 'tls';
  readonly host: string;
  /** The server certificate's digests, written as pins would be. */
  readonly presented: { spki: string; certificate: string };

  constructor(host: string, presented: { spki: string; certificate: string }) {
    super(`The certificate of ${host} matches none of its pins (it has sha256/${presented.spki}, ` +
      `cert-sha256/${presented.certificate}); the request was closed before its body was read`);
    setBrand(this, PIN_BRAND);
    this.host = host;
    this.presented = presented;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, CertificatePinError, PIN_BRAND, value);
  }
}

// ClientCertificateNotFoundError: a session's tls.clientCertificate names no usable certificate of the Windows store
// (none matches, the match has no private key, or several match and the choice would be a guess).
import { hasBrand, setBrand } from '../errors/brand';

const NOT_FOUND_BRAND = Symbol.for('winhttp.ClientCertificateNotFoundError');

export class ClientCertificateNotFoundError extends Error {
  override readonly name = 'ClientCertificateNotFoundError';
  readonly code = 'ERR_WINHTTP_CLIENT_CERTIFICATE_NOT_FOUND';
  readonly category = 'tls';
  /** SHA-1 thumbprints of the certificates that matched (none, or several, or ones without a private key). */
  readonly matches: readonly string[];

  constructor(message: string, matches: readonly string[]) {
    super(message);
    setBrand(this, NOT_FOUND_BRAND);
    this.matches = Object.freeze([...matches]);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, ClientCertificateNotFoundError, NOT_FOUND_BRAND, value);
  }
}

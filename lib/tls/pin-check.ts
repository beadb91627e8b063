// The pin check of request(): after an https hop's response head, before any body byte is read, the certificate of a
// pinned host must match one of its pins (lib/tls/pins.ts); otherwise the request is closed and the exchange fails.
import type { Request } from '../core/request';
import { certificateDigests } from './certificate';
import { CertificatePinError } from './pin-error';
import { matchesPin, pinsFor } from './pins';
import type { TlsSettings } from './options';

/** Throws CertificatePinError (or why the certificate could not be read) if `host` is pinned and `req`'s server misses. */
export function checkPins(req: Request, host: string, tls: Readonly<TlsSettings>): void {
  const accepted = pinsFor(tls.pins, host);
  if (accepted === undefined) return;
  const der = req.serverCertificateDer();
  if (der === undefined) req.serverCertificate(); // throws why WinHTTP gave no certificate: a pinned host fails closed
  const { spkiSha256, certificateSha256 } = certificateDigests(der!);
  if (matchesPin(accepted, spkiSha256, certificateSha256)) return;
  throw new CertificatePinError(host, { spki: spkiSha256.toString('base64'), certificate: certificateSha256.toString('hex') });
}

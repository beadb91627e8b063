// What a client certificate is, as the caller sees it: parsed from its DER with node:crypto (subject and issuer as
// RFC 4514 text, the last RDN first, as ClientCertificateNeededError names issuers; SHA-1 and SHA-256 thumbprints in
// the lower-case hex Windows' certificate manager shows without spaces).
import { createHash, X509Certificate } from 'node:crypto';

export type CertificateStoreLocation = 'CurrentUser' | 'LocalMachine';

export interface ClientCertificateInfo {
  /** "CN=Jane Doe, OU=Staff, O=Corp". */
  subject: string;
  issuer: string;
  /** The certificate's Common Name, if it has one. */
  commonName: string | undefined;
  /** SHA-1 of the certificate (the Windows "thumbprint"), lower-case hex. */
  sha1: string;
  /** SHA-256 of the certificate, lower-case hex. */
  sha256: string;
  serialNumber: string;
  validFrom: Date;
  validTo: Date;
  /** CryptoAPI holds a private key for it (in the store, a TPM or smart card): only then can it be used. */
  hasPrivateKey: boolean;
}

function rfc4514(lines: string): string {
  return lines.split('\n').reverse().join(', ');
}

export function describeClientCertificate(der: Buffer, hasPrivateKey: boolean): ClientCertificateInfo {
  const x509 = new X509Certificate(der);
  const cn = x509.subject.split('\n').find((line) => line.startsWith('CN='));
  return {
    subject: rfc4514(x509.subject),
    issuer: rfc4514(x509.issuer),
    commonName: cn?.slice(3).replace(/\\(.)/g, '$1'),
    sha1: createHash('sha1').update(der).digest('hex'),
    sha256: createHash('sha256').update(der).digest('hex'),
    serialNumber: x509.serialNumber.toUpperCase(),
    validFrom: new Date(x509.validFrom),
    validTo: new Date(x509.validTo),
    hasPrivateKey,
  };
}

// The subject and issuer of a certificate as DER Names, cut from its TBSCertificate (RFC 5280 4.1): what a server
// sends in its certificate request, for tests of the issuer list.
import type { X509Certificate } from 'node:crypto';

// [start of the element, start of its body, end] at `at`.
function element(der: Buffer, at: number): [number, number, number] {
  let length = der[at + 1];
  let body = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[body + i];
    body += bytes;
  }
  return [at, body, body + length];
}

/** { issuer, subject } of `certificate`, each the DER of its Name. */
export function certificateNames(certificate: X509Certificate): { issuer: Buffer; subject: Buffer } {
  const der = certificate.raw;
  const [, tbsBody] = element(der, element(der, 0)[1]);
  let at = tbsBody;
  if (der[at] === 0xa0) at = element(der, at)[2]; // [0] version
  at = element(der, at)[2]; // serialNumber
  at = element(der, at)[2]; // signature AlgorithmIdentifier
  const issuer = element(der, at);
  const validity = element(der, issuer[2]);
  const subject = element(der, validity[2]);
  return { issuer: der.subarray(issuer[0], issuer[2]), subject: der.subarray(subject[0], subject[2]) };
}

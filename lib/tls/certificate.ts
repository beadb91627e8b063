// The server's certificate as the caller sees it: the DER bytes WinHTTP verified (WINHTTP_OPTION_SERVER_CERT_CONTEXT,
// read by native/tls_server_cert.cc) parsed with node:crypto's X509Certificate into the shape of Node's
// tls.TLSSocket#getPeerCertificate(true) where it fits, plus the digests pins compare.
import { createHash, X509Certificate } from 'node:crypto';

export interface PeerCertificate {
  /** Subject's attributes ({ CN: 'localhost', O: ... }); a repeated attribute is an array, as in Node. */
  subject: Record<string, string | string[]>;
  issuer: Record<string, string | string[]>;
  /** 'DNS:localhost, IP Address:127.0.0.1', as Node's subjectaltname. */
  subjectaltname: string | undefined;
  /** 'Jan  1 00:00:00 2025 GMT', as Node. */
  valid_from: string;
  valid_to: string;
  validFromDate: Date;
  validToDate: Date;
  /** Upper-case hex, as Node. */
  serialNumber: string;
  /** SHA-1 and SHA-256 of the certificate, colon-separated upper-case hex, as Node. */
  fingerprint: string;
  fingerprint256: string;
  /** SHA-256 of the SubjectPublicKeyInfo, base64: what a 'sha256/...' pin names. */
  spkiSha256: string;
  ca: boolean;
  /** DER. */
  raw: Buffer;
  pem: string;
  /** The certificate that issued this one, when the server sent it; absent at the end of what was sent. */
  issuerCertificate?: PeerCertificate;
}

// 'CN=a\nO=b' (X509Certificate#subject) into { CN: 'a', O: 'b' }.
function attributes(text: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    const key = line.slice(0, at);
    // X509Certificate escapes as RFC 4514 does; Node's getPeerCertificate does not.
    const value = line.slice(at + 1).replace(/\\(.)/g, '$1');
    const previous = result[key];
    result[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return result;
}

function describe(x509: X509Certificate): PeerCertificate {
  const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
  return {
    subject: attributes(x509.subject),
    issuer: attributes(x509.issuer),
    subjectaltname: x509.subjectAltName,
    valid_from: x509.validFrom,
    valid_to: x509.validTo,
    validFromDate: new Date(x509.validFrom),
    validToDate: new Date(x509.validTo),
    serialNumber: x509.serialNumber.toUpperCase(),
    fingerprint: x509.fingerprint,
    fingerprint256: x509.fingerprint256,
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
    ca: x509.ca,
    raw: x509.raw,
    pem: x509.toString(),
  };
}

/**
 * `der[0]` is the server's certificate, the rest what else the server sent, in any order; each certificate is linked
 * to the one among them that issued it (signature checked), as Node's getPeerCertificate(true) links them.
 */
export function peerCertificate(der: readonly Buffer[]): PeerCertificate {
  const certificates = der.map((bytes) => new X509Certificate(bytes));
  const leaf = describe(certificates[0]);
  const unused = new Set(certificates.slice(1));
  for (let current = certificates[0], described = leaf; ;) {
    if (current.checkIssued(current)) break; // self-signed: the end of the chain
    const issuer = [...unused].find((candidate) => current.checkIssued(candidate) && current.verify(candidate.publicKey));
    if (issuer === undefined) break;
    unused.delete(issuer);
    described.issuerCertificate = describe(issuer);
    current = issuer;
    described = described.issuerCertificate;
  }
  return leaf;
}

/** SHA-256 digests of a certificate (DER) and of its SubjectPublicKeyInfo, for pins. */
export function certificateDigests(der: Buffer): { certificateSha256: Buffer; spkiSha256: Buffer } {
  const x509 = new X509Certificate(der);
  return {
    certificateSha256: createHash('sha256').update(der).digest(),
    spkiSha256: createHash('sha256').update(x509.publicKey.export({ type: 'spki', format: 'der' })).digest(),
  };
}

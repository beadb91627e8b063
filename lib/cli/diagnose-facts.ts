// Plain-data forms of what the library hands back, for a Diagnosis: an error with its hint, a certificate chain, the
// timings of a hop.
import type { PeerCertificate } from '../tls/certificate';
import type { RequestTimings } from '../core/timings';
import { hintFor } from './hints';
import type { CertificateSummary, ErrorInfo, Timing } from './diagnose-model';

export function errorInfo(error: unknown): ErrorInfo {
  const e = (error instanceof Error ? error : new Error(String(error))) as Error &
    { code?: unknown; errno?: unknown; api?: unknown; reasons?: unknown };
  const info: ErrorInfo = { name: e.name, message: e.message };
  if (typeof e.code === 'string') info.code = e.code;
  if (typeof e.errno === 'number') info.errno = e.errno;
  if (typeof e.api === 'string') info.api = e.api;
  if (Array.isArray(e.reasons) && e.reasons.length > 0) info.reasons = e.reasons.map(String);
  const hint = hintFor(error);
  if (hint !== undefined) info.hint = hint;
  return info;
}

const distinguishedName = (name: Record<string, string | string[]>): string =>
  Object.entries(name).flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${key}=${v}`)).join(', ');

/** The server's certificate, then each issuer it sent. */
export function chainOf(certificate: PeerCertificate): CertificateSummary[] {
  const chain: CertificateSummary[] = [];
  for (let at: PeerCertificate | undefined = certificate; at !== undefined; at = at.issuerCertificate) {
    chain.push({
      subject: distinguishedName(at.subject),
      issuer: distinguishedName(at.issuer),
      ...(at.subjectaltname === undefined ? {} : { subjectAltName: at.subjectaltname }),
      validFrom: at.validFromDate.toISOString(),
      validTo: at.validToDate.toISOString(),
      serialNumber: at.serialNumber,
      fingerprint256: at.fingerprint256,
    });
  }
  return chain;
}

const rounded = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : Math.round(ms * 10) / 10);

export function timingOf(timings: RequestTimings): Timing {
  const { phases } = timings;
  const timing: Timing = {
    dns: rounded(phases.dns),
    tcp: rounded(phases.tcp),
    tls: rounded(phases.tls),
    connect: rounded(phases.connect),
    firstByte: rounded(phases.wait),
    headers: rounded(timings.headers),
  };
  for (const key of Object.keys(timing) as (keyof Timing)[]) if (timing[key] === undefined) delete timing[key];
  return timing;
}

// The command's TLS options: each certificate failure is accepted only by naming it, with the library's option names
// in kebab case (--dangerously-accept-unknown-ca, ...), and --check-revocation. There is no blanket switch (curl's -k),
// as the library has none.
import { RELAXATION_NAMES, type TlsOptions } from '../tls/options';
import type { TlsFailureReason } from '../tls/failure-reasons';

type Relaxation = (typeof RELAXATION_NAMES)[number];

const kebab = (name: string): string => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** --dangerously-accept-unknown-ca for dangerouslyAcceptUnknownCa. */
export const relaxationFlag = (name: Relaxation): string => `--${kebab(name)}`;

/** The relaxation that accepts exactly one failure reason (lib/tls/failure-reasons.ts), where there is one. */
export const RELAXATION_FOR_REASON: Readonly<Partial<Record<TlsFailureReason, Relaxation>>> = Object.freeze({
  'invalid-ca': 'dangerouslyAcceptUnknownCa',
  'cert-cn-invalid': 'dangerouslyAcceptWrongHostName',
  'cert-date-invalid': 'dangerouslyAcceptExpiredCertificate',
  'cert-wrong-usage': 'dangerouslyAcceptWrongUsage',
});

export const TLS_USAGE = `      --dangerously-accept-unknown-ca  accept a chain ending in a root the Windows store does not trust
      --dangerously-accept-wrong-host-name  accept a certificate issued for another host name
      --dangerously-accept-expired-certificate  accept an expired or not yet valid certificate
      --dangerously-accept-wrong-usage  accept a certificate not issued for server authentication
      --check-revocation    check that the server's certificate is not revoked`;

export const TLS_OPTIONS = {
  ...Object.fromEntries(RELAXATION_NAMES.map((name) => [kebab(name), { type: 'boolean' }])),
  'check-revocation': { type: 'boolean' },
} as Record<string, { type: 'boolean' }>;

/** The session's tls option from the parsed flags (undefined when none was given). */
export function parseTls(values: Record<string, unknown>): TlsOptions | undefined {
  const tls: TlsOptions = {};
  for (const name of RELAXATION_NAMES) if (values[kebab(name)] === true) tls[name] = true;
  if (values['check-revocation'] === true) tls.checkRevocation = true;
  return Object.keys(tls).length === 0 ? undefined : tls;
}

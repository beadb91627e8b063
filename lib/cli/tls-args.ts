// The command's TLS options, named as the library's `tls` session options are (lib/tls/options.ts) in kebab case:
// each certificate failure is accepted only by naming it (--dangerously-accept-unknown-ca, ...); there is no blanket
// switch (curl's -k), as the library has none. A PFX passphrase comes from the environment (WINHTTP_PFX_PASSPHRASE),
// not the command line, which other local users can read; it is never printed.
import { readFileSync } from 'node:fs';
import { RELAXATION_NAMES, type TlsOptions, type TlsVersion } from '../tls/options';
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
      --check-revocation    check that the server's certificate is not revoked
      --ca <file>           trust only the roots in this PEM or DER file (instead of the Windows store's)
      --tls-min <v>, --tls-max <v>  TLSv1.2 | TLSv1.3
      --client-cert <thumbprint|subject>  present this certificate from the CurrentUser MY store
      --client-cert-pfx <file>  present the certificate of a PFX (passphrase in WINHTTP_PFX_PASSPHRASE)`;

export const TLS_OPTIONS = {
  ...Object.fromEntries(RELAXATION_NAMES.map((name) => [kebab(name), { type: 'boolean' }])) as
    Record<`dangerously-${string}`, { type: 'boolean' }>,
  'check-revocation': { type: 'boolean' },
  ca: { type: 'string' },
  'tls-min': { type: 'string' },
  'tls-max': { type: 'string' },
  'client-cert': { type: 'string' },
  'client-cert-pfx': { type: 'string' },
} as const;

function version(value: unknown, option: string): TlsVersion | undefined {
  if (value === undefined) return undefined;
  if (value !== 'TLSv1.2' && value !== 'TLSv1.3') throw new Error(`${option} must be TLSv1.2 or TLSv1.3, not "${String(value)}"`);
  return value;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The session's `tls` option from the parsed flags, or undefined when no TLS flag was given. */
export function parseTls(values: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): TlsOptions | undefined {
  const tls: TlsOptions = {};
  for (const name of RELAXATION_NAMES) if (values[kebab(name)] === true) tls[name] = true;
  if (values['check-revocation'] === true) tls.checkRevocation = true;
  const ca = text(values.ca);
  if (ca !== undefined) tls.ca = readFileSync(ca);
  const minVersion = version(values['tls-min'], '--tls-min');
  const maxVersion = version(values['tls-max'], '--tls-max');
  if (minVersion !== undefined) tls.minVersion = minVersion;
  if (maxVersion !== undefined) tls.maxVersion = maxVersion;
  const named = text(values['client-cert']);
  const pfx = text(values['client-cert-pfx']);
  if (named !== undefined && pfx !== undefined) {
    throw new Error('--client-cert and --client-cert-pfx name two certificates: give one');
  }
  if (named !== undefined) {
    tls.clientCertificate = /^[0-9a-fA-F: ]{40,}$/.test(named) ? { thumbprint: named } : { subject: named };
  }
  if (pfx !== undefined) tls.clientCertificate = { pfx: readFileSync(pfx), passphrase: env.WINHTTP_PFX_PASSPHRASE ?? '' };
  return Object.keys(tls).length === 0 ? undefined : tls;
}

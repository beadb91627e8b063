// The command's TLS options, named as the library's `tls` session options are (lib/tls/options.ts): each relaxation
// is named, never one switch that turns verification off. A PFX passphrase comes from the environment
// (WINHTTP_PFX_PASSPHRASE), not the command line, which other local users can read; it is never printed.
import { readFileSync } from 'node:fs';
import type { TlsOptions, TlsVersion } from '../tls/options';

export const TLS_USAGE = `      --dangerously-accept-unknown-ca | --dangerously-accept-wrong-host-name
      | --dangerously-accept-expired-certificate | --dangerously-accept-wrong-usage
                            accept that one certificate failure (anyone on the path could then impersonate the server)
      --check-revocation    fail when the server's certificate is revoked or its revocation cannot be checked
      --tls-min <v>, --tls-max <v>  TLSv1.2 | TLSv1.3
      --client-cert <thumbprint|subject>  present this certificate from the CurrentUser MY store
      --client-cert-pfx <file>  present the certificate of a PFX (passphrase in WINHTTP_PFX_PASSPHRASE)`;

export const TLS_OPTIONS = {
  'dangerously-accept-unknown-ca': { type: 'boolean' },
  'dangerously-accept-wrong-host-name': { type: 'boolean' },
  'dangerously-accept-expired-certificate': { type: 'boolean' },
  'dangerously-accept-wrong-usage': { type: 'boolean' },
  'check-revocation': { type: 'boolean' },
  'tls-min': { type: 'string' },
  'tls-max': { type: 'string' },
  'client-cert': { type: 'string' },
  'client-cert-pfx': { type: 'string' },
} as const;

type TlsValues = { [K in keyof typeof TLS_OPTIONS]?: (typeof TLS_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function version(value: string | undefined, option: string): TlsVersion | undefined {
  if (value === undefined) return undefined;
  if (value !== 'TLSv1.2' && value !== 'TLSv1.3') throw new Error(`${option} must be TLSv1.2 or TLSv1.3, not "${value}"`);
  return value;
}

/** The session's `tls` option, or undefined when no TLS flag was given. */
export function parseTls(values: TlsValues, env: NodeJS.ProcessEnv = process.env): TlsOptions | undefined {
  const tls: TlsOptions = {};
  if (values['dangerously-accept-unknown-ca']) tls.dangerouslyAcceptUnknownCa = true;
  if (values['dangerously-accept-wrong-host-name']) tls.dangerouslyAcceptWrongHostName = true;
  if (values['dangerously-accept-expired-certificate']) tls.dangerouslyAcceptExpiredCertificate = true;
  if (values['dangerously-accept-wrong-usage']) tls.dangerouslyAcceptWrongUsage = true;
  if (values['check-revocation']) tls.checkRevocation = true;
  const minVersion = version(values['tls-min'], '--tls-min');
  const maxVersion = version(values['tls-max'], '--tls-max');
  if (minVersion !== undefined) tls.minVersion = minVersion;
  if (maxVersion !== undefined) tls.maxVersion = maxVersion;
  if (values['client-cert'] !== undefined && values['client-cert-pfx'] !== undefined) {
    throw new Error('--client-cert and --client-cert-pfx name two certificates: give one');
  }
  const named = values['client-cert'];
  if (named !== undefined) {
    tls.clientCertificate = /^[0-9a-fA-F: ]{40,}$/.test(named) ? { thumbprint: named } : { subject: named };
  }
  if (values['client-cert-pfx'] !== undefined) {
    tls.clientCertificate = { pfx: readFileSync(values['client-cert-pfx']), passphrase: env.WINHTTP_PFX_PASSPHRASE ?? '' };
  }
  return Object.keys(tls).length === 0 ? undefined : tls;
}

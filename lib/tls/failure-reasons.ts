// Why a TLS connection failed, from the WINHTTP_CALLBACK_STATUS_FLAG_* bits that WinHTTP hands to
// WINHTTP_CALLBACK_STATUS_SECURE_FAILURE before the ERROR_WINHTTP_SECURE_FAILURE (12175) it reports
// (WINHTTP_STATUS_CALLBACK reference). The bits become a list of reason names and a sentence per reason.

/** A reason of a TLS failure: one WINHTTP_CALLBACK_STATUS_FLAG_* bit, in kebab case. */
export type TlsFailureReason =
  | 'cert-rev-failed'
  | 'invalid-cert'
  | 'cert-revoked'
  | 'invalid-ca'
  | 'cert-cn-invalid'
  | 'cert-date-invalid'
  | 'cert-wrong-usage'
  | 'security-channel-error';

// [bit, reason, what it means; `host` is the host the request was for, when known; `ca`: the session names its own
// roots (tls.ca), which then decide instead of the Windows store].
const FLAGS: readonly (readonly [bit: number, reason: TlsFailureReason, meaning: (host?: string, ca?: boolean) => string])[] = [
  [0x00000001, 'cert-rev-failed', () => 'revocation status of the certificate could not be checked'],
  [0x00000002, 'invalid-cert', () => 'certificate is not valid'],
  [0x00000004, 'cert-revoked', () => 'certificate has been revoked'],
  [0x00000008, 'invalid-ca', (_host, ca) => ca
    ? 'certificate chain does not end at a root named in tls.ca'
    : 'certificate chain ends in a root the Windows certificate store does not trust'],
  [0x00000010, 'cert-cn-invalid', (host) => `certificate name does not match ${host ?? 'the host'}`],
  [0x00000020, 'cert-date-invalid', () => 'certificate has expired or is not yet valid'],
  [0x00000040, 'cert-wrong-usage', () => 'certificate is not valid for server authentication'],
  [0x80000000, 'security-channel-error', () => 'the secure channel (Schannel) failed'],
];

const hex32 = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

/**
 * The reasons whose bits are set in `flags`, in bit order; bits winhttp.h does not define are reported together as
 * `unknown-0x........`.
 */
export function decodeSecureFailureFlags(flags: number): string[] {
  let rest = flags >>> 0;
  const reasons: string[] = [];
  for (const [bit, reason] of FLAGS) {
    if ((rest & bit) !== 0) {
      reasons.push(reason);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) reasons.push(`unknown-${hex32(rest)}`);
  return reasons;
}

/** One sentence for the flags: "certificate name does not match localhost; ... (flags 0x00000010)". */
export function describeSecureFailure(flags: number, host?: string, ca?: boolean): string {
  const parts = decodeSecureFailureFlags(flags).map((reason) =>
    FLAGS.find(([, name]) => name === reason)?.[2](host, ca) ?? `${reason} (not defined by winhttp.h)`);
  return `${parts.join('; ') || 'no reason flag set'} (SECURE_FAILURE flags ${hex32(flags)})`;
}

// The TLS errors that WINHTTP_CALLBACK_STATUS_SECURE_FAILURE explains, on a server's or a proxy's certificate.
const EXPLAINED_BY_FLAGS = new Set([12175, 12157, 12188]);

/** For a TLS error that came without SECURE_FAILURE flags: says so, instead of leaving the reader to guess. */
export function noFlagsNote(errno: number): string | undefined {
  if (!EXPLAINED_BY_FLAGS.has(errno)) return undefined;
  return 'WinHTTP gave no reason for it (no WINHTTP_CALLBACK_STATUS_SECURE_FAILURE flags were reported)';
}

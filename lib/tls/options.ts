// A session's TLS settings: which certificate failures the caller accepts (each one named, none by default), revocation
// checking, the TLS versions allowed and certificate pins. Validated once when the session is made, then turned into
// the WinHttpSetOption values that implement them. Verification against the Windows certificate store is always on:
// nothing here can turn it off without the caller naming the exact failure to accept.
import { invalidArg } from '../errors';
import { refuseUnknownOptions } from '../policy/options';
import { parsePins, type CertificatePins } from './pins';
import { resolveClientCertificate, type ClientCertificate, type ClientCertificateOption } from './client-cert-option';
import { resolveCa, type CaOption, type TrustedRoots } from './ca';

export interface TlsOptions {
  /**
   * Accept a server certificate whose chain ends in a root the Windows certificate store does not trust
   * (SECURITY_FLAG_IGNORE_UNKNOWN_CA). Anyone on the path can then impersonate the server.
   */
  dangerouslyAcceptUnknownCa?: boolean;
  /** Accept a certificate issued for another host name (SECURITY_FLAG_IGNORE_CERT_CN_INVALID). */
  dangerouslyAcceptWrongHostName?: boolean;
  /** Accept an expired or not yet valid certificate (SECURITY_FLAG_IGNORE_CERT_DATE_INVALID). */
  dangerouslyAcceptExpiredCertificate?: boolean;
  /** Accept a certificate not issued for server authentication (SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE). */
  dangerouslyAcceptWrongUsage?: boolean;
  /** Check that the server's certificate is not revoked (WINHTTP_ENABLE_SSL_REVOCATION). Default false. */
  checkRevocation?: boolean;
  /** Lowest TLS version offered (WINHTTP_OPTION_SECURE_PROTOCOLS). Default: what Windows enables. */
  minVersion?: TlsVersion;
  /** Highest TLS version offered. */
  maxVersion?: TlsVersion;
  /**
   * Per host name, the certificates the server may present: 'sha256/<base64>' is the SHA-256 of the certificate's
   * SubjectPublicKeyInfo (as OkHttp and HPKP write it), 'cert-sha256/<hex or base64>' the SHA-256 of the whole
   * certificate (hex as Node's fingerprint256). A response from a pinned host whose certificate matches none is
   * refused before its body is read (CertificatePinError).
   */
  pins?: Record<string, readonly string[]>;
  /**
   * The certificate to present when a server asks for one: from the Windows store (CurrentUser or LocalMachine
   * "MY", by thumbprint or subject) or from a PFX with its passphrase. Its private key stays with Windows.
   */
  clientCertificate?: ClientCertificateOption;
  /**
   * The roots to trust instead of the Windows store's, for this session only (PEM text with one or more
   * certificates, DER or PEM bytes, or an array of those), as Node's `ca`: a server must chain to one of them; a
   * root the Windows store trusts but `ca` does not name is refused. Name, dates and usage are still checked, each
   * waived only by its own relaxation. Checked with the Windows chain engine before any request byte is sent.
   */
  ca?: CaOption;
}

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/** What a session's TLS options resolve to. */
export interface TlsSettings {
  /** SECURITY_FLAG_IGNORE_* bits the caller named (0: verify everything). */
  securityFlags: number;
  checkRevocation: boolean;
  /** WINHTTP_FLAG_SECURE_PROTOCOL_* bits, or undefined to leave Windows' default. */
  secureProtocols: number | undefined;
  pins: CertificatePins;
  /** Set on every https request (WINHTTP_OPTION_CLIENT_CERT_CONTEXT) before it is sent. */
  clientCertificate: ClientCertificate | undefined;
  /** tls.ca's roots, checked natively at SENDING_REQUEST; undefined: the Windows store decides. */
  trustedRoots: TrustedRoots | undefined;
}

// SECURITY_FLAG_* (winhttp.h, WINHTTP_OPTION_SECURITY_FLAGS).
const RELAXATIONS = {
  dangerouslyAcceptUnknownCa: 0x00000100, // SECURITY_FLAG_IGNORE_UNKNOWN_CA
  dangerouslyAcceptWrongHostName: 0x00001000, // SECURITY_FLAG_IGNORE_CERT_CN_INVALID
  dangerouslyAcceptExpiredCertificate: 0x00002000, // SECURITY_FLAG_IGNORE_CERT_DATE_INVALID
  dangerouslyAcceptWrongUsage: 0x00000200, // SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE
} as const;

/** The option names of the relaxations, for messages that point to them. */
export const RELAXATION_NAMES = Object.keys(RELAXATIONS) as readonly (keyof typeof RELAXATIONS)[];

// WINHTTP_FLAG_SECURE_PROTOCOL_* (winhttp.h), in version order.
const VERSIONS: readonly (readonly [TlsVersion, number])[] = [
  ['TLSv1', 0x00000080],
  ['TLSv1.1', 0x00000200],
  ['TLSv1.2', 0x00000800],
  ['TLSv1.3', 0x00002000],
];

const TLS_KEYS = [...RELAXATION_NAMES, 'checkRevocation', 'minVersion', 'maxVersion', 'pins', 'clientCertificate', 'ca'];

export const DEFAULT_TLS: Readonly<TlsSettings> = Object.freeze({
  securityFlags: 0, checkRevocation: false, secureProtocols: undefined, pins: new Map(), clientCertificate: undefined,
  trustedRoots: undefined,
});

function versionIndex(name: string, value: unknown): number {
  const index = VERSIONS.findIndex(([version]) => version === value);
  if (index < 0) throw invalidArg(name, `must be one of ${VERSIONS.map(([v]) => `'${v}'`).join(', ')}`, 'ERR_INVALID_ARG_VALUE');
  return index;
}

/** Validates a session's `tls` option. */
export function resolveTls(options: TlsOptions | undefined): Readonly<TlsSettings> {
  if (options === undefined) return DEFAULT_TLS;
  if (typeof options !== 'object' || options === null) throw invalidArg('tls', 'must be an object');
  refuseUnknownOptions(options, TLS_KEYS, 'tls');
  let securityFlags = 0;
  for (const name of RELAXATION_NAMES) {
    const value: unknown = options[name];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw invalidArg(`tls.${name}`, 'must be a boolean');
    if (value) securityFlags |= RELAXATIONS[name];
  }
  const checkRevocation: unknown = options.checkRevocation ?? false;
  if (typeof checkRevocation !== 'boolean') throw invalidArg('tls.checkRevocation', 'must be a boolean');
  let secureProtocols: number | undefined;
  if (options.minVersion !== undefined || options.maxVersion !== undefined) {
    const low = options.minVersion === undefined ? 0 : versionIndex('tls.minVersion', options.minVersion);
    const high = options.maxVersion === undefined ? VERSIONS.length - 1 : versionIndex('tls.maxVersion', options.maxVersion);
    if (low > high) {
      throw invalidArg('tls.minVersion', `must not be above tls.maxVersion ('${VERSIONS[high][0]}')`, 'ERR_INVALID_ARG_VALUE');
    }
    secureProtocols = VERSIONS.slice(low, high + 1).reduce((bits, [, bit]) => bits | bit, 0);
  }
  const pins = parsePins(options.pins);
  const trustedRoots = resolveCa(options.ca);
  // Last: it opens a store or imports a PFX, so every other option is checked first.
  const clientCertificate = resolveClientCertificate(options.clientCertificate);
  return Object.freeze({ securityFlags, checkRevocation, secureProtocols, pins, clientCertificate, trustedRoots });
}

const WINHTTP_OPTION_SECURITY_FLAGS = 31;
const WINHTTP_OPTION_ENABLE_FEATURE = 79;
const WINHTTP_ENABLE_SSL_REVOCATION = 0x00000001;
const WINHTTP_OPTION_SECURE_PROTOCOLS = 84;

const SECURITY_FLAG_IGNORE_UNKNOWN_CA = RELAXATIONS.dangerouslyAcceptUnknownCa;

/**
 * [option, value, ...] for an https request handle: the named relaxations and revocation checking. With tls.ca,
 * WinHTTP's own check lets an unknown root through, to the check against `ca` (lib/tls/ca.ts), which then decides
 * the root; WinHTTP still checks name, dates and usage.
 */
export function tlsRequestOptions(tls: Readonly<TlsSettings>): number[] {
  const securityFlags = tls.securityFlags | (tls.trustedRoots !== undefined ? SECURITY_FLAG_IGNORE_UNKNOWN_CA : 0);
  return [
    ...(securityFlags !== 0 ? [WINHTTP_OPTION_SECURITY_FLAGS, securityFlags] : []),
    ...(tls.checkRevocation ? [WINHTTP_OPTION_ENABLE_FEATURE, WINHTTP_ENABLE_SSL_REVOCATION] : []),
  ];
}

/** [option, value] for the session handle, if the TLS versions are restricted. */
export function tlsSessionOptions(tls: Readonly<TlsSettings>): number[] {
  return tls.secureProtocols === undefined ? [] : [WINHTTP_OPTION_SECURE_PROTOCOLS, tls.secureProtocols];
}

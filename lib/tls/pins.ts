// Certificate pins: per host, the SHA-256 digests (of the SubjectPublicKeyInfo or of the whole certificate) that the
// server's certificate must match one of. Written 'sha256/<base64>' (SPKI, as OkHttp and HPKP) or
// 'cert-sha256/<hex or base64>' (certificate; hex with or without colons, as Node's fingerprint256).
import { invalidArg } from '../errors';

/** Per lower-case host name: the accepted digests, each as 'spki:<base64>' or 'cert:<base64>'. */
export type CertificatePins = ReadonlyMap<string, ReadonlySet<string>>;

const SHA256_BYTES = 32;

function digestOf(name: string, text: string): Buffer | undefined {
  const hex = text.replace(/:/g, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return Buffer.from(text, 'base64');
  throw invalidArg(name, 'must hold a SHA-256 digest: 43 base64 characters and "=", or 64 hex digits', 'ERR_INVALID_ARG_VALUE');
}

function parsePin(name: string, pin: unknown): string {
  if (typeof pin !== 'string') throw invalidArg(name, 'must be a string');
  const match = /^(sha256|cert-sha256)\/(.*)$/.exec(pin);
  if (match === null) {
    throw invalidArg(name, "must be 'sha256/<SPKI digest>' or 'cert-sha256/<certificate digest>'", 'ERR_INVALID_ARG_VALUE');
  }
  if (match[1] === 'sha256' && !/^[A-Za-z0-9+/]{43}=$/.test(match[2])) {
    throw invalidArg(name, "'sha256/' takes the base64 SHA-256 of the SubjectPublicKeyInfo (43 characters and '=')",
      'ERR_INVALID_ARG_VALUE');
  }
  const digest = digestOf(name, match[2])!;
  if (digest.byteLength !== SHA256_BYTES) throw invalidArg(name, 'must hold a SHA-256 digest', 'ERR_INVALID_ARG_VALUE');
  return `${match[1] === 'sha256' ? 'spki' : 'cert'}:${digest.toString('base64')}`;
}

/** Validates a session's `tls.pins`. */
export function parsePins(pins: unknown): CertificatePins {
  const result = new Map<string, ReadonlySet<string>>();
  if (pins === undefined) return result;
  if (typeof pins !== 'object' || pins === null || Array.isArray(pins)) {
    throw invalidArg('tls.pins', 'must be an object: { [host]: pins[] }');
  }
  for (const [host, list] of Object.entries(pins)) {
    const name = `tls.pins[${JSON.stringify(host)}]`;
    if (host === '' || /[\s/:]/.test(host)) {
      throw invalidArg(name, 'must be keyed by a host name without port or scheme', 'ERR_INVALID_ARG_VALUE');
    }
    if (!Array.isArray(list) || list.length === 0) throw invalidArg(name, 'must be a non-empty array of pins');
    result.set(host.toLowerCase(), new Set(list.map((pin: unknown, index) => parsePin(`${name}[${index}]`, pin))));
  }
  return result;
}

/** The pins for `host`, if it is pinned. */
export function pinsFor(pins: CertificatePins, host: string): ReadonlySet<string> | undefined {
  return pins.get(host.toLowerCase());
}

/** Whether a certificate with these digests (raw SHA-256 bytes) matches one of `accepted`. */
export function matchesPin(accepted: ReadonlySet<string>, spkiSha256: Buffer, certificateSha256: Buffer): boolean {
  return accepted.has(`spki:${spkiSha256.toString('base64')}`) || accepted.has(`cert:${certificateSha256.toString('base64')}`);
}

// A session's tls.clientCertificate: one certificate of the Windows "MY" store, chosen by thumbprint or subject, or
// the certificate of a PFX with its passphrase. Which certificate is chosen is decided here; the native layer only
// opens the one named by its exact DER (or imports the PFX), and holds its CryptoAPI context while the session lives
// (native/client_cert_wrap.h). The private key never reaches JavaScript; the passphrase is handed to
// PFXImportCertStore once and kept nowhere (native copies are wiped).
import { inspect } from 'node:util';
import { callNative } from '../core/native-call';
import { invalidArg } from '../errors';
import { getBinding } from '../native/binding';
import type { NativeClientCertificate } from '../native/types';
import { refuseUnknownOptions } from '../policy/options';
import { describeClientCertificate, type CertificateStoreLocation, type ClientCertificateInfo } from './client-cert-info';
import { storeLocation } from './client-cert-list';
import { ClientCertificateNotFoundError } from './client-cert-not-found';

export type ClientCertificateOption =
  /** SHA-1 (the Windows thumbprint) or SHA-256 of the certificate, hex; spaces and colons are ignored. */
  | { thumbprint: string; store?: CertificateStoreLocation }
  /** The Common Name, or the whole subject as listClientCertificates() shows it ("CN=Jane, O=Corp"). */
  | { subject: string; store?: CertificateStoreLocation }
  /** A PKCS #12 file's bytes and its passphrase. The key is imported not exportable and not persisted. */
  | { pfx: Uint8Array; passphrase: string };

/** The certificate a session presents: its description and the native object that holds its context. */
export class ClientCertificate {
  readonly info: ClientCertificateInfo;
  /** @internal */
  readonly native: NativeClientCertificate;

  constructor(native: NativeClientCertificate, hasPrivateKey: boolean) {
    this.native = native;
    this.info = Object.freeze(describeClientCertificate(native.der(), hasPrivateKey));
  }

  [inspect.custom](): string {
    return `ClientCertificate { subject: '${this.info.subject}', sha1: '${this.info.sha1}' }`;
  }
}

function fromStore(option: { store?: unknown }, matches: (info: ClientCertificateInfo) => boolean, named: string): ClientCertificate {
  const localMachine = storeLocation('tls.clientCertificate.store', option.store);
  const where = `${localMachine ? 'LocalMachine' : 'CurrentUser'}\\MY`;
  const binding = getBinding();
  const found = callNative(() => binding.listMyStore(localMachine))
    .map((entry) => ({ der: entry.der, info: describeClientCertificate(entry.der, entry.hasPrivateKey) }))
    .filter((entry) => matches(entry.info));
  const usable = found.filter((entry) => entry.info.hasPrivateKey);
  const thumbprints = (list: typeof found) => list.map((entry) => entry.info.sha1);
  if (usable.length === 0) {
    throw new ClientCertificateNotFoundError(found.length === 0
      ? `No certificate in ${where} matches ${named}`
      : `The certificate in ${where} that matches ${named} has no private key (${thumbprints(found).join(', ')})`,
    thumbprints(found));
  }
  if (usable.length > 1) {
    throw new ClientCertificateNotFoundError(`${usable.length} certificates in ${where} match ${named} ` +
      `(${thumbprints(usable).join(', ')}): name one by its thumbprint`, thumbprints(usable));
  }
  const native = callNative(() => new binding.ClientCertificate('store', localMachine, usable[0].der));
  return new ClientCertificate(native, true);
}

/** Validates tls.clientCertificate and opens the certificate it names. */
export function resolveClientCertificate(option: unknown): ClientCertificate | undefined {
  if (option === undefined) return undefined;
  const name = 'tls.clientCertificate';
  if (typeof option !== 'object' || option === null) throw invalidArg(name, 'must be an object');
  const given = option as Record<string, unknown>;
  if ('pfx' in given) {
    refuseUnknownOptions(given, ['pfx', 'passphrase'], name);
    if (!(given.pfx instanceof Uint8Array) || given.pfx.length === 0) throw invalidArg(`${name}.pfx`, 'must be a non-empty Buffer or Uint8Array');
    // Never quoted: the passphrase's value appears in no message.
    if (typeof given.passphrase !== 'string' || given.passphrase.includes('\0')) {
      throw invalidArg(`${name}.passphrase`, 'must be a string without NUL (the value is not shown)');
    }
    const pfx = given.pfx;
    const passphrase = given.passphrase;
    const native = callNative(() => new (getBinding().ClientCertificate)('pfx', pfx, passphrase));
    return new ClientCertificate(native, true);
  }
  if ('thumbprint' in given) {
    refuseUnknownOptions(given, ['thumbprint', 'store'], name);
    const hex = typeof given.thumbprint === 'string' ? given.thumbprint.replace(/[\s:]/g, '').toLowerCase() : '';
    if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(hex)) {
      throw invalidArg(`${name}.thumbprint`, 'must be the SHA-1 (40 hex digits) or SHA-256 (64) of the certificate', 'ERR_INVALID_ARG_VALUE');
    }
    return fromStore(given, (info) => info.sha1 === hex || info.sha256 === hex, `thumbprint ${hex}`);
  }
  if ('subject' in given) {
    refuseUnknownOptions(given, ['subject', 'store'], name);
    if (typeof given.subject !== 'string' || given.subject.trim() === '') throw invalidArg(`${name}.subject`, 'must be a non-empty string');
    const subject = given.subject;
    const lower = subject.toLowerCase();
    return fromStore(given, (info) => info.commonName === subject || info.subject.toLowerCase() === lower,
      `subject ${JSON.stringify(subject)}`);
  }
  throw invalidArg(name, 'must name a certificate: { thumbprint } or { subject } (with store), or { pfx, passphrase }',
    'ERR_INVALID_ARG_VALUE');
}

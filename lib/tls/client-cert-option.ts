// A session's tls.clientCertificate: one certificate of the Windows "MY" store, chosen by thumbprint or subject, or
// the certificate of a PFX with its passphrase. Which certificate is chosen is decided here; the native layer only
// opens the one named by its exact DER (or imports the PFX), and holds its CryptoAPI context while the session lives
// (native/client_cert_wrap.h). The private key never reaches JavaScript; the passphrase is handed to
// PFXImportCertStore once and kept nowhere (native copies are wiped).
import { inspect } from 'node:util';
import { callNative, toPublicError } from '../core/native-call';
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
  | { pfx: Uint8Array; passphrase: string }
  /** What loadClientCertificate() returned: opened already, on a worker thread. */
  | ClientCertificate;

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

/** A checked tls.clientCertificate descriptor: what to open, and how to name it in messages. */
type CertificateRequest =
  | { kind: 'pfx'; pfx: Uint8Array; passphrase: string }
  | { kind: 'store'; localMachine: boolean; matches: (info: ClientCertificateInfo) => boolean; named: string };

type StoreEntry = { der: Buffer; hasPrivateKey: boolean };

/** The one certificate of the listed store that the request names, or the typed error saying why there is none. */
function chooseFromStore(entries: StoreEntry[], request: Extract<CertificateRequest, { kind: 'store' }>): Buffer {
  const where = `${request.localMachine ? 'LocalMachine' : 'CurrentUser'}\\MY`;
  const found = entries
    .map((entry) => ({ der: entry.der, info: describeClientCertificate(entry.der, entry.hasPrivateKey) }))
    .filter((entry) => request.matches(entry.info));
  const usable = found.filter((entry) => entry.info.hasPrivateKey);
  const thumbprints = (list: typeof found) => list.map((entry) => entry.info.sha1);
  const named = request.named;
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
  return usable[0].der;
}

/** Validates a tls.clientCertificate descriptor (not yet opened). */
function parseOption(option: unknown, name: string): CertificateRequest {
  if (typeof option !== 'object' || option === null) throw invalidArg(name, 'must be an object');
  const given = option as Record<string, unknown>;
  if ('pfx' in given) {
    refuseUnknownOptions(given, ['pfx', 'passphrase'], name);
    if (!(given.pfx instanceof Uint8Array) || given.pfx.length === 0) throw invalidArg(`${name}.pfx`, 'must be a non-empty Buffer or Uint8Array');
    // Never quoted: the passphrase's value appears in no message.
    if (typeof given.passphrase !== 'string' || given.passphrase.includes('\0')) {
      throw invalidArg(`${name}.passphrase`, 'must be a string without NUL (the value is not shown)');
    }
    return { kind: 'pfx', pfx: given.pfx, passphrase: given.passphrase };
  }
  if ('thumbprint' in given) {
    refuseUnknownOptions(given, ['thumbprint', 'store'], name);
    const hex = typeof given.thumbprint === 'string' ? given.thumbprint.replace(/[\s:]/g, '').toLowerCase() : '';
    if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(hex)) {
      throw invalidArg(`${name}.thumbprint`, 'must be the SHA-1 (40 hex digits) or SHA-256 (64) of the certificate', 'ERR_INVALID_ARG_VALUE');
    }
    return { kind: 'store', localMachine: storeLocation(`${name}.store`, given.store),
      matches: (info) => info.sha1 === hex || info.sha256 === hex, named: `thumbprint ${hex}` };
  }
  if ('subject' in given) {
    refuseUnknownOptions(given, ['subject', 'store'], name);
    if (typeof given.subject !== 'string' || given.subject.trim() === '') throw invalidArg(`${name}.subject`, 'must be a non-empty string');
    const subject = given.subject;
    const lower = subject.toLowerCase();
    return { kind: 'store', localMachine: storeLocation(`${name}.store`, given.store),
      matches: (info) => info.commonName === subject || info.subject.toLowerCase() === lower, named: `subject ${JSON.stringify(subject)}` };
  }
  throw invalidArg(name, 'must name a certificate: { thumbprint } or { subject } (with store), or { pfx, passphrase }, ' +
    'or be what loadClientCertificate() returned', 'ERR_INVALID_ARG_VALUE');
}

/**
 * Validates tls.clientCertificate: a ClientCertificate from loadClientCertificate() is used as it is; a descriptor is
 * opened here, on the JS thread, while the session is made (loadClientCertificate() does that on a worker thread).
 */
export function resolveClientCertificate(option: unknown): ClientCertificate | undefined {
  if (option === undefined) return undefined;
  if (option instanceof ClientCertificate) return option;
  const request = parseOption(option, 'tls.clientCertificate');
  const binding = getBinding();
  if (request.kind === 'pfx') {
    const native = callNative(() => new binding.ClientCertificate('pfx', request.pfx, request.passphrase));
    return new ClientCertificate(native, true);
  }
  const der = chooseFromStore(callNative(() => binding.listMyStore(request.localMachine)), request);
  return new ClientCertificate(callNative(() => new binding.ClientCertificate('store', request.localMachine, der)), true);
}

/** A CryptoAPI failure reported by a worker (native/client_cert_load.h), as the WinHttpError a synchronous call throws. */
function settled<T>(result: { errno?: number; api?: string } & T): T {
  if (result.errno !== undefined) {
    const errno = result.errno;
    const api = result.api ?? 'CryptoAPI';
    throw toPublicError({ errno, api, systemMessage: getBinding().formatMessage(errno) });
  }
  return result;
}

/**
 * Opens a client certificate on a worker thread, never blocking the JS thread (a PFX import takes tens of
 * milliseconds): from the Windows store (CurrentUser or LocalMachine "MY", by thumbprint or subject) or from a PFX
 * with its passphrase. The result is used as a session's tls.clientCertificate; its private key stays with Windows.
 */
export async function loadClientCertificate(option: ClientCertificateOption): Promise<ClientCertificate> {
  const request = parseOption(option, 'certificate');
  const binding = getBinding();
  let loaded: { certificate: unknown };
  if (request.kind === 'pfx') {
    loaded = settled(await binding.loadClientCertificate('pfx', request.pfx, request.passphrase));
  } else {
    const der = chooseFromStore(settled(await binding.listMyStoreAsync(request.localMachine)).list, request);
    loaded = settled(await binding.loadClientCertificate('store', request.localMachine, der));
  }
  return new ClientCertificate(callNative(() => new binding.ClientCertificate('held', loaded.certificate)), true);
}

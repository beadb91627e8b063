// A session's tls.ca: the roots it trusts instead of the Windows store's, as Node's `ca` replaces its default roots.
// Each server certificate must chain to one of them; a chain that ends at a root the Windows store trusts but that
// `ca` does not name is refused ("ca trusts exactly what it names"). Name, dates and usage are still checked.
// Validated and parsed here (PEM or DER, one or many); the native side holds them in a CryptoAPI store with a chain
// engine (native/tls_trusted_roots.h) and checks each request at SENDING_REQUEST, before any request byte is sent.
import { X509Certificate } from 'node:crypto';
import { callNative } from '../core/native-call';
import { invalidArg } from '../errors';
import { getBinding } from '../native/binding';
import type { NativeTrustedRoots } from '../native/types';

/** One root or several: PEM text (one or more certificates), or a certificate's DER bytes (or PEM bytes). */
export type CaOption = string | Uint8Array | readonly (string | Uint8Array)[];

/** The roots of a session's `ca`, held natively. */
export class TrustedRoots {
  /** The roots' DER, in the order given. */
  readonly certificates: readonly Buffer[];
  /** @internal */
  readonly native: NativeTrustedRoots;

  constructor(certificates: Buffer[]) {
    this.certificates = Object.freeze(certificates);
    this.native = callNative(() => new (getBinding().TrustedRoots)(certificates));
  }
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

function parseOne(item: unknown, where: string): Buffer[] {
  let text: string | undefined;
  if (typeof item === 'string') {
    text = item;
  } else if (item instanceof Uint8Array) {
    const bytes = Buffer.from(item.buffer, item.byteOffset, item.byteLength);
    // DER starts with a SEQUENCE (0x30); anything else is read as PEM text.
    if (bytes[0] !== 0x30) text = bytes.toString('latin1');
    else return [certificateDer(bytes, where)];
  } else {
    throw invalidArg(where, 'must be a PEM string, or a Buffer or Uint8Array holding PEM or DER');
  }
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw invalidArg(where, 'holds no PEM certificate ("-----BEGIN CERTIFICATE-----")', 'ERR_INVALID_ARG_VALUE');
  return blocks.map((block, i) => certificateDer(block, blocks.length > 1 ? `${where} (certificate ${i + 1})` : where));
}

function certificateDer(encoded: string | Buffer, where: string): Buffer {
  // Any certificate may be named, a self-signed server certificate too (as with Node's `ca`).
  try {
    return Buffer.from(new X509Certificate(encoded).raw);
  } catch {
    throw invalidArg(where, 'is not a readable X.509 certificate', 'ERR_INVALID_ARG_VALUE');
  }
}

/** Validates tls.ca and holds its roots natively; undefined when not given. */
export function resolveCa(option: unknown): TrustedRoots | undefined {
  if (option === undefined) return undefined;
  const items = Array.isArray(option) ? option : [option];
  if (items.length === 0) throw invalidArg('tls.ca', 'must name at least one certificate', 'ERR_INVALID_ARG_VALUE');
  const certificates = items.flatMap((item: unknown, i) => parseOne(item, Array.isArray(option) ? `tls.ca[${i}]` : 'tls.ca'));
  return new TrustedRoots(certificates);
}

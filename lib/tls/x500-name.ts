// A distinguished name (DER, X.501 Name) as RFC 4514 text, the last RDN first ("CN=Corp Issuing CA, O=Corp, C=DE";
// values unescaped): for the issuer names a server sends when it asks for a client certificate.
// Only the DER subset names use: SEQUENCE OF SET OF SEQUENCE { OID, string }.

const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber', '1.2.840.113549.1.9.1': 'emailAddress', '0.9.2342.19200300.100.1.25': 'DC',
};

interface Element { tag: number; body: Buffer; end: number }

function element(der: Buffer, at: number): Element {
  if (at + 2 > der.length) throw new RangeError('truncated DER');
  const tag = der[at];
  let length = der[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > der.length) throw new RangeError('bad DER length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i];
    start += bytes;
  }
  if (start + length > der.length) throw new RangeError('truncated DER');
  return { tag, body: der.subarray(start, start + length), end: start + length };
}

function children(body: Buffer): Element[] {
  const list: Element[] = [];
  for (let at = 0; at < body.length;) {
    const child = element(body, at);
    list.push(child);
    at = child.end;
  }
  return list;
}

function oid(body: Buffer): string {
  const parts = [Math.floor(body[0] / 40), body[0] % 40];
  for (let i = 1, value = 0; i < body.length; i++) {
    value = value * 128 + (body[i] & 0x7f);
    if ((body[i] & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

function text(value: Element): string {
  if (value.tag === 0x1e) return Buffer.from(value.body).swap16().toString('utf16le'); // BMPString, big-endian
  if (value.tag === 0x0c) return value.body.toString('utf8'); // UTF8String
  if (value.tag === 0x13 || value.tag === 0x16 || value.tag === 0x14) return value.body.toString('latin1'); // Printable, IA5, T61
  return `#${value.body.toString('hex')}`;
}

/** "CN=..., O=..." for a DER Name; `#<hex>` of the whole name if it is not one. */
export function describeName(der: Buffer): string {
  try {
    const name = element(der, 0);
    if (name.tag !== 0x30 || name.end !== der.length) throw new RangeError('not a Name');
    const parts = children(name.body).map((set) => children(set.body).map((pair) => {
      const [type, value] = children(pair.body);
      const key = oid(type.body);
      return `${ATTRIBUTE_NAMES[key] ?? key}=${text(value)}`;
    }).join('+'));
    return parts.reverse().join(', ');
  } catch {
    return `#${der.toString('hex')}`;
  }
}

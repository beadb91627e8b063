// DER Names as text (lib/tls/x500-name.ts), checked against node:crypto's own reading of the same certificates.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describeName } from '../../lib/tls/x500-name';
import { certificateNames } from '../helpers/der-names';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tls');

it.each(['server.pem', 'ca.pem', 'suite-trusted/ca.pem', 'store-probe/server.pem'])('%s: subject and issuer read as node:crypto reads them', (file) => {
  const certificate = new X509Certificate(readFileSync(path.join(FIXTURES, file)));
  const names = certificateNames(certificate);
  // X509Certificate lists the RDNs first to last, one per line, escaping as RFC 4514 does; describeName gives the
  // last first, unescaped.
  const expected = (text: string) => text.split('\n').reverse().join(', ').replace(/\\(.)/g, '$1');
  expect(describeName(names.subject)).toBe(expected(certificate.subject));
  expect(describeName(names.issuer)).toBe(expected(certificate.issuer));
});

it('several RDNs, a multi-valued one, and BMP, IA5 and unknown-OID values', () => {
  // SEQUENCE { SET { C=DE }, SET { O=Corp + OU=IT }, SET { 1.2.3.4=IA5 "x" }, SET { CN=BMP "Ä" } }
  const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag, body.length]), body]);
  const atv = (oid: number[], tag: number, value: Buffer) => tlv(0x30, Buffer.concat([tlv(0x06, Buffer.from(oid)), tlv(tag, value)]));
  const name = tlv(0x30, Buffer.concat([
    tlv(0x31, atv([0x55, 0x04, 0x06], 0x13, Buffer.from('DE'))),
    tlv(0x31, Buffer.concat([atv([0x55, 0x04, 0x0a], 0x0c, Buffer.from('Corp')), atv([0x55, 0x04, 0x0b], 0x0c, Buffer.from('IT'))])),
    tlv(0x31, atv([0x2a, 0x03, 0x04], 0x16, Buffer.from('x'))),
    tlv(0x31, atv([0x55, 0x04, 0x03], 0x1e, Buffer.from([0x00, 0xc4]))),
  ]));
  expect(describeName(name)).toBe('CN=Ä, 1.2.3.4=x, O=Corp+OU=IT, C=DE');
});

it('bytes that are not a Name come back as hex', () => {
  expect(describeName(Buffer.from([0x04, 0x01, 0xff]))).toBe('#0401ff');
  expect(describeName(Buffer.from([0x30, 0x05, 0x31]))).toBe('#300531');
});

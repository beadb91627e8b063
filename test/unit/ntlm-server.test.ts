// The NTLM test server's own MD4 against RFC 1320's test suite, and its NTLMv2 check against MS-NLMP's example
// (section 4.2.4): a verifier that cannot fail would make the NTLM tests check nothing.
import { md4, ntowfv2 } from '../helpers/ntlm-server';

it.each([
  ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
  ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
  ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
  ['message digest', 'd9130a8164549fe818874806e1c7014b'],
  ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', 'e33b4ddc9c38f2199c3e7b164fcc0536'],
])('md4(%j) is RFC 1320\'s', (text, digest) => {
  expect(md4(Buffer.from(text, 'latin1')).toString('hex')).toBe(digest);
});

it("gives MS-NLMP's NT hash of \"Password\"", () => {
  expect(md4(Buffer.from('Password', 'utf16le')).toString('hex')).toBe('a4f49c406510bdcab6824ee7c30fd852');
});

it("gives MS-NLMP's NTOWFv2 for User / Domain / Password (4.2.4.1.1)", () => {
  expect(ntowfv2('User', 'Domain', 'Password').toString('hex')).toBe('0c868a403bfd7a93a3001ef22ef02e3f');
});

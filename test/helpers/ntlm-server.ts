// A loopback server that answers NTLM (MS-NLMP) and checks the NTLMv2 response against a user's password, so right
// and wrong credentials can be told apart without a domain controller: 401 "NTLM" to a request without
// Authorization, the CHALLENGE_MESSAGE to a NEGOTIATE_MESSAGE, and for the AUTHENTICATE_MESSAGE 200 "<domain>\<user>"
// when NTProofStr = HMAC-MD5(NTOWFv2, server challenge + blob) matches (MS-NLMP 3.3.2), else 401. The handshake is
// per connection, as NTLM is. Node's OpenSSL 3 has no MD4 (legacy provider), so the NT hash uses md4() below.
import { createHmac, randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import type { Socket } from 'node:net';
import { readBody, startHttpServer, type TestServer } from './servers';

/** MD4 (RFC 1320), for the NT hash only. */
export function md4(input: Buffer): Buffer {
  const length = input.length;
  const padded = Buffer.alloc(((length + 8) >> 6) * 64 + 64);
  input.copy(padded);
  padded[length] = 0x80;
  padded.writeUInt32LE((length * 8) >>> 0, padded.length - 8);
  padded.writeUInt32LE(Math.floor(length / 0x20000000), padded.length - 4);
  let [a, b, c, d] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));
  const F = (x: number, y: number, z: number) => (x & y) | (~x & z);
  const G = (x: number, y: number, z: number) => (x & y) | (x & z) | (y & z);
  const H = (x: number, y: number, z: number) => x ^ y ^ z;
  for (let offset = 0; offset < padded.length; offset += 64) {
    const X = Array.from({ length: 16 }, (_, i) => padded.readUInt32LE(offset + i * 4));
    const [aa, bb, cc, dd] = [a, b, c, d];
    const round = (f: (x: number, y: number, z: number) => number, k: number[], s: number[], add: number) => {
      for (let i = 0; i < 16; i++) {
        const t = (a + f(b, c, d) + X[k[i]] + add) | 0;
        [a, b, c, d] = [d, rotl(t, s[i % 4]), b, c];
      }
    };
    round(F, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [3, 7, 11, 19], 0);
    round(G, [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15], [3, 5, 9, 13], 0x5a827999);
    round(H, [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15], [3, 9, 11, 15], 0x6ed9eba1);
    [a, b, c, d] = [(a + aa) | 0, (b + bb) | 0, (c + cc) | 0, (d + dd) | 0];
  }
  const out = Buffer.alloc(16);
  [a, b, c, d].forEach((word, i) => out.writeInt32LE(word, i * 4));
  return out;
}

const utf16 = (text: string) => Buffer.from(text, 'utf16le');
const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

// NEGOTIATE_UNICODE, REQUEST_TARGET, NEGOTIATE_NTLM, ALWAYS_SIGN, TARGET_TYPE_DOMAIN, EXTENDED_SESSIONSECURITY,
// TARGET_INFO, NEGOTIATE_128, NEGOTIATE_56 (MS-NLMP 2.2.2.5).
const CHALLENGE_FLAGS = 0x1 | 0x4 | 0x200 | 0x8000 | 0x10000 | 0x80000 | 0x800000 | 0x20000000 | 0x80000000;

function challengeMessage(serverChallenge: Buffer, domain: string): Buffer {
  const name = utf16(domain);
  const avPair = (id: number, value: Buffer) => Buffer.concat([Buffer.from([id, 0, value.length & 0xff, value.length >> 8]), value]);
  const targetInfo = Buffer.concat([avPair(2, name), avPair(1, utf16('SERVER')), avPair(0, Buffer.alloc(0))]);
  const head = Buffer.alloc(48);
  SIGNATURE.copy(head, 0);
  head.writeUInt32LE(2, 8);
  head.writeUInt16LE(name.length, 12);
  head.writeUInt16LE(name.length, 14);
  head.writeUInt32LE(48, 16);
  head.writeUInt32LE(CHALLENGE_FLAGS >>> 0, 20);
  serverChallenge.copy(head, 24);
  head.writeUInt16LE(targetInfo.length, 40);
  head.writeUInt16LE(targetInfo.length, 42);
  head.writeUInt32LE(48 + name.length, 44);
  return Buffer.concat([head, name, targetInfo]);
}

function field(message: Buffer, at: number): Buffer {
  const length = message.readUInt16LE(at);
  const offset = message.readUInt32LE(at + 4);
  return message.subarray(offset, offset + length);
}

export interface NtlmLogin {
  domain: string;
  user: string;
  /** The NTLMv2 response matched the password. */
  verified: boolean;
}

/** NTOWFv2 (MS-NLMP 3.3.2): HMAC-MD5 of the upper-cased user and the domain, keyed by the NT hash. */
export function ntowfv2(user: string, domain: string, password: string): Buffer {
  return createHmac('md5', md4(utf16(password))).update(utf16(user.toUpperCase() + domain)).digest();
}

/** Parses an AUTHENTICATE_MESSAGE and checks its NTLMv2 response (MS-NLMP 3.3.2). */
function checkAuthenticate(message: Buffer, serverChallenge: Buffer, password: string): NtlmLogin {
  const ntResponse = field(message, 20);
  const domain = field(message, 28).toString('utf16le');
  const user = field(message, 36).toString('utf16le');
  let verified = false;
  if (ntResponse.length > 24) {
    const proof = createHmac('md5', ntowfv2(user, domain, password)).update(Buffer.concat([serverChallenge, ntResponse.subarray(16)])).digest();
    verified = proof.equals(ntResponse.subarray(0, 16));
  }
  return { domain, user, verified };
}

/**
 * An NTLM server for `user` with `password` (in `domain`); `logins` lists every AUTHENTICATE_MESSAGE received. A 200
 * body is "<domain>\<user> " followed by the request body.
 */
export async function startNtlmServer(domain: string, user: string, password: string):
  Promise<TestServer<http.Server> & { logins: NtlmLogin[] }> {
  const challenges = new WeakMap<Socket, Buffer>();
  const logins: NtlmLogin[] = [];
  const server = await startHttpServer((req, res) => void readBody(req).then(({ bytes: body }) => {
    const deny = (header: string) => res.writeHead(401, { 'WWW-Authenticate': header, 'Content-Length': 6 }).end('denied');
    const authorization = req.headers.authorization ?? '';
    if (!authorization.startsWith('NTLM ')) return deny('NTLM');
    const message = Buffer.from(authorization.slice(5), 'base64');
    const type = message.length >= 12 && message.subarray(0, 8).equals(SIGNATURE) ? message.readUInt32LE(8) : 0;
    if (type === 1) {
      const serverChallenge = randomBytes(8);
      challenges.set(req.socket, serverChallenge);
      return deny(`NTLM ${challengeMessage(serverChallenge, domain).toString('base64')}`);
    }
    const serverChallenge = challenges.get(req.socket);
    if (type !== 3 || serverChallenge === undefined) return deny('NTLM');
    challenges.delete(req.socket);
    const login = checkAuthenticate(message, serverChallenge, password);
    logins.push(login);
    if (!login.verified || login.user.toLowerCase() !== user.toLowerCase()) return deny('NTLM');
    const text = Buffer.concat([Buffer.from(`${login.domain}\\${login.user} `), body]);
    res.writeHead(200, { 'Content-Length': text.length }).end(text);
  }, () => res.destroy()));
  return Object.assign(server, { logins });
}

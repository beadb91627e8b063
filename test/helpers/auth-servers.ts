// Loopback servers that challenge, for the authentication tests: an origin server answering 401 (Basic per RFC 7617,
// Digest per RFC 7616 with MD5 and qop=auth) and a forward proxy answering 407 (Basic). Each records every request
// it got (the Authorization / Proxy-Authorization header as received, and every body byte), so a test can check
// what was sent where. A client that goes away mid-request only ends that request.
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { connect, type Socket } from 'node:net';
import { readBody, startHttpServer, type TestServer } from './servers';

export interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  proxyAuthorization: string | undefined;
  body: Buffer;
}

export interface User {
  user: string;
  password: string;
}

const basicValue = ({ user, password }: User): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

// Digest (RFC 7616 section 3.4.1, MD5, qop=auth): the parameters of the header, and whether the response matches.
function digestAccepts(header: string | undefined, method: string, nonce: string, realm: string, user: User): boolean {
  if (header === undefined || !header.startsWith('Digest ')) return false;
  const params = new Map<string, string>();
  for (const match of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) params.set(match[1], match[2] ?? match[3]);
  if (params.get('username') !== user.user || params.get('nonce') !== nonce || params.get('realm') !== realm) return false;
  const ha1 = md5(`${user.user}:${realm}:${user.password}`);
  const ha2 = md5(`${method}:${params.get('uri') ?? ''}`);
  const expected = md5(`${ha1}:${nonce}:${params.get('nc') ?? ''}:${params.get('cnonce') ?? ''}:${params.get('qop') ?? ''}:${ha2}`);
  return params.get('response') === expected;
}

/**
 * The origin server. Paths: /basic/... (Basic), /digest/... (Digest), /always (401 to everything); /redirect?to=URL
 * (302 once authenticated by Basic); anything else: 200 without a challenge. A 200 body is "<user> <method> <path>
 * <body bytes>".
 */
export async function startChallengingServer(user: User): Promise<TestServer<http.Server> & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const nonce = randomBytes(16).toString('hex');
  const realm = 'winhttp-tests';
  const server = await startHttpServer((req, res) => void (async () => {
    const body = (await readBody(req)).bytes;
    const method = req.method ?? '';
    const path = req.url ?? '/';
    const authorization = req.headers.authorization;
    seen.push({ method, path, authorization, proxyAuthorization: req.headers['proxy-authorization'], body });
    const deny = (challenge: string) => {
      res.writeHead(401, { 'WWW-Authenticate': challenge, 'Content-Length': 6 }).end('denied');
    };
    const url = new URL(path, 'http://127.0.0.1');
    if (url.pathname === '/always') return deny(`Basic realm="${realm}"`);
    if (url.pathname.startsWith('/basic/') || url.pathname === '/redirect') {
      if (authorization !== basicValue(user)) return deny(`Basic realm="${realm}"`);
    } else if (url.pathname.startsWith('/digest/')) {
      if (!digestAccepts(authorization, method, nonce, realm, user)) {
        return deny(`Digest realm="${realm}", qop="auth", algorithm=MD5, nonce="${nonce}"`);
      }
    }
    if (url.pathname === '/redirect') {
      res.writeHead(302, { Location: url.searchParams.get('to') ?? '/', 'Content-Length': 0 }).end();
      return;
    }
    const text = Buffer.concat([Buffer.from(`${user.user} ${method} ${path} `), body]);
    res.writeHead(200, { 'Content-Length': text.length }).end(text);
  })().catch(() => res.destroy()));
  return Object.assign(server, { seen });
}

/**
 * A forward proxy for http targets, and for https targets through CONNECT, that wants Basic credentials (407
 * otherwise). It forwards every target to
 * 127.0.0.1 at the target's port (tests name targets "localhost": Wine sends origin-form when the proxy and target
 * host strings are equal).
 */
export async function startBasicProxy(user: User): Promise<TestServer<http.Server> & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = await startHttpServer((req, res) => void (async () => {
    const body = (await readBody(req)).bytes;
    const proxyAuthorization = req.headers['proxy-authorization'];
    seen.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, proxyAuthorization, body });
    if (proxyAuthorization !== basicValue(user)) {
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="proxy"', 'Content-Length': 6 }).end('denied');
      return;
    }
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request({ host: '127.0.0.1', port: target.port, method: req.method, path: target.pathname + target.search, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  })().catch(() => res.destroy()));
  server.server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    const proxyAuthorization = req.headers['proxy-authorization'];
    seen.push({ method: 'CONNECT', path: req.url ?? '', authorization: undefined, proxyAuthorization, body: Buffer.alloc(0) });
    client.on('error', () => client.destroy());
    if (proxyAuthorization !== basicValue(user)) {
      client.write('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\nContent-Length: 6\r\n\r\ndenied');
      return;
    }
    const upstream = connect(Number(new URL(`http://${req.url ?? ''}`).port), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
  });
  return Object.assign(server, { seen });
}

export { basicValue };

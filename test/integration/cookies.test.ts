// Cookies are off by default: WinHTTP keeps a cookie jar per session unless WINHTTP_DISABLE_COOKIES is set, so a
// cookie one request() received would be sent by the next, unrelated one. Only new Session({ cookies: true }) keeps
// them (also across the redirects the policy layer follows, each hop a request of that session).
import type * as http from 'node:http';
import { Session, request } from '../../lib';
import { type TestServer, startHttpServer } from '../helpers/servers';

let server: TestServer<http.Server>;

beforeAll(async () => {
  // /set/<name>: sets <name>=1; /set-and-go/<name>: sets it and redirects to /echo; /echo: the Cookie header it got.
  server = await startHttpServer((req, res) => {
    const [, kind, name] = (req.url ?? '/').split('/');
    if (kind === 'set' || kind === 'set-and-go') {
      res.writeHead(kind === 'set' ? 200 : 302, { 'Set-Cookie': `${name}=1; Path=/`, Location: '/echo', 'Content-Length': '0' }).end();
      return;
    }
    const cookie = req.headers.cookie ?? '(none)';
    res.writeHead(200, { 'Content-Length': Buffer.byteLength(cookie) }).end(cookie);
  });
});
afterAll(async () => {
  await server.close();
});

async function text(url: string, options: Parameters<typeof request>[1] = {}): Promise<string> {
  return (await request(url, options)).text();
}

it('the default session keeps none: a cookie one request() received is not sent by the next', async () => {
  expect(await text(`${server.url}set/shared`)).toBe('');
  expect(await text(`${server.url}echo`)).toBe('(none)');
});

it('a new Session keeps none either, nor across its own redirects', async () => {
  const session = new Session();
  try {
    expect(await text(`${server.url}set/plain`, { session })).toBe('');
    expect(await text(`${server.url}echo`, { session })).toBe('(none)');
    expect(await text(`${server.url}set-and-go/hop`, { session })).toBe('(none)');
  } finally {
    session.close();
  }
});

it("a caller's own Cookie header is still sent", async () => {
  expect(await text(`${server.url}echo`, { headers: { Cookie: 'mine=2' } })).toBe('mine=2');
});

it('new Session({ cookies: true }) sends back what it received, to the next request and on a redirect', async () => {
  const session = new Session({ cookies: true });
  try {
    expect(await text(`${server.url}set/kept`, { session })).toBe('');
    expect(await text(`${server.url}echo`, { session })).toBe('kept=1');
    expect(await text(`${server.url}set-and-go/hop`, { session })).toMatch(/^(kept=1; hop=1|hop=1; kept=1)$/);
  } finally {
    session.close();
  }
  // Its jar is its own: the default session still has none.
  expect(await text(`${server.url}echo`)).toBe('(none)');
});

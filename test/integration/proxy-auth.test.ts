// Basic proxy authentication through a real proxy: Debian's tinyproxy with its BasicAuth directive
// (test/helpers/tinyproxy.ts), started once for this file. Its log shows each request line it received and whether
// it forwarded that request to the target; it does not name the user, so "as whom" is shown by tinyproxy accepting
// only the one user:password it was configured with, and by the target receiving the request once, without any
// Proxy-Authorization. The target is named "localhost" and the proxy "127.0.0.1" (see proxy.test.ts).
//
// Measured with Wine 8 and tinyproxy 1.11.1: tinyproxy answers HTTP/1.0 and closes the connection; after the first
// 407 Wine sends the request once more without credentials before the one with them (so three request lines, the
// later two as HTTP/1.0, where Windows sends two); wrong credentials get "401 Unauthorized" with
// WWW-Authenticate from tinyproxy 1.11 (not a second 407), which ends the exchange: no server credentials are set.
import type * as http from 'node:http';
import { Session, request } from '../../lib';
import { type TestServer, startHttpServer } from '../helpers/servers';
import { type Tinyproxy, startTinyproxy, tinyproxyRunnable } from '../helpers/tinyproxy';

const PROXY_USER = { user: 'proxy-user', password: 'Pr0xy-s3cret' };
const describeWithProxy = tinyproxyRunnable ? describe : describe.skip;

describeWithProxy('Basic proxy authentication through tinyproxy (BasicAuth)', () => {
  let proxy: Tinyproxy;
  let target: TestServer<http.Server>;
  let seen: http.IncomingHttpHeaders[] = [];
  let logged = 0;

  beforeAll(async () => {
    proxy = await startTinyproxy({ basicAuth: PROXY_USER });
    target = await startHttpServer((req, res) => {
      seen.push({ ...req.headers, path: req.url });
      const body = `seen ${req.url}`;
      res.writeHead(200, { 'Content-Length': Buffer.byteLength(body) }).end(body);
    }, '127.0.0.1');
  });

  afterAll(async () => {
    await target?.close();
    await proxy?.close();
  });

  beforeEach(() => {
    seen = [];
    logged = proxy.exchanges().length;
  });

  // What tinyproxy logged for this test, each request line checked whole (HTTP/1.0 or 1.1: see the measurement above).
  const exchangesFor = (path: string) => {
    const exchanges = proxy.exchanges().slice(logged);
    for (const exchange of exchanges) expect(exchange.request).toMatch(new RegExp(`^GET http://localhost:${target.port}${path} HTTP/1\\.[01]$`));
    return exchanges.map((exchange) => exchange.forwarded);
  };

  async function fetchThrough(path: string, proxyCredentials?: { user: string; password: string }) {
    const session = new Session({ proxy: proxy.address, ...(proxyCredentials === undefined ? {} : { proxyCredentials }) });
    try {
      const response = await request(`http://localhost:${target.port}${path}`, { session });
      return { status: response.status, headers: response.headers, body: await response.text() };
    } finally {
      session.close();
    }
  }

  it('right credentials: the 407 is answered and tinyproxy forwards the request once', async () => {
    const response = await fetchThrough('/right', PROXY_USER);
    expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: 'seen /right' });
    const forwarded = exchangesFor('/right');
    expect(forwarded[0]).toBe(false);  // the first request, without credentials: 407
    expect(forwarded[forwarded.length - 1]).toBe(true);
    expect(forwarded.filter(Boolean)).toHaveLength(1);
    expect(forwarded.length).toBeLessThanOrEqual(3);  // answered once (Wine adds one resend without credentials)
    expect(seen).toEqual([{ path: '/right', host: `localhost:${target.port}`, connection: 'close', 'user-agent': 'winhttp (Node.js)' }]);
  });

  it('wrong credentials: answered once, then the proxy\'s refusal comes back as the response; nothing is forwarded', async () => {
    const response = await fetchThrough('/wrong', { user: PROXY_USER.user, password: 'not-the-password' });
    // tinyproxy 1.11 refuses wrong credentials with 401 and WWW-Authenticate (its own choice, not a second 407).
    expect({ status: response.status, authenticate: response.headers['www-authenticate'] })
      .toEqual({ status: 401, authenticate: 'Basic realm="Tinyproxy"' });
    expect(response.headers.server).toMatch(/^tinyproxy\//);
    const forwarded = exchangesFor('/wrong');
    expect(forwarded.length).toBeGreaterThanOrEqual(2);  // the 407, then the answer with the credentials
    expect(forwarded.length).toBeLessThanOrEqual(3);     // never a loop (Wine adds one resend without credentials)
    expect(forwarded.filter(Boolean)).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('missing credentials: the 407 comes back as the response, after one request; nothing is forwarded', async () => {
    const response = await fetchThrough('/missing');
    expect({ status: response.status, authenticate: response.headers['proxy-authenticate'] })
      .toEqual({ status: 407, authenticate: 'Basic realm="Tinyproxy"' });
    expect(response.body).toContain('<title>407 Proxy Authentication Required</title>');
    expect(exchangesFor('/missing')).toEqual([false]);
    expect(seen).toEqual([]);
  });
});

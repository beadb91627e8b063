// Proxies through a real one (Debian's tinyproxy, test/helpers/tinyproxy.ts): its log proves which requests went
// through it. Targets are reached as "localhost" and the proxy as "127.0.0.1": when the two host strings are equal
// Wine sends origin-form to the proxy (docs/wine.md). A PAC file served on loopback sends URLs with "/via-proxy/" to
// the proxy and the rest DIRECT. No test resolves 'system' here: it would start WPAD discovery, which looks up
// names beyond loopback (the contract double covers that order and its negative cache).
import type * as http from 'node:http';
import { ProxyTimeoutError, Session, WinHttpError, getSystemProxyConfig, request, resolveProxy } from '../../lib';
import { rejectionOf } from '../helpers/assertions';
import { type TestServer, closedPort, startHttpServer, startHttpsServer } from '../helpers/servers';
import { SUITE_CA } from '../helpers/trusted-ca';
import { type Tinyproxy, answerViaProxyPac, startTinyproxy, tinyproxyRunnable } from '../helpers/tinyproxy';
import { itUnlessWine, onWine } from '../helpers/wine';

// Measured with Wine 8: WinHttpSetOption(request, WINHTTP_OPTION_PROXY) returns TRUE and the request still uses
// the session's proxy setting.
const REQUEST_PROXY_IGNORED = 'Wine accepts WINHTTP_OPTION_PROXY on a request handle and ignores it';

const describeWithProxy = tinyproxyRunnable ? describe : describe.skip;

describeWithProxy('through tinyproxy', () => {
  let proxy: Tinyproxy;
  let target: TestServer<http.Server>;
  let targetV6: TestServer<http.Server> | undefined;
  let secure: TestServer;
  let pac: TestServer<http.Server>;
  const pending: http.ServerResponse[] = [];
  const sessions: Session[] = [];
  const seen: string[] = [];

  const answer: http.RequestListener = (req, res) => {
    seen.push(req.url!);
    const body = `seen ${req.url}`;
    res.writeHead(200, { 'Content-Length': Buffer.byteLength(body) }).end(body);
  };
  const origin = () => `http://localhost:${target.port}`;
  const session = (options: ConstructorParameters<typeof Session>[0]) => {
    const s = new Session(options);
    sessions.push(s);
    return s;
  };
  const proxied = (line: string) => proxy.requests().includes(line);
  const text = async (url: string, options: Parameters<typeof request>[1]) => {
    const response = await request(url, options);
    return { status: response.status, body: await response.text() };
  };

  beforeAll(async () => {
    proxy = await startTinyproxy();
    target = await startHttpServer(answer, '127.0.0.1');
    // "localhost" may be tried as ::1 first: the same port there too, where the machine has IPv6 loopback.
    targetV6 = await startHttpServer(answer, '::1').catch(() => undefined);
    if (targetV6 !== undefined && targetV6.port !== target.port) {
      await targetV6.close();
      targetV6 = undefined;
    }
    secure = await startHttpsServer(answer, SUITE_CA);
    pac = await startHttpServer((req, res) => {
      if (req.url === '/slow.pac') {
        pending.push(res); // never answered: a PAC server that hangs
        return;
      }
      answerViaProxyPac(proxy, res);
    });
  });

  afterAll(async () => {
    for (const s of sessions) s.close();
    for (const res of pending) res.destroy();
    await Promise.all([target?.close(), targetV6?.close(), secure?.close(), pac?.close()]);
    await proxy?.close();
  });

  describe('a session proxy', () => {
    it('sends http requests through it in absolute-form, as its log shows', async () => {
      const result = await text(`${origin()}/session-named`, { session: session({ proxy: proxy.address }) });
      expect(result).toEqual({ status: 200, body: 'seen /session-named' });
      expect(proxied(`GET ${origin()}/session-named HTTP/1.1`)).toBe(true);
    });

    it('takes the URL form users write ("http://host:port/")', async () => {
      const result = await text(`${origin()}/url-form`, { session: session({ proxy: `http://${proxy.address}/` }) });
      expect(result).toEqual({ status: 200, body: 'seen /url-form' });
      expect(proxied(`GET ${origin()}/url-form HTTP/1.1`)).toBe(true);
    });

    it('tunnels https targets with CONNECT', async () => {
      const before = seen.length;
      const response = await request(`${secure.url}tunnelled`, { session: session({ proxy: { server: proxy.address } }) });
      await response.text();
      expect(response.status).toBe(200);
      expect(proxied(`CONNECT localhost:${secure.port} HTTP/1.1`)).toBe(true);
      expect(seen.length).toBe(before + 1);
    });

    itUnlessWine('inside a CONNECT tunnel Wine sends the request line in absolute-form ("GET https://localhost:…/x")',
      'inside the tunnel the request line is origin-form', async () => {
        const result = await text(`${secure.url}tunnelled`, { session: session({ proxy: proxy.address }) });
        expect(result).toEqual({ status: 200, body: 'seen /tunnelled' });
      });

    it('connects directly to hosts in the bypass list, and through the proxy to the others', async () => {
      const bypassing = session({ proxy: { server: proxy.address, bypass: ['<local>', 'localhost'] } });
      expect(await text(`${origin()}/bypassed`, { session: bypassing })).toEqual({ status: 200, body: 'seen /bypassed' });
      const notBypassing = session({ proxy: { server: proxy.address, bypass: '*.example' } });
      expect(await text(`${origin()}/not-bypassed`, { session: notBypassing })).toEqual({ status: 200, body: 'seen /not-bypassed' });
      expect(seen).toEqual(expect.arrayContaining(['/bypassed', '/not-bypassed']));
      expect(proxied(`GET ${origin()}/bypassed HTTP/1.1`)).toBe(false);
      expect(proxied(`GET ${origin()}/not-bypassed HTTP/1.1`)).toBe(true);
    });

    itUnlessWine('Wine does not parse per-scheme proxy lists (12007)', 'takes a per-scheme list: http= through the proxy', async () => {
      const result = await text(`${origin()}/per-scheme`, { session: session({ proxy: `http=${proxy.address};https=127.0.0.1:1` }) });
      expect(result).toEqual({ status: 200, body: 'seen /per-scheme' });
      expect(proxied(`GET ${origin()}/per-scheme HTTP/1.1`)).toBe(true);
    });
  });

  describe('a PAC file', () => {
    const pacUrl = () => `${pac.url}proxy.pac`;
    // WinHttpGetProxyForUrlEx where Windows has it; Wine's answers 12178, so WinHttpGetProxyForUrl on a worker thread.
    const api = onWine ? 'WinHttpGetProxyForUrl' : 'WinHttpGetProxyForUrlEx';

    it('resolveProxy() reports the proxy the PAC file chose for one URL and DIRECT for another', async () => {
      const mode = { pac: pacUrl() };
      expect(await resolveProxy(`${origin()}/via-proxy/a`, { proxy: mode }))
        .toEqual({ proxy: proxy.address, bypass: null, source: 'pac', api, reason: `the PAC file ${pacUrl()}` });
      expect(await resolveProxy(`${origin()}/elsewhere`, { proxy: mode }))
        .toEqual({ proxy: null, bypass: null, source: 'pac', api, reason: `the PAC file ${pacUrl()}` });
    });

    it('a PAC file that cannot be downloaded rejects with a WinHttpError (12167)', async () => {
      const error = await rejectionOf(resolveProxy(`${origin()}/x`, { proxy: { pac: `http://127.0.0.1:${await closedPort()}/proxy.pac` } }));
      expect(error).toBeInstanceOf(WinHttpError);
      expect({ errno: error.errno, code: error.code, api: error.api })
        .toEqual({ errno: 12167, code: 'ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT', api });
    });

    it('a PAC server that never answers ends in ProxyTimeoutError after the timeout', async () => {
      const started = Date.now();
      const error = await rejectionOf(resolveProxy(`${origin()}/x`, { proxy: { pac: `${pac.url}slow.pac` }, timeout: 300 }));
      expect(error).toBeInstanceOf(ProxyTimeoutError);
      expect({ code: error.code, stage: error.stage, timeout: error.timeout }).toEqual({ code: 'ERR_WINHTTP_PROXY_TIMEOUT', stage: 'pac', timeout: 300 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    });

    itUnlessWine(REQUEST_PROXY_IGNORED, 'requests take the path the PAC file chose', async () => {
      const s = session({ proxy: { pac: pacUrl() } });
      expect(await text(`${origin()}/via-proxy/b`, { session: s })).toEqual({ status: 200, body: 'seen /via-proxy/b' });
      expect(await text(`${origin()}/direct-b`, { session: s })).toEqual({ status: 200, body: 'seen /direct-b' });
      expect(proxied(`GET ${origin()}/via-proxy/b HTTP/1.1`)).toBe(true);
      expect(proxied(`GET ${origin()}/direct-b HTTP/1.1`)).toBe(false);
    });
  });

  describe('per request', () => {
    itUnlessWine(REQUEST_PROXY_IGNORED, 'request({ proxy }) sends one request through the proxy on a session without one', async () => {
      const direct = session({ proxy: 'none' });
      expect(await text(`${origin()}/per-request`, { session: direct, proxy: proxy.address })).toEqual({ status: 200, body: 'seen /per-request' });
      expect(await text(`${origin()}/per-request-none`, { session: direct })).toEqual({ status: 200, body: 'seen /per-request-none' });
      expect(proxied(`GET ${origin()}/per-request HTTP/1.1`)).toBe(true);
      expect(proxied(`GET ${origin()}/per-request-none HTTP/1.1`)).toBe(false);
    });

    itUnlessWine(REQUEST_PROXY_IGNORED, "request({ proxy: 'none' }) goes direct on a session with a proxy", async () => {
      const through = session({ proxy: proxy.address });
      expect(await text(`${origin()}/override-none`, { session: through, proxy: 'none' })).toEqual({ status: 200, body: 'seen /override-none' });
      expect(proxied(`GET ${origin()}/override-none HTTP/1.1`)).toBe(false);
    });

    itUnlessWine(REQUEST_PROXY_IGNORED, "proxy: 'env' follows HTTP_PROXY, and NO_PROXY sends a host direct", async () => {
      const saved = { ...process.env };
      try {
        for (const key of ['http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY']) delete process.env[key];
        process.env.HTTP_PROXY = `http://${proxy.address}`;
        const s = session({ proxy: 'env' });
        expect(await text(`${origin()}/env-proxied`, { session: s })).toEqual({ status: 200, body: 'seen /env-proxied' });
        process.env.NO_PROXY = 'localhost';
        expect(await text(`${origin()}/env-direct`, { session: s })).toEqual({ status: 200, body: 'seen /env-direct' });
      } finally {
        process.env = saved;
      }
      expect(proxied(`GET ${origin()}/env-proxied HTTP/1.1`)).toBe(true);
      expect(proxied(`GET ${origin()}/env-direct HTTP/1.1`)).toBe(false);
    });

    it("resolveProxy() with proxy: 'env' names the variable it used", async () => {
      const saved = { ...process.env };
      try {
        for (const key of ['http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY']) delete process.env[key];
        process.env.HTTP_PROXY = proxy.address;
        expect(await resolveProxy(`${origin()}/x`, { proxy: 'env' }))
          .toEqual({ proxy: proxy.address, bypass: null, source: 'env', reason: 'from HTTP_PROXY' });
      } finally {
        process.env = saved;
      }
    });
  });
});

describe('getSystemProxyConfig()', () => {
  const check = onWine ? it : it.skip;
  // A fresh Wine prefix has no proxy settings: WinHttpGetIEProxyConfigForCurrentUser reports auto-detect on and
  // nothing else, and no WinHTTP proxy is set (measured). On Windows the values are the machine's own.
  check("reports the Wine prefix's settings: auto-detect, no PAC URL, no proxy [Wine only: a Windows machine has settings of its own]", async () => {
    expect(await getSystemProxyConfig()).toEqual({
      autoDetect: true, autoConfigUrl: null, proxy: null, bypass: null, winhttp: { proxy: null, bypass: null },
    });
  });
});

// Per-session and per-request options, validated, and what each does on the wire: redirect policy ('follow' with
// maxRedirects, 'manual', 'error'), https->http redirects, keepAlive, decompress, maxResponseHeaderSize and header
// count limits, httpVersion fallback, the overall deadline, maxConnectionsPerServer, and a request overriding its
// session. Where Wine's winhttp.dll ignores or refuses an option (docs/wine.md), that test is skipped on Wine only.
import * as http from 'node:http';
import type * as https from 'node:https';
import type * as net from 'node:net';
import { gzipSync, deflateSync } from 'node:zlib';
import { setTimeout as delay } from 'node:timers/promises';
import { type RequestOptions, Session, type SessionOptions, request } from '../../lib';
import { rejectionOf, thrownBy } from '../helpers/assertions';
import { DRIP_INTERVAL_MS, type FaultServer, startFaultServer } from '../helpers/fault-server';
import { type TestServer, readRequestHead, startHttpServer, startHttpsServer, startRawServer } from '../helpers/servers';
import { SUITE_CA, expectSuiteCaTrusted } from '../helpers/trusted-ca';
import { hasEnableHttpProtocol } from '../helpers/winhttp-features';
import { itUnlessWine } from '../helpers/wine';
import type { Failure } from './support';

const TEXT = 'The quick brown fox jumps over the lazy dog. '.repeat(200);

let faults: FaultServer;
let web: TestServer<http.Server>;
let raw: TestServer<net.Server>;
/** Requests /slow is handling right now, and the most at once. */
const slow = { now: 0, most: 0 };

beforeAll(async () => {
  faults = await startFaultServer();
  web = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const accepts = String(req.headers['accept-encoding'] ?? '');
    switch (url.pathname) {
      case '/gzip': {
        const text = url.searchParams.get('text') ?? TEXT;
        const body = gzipSync(text);
        res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': body.length, 'X-Accept-Encoding': accepts });
        res.end(body);
        return;
      }
      case '/deflate': {
        const body = deflateSync(TEXT);
        res.writeHead(200, { 'Content-Encoding': 'deflate', 'Content-Length': body.length, 'X-Accept-Encoding': accepts });
        res.end(body);
        return;
      }
      case '/slow':
        slow.now += 1;
        slow.most = Math.max(slow.most, slow.now);
        setTimeout(() => {
          slow.now -= 1;
          res.writeHead(200, { 'Content-Length': '4' }).end('slow');
        }, 200);
        return;
      case '/connection': {
        const body = JSON.stringify({ connection: req.headers.connection ?? null });
        res.writeHead(200, { 'Content-Length': Buffer.byteLength(body), 'Content-Type': 'application/json' }).end(body);
        return;
      }
      default:
        if (url.pathname.startsWith('/hop/')) {
          const n = Number(url.pathname.slice(5));
          if (n > 0) {
            res.writeHead(302, { Location: `/hop/${n - 1}`, 'Content-Length': '0' }).end();
            return;
          }
        }
        res.writeHead(200, { 'Content-Length': Buffer.byteLength(url.pathname) }).end(url.pathname);
    }
  });
  // Response heads of a chosen size or header count: /size/<bytes of header values>, /count/<header lines>.
  raw = await startRawServer((socket) => {
    void readRequestHead(socket).then((head) => {
      const [, kind, amount] = head.split(' ')[1].split('/');
      const n = Number(amount);
      const lines = kind === 'size'
        ? Array.from({ length: Math.ceil(n / 1000) }, (_, i) => `X-Pad-${i}: ${'p'.repeat(1000)}`)
        : Array.from({ length: n }, () => 'X: 1');
      socket.write(['HTTP/1.1 200 OK', ...lines, 'Content-Length: 2', 'Connection: close'].join('\r\n') + '\r\n\r\nok');
    }, () => undefined);
  });
});

afterAll(async () => {
  await Promise.all([faults.close(), web.close(), raw.close()]);
});

function expectWinHttpError(error: Failure, errno: number, code: string, api: string): void {
  expect(error.name).toBe('WinHttpError');
  expect({ errno: error.errno, code: error.code, api: error.api }).toEqual({ errno, code, api });
}

async function hits(path: string): Promise<number> {
  await faults.sync();
  return faults.hits.get(path) ?? 0;
}

describe('redirect', () => {
  it("'follow' (the default) follows up to maxRedirects hops", async () => {
    const res = await request(`${web.url}hop/3`, { maxRedirects: 3 });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('/hop/0');
    expect(res.redirects).toHaveLength(3);
  });

  it("'follow' with one hop more than maxRedirects: TooManyRedirectsError naming the hops", async () => {
    const before = await hits('redirect-loop');
    const error = await rejectionOf(request(faults.urlOf('redirect-loop'), { maxRedirects: 2 }));
    expect(error.name).toBe('TooManyRedirectsError');
    expect(error.code).toBe('ERR_WINHTTP_TOO_MANY_REDIRECTS');
    const origin = new URL(faults.urlOf('redirect-loop')).origin;
    expect(error.redirects).toEqual([1, 2, 3].map((n) => `${origin}/redirect-loop?n=${n}`));
    expect(await hits('redirect-loop')).toBe(before + 3); // the request and 2 redirects followed
  });

  it('maxRedirects: 0 follows none', async () => {
    const before = await hits('redirect-loop');
    const error = await rejectionOf(request(faults.urlOf('redirect-loop'), { maxRedirects: 0 }));
    expect(error.code).toBe('ERR_WINHTTP_TOO_MANY_REDIRECTS');
    expect(error.maxRedirects).toBe(0);
    expect(await hits('redirect-loop')).toBe(before + 1);
  });

  it("'manual' returns the 3xx with its Location", async () => {
    const res = await request(faults.urlOf('redirect-loop'), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/redirect-loop?n=1');
    expect(res.redirects).toEqual([]);
    expect(await res.text()).toBe('');
  });

  it("'error' rejects a 3xx with RedirectError (status, location)", async () => {
    const before = await hits('redirect-loop');
    const error = await rejectionOf(request(faults.urlOf('redirect-loop'), { redirect: 'error' }));
    expect(error.name).toBe('RedirectError');
    expect(error.code).toBe('ERR_WINHTTP_UNEXPECTED_REDIRECT');
    expect(error.status).toBe(302);
    expect(error.location).toBe('/redirect-loop?n=1');
    expect(await hits('redirect-loop')).toBe(before + 1);
  });

  it("'error' lets a non-redirect through", async () => {
    const res = await request(`${web.url}plain`, { redirect: 'error' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('/plain');
  });

  it('a request overrides its session: a manual session, a request that follows, with its own maxRedirects', async () => {
    const manual = new Session({ redirect: 'manual', maxRedirects: 1 });
    try {
      expect((await request(`${web.url}hop/2`, { session: manual })).status).toBe(302);
      // Following, with the session's maxRedirects (1): two hops are one too many.
      const error = await rejectionOf(request(`${web.url}hop/2`, { session: manual, redirect: 'follow' }));
      expect(error.code).toBe('ERR_WINHTTP_TOO_MANY_REDIRECTS');
      const far = await request(`${web.url}hop/2`, { session: manual, redirect: 'follow', maxRedirects: 5 });
      expect(far.status).toBe(200);
      expect(await far.text()).toBe('/hop/0');
      expect(far.redirects).toHaveLength(2);
    } finally {
      manual.close();
    }
  });

  it('the low-level Request follows nothing, whatever its session says, and refuses redirect options', async () => {
    const following = new Session({ redirect: 'follow' });
    try {
      const connection = following.connect('127.0.0.1', web.port);
      const error = thrownBy(() => connection.openRequest('GET', '/hop/1', { redirect: 'follow' } as never));
      expect(error.name).toBe('TypeError');
      expect(error.code).toBe('ERR_INVALID_ARG_VALUE');
      expect(error.message).toMatch(/"redirect" \(the low-level Request never follows redirects/);
      const kept = connection.openRequest('GET', '/hop/1');
      await kept.send();
      const head = await kept.receiveResponse();
      expect(head.status).toBe(302);
      expect(head.headers.location).toBe('/hop/0');
      kept.close();
    } finally {
      following.close();
    }
  });
});

// https -> http needs an https origin whose certificate WinHTTP trusts: the suite CA, which the Wine/Windows run
// keeps in LocalMachine\Root (test/helpers/trusted-ca.ts). The http target is `web`, on 127.0.0.1.
describe('https -> http redirects', () => {
  let tls: TestServer<https.Server>;

  beforeAll(async () => {
    expectSuiteCaTrusted();
    tls = await startHttpsServer((req, res) => {
      if (req.url === '/secure') res.writeHead(200, { 'Content-Length': '6' }).end('secure');
      else res.writeHead(302, { Location: `${web.url}landed`, 'Content-Length': '0' }).end();
    }, SUITE_CA);
  });
  afterAll(async () => {
    await tls?.close();
  });

  it('the https origin is trusted (the suite CA is in the Windows store)', async () => {
    const res = await request(`${tls.url}secure`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('secure');
  });

  // The policy layer decides (WinHTTP follows nothing itself), so this holds on Wine too.
  it('is not followed by default: the 3xx is returned', async () => {
    const before = web.connections;
    const res = await request(tls.url);
    expect(res.status).toBe(302);
    expect(res.url).toBe(tls.url);
    expect(res.headers.location).toBe(`${web.url}landed`);
    expect(res.redirects).toEqual([]);
    expect(await res.text()).toBe('');
    expect(web.connections).toBe(before);
  });

  it('is followed with allowHttpsToHttpRedirect', async () => {
    const res = await request(tls.url, { allowHttpsToHttpRedirect: true });
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${web.url}landed`);
    expect(res.redirects).toEqual([`${web.url}landed`]);
    expect(await res.text()).toBe('/landed');
  });
});

describe('keepAlive', () => {
  it('on (the default): one connection serves consecutive requests', async () => {
    const server = await startHttpServer((_req, res) => res.writeHead(200, { 'Content-Length': '2' }).end('ok'));
    const session = new Session();
    try {
      for (let i = 0; i < 3; i++) expect(await (await request(server.url, { session })).text()).toBe('ok');
      expect(server.connections).toBe(1);
    } finally {
      session.close();
      await server.close();
    }
  });

  // Regression: keepAlive: false used to set 0x2, which is WINHTTP_DISABLE_REDIRECTS; WINHTTP_DISABLE_KEEP_ALIVE is
  // 0x8. With the right flag Wine honours it too (the skip it had blamed Wine).
  it('off: a new connection for every request, and no keep-alive is asked for', async () => {
    const server = await startHttpServer((req, res) => {
      res.writeHead(200, { 'Content-Length': '2', 'X-Connection': String(req.headers.connection) }).end('ok');
    });
    const session = new Session({ keepAlive: false });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await request(server.url, { session });
        expect(String(res.headers['x-connection']).toLowerCase()).not.toBe('keep-alive');
        expect(await res.text()).toBe('ok');
      }
      expect(server.connections).toBe(3);
    } finally {
      session.close();
      await server.close();
    }
  });
});

describe('decompress', () => {
  it('off (the default): a gzip body arrives as sent, and no Accept-Encoding is added', async () => {
    const res = await request(`${web.url}gzip`);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['x-accept-encoding']).toBe('');
    expect((await res.buffer()).equals(gzipSync(TEXT))).toBe(true);
  });

  // Decoded by the library (node:zlib), so the same under Wine, which refuses WINHTTP_OPTION_DECOMPRESSION.
  it('on: asks for gzip, deflate and br, and decodes a gzip body', async () => {
    const res = await request(`${web.url}gzip`, { decompress: true });
    expect(res.headers['x-accept-encoding']).toBe('gzip, deflate, br');
    expect(await res.text()).toBe(TEXT);
  });

  it('on: a deflate body is decoded', async () => {
    expect(await (await request(`${web.url}deflate`, { decompress: true })).text()).toBe(TEXT);
  });

  // A short text gzips to more bytes than it has: the decoded body is shorter than the Content-Length, which counts
  // the encoded bytes. That is not a truncated body.
  it('on: a decoded body shorter than its (encoded) Content-Length is complete', async () => {
    const res = await request(`${web.url}gzip?text=tiny`, { decompress: true });
    expect(Number(res.headers['content-length'])).toBe(gzipSync('tiny').length);
    expect(Number(res.headers['content-length'])).toBeGreaterThan(4);
    expect(await res.text()).toBe('tiny');
  });
});

describe('response head limits', () => {
  const WINE_LIMITS = 'Wine has no response header size or count limit (WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE is ignored)';

  it('a head within maxResponseHeaderSize is accepted', async () => {
    const res = await request(`${raw.url}size/3000`, { maxResponseHeaderSize: 16 * 1024 });
    expect(res.status).toBe(200);
    expect(res.headers['x-pad-2']).toBe('p'.repeat(1000));
    expect(await res.text()).toBe('ok');
  });

  itUnlessWine(WINE_LIMITS, 'a head over maxResponseHeaderSize: ERROR_WINHTTP_HEADER_SIZE_OVERFLOW', async () => {
    const error = await rejectionOf(request(`${raw.url}size/5000`, { maxResponseHeaderSize: 2048 }));
    expectWinHttpError(error, 12182, 'ERROR_WINHTTP_HEADER_SIZE_OVERFLOW', 'WinHttpReceiveResponse');
  });

  itUnlessWine(WINE_LIMITS, 'a head over the default 64 KiB: ERROR_WINHTTP_HEADER_SIZE_OVERFLOW', async () => {
    const error = await rejectionOf(request(`${raw.url}size/80000`));
    expectWinHttpError(error, 12182, 'ERROR_WINHTTP_HEADER_SIZE_OVERFLOW', 'WinHttpReceiveResponse');
  });

  itUnlessWine(WINE_LIMITS, 'tens of thousands of header lines (within the size limit): ERROR_WINHTTP_HEADER_COUNT_EXCEEDED', async () => {
    const error = await rejectionOf(request(`${raw.url}count/20000`, { maxResponseHeaderSize: 1024 * 1024 }));
    expectWinHttpError(error, 12181, 'ERROR_WINHTTP_HEADER_COUNT_EXCEEDED', 'WinHttpReceiveResponse');
  });
});

describe('httpVersion', () => {
  it("'2' against an HTTP/1.1-only loopback server falls back to HTTP/1.1", async () => {
    const res = await request(`${web.url}h2`, { httpVersion: '2' });
    expect(res.status).toBe(200);
    expect(res.httpVersion).toBe('1.1');
    expect(await res.text()).toBe('/h2');
  });

  // Which outcome is right is decided from the platform, before the request (test/helpers/winhttp-features.ts).
  it(hasEnableHttpProtocol
    ? "'3', where WinHTTP has WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, against an HTTP/1.1-only server falls back to HTTP/1.1"
    : "'3', where WinHTTP lacks WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL (before Windows 10 1607), fails clearly before any I/O", async () => {
    const before = web.connections;
    if (hasEnableHttpProtocol) {
      const res = await request(`${web.url}h3`, { httpVersion: '3' });
      expect(res.status).toBe(200);
      expect(res.httpVersion).toBe('1.1');
      expect(await res.text()).toBe('/h3');
    } else {
      const error = await rejectionOf(request(`${web.url}h3`, { httpVersion: '3' }));
      expectWinHttpError(error, 12009, 'ERROR_WINHTTP_INVALID_OPTION', 'WinHttpSetOption');
      expect(error.message).toMatch(/HTTP\/3 was requested/);
      expect(web.connections).toBe(before);
    }
  });
});

describe('deadline', () => {
  it('a head that never comes: DeadlineError (TimeoutError, ERR_WINHTTP_DEADLINE_EXCEEDED) at the deadline', async () => {
    const start = performance.now();
    const error = await rejectionOf(request(faults.urlOf('never-answers'), { deadline: 400, timeout: 5000 }));
    const elapsed = performance.now() - start;
    expect(error.name).toBe('TimeoutError');
    expect(error.code).toBe('ERR_WINHTTP_DEADLINE_EXCEEDED');
    expect(error.category).toBe('timeout');
    expect(error.deadline).toBe(400);
    expect(elapsed).toBeGreaterThanOrEqual(380);
    expect(elapsed).toBeLessThan(1500);
  });

  it('a body that drips past it: the body fails with DeadlineError at the deadline', async () => {
    const deadline = 6 * DRIP_INTERVAL_MS;
    const start = performance.now();
    const res = await request(faults.urlOf('slow-drip'), { deadline, timeout: 5000 });
    expect(res.status).toBe(200);
    const error = await rejectionOf(res.text());
    const elapsed = performance.now() - start;
    expect(error.name).toBe('TimeoutError');
    expect(error.code).toBe('ERR_WINHTTP_DEADLINE_EXCEEDED');
    expect(error.deadline).toBe(deadline);
    expect(elapsed).toBeGreaterThanOrEqual(deadline - 20);
    expect(elapsed).toBeLessThan(deadline + 1000);
    expect(res.body.destroyed).toBe(true);
  });

  it('an exchange finished within it is not touched afterwards', async () => {
    const res = await request(`${web.url}quick`, { deadline: 300 });
    expect(await res.text()).toBe('/quick');
    await delay(400);
    expect(res.body.errored).toBeNull();
  });

  it("the caller's own abort still wins before the deadline (AbortError, not TimeoutError)", async () => {
    const error = await rejectionOf(request(faults.urlOf('never-answers'), { deadline: 2000, signal: AbortSignal.timeout(100) }));
    expect(error.name).toBe('AbortError');
    expect(error.code).toBe('ABORT_ERR');
    const reason = (error as { reason?: Failure }).reason;
    expect(reason?.name).toBe('TimeoutError'); // AbortSignal.timeout()'s reason, not a DeadlineError
    expect(reason?.code).not.toBe('ERR_WINHTTP_DEADLINE_EXCEEDED');
  });
});

describe('maxConnectionsPerServer', () => {
  beforeEach(() => {
    slow.most = 0;
  });

  it('without it, three requests at once are served at once', async () => {
    const session = new Session();
    try {
      await Promise.all([0, 1, 2].map(async () => expect(await (await request(`${web.url}slow`, { session })).text()).toBe('slow')));
      expect(slow.most).toBe(3);
    } finally {
      session.close();
    }
  });

  itUnlessWine('Wine ignores WINHTTP_OPTION_MAX_CONNS_PER_SERVER',
    'with 1, three requests at once are served one after the other, all of them', async () => {
      const session = new Session({ maxConnectionsPerServer: 1 });
      try {
        await Promise.all([0, 1, 2].map(async () => expect(await (await request(`${web.url}slow`, { session })).text()).toBe('slow')));
        expect(slow.most).toBe(1);
      } finally {
        session.close();
      }
    });
});

describe('validation (before any I/O)', () => {
  const cases: Array<[string, RequestOptions, string, string]> = [
    ['redirect that is not a policy', { redirect: 'sometimes' as 'follow' }, 'TypeError', 'ERR_INVALID_ARG_VALUE'],
    ['maxRedirects -1', { maxRedirects: -1 }, 'RangeError', 'ERR_OUT_OF_RANGE'],
    ['maxRedirects 1.5', { maxRedirects: 1.5 }, 'RangeError', 'ERR_OUT_OF_RANGE'],
    ['maxRedirects 101', { maxRedirects: 101 }, 'RangeError', 'ERR_OUT_OF_RANGE'],
    ['maxRedirects "3"', { maxRedirects: '3' as unknown as number }, 'TypeError', 'ERR_INVALID_ARG_TYPE'],
    ['allowHttpsToHttpRedirect "yes"', { allowHttpsToHttpRedirect: 'yes' as unknown as boolean }, 'TypeError', 'ERR_INVALID_ARG_TYPE'],
    ['decompress 1', { decompress: 1 as unknown as boolean }, 'TypeError', 'ERR_INVALID_ARG_TYPE'],
    ['keepAlive null', { keepAlive: null as unknown as boolean }, 'TypeError', 'ERR_INVALID_ARG_TYPE'],
    ['maxResponseHeaderSize 100', { maxResponseHeaderSize: 100 }, 'RangeError', 'ERR_OUT_OF_RANGE'],
    ['maxResponseDrainSize -1', { maxResponseDrainSize: -1 }, 'RangeError', 'ERR_OUT_OF_RANGE'],
    ['httpVersion "2.0"', { httpVersion: '2.0' as '2' }, 'TypeError', 'ERR_INVALID_ARG_VALUE'],
    ['deadline -1', { deadline: -1 }, 'RangeError', 'ERR_OUT_OF_RANGE'],
    ['deadline "1s"', { deadline: '1s' as unknown as number }, 'TypeError', 'ERR_INVALID_ARG_TYPE'],
  ];

  it.each(cases)('request(): %s', async (_what, options, name, code) => {
    const before = web.connections;
    const error = await rejectionOf(request(`${web.url}never`, options));
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    await delay(20);
    expect(web.connections).toBe(before);
  });

  it.each(cases.filter(([, options]) => !('deadline' in options)))('new Session(): %s', (_what, options, name, code) => {
    const error = thrownBy(() => new Session(options as SessionOptions));
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
  });

  it.each<[unknown, string, string]>([
    [0, 'RangeError', 'ERR_OUT_OF_RANGE'],
    [-1, 'RangeError', 'ERR_OUT_OF_RANGE'],
    [1.5, 'RangeError', 'ERR_OUT_OF_RANGE'],
    [2 ** 31, 'RangeError', 'ERR_OUT_OF_RANGE'],
    ['2', 'TypeError', 'ERR_INVALID_ARG_TYPE'],
  ])('maxConnectionsPerServer %p', (value, name, code) => {
    const error = thrownBy(() => new Session({ maxConnectionsPerServer: value as number }));
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/maxConnectionsPerServer/);
  });

  it('maxConnectionsPerServer 1 and 2**31-1 are accepted', () => {
    new Session({ maxConnectionsPerServer: 1 }).close();
    new Session({ maxConnectionsPerServer: 2 ** 31 - 1 }).close();
  });

  it('the low-level openRequest() validates the same options', () => {
    const session = new Session();
    try {
      const connection = session.connect('127.0.0.1', web.port);
      const error = thrownBy(() => connection.openRequest('GET', '/', { maxResponseHeaderSize: 1023 }));
      expect(error.name).toBe('RangeError');
      expect(error.code).toBe('ERR_OUT_OF_RANGE');
      expect(error.message).toMatch(/maxResponseHeaderSize/);
    } finally {
      session.close();
    }
  });
});

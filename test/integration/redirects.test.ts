// Redirects followed by the policy layer (lib/policy/redirects.ts), by the fetch standard, the same on every WinHTTP:
// every status x method with the body bytes checked at the server on each hop, headers dropped when the origin
// changes (another port of 127.0.0.1 is another origin) and kept when it does not, a body that cannot be replayed,
// maxRedirects, loops, relative and absolute Locations, response.url and response.redirects, and the 3xx body
// drained so its connection serves the next hop. Under Wine, 303 and 308 came back unfollowed and POST after 302
// failed with 12019 while WinHTTP followed redirects itself; these run there unskipped.
import type * as http from 'node:http';
import { Session, request } from '../../lib';
import { rejectionOf } from '../helpers/assertions';
import { type TestServer, deterministicBytes, readBody, startHttpServer } from '../helpers/servers';

interface Seen {
  port: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const BODY = deterministicBytes(100 * 1024, 'redirected body'); // more than the 64 KiB sent with the request
const seen: Seen[] = [];
let a: TestServer<http.Server>;
let b: TestServer<http.Server>;
/** A server for the one test that counts connections. */
let drained: TestServer<http.Server>;

// /status/<code>?to=<Location>: that status with that Location and a body (without ?to=, a 200 like any other); /chain/<n>: n hops to /chain/0; /ping
// and /pong: redirects to each other; anything else: 200 with "<port> <method> <path>".
async function handle(port: () => number, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const body = await readBody(req);
  seen.push({ port: port(), method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: body.bytes });
  const [, kind, arg] = url.pathname.split('/');
  if (kind === 'status' && /^\d{3}$/.test(arg) && url.searchParams.has('to')) {
    const moved = Buffer.from(`moved ${arg}`);
    res.writeHead(Number(arg), { Location: url.searchParams.get('to') ?? '/', 'Content-Length': moved.length }).end(moved);
    return;
  }
  if (kind === 'chain' && Number(arg) > 0) {
    res.writeHead(302, { Location: `/chain/${Number(arg) - 1}`, 'Content-Length': '0' }).end();
    return;
  }
  if (kind === 'ping' || kind === 'pong') {
    res.writeHead(302, { Location: kind === 'ping' ? '/pong' : '/ping', 'Content-Length': '0' }).end();
    return;
  }
  const text = `${port()} ${req.method} ${req.url}`;
  res.writeHead(200, { 'Content-Length': Buffer.byteLength(text) }).end(req.method === 'HEAD' ? undefined : text);
}

beforeAll(async () => {
  a = await startHttpServer((req, res) => void handle(() => a.port, req, res));
  b = await startHttpServer((req, res) => void handle(() => b.port, req, res));
  drained = await startHttpServer((req, res) => void handle(() => drained.port, req, res));
});
afterAll(async () => {
  await Promise.all([a.close(), b.close(), drained.close()]);
});
beforeEach(() => {
  seen.length = 0;
});

const STATUSES = [301, 302, 303, 307, 308];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'];
const WITH_BODY = ['POST', 'PUT'];

/** What the fetch standard sends to the next hop after `status` to `method`. */
function nextMethod(status: number, method: string): string {
  if ((status === 301 || status === 302) && method === 'POST') return 'GET';
  if (status === 303 && method !== 'HEAD') return 'GET';
  return method;
}

describe.each(STATUSES)('%i', (status) => {
  it.each(METHODS)('%s: the next hop gets the method and body the fetch standard says, every byte', async (method) => {
    const body = WITH_BODY.includes(method) ? BODY : undefined;
    const res = await request(`${a.url}status/${status}?to=/landed`, {
      method, body, headers: { 'Content-Type': 'application/octet-stream', 'X-Trace': 'kept' },
    });
    const next = nextMethod(status, method);
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${a.url}landed`);
    expect(res.redirects).toEqual([`${a.url}landed`]);
    expect(await res.text()).toBe(method === 'HEAD' ? '' : `${a.port} ${next} /landed`);
    expect(seen.map((hop) => [hop.method, hop.path])).toEqual([[method, `/status/${status}?to=/landed`], [next, '/landed']]);
    expect(seen[0].body.equals(body ?? Buffer.alloc(0))).toBe(true);
    const keepsBody = next === method;
    expect(seen[1].body.equals(keepsBody ? (body ?? Buffer.alloc(0)) : Buffer.alloc(0))).toBe(true);
    // A body dropped takes its headers with it; the others stay (same origin).
    expect(seen[1].headers['content-type']).toBe(keepsBody ? 'application/octet-stream' : undefined);
    expect(seen[1].headers['content-length']).toBe(keepsBody && body ? String(body.length) : undefined);
    expect(seen[1].headers['x-trace']).toBe('kept');
  });
});

describe('headers across origins', () => {
  const SECRET = { Authorization: 'Bearer secret', Cookie: 'session=1', 'Proxy-Authorization': 'Basic cHJveHk=', 'X-Other': 'o' };

  it('Authorization, Cookie and Proxy-Authorization are dropped when the redirect leaves the origin (another port)', async () => {
    const res = await request(`${a.url}status/302?to=${encodeURIComponent(`${b.url}elsewhere`)}`, { headers: SECRET });
    expect(await res.text()).toBe(`${b.port} GET /elsewhere`);
    expect(res.url).toBe(`${b.url}elsewhere`);
    expect(seen).toHaveLength(2);
    expect(seen[0].port).toBe(a.port);
    expect(seen[0].headers).toMatchObject({ authorization: 'Bearer secret', cookie: 'session=1', 'proxy-authorization': 'Basic cHJveHk=' });
    expect(seen[1].port).toBe(b.port);
    expect(seen[1].headers.authorization).toBeUndefined();
    expect(seen[1].headers.cookie).toBeUndefined();
    expect(seen[1].headers['proxy-authorization']).toBeUndefined();
    expect(seen[1].headers['x-other']).toBe('o');
  });

  it('they are kept on a redirect within the origin, by a relative or an absolute Location', async () => {
    for (const to of ['/same', `${a.url}same`]) {
      seen.length = 0;
      const res = await request(`${a.url}status/307?to=${encodeURIComponent(to)}`, { headers: SECRET });
      expect(await res.text()).toBe(`${a.port} GET /same`);
      expect(seen[1].headers).toMatchObject({ authorization: 'Bearer secret', cookie: 'session=1', 'proxy-authorization': 'Basic cHJveHk=', 'x-other': 'o' });
    }
  });

  it('a hop back to the first origin does not get them back', async () => {
    const back = `${a.url}home`;
    const res = await request(`${a.url}status/302?to=${encodeURIComponent(`${b.url}status/302?to=${encodeURIComponent(back)}`)}`, { headers: SECRET });
    expect(await res.text()).toBe(`${a.port} GET /home`);
    expect(seen).toHaveLength(3);
    expect(seen[2].headers.authorization).toBeUndefined();
    expect(seen[2].headers.cookie).toBeUndefined();
  });
});

describe('a body that cannot be replayed', () => {
  async function* stream(): AsyncGenerator<Buffer> {
    yield BODY.subarray(0, 1000);
    yield BODY.subarray(1000, 5000);
  }

  it('307: rejects with RedirectBodyError, after the first hop got the whole body', async () => {
    const error = await rejectionOf(request(`${a.url}status/307?to=/again`, { method: 'PUT', body: stream(), contentLength: 5000 }));
    expect(error.name).toBe('RedirectBodyError');
    expect(error.code).toBe('ERR_WINHTTP_REDIRECT_BODY_NOT_REPLAYABLE');
    expect(error.status).toBe(307);
    expect(error.location).toBe(`${a.url}again`);
    expect(seen).toHaveLength(1);
    expect(seen[0].body.equals(BODY.subarray(0, 5000))).toBe(true);
  });

  it("308 with redirect: 'manual': the 3xx is the response", async () => {
    const res = await request(`${a.url}status/308?to=/again`, { method: 'PUT', body: stream(), contentLength: 5000, redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe('/again');
    expect(res.url).toBe(`${a.url}status/308?to=/again`);
    expect(res.redirects).toEqual([]);
    expect(await res.text()).toBe('moved 308');
  });

  it('303: the body is not needed again, so the GET follows', async () => {
    const res = await request(`${a.url}status/303?to=/after`, { method: 'POST', body: stream(), contentLength: 5000 });
    expect(await res.text()).toBe(`${a.port} GET /after`);
    expect(seen[1].body.byteLength).toBe(0);
  });
});

describe('limits and loops', () => {
  it('maxRedirects hops are followed; one more rejects with TooManyRedirectsError listing them', async () => {
    const res = await request(`${a.url}chain/3`, { maxRedirects: 3 });
    expect(await res.text()).toBe(`${a.port} GET /chain/0`);
    expect(res.redirects).toEqual([`${a.url}chain/2`, `${a.url}chain/1`, `${a.url}chain/0`]);
    seen.length = 0;
    const error = await rejectionOf(request(`${a.url}chain/3`, { maxRedirects: 2 }));
    expect(error.name).toBe('TooManyRedirectsError');
    expect(error.code).toBe('ERR_WINHTTP_TOO_MANY_REDIRECTS');
    expect(error.maxRedirects).toBe(2);
    expect(error.redirects).toEqual([`${a.url}chain/2`, `${a.url}chain/1`, `${a.url}chain/0`]);
    expect(seen.map((hop) => hop.path)).toEqual(['/chain/3', '/chain/2', '/chain/1']);
  });

  it('a loop rejects with RedirectLoopError naming the chain, at the first repeat', async () => {
    const error = await rejectionOf(request(`${a.url}ping`));
    expect(error.name).toBe('RedirectLoopError');
    expect(error.code).toBe('ERR_WINHTTP_REDIRECT_LOOP');
    expect(error.chain).toEqual([`${a.url}ping`, `${a.url}pong`, `${a.url}ping`]);
    expect(error.message).toBe(`Redirect loop: ${a.url}ping -> ${a.url}pong -> ${a.url}ping`);
    expect(seen.map((hop) => hop.path)).toEqual(['/ping', '/pong']);
  });

  it('where the session keeps cookies, a return to an earlier URL may be legitimate: only maxRedirects bounds it', async () => {
    const session = new Session({ cookies: true, maxRedirects: 5 });
    try {
      const error = await rejectionOf(request(`${a.url}ping`, { session }));
      expect(error.code).toBe('ERR_WINHTTP_TOO_MANY_REDIRECTS');
      expect(seen).toHaveLength(6);
    } finally {
      session.close();
    }
  });
});

describe('Location forms, response.url and response.redirects', () => {
  it.each([
    ['a path', '/p/q', 'p/q'],
    ['a relative path', 'sibling?x=1', 'status/sibling?x=1'],
    ['a parent path', '../up', 'up'],
    ['a query only', '?only=1', 'status/302?only=1'],
  ])('%s (%s) resolves against the URL of the hop', async (_what, location, expected) => {
    const res = await request(`${a.url}status/302?to=${encodeURIComponent(location)}`);
    expect(res.url).toBe(`${a.url}${expected}`);
    expect(res.redirects).toEqual([`${a.url}${expected}`]);
    expect(await res.text()).toBe(`${a.port} GET /${expected}`);
  });

  it('an absolute Location to another origin, then a relative one there: every URL absolute, in order', async () => {
    const res = await request(`${a.url}status/301?to=${encodeURIComponent(`${b.url}status/302?to=/end`)}`);
    expect(res.redirects).toEqual([`${b.url}status/302?to=/end`, `${b.url}end`]);
    expect(res.url).toBe(`${b.url}end`);
    expect(await res.text()).toBe(`${b.port} GET /end`);
  });

  it('a 300 (no redirect the fetch standard follows) is the response, with its body', async () => {
    const res = await request(`${a.url}status/300?to=/elsewhere`);
    expect(res.status).toBe(300);
    expect(res.redirects).toEqual([]);
    expect(await res.text()).toBe('moved 300');
  });

  it('the 3xx body is read and dropped, so its connection serves the next hop', async () => {
    const session = new Session();
    try {
      const res = await request(`${drained.url}status/302?to=/next`, { session });
      expect(await res.text()).toBe(`${drained.port} GET /next`);
      expect(drained.connections).toBe(1);
    } finally {
      session.close();
    }
  });
});

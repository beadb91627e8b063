// Server (401) and proxy (407) authentication through WinHTTP, against loopback servers that check the credentials
// (test/helpers/auth-servers.ts): the strongest offered scheme answered with the credentials given, the body
// replayed byte for byte, wrong credentials ending with the 401/407 after one answer, server credentials kept to
// their origin across a redirect while proxy credentials apply on every hop, and no credential in any error or
// util.inspect output.
import type * as http from 'node:http';
import { inspect } from 'node:util';
import { PassThrough } from 'node:stream';
import { Session, request } from '../../lib';
import { parseCli } from '../../lib/cli/args';
import { runFetch } from '../../lib/cli/fetch-command';
import { rejectionOf } from '../helpers/assertions';
import { basicValue, startBasicProxy, startChallengingServer, type Seen } from '../helpers/auth-servers';
import { closedPort, deterministicBytes, readBody, startHttpsServer, type TestServer } from '../helpers/servers';
import { SUITE_CA } from '../helpers/trusted-ca';
import { itUnlessWine } from '../helpers/wine';

const ALICE = { user: 'alice', password: 'Wonder-land_42' };
const PROXY_USER = { user: 'proxy-user', password: 'Pr0xy:secret' };
// More than the 64 KiB that ride with WinHttpSendRequest: the replay includes WinHttpWriteData calls.
const BODY = deterministicBytes(100 * 1024 + 17, 'replayed after the challenge');

type Challenging = TestServer<http.Server> & { seen: Seen[] };
let origin: Challenging;
let other: Challenging;
let proxy: Challenging;
let session: Session;

beforeAll(async () => {
  origin = await startChallengingServer(ALICE);
  other = await startChallengingServer(ALICE);
  proxy = await startBasicProxy(PROXY_USER);
  session = new Session({ proxy: 'none' });
});
afterAll(async () => {
  session.close();
  await Promise.all([origin.close(), other.close(), proxy.close()]);
});
beforeEach(() => {
  origin.seen.length = 0;
  other.seen.length = 0;
  proxy.seen.length = 0;
});

describe('server (401)', () => {
  it('answers Basic with the credentials and replays every byte of the body', async () => {
    const res = await request(`${origin.url}basic/post`, { method: 'POST', body: BODY, session, credentials: ALICE });
    expect(res.status).toBe(200);
    expect((await res.buffer()).equals(Buffer.concat([Buffer.from('alice POST /basic/post '), BODY]))).toBe(true);
    expect(origin.seen.map((s) => s.authorization)).toEqual([undefined, basicValue(ALICE)]);
    for (const seen of origin.seen) expect(seen.body.equals(BODY)).toBe(true);
  });

  it('returns the 401 after one answer when the password is wrong', async () => {
    const wrong = { user: 'alice', password: 'not-it' };
    const res = await request(`${origin.url}basic/wrong`, { session, credentials: wrong });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('denied');
    expect(origin.seen.map((s) => s.authorization)).toEqual([undefined, basicValue(wrong)]);
  });

  it('returns the 401 as it is without credentials, sending none', async () => {
    const res = await request(`${origin.url}basic/none`, { session });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="winhttp-tests"');
    await res.text();
    expect(origin.seen.map((s) => s.authorization)).toEqual([undefined]);
  });

  it('answers a server that refuses everything once, not in a loop (retry cap)', async () => {
    const res = await request(`${origin.url}always`, { session, credentials: ALICE });
    expect(res.status).toBe(401);
    await res.text();
    expect(origin.seen).toHaveLength(2);
  });

  itUnlessWine('Wine never sends an Authorization header for Digest (docs/wine.md)', 'answers Digest', async () => {
    const res = await request(`${origin.url}digest/page`, { method: 'PUT', body: 'digest body', session, credentials: ALICE });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('alice PUT /digest/page digest body');
    expect(origin.seen).toHaveLength(2);
    expect(origin.seen[1].authorization).toMatch(/^Digest /);
  });

  it("sends request() credentials only to the request URL's origin after a redirect", async () => {
    // Another port of 127.0.0.1 is another origin.
    const res = await request(`${origin.url}redirect?to=${encodeURIComponent(`${other.url}basic/target`)}`, { session, credentials: ALICE });
    expect(res.status).toBe(401);
    await res.text();
    expect(origin.seen.map((s) => s.authorization)).toEqual([undefined, basicValue(ALICE)]);
    expect(other.seen.map((s) => s.authorization)).toEqual([undefined]);
  });

  it("sends a session's credentials to each origin they are keyed by", async () => {
    const scoped = new Session({ proxy: 'none', credentials: {
      [origin.url]: ALICE,
      [other.url]: { user: 'alice', password: ALICE.password },
    } });
    try {
      const res = await request(`${origin.url}redirect?to=${encodeURIComponent(`${other.url}basic/target`)}`, { session: scoped });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('alice GET /basic/target ');
      expect(other.seen.map((s) => s.authorization)).toEqual([undefined, basicValue(ALICE)]);
    } finally {
      scoped.close();
    }
  });
});

describe('proxy (407)', () => {
  const through = (credentials?: typeof PROXY_USER) => new Session({ proxy: { server: `127.0.0.1:${proxy.port}` },
    ...(credentials === undefined ? {} : { proxyCredentials: credentials }) });
  // The target is named "localhost", the proxy "127.0.0.1" (see startBasicProxy).
  const target = (path: string) => `http://localhost:${origin.port}${path}`;

  // What the proxy received: each request either without Proxy-Authorization or with the one given, that one
  // exactly once (answered once, never looped); the body intact on every request; one request forwarded. (After
  // the credentials are set, Wine sends the request once more without them and answers the second 407 itself, so
  // the count of unauthenticated requests is not pinned here.)
  async function expectAnsweredOnce(sent: string, body: Buffer, method: string) {
    const proxied = through(PROXY_USER);
    try {
      const res = await request(target('/open'), { method, body, session: proxied });
      expect(res.status).toBe(200);
      expect((await res.buffer()).equals(Buffer.concat([Buffer.from(`alice ${method} /open `), body]))).toBe(true);
      expect(proxy.seen.map((s) => s.proxyAuthorization).filter((value) => value !== undefined)).toEqual([sent]);
      for (const seen of proxy.seen) expect(seen.body.equals(body)).toBe(true);
      expect(origin.seen.map((s) => [s.path, s.proxyAuthorization, s.body.equals(body)])).toEqual([['/open', undefined, true]]);
    } finally {
      proxied.close();
    }
  }

  it('answers Basic with the proxy credentials and replays a body sent with the request', async () => {
    await expectAnsweredOnce(basicValue(PROXY_USER), BODY.subarray(0, 1000), 'POST');
  });

  itUnlessWine('after a 407, Wine resends the request itself inside WinHttpReceiveResponse, without the body given to ' +
    'WinHttpWriteData, and fails with 12019', 'answers Basic with the proxy credentials and replays a written body', async () => {
    await expectAnsweredOnce(basicValue(PROXY_USER), BODY, 'PUT');
  });

  it('returns the 407 when the proxy password is wrong, having sent it once', async () => {
    const wrong = { user: 'proxy-user', password: 'wrong' };
    const proxied = through(wrong);
    try {
      const res = await request(target('/open'), { session: proxied });
      expect(res.status).toBe(407);
      expect(await res.text()).toBe('denied');
      expect(proxy.seen.map((s) => s.proxyAuthorization).filter((value) => value !== undefined)).toEqual([basicValue(wrong)]);
      expect(origin.seen).toEqual([]);
    } finally {
      proxied.close();
    }
  });

  itUnlessWine('on a 407 to CONNECT, Wine ignores the status and fails with 12157 (docs/wine.md)',
    'answers a 407 to CONNECT for an https target', async () => {
      const secure = await startHttpsServer((req, res) => void readBody(req).then(({ bytes }) => {
        res.writeHead(200, { 'Content-Length': bytes.length + 3 }).end(Buffer.concat([Buffer.from('tls'), bytes]));
      }), SUITE_CA);
      const proxied = through(PROXY_USER);
      try {
        const res = await request(`https://localhost:${secure.port}/`, { method: 'POST', body: 'through a tunnel', session: proxied });
        expect(res.status).toBe(200);
        expect(await res.text()).toBe('tlsthrough a tunnel');
        expect(proxy.seen.map((s) => [s.method, s.path, s.proxyAuthorization])).toEqual([
          ['CONNECT', `localhost:${secure.port}`, undefined],
          ['CONNECT', `localhost:${secure.port}`, basicValue(PROXY_USER)],
        ]);
      } finally {
        proxied.close();
        await secure.close();
      }
    });

  it('returns the 407 without proxy credentials, sending none', async () => {
    const proxied = through();
    try {
      const res = await request(target('/open'), { session: proxied });
      expect(res.status).toBe(407);
      await res.text();
      expect(proxy.seen.map((s) => s.proxyAuthorization)).toEqual([undefined]);
    } finally {
      proxied.close();
    }
  });

  it('keeps proxy credentials on every hop of a redirect, server credentials on their origin', async () => {
    const proxied = through(PROXY_USER);
    try {
      const to = `http://localhost:${other.port}/basic/next`;
      const first = target(`/redirect?to=${encodeURIComponent(to)}`);
      const res = await request(first, { session: proxied, credentials: ALICE });
      // The second origin challenged: its 401 comes back, ALICE's credentials were not sent there.
      expect(res.status).toBe(401);
      await res.text();
      // What the proxy forwarded (it forwards only authenticated requests): both hops, each through the proxy.
      const forwarded = proxy.seen.filter((s) => s.proxyAuthorization === basicValue(PROXY_USER)).map((s) => s.path);
      expect(forwarded).toEqual([first, first, to]);
      expect(origin.seen.map((s) => s.authorization)).toEqual([undefined, basicValue(ALICE)]);
      expect(other.seen.map((s) => s.authorization)).toEqual([undefined]);
    } finally {
      proxied.close();
    }
  });
});

describe('credentials never shown', () => {
  it('not in util.inspect of a session, nor in the errors of a request that carried them', async () => {
    const secretive = new Session({ proxy: 'none', credentials: { [origin.url]: ALICE }, proxyCredentials: PROXY_USER });
    try {
      const port = await closedPort();
      const error = await rejectionOf(request(`http://127.0.0.1:${port}/`, { session: secretive, credentials: ALICE, proxyCredentials: PROXY_USER }));
      const shown = [inspect(secretive, { depth: 10, showHidden: true }), JSON.stringify(secretive), inspect(error, { depth: 10 }),
        String(error.stack), error.message].join('\n');
      for (const secret of [ALICE.password, PROXY_USER.password, PROXY_USER.user]) expect(shown).not.toContain(secret);
    } finally {
      secretive.close();
    }
  });

  it('not in the TypeError for malformed credentials', async () => {
    const error = await rejectionOf(request(origin.url, { session, credentials: { user: 'alice', password: 'Hidden-1', extra: 'Hidden-2' } as never }));
    expect(error.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(error.message).toMatch(/"credentials" argument has unknown keys "extra"/);
    expect(`${error.message}${inspect(error)}`).not.toMatch(/Hidden-/);
  });
});

describe('the winhttp command', () => {
  async function run(...argv: string[]): Promise<string> {
    const options = parseCli(argv);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    await runFetch(options.url!, options, out);
    return Buffer.concat(chunks).toString('latin1');
  }

  it('answers a 401 with --user, printing the response and never the credentials', async () => {
    const output = await run('--proxy', 'none', '-u', `${ALICE.user}:${ALICE.password}`, `${origin.url}basic/cli`);
    expect(output).toMatch(/^HTTP\/1\.1 200 OK\n/);
    expect(output.endsWith('\n\nalice GET /basic/cli ')).toBe(true);
    expect(output).not.toContain(ALICE.password);
    expect(output).not.toContain(basicValue(ALICE).slice(6));
    expect(origin.seen.map((s) => s.authorization)).toEqual([undefined, basicValue(ALICE)]);
  });

  it('answers a 407 with --proxy-user', async () => {
    const output = await run('--proxy', `127.0.0.1:${proxy.port}`, '-U', `${PROXY_USER.user}:${PROXY_USER.password}`,
      `http://localhost:${origin.port}/cli`);
    expect(output).toMatch(/^HTTP\/1\.1 200 OK\n/);
    expect(output).not.toContain(PROXY_USER.password);
    expect(origin.seen.map((s) => s.path)).toEqual(['/cli']);
  });
});

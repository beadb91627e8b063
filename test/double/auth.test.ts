// 401/407 challenges against the contract double (test/double/native/double_auth.cc), which answers as the WinHTTP
// reference describes: WinHttpQueryAuthSchemes reports the scheme bits, the first scheme and the target; the scheme
// given to WinHttpSetCredentials must be one of those; the request is sent again on the same handle, its optional
// data read again. The trace lists what each target received per response, so a test sees every credential sent.
import { inspect } from 'node:util';
import { BodyNotReplayableError, InvalidStateError, Session, request } from '../../lib';
import { contractDouble, finishedTrace, useContractDouble, type ChallengeScript, type Completion } from './helpers/contract-double';

const pattern = (length: number): Buffer => Buffer.from(Array.from({ length }, (_, i) => (i * 31 + (i >> 8)) & 0xff));
const ALICE = { user: 'alice', password: 's3cret-Pa55' };
const server = (schemes: ChallengeScript['schemes'], extra: Partial<ChallengeScript> = {}): ChallengeScript =>
  ({ target: 'server', schemes, user: 'alice', password: 's3cret-Pa55', ...extra });

// Before useContractDouble(): the session is closed before its release check runs.
let session: Session;
beforeEach(() => {
  session = new Session({ proxy: 'none' });
});
afterEach(() => session.close());
useContractDouble();

describe.each(['pool', 'sync', 'random'] as Completion[])('completions %s', (completion) => {
  it('answers a 401 with the credentials and replays every byte of a POST body', async () => {
    // More than the 64 KiB that ride with WinHttpSendRequest, so writes are replayed too.
    const body = pattern(64 * 1024 + 4321);
    contractDouble().setScenario({ completion, routes: { '/post': { body: 'welcome', challenges: [server(['Basic'])] } } });
    const res = await request('http://double.test/post', { method: 'POST', body, session, credentials: ALICE });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('welcome');
    const trace = await finishedTrace('/post');
    expect(trace.credentials).toEqual(['server Basic alice:s3cret-Pa55']);
    // Sent twice on the same handle: without credentials, then with them; the body both times, byte for byte.
    expect(trace.received.equals(Buffer.concat([body, body]))).toBe(true);
    // The headers were added once to the handle, not again for the resend.
    expect(trace.headerLines.filter((line) => line.startsWith('Content-Length:'))).toEqual([`Content-Length: ${body.length}`]);
    expect(new Set(trace.headerLines).size).toBe(trace.headerLines.length);
  });
});

it.each([
  [['Basic', 'Digest', 'NTLM', 'Negotiate'], 'Negotiate'],
  [['Basic', 'NTLM', 'Digest'], 'NTLM'],
  [['Basic', 'Digest'], 'Digest'],
  [['Basic'], 'Basic'],
] as [ChallengeScript['schemes'], string][])('chooses the strongest of %j: %s', async (schemes, chosen) => {
  contractDouble().setScenario({ routes: { '/s': { body: 'ok', challenges: [server(schemes)] } } });
  const res = await request('http://double.test/s', { session, credentials: ALICE });
  expect(res.status).toBe(200);
  await res.text();
  expect((await finishedTrace('/s')).credentials).toEqual([`server ${chosen} alice:s3cret-Pa55`]);
});

it('returns the 401 after one refused answer, never looping (retry cap)', async () => {
  contractDouble().setScenario({ routes: { '/wrong': { body: 'ok', challenges: [server(['Basic'])] } } });
  const res = await request('http://double.test/wrong', { session, credentials: { user: 'alice', password: 'nope' } });
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toBe('Basic realm="double"');
  expect(await res.text()).toBe('denied');
  const trace = await finishedTrace('/wrong');
  // Two responses: the first challenge (nothing sent), the second with the wrong password; no third send.
  expect(trace.credentials).toEqual(['server Basic alice:nope']);
});

it('returns the 401 as it is when no credentials are given', async () => {
  contractDouble().setScenario({ routes: { '/none': { challenges: [server(['Negotiate', 'NTLM'], { loggedOnUser: true })] } } });
  const res = await request('http://double.test/none', { session });
  expect(res.status).toBe(401);
  await res.text();
  // Autologon policy HIGH: WinHTTP did not answer Negotiate with the logged-on user's credentials by itself.
  expect((await finishedTrace('/none')).credentials).toEqual([]);
});

it("never lets WinHTTP send the logged-on user's credentials to a proxy unasked (its default policy would)", async () => {
  // WinHTTP's default autologon policy (MEDIUM) answers a proxy's NTLM/Negotiate by itself; the library sets HIGH.
  contractDouble().setScenario({ routes: { '/proxied': { challenges: [
    { target: 'proxy', schemes: ['Negotiate', 'NTLM'], loggedOnUser: true },
  ] } } });
  const res = await request('http://double.test/proxied', { session });
  expect(res.status).toBe(407);
  await res.text();
  expect((await finishedTrace('/proxied')).credentials).toEqual([]);
});

it('regression: a resend (12032) added the request headers to the handle a second time', async () => {
  contractDouble().setScenario({ routes: { '/again': { resends: 1, body: 'ok' } } });
  const res = await request('http://double.test/again', { session, headers: { 'X-Once': '1' } });
  expect(await res.text()).toBe('ok');
  expect((await finishedTrace('/again')).headerLines).toEqual(['X-Once: 1']);
});

it("uses the logged-on user's credentials only when asked ('default'), and only for Negotiate/NTLM", async () => {
  contractDouble().setScenario({ routes: {
    '/sso': { body: 'hi', challenges: [server(['Basic', 'Negotiate'], { loggedOnUser: true })] },
    '/basic-only': { challenges: [server(['Basic'], { loggedOnUser: true })] },
  } });
  const res = await request('http://double.test/sso', { session, credentials: 'default' });
  expect(res.status).toBe(200);
  await res.text();
  expect((await finishedTrace('/sso')).credentials).toEqual(['server Negotiate (logged-on user)']);
  const basic = await request('http://double.test/basic-only', { session, credentials: 'default' });
  expect(basic.status).toBe(401);
  await basic.text();
  expect((await finishedTrace('/basic-only')).credentials).toEqual([]);
});

it('answers the proxy (407), then the server (401), each once, on the same handle', async () => {
  const both = new Session({ proxy: 'none', proxyCredentials: { user: 'proxyuser', password: 'pw', domain: 'CORP' } });
  try {
    contractDouble().setScenario({ routes: { '/both': { body: 'through', challenges: [
      { target: 'proxy', schemes: ['Basic', 'NTLM'], user: 'proxyuser', password: 'pw', domain: 'CORP' },
      server(['Digest']),
    ] } } });
    const res = await request('http://double.test/both', { session: both, credentials: ALICE, method: 'PUT', body: 'x1' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('through');
    const trace = await finishedTrace('/both');
    expect(trace.credentials).toEqual([
      'proxy NTLM CORP\\proxyuser:pw',
      'proxy NTLM CORP\\proxyuser:pw', 'server Digest alice:s3cret-Pa55',
    ]);
    expect(trace.received.toString()).toBe('x1x1x1');
  } finally {
    both.close();
  }
});

it('ends with BodyNotReplayableError when a streamed body would have to be sent again', async () => {
  contractDouble().setScenario({ routes: { '/stream': { challenges: [server(['Basic'])] } } });
  async function* chunks() {
    yield Buffer.from('part one,');
    yield Buffer.from('part two');
  }
  const error = await request('http://double.test/stream', { method: 'POST', body: chunks(), contentLength: 17, session, credentials: ALICE })
    .then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(BodyNotReplayableError);
  expect((error as BodyNotReplayableError).status).toBe(401);
  expect((await finishedTrace('/stream')).received.toString()).toBe('part one,part two');
});

describe('credential scoping across a redirect', () => {
  it("sends request() credentials only to the request URL's origin; proxy credentials on every hop", async () => {
    contractDouble().setScenario({ routes: {
      '/start': { redirects: [{ status: 302, location: 'http://other.test/landing' }],
        challenges: [server(['Basic']), { target: 'proxy', schemes: ['Basic'], user: 'p', password: 'q' }] },
      '/landing': { body: 'landed', challenges: [{ target: 'proxy', schemes: ['Basic'], user: 'p', password: 'q' }, server(['Basic'])] },
    } });
    const res = await request('http://double.test/start', { session, credentials: ALICE, proxyCredentials: { user: 'p', password: 'q' } });
    // The second origin challenged too: its 401 comes back, the credentials were not sent there.
    expect(res.status).toBe(401);
    await res.text();
    expect((await finishedTrace('/start')).credentials).toEqual([
      'server Basic alice:s3cret-Pa55',
      'proxy Basic p:q', 'server Basic alice:s3cret-Pa55',
    ]);
    expect((await finishedTrace('/landing')).credentials).toEqual(['proxy Basic p:q']);
  });

  it("sends a session's credentials to the origins they are keyed by", async () => {
    const scoped = new Session({ proxy: 'none', credentials: { 'http://other.test': { user: 'bob', password: 'b0b' } } });
    try {
      contractDouble().setScenario({ routes: {
        '/from': { redirects: [{ status: 307, location: 'http://other.test/to' }] },
        '/to': { body: 'bob here', challenges: [server(['Basic'], { user: 'bob', password: 'b0b' })] },
      } });
      const res = await request('http://double.test/from', { session: scoped });
      expect(await res.text()).toBe('bob here');
      expect((await finishedTrace('/to')).credentials).toEqual(['server Basic bob:b0b']);
    } finally {
      scoped.close();
    }
  });
});

it('never shows credentials in util.inspect of a session, or in errors about them', async () => {
  const secretive = new Session({ proxy: 'none', credentials: { 'http://double.test': ALICE }, proxyCredentials: { user: 'pu', password: 'proxy-Secret' } });
  try {
    const shown = inspect(secretive, { depth: 10, showHidden: true }) + JSON.stringify(secretive) + String(secretive.credentials);
    expect(shown).not.toMatch(/s3cret-Pa55|proxy-Secret|alice|\bpu\b/);
    expect(shown).toMatch(/\[credentials redacted\]/);
  } finally {
    secretive.close();
  }
});

describe('the low-level Request', () => {
  it('reports the offered scheme bits, the first scheme and the target (WinHttpQueryAuthSchemes)', async () => {
    contractDouble().setScenario({ routes: {
      '/server': { challenges: [server(['Digest', 'Basic', 'Negotiate'])] },
      '/proxy': { challenges: [{ target: 'proxy', schemes: ['NTLM', 'Basic'] }] },
    } });
    const connection = session.connect('double.test', 80);
    for (const [path, expected] of [
      ['/server', { supported: 0x8 | 0x1 | 0x10, first: 0x8, target: 0 }],
      ['/proxy', { supported: 0x2 | 0x1, first: 0x2, target: 1 }],
    ] as const) {
      const req = connection.openRequest('GET', path);
      await req.send();
      expect((await req.receiveResponse()).status).toBe(path === '/proxy' ? 407 : 401);
      expect(req.queryAuthSchemes()).toEqual(expected);
      req.close();
    }
    connection.close();
  });

  it('refuses queryAuthSchemes() and setCredentials() on a response that is no challenge', async () => {
    contractDouble().setScenario({ routes: { '/ok': { body: 'fine' } } });
    const connection = session.connect('double.test', 80);
    const req = connection.openRequest('GET', '/ok');
    await req.send();
    expect((await req.receiveResponse()).status).toBe(200);
    expect(() => req.queryAuthSchemes()).toThrow(InvalidStateError);
    expect(() => req.setCredentials(0, 1, { user: 'a', password: 'b' })).toThrow(InvalidStateError);
    req.close();
    connection.close();
  });
});

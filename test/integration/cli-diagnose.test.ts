// `winhttp diagnose URL` against the loopback servers of the proxy, PAC, TLS and auth suites: what it reports must be
// what happened (the proxy named and its log showing the request, the PAC file's decision, the certificate the server
// presented and whether the Windows store trusts it, the schemes the server offered and the one it received, each
// redirect, the status), in text and in JSON, with the exit code of its outcome and never a credential.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type * as http from 'node:http';
import { runDiagnose } from '../../lib/cli/diagnose-command';
import type { Diagnosis } from '../../lib/cli/diagnose-model';
import { EXIT } from '../../lib/cli/exit-codes';
import { basicValue, startBasicProxy, startChallengingServer, type Seen } from '../helpers/auth-servers';
import { TextSink } from '../helpers/cli-run';
import { type TestServer, closedPort, startHttpServer, startHttpsServer } from '../helpers/servers';
import { testCertPath, testServerCertificate } from '../helpers/tls-certs';
import { SUITE_CA, UNTRUSTED_CA, expectSuiteCaTrusted } from '../helpers/trusted-ca';
import { type Tinyproxy, answerViaProxyPac, startTinyproxy, tinyproxyRunnable } from '../helpers/tinyproxy';
import { itUnlessWine, onWine } from '../helpers/wine';

const USER = { user: 'alice-7Kq', password: 'pw-9f8Qz!x' };
const PROXY_USER = { user: 'proxy-bob-3Rt', password: 'pp-Y2m#44' };
const WINE_NO_FLAGS = 'Wine reports TLS failures as 12157 without the SECURE_FAILURE notification and its reason flags';
const REQUEST_PROXY_IGNORED = 'Wine accepts WINHTTP_OPTION_PROXY on a request handle and ignores it';
const ALL_RELAXATIONS = ['dangerouslyAcceptUnknownCa', 'dangerouslyAcceptWrongHostName', 'dangerouslyAcceptExpiredCertificate',
  'dangerouslyAcceptWrongUsage'];

type Servers = {
  target: TestServer<http.Server> & { seen: Seen[] };
  other: TestServer<http.Server> & { seen: Seen[] };
  authProxy: TestServer<http.Server> & { seen: Seen[] };
  trusted: TestServer;
  untrusted: TestServer;
  extra: TestServer;
};
const s = {} as Servers;

async function diagnose(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new TextSink();
  const err = new TextSink();
  const code = await runDiagnose(args, out, err);
  return { code, out: out.text, err: err.text };
}

async function diagnosis(args: string[]): Promise<Diagnosis> {
  const run = await diagnose([...args, '--json']);
  const parsed = JSON.parse(run.out) as Diagnosis;
  expect(run.code).toBe(parsed.exitCode);
  return parsed;
}

const answer: http.RequestListener = (_req, res) => res.writeHead(200, { 'Content-Length': 2 }).end('ok');
const x509 = (pem: Buffer | string) => new X509Certificate(pem);
// "CN=a\nO=b" as diagnose prints it: "CN=a, O=b", RFC 4514 escapes undone as in getPeerCertificate().
const dn = (text: string) => text.split('\n').map((part) => part.replace(/\\(.)/g, '$1')).join(', ');
// What diagnose should show of a certificate, from node:crypto's own reading of the PEM the server was given.
const summary = (c: X509Certificate) => ({
  subject: dn(c.subject), issuer: dn(c.issuer), ...(c.subjectAltName === undefined ? {} : { subjectAltName: c.subjectAltName }),
  validFrom: new Date(c.validFrom).toISOString(), validTo: new Date(c.validTo).toISOString(),
  serialNumber: c.serialNumber.toUpperCase(), fingerprint256: c.fingerprint256,
});

beforeAll(async () => {
  expectSuiteCaTrusted();
  s.target = await startChallengingServer(USER);
  s.other = await startChallengingServer(USER);
  s.authProxy = await startBasicProxy(PROXY_USER);
  s.trusted = await startHttpsServer(answer, { cert: Buffer.concat([SUITE_CA.cert, readFileSync(SUITE_CA.caFile)]), key: SUITE_CA.key });
  s.untrusted = await startHttpsServer(answer, UNTRUSTED_CA);
  s.extra = await startHttpsServer(answer, testServerCertificate('extra-server'));
});

afterAll(async () => {
  await Promise.all(Object.values(s).map((server) => server?.close()));
});

describe('TLS', () => {
  it('shows the chain the server presented and that the Windows store trusts it', async () => {
    const d = await diagnosis(['--proxy', 'none', `${s.trusted.url}tls`]);
    const leaf = x509(SUITE_CA.cert);
    const ca = x509(readFileSync(SUITE_CA.caFile));
    expect(d.exitCode).toBe(EXIT.OK);
    expect(d.hops).toHaveLength(1);
    const [hop] = d.hops;
    expect(hop.tls).toEqual({
      verdict: 'trusted', trustedBy: 'store',
      relaxed: [],
      chain: [summary(leaf), summary(ca)],
    });
    expect([hop.status, hop.route, d.final]).toEqual([200, `direct to localhost:${s.trusted.port}`,
      { url: `${s.trusted.url}tls`, status: 200, statusText: 'OK' }]);
    expect(hop.timings?.firstByte).toEqual(expect.any(Number));
    expect(hop.timings?.headers).toEqual(expect.any(Number));

    const text = (await diagnose(['--proxy', 'none', `${s.trusted.url}tls`])).out;
    expect(text).toContain('\n  TLS:      trusted: the chain verified against the Windows certificate store\n' +
      `    [0] subject ${dn(leaf.subject)}\n        issuer  ${dn(leaf.issuer)}\n`);
    expect(text).toContain(`        SHA-256 ${leaf.fingerprint256}\n    [1] subject ${dn(ca.subject)}\n`);
    expect(text).toContain(`\nResult: 200 OK from ${s.trusted.url}tls after 0 redirects\nExit code: 0\n`);
  });

  it('says the store refuses an untrusted chain, shows it read under labelled relaxations, and exits with the TLS code', async () => {
    const d = await diagnosis(['--proxy', 'none', `${s.untrusted.url}refused`]);
    expect(d.exitCode).toBe(EXIT.TLS);
    expect(d.final).toBeUndefined();
    const tls = d.hops[0].tls!;
    expect(tls.verdict).toBe('refused');
    expect(tls.chain.map((c) => c.fingerprint256)).toEqual([x509(UNTRUSTED_CA.cert).fingerprint256]);
    // The chain is read with the relaxations for the reasons WinHTTP gave, or all four where it gave none.
    expect(tls.chainReadWith).toEqual(tls.error?.reasons === undefined ? ALL_RELAXATIONS : ['dangerouslyAcceptUnknownCa']);
    expect(d.error).toEqual(tls.error);
    expect(d.error?.hint).toEqual(expect.any(String));

    const run = await diagnose(['--proxy', 'none', `${s.untrusted.url}refused`]);
    expect(run.code).toBe(EXIT.TLS);
    expect(run.out).toContain('\n  TLS:      NOT trusted: WinHttpError (ERROR_WINHTTP_SECURE');
    expect(run.out).toMatch(/\n {12}the chain below was read by a second request with --dangerously-accept-[a-z-]+.*, ONLY to show it;\n {12}it is not trusted/);
    expect(run.out).toContain(`\nhint: ${d.error!.hint}\nExit code: 7\n`);
  });

  it('--ca: a server whose CA is in no store is trusted against those roots only, and says so; the store\'s CA is then refused', async () => {
    const ca = ['--ca', testCertPath('extra-ca.pem')];
    const d = await diagnosis(['--proxy', 'none', ...ca, `${s.extra.url}ca`]);
    expect(d.hops[0].tls).toMatchObject({ verdict: 'trusted', trustedBy: 'ca', relaxed: [] });
    expect(d.hops[0].tls!.chain[0]).toEqual(summary(x509(testServerCertificate('extra-server').cert)));
    expect([d.final?.status, d.exitCode]).toEqual([200, EXIT.OK]);
    const text = (await diagnose(['--proxy', 'none', ...ca, `${s.extra.url}ca`])).out;
    expect(text).toContain('\n  TLS:      trusted: the chain verified against the roots given with --ca (only those)\n');
    // The suite CA is in LocalMachine\Root, but --ca replaces the store's roots.
    const refused = await diagnosis(['--proxy', 'none', ...ca, `${s.trusted.url}ca`]);
    expect([refused.exitCode, refused.hops[0].tls?.verdict, refused.hops[0].tls?.trustedBy]).toEqual([EXIT.TLS, 'refused', 'ca']);
  });

  it('with the relaxation named on the command line: accepted, not trusted, and says which flag did it', async () => {
    const d = await diagnosis(['--proxy', 'none', '--dangerously-accept-unknown-ca', `${s.untrusted.url}accepted`]);
    expect(d.hops[0].tls).toEqual({ verdict: 'accepted', trustedBy: 'store', relaxed: ['dangerouslyAcceptUnknownCa'], chain: [summary(x509(UNTRUSTED_CA.cert))] });
    expect([d.final?.status, d.exitCode]).toEqual([200, EXIT.OK]);
    const text = (await diagnose(['--proxy', 'none', '--dangerously-accept-unknown-ca', `${s.untrusted.url}accepted`])).out;
    expect(text).toContain('\n  TLS:      accepted with --dangerously-accept-unknown-ca (not verified strictly)\n');
  });

  itUnlessWine(WINE_NO_FLAGS, 'gives the reason WinHTTP reported and the one flag that accepts it', async () => {
    const d = await diagnosis(['--proxy', 'none', `${s.untrusted.url}reason`]);
    expect(d.error).toMatchObject({ code: 'ERROR_WINHTTP_SECURE_FAILURE', reasons: ['invalid-ca'] });
    expect(d.error?.hint).toMatch(/--dangerously-accept-unknown-ca$/);
    expect(d.hops[0].tls?.chainReadWith).toEqual(['dangerouslyAcceptUnknownCa']);
  });
});

describe('authentication and redirects', () => {
  it('reports the scheme offered and the one answered with, which the server received', async () => {
    const before = s.target.seen.length;
    const d = await diagnosis(['--proxy', 'none', '-u', `${USER.user}:${USER.password}`, `${s.target.url}basic/diag`]);
    expect(d.hops[0].auth).toEqual([{ target: 'server', challenges: ['Basic realm="winhttp-tests"'], offered: ['Basic'], used: 'Basic',
      why: 'the strongest offered scheme a user and password may answer', statusAfter: 200 }]);
    expect(d.final?.status).toBe(200);
    // The probe without credentials, then the request with them: sent once more after the server's 401.
    expect(s.target.seen.slice(before).map((seen) => seen.authorization)).toEqual([undefined, undefined, basicValue(USER)]);
  });

  itUnlessWine('Wine never sends an Authorization header for Digest (docs/wine.md)', 'answers Digest where it is offered (the server checked the response)', async () => {
    const before = s.target.seen.length;
    const d = await diagnosis(['--proxy', 'none', '-u', `${USER.user}:${USER.password}`, `${s.target.url}digest/diag`]);
    expect(d.hops[0].auth).toMatchObject([{ target: 'server', offered: ['Digest'], used: 'Digest', statusAfter: 200 }]);
    expect(s.target.seen.slice(before).map((seen) => seen.authorization?.split(' ')[0])).toEqual([undefined, undefined, 'Digest']);
  });

  it('without credentials says the challenge was not answered and why, and the 401 is the result', async () => {
    const d = await diagnosis(['--proxy', 'none', `${s.target.url}basic/none`]);
    expect(d.hops[0].auth).toEqual([{ target: 'server', challenges: ['Basic realm="winhttp-tests"'], offered: ['Basic'], used: null,
      why: 'no server credentials were given (--user, --ntlm)' }]);
    expect([d.final?.status, d.exitCode]).toEqual([401, EXIT.OK]);
  });

  it('lists each redirect hop, and sends server credentials to the starting origin only', async () => {
    const next = `${s.other.url}basic/landing`;
    const start = `${s.target.url}redirect?to=${encodeURIComponent(next)}`;
    const before = s.other.seen.length;
    const d = await diagnosis(['--proxy', 'none', '-u', `${USER.user}:${USER.password}`, start]);
    expect(d.hops.map((hop) => [hop.url, hop.status, hop.location, hop.auth.map((a) => a.used)]))
      .toEqual([[start, 302, next, ['Basic']], [next, 401, undefined, [null]]]);
    expect(d.hops[1].auth[0].why).toBe(`server credentials go to ${new URL(start).origin} only`);
    expect(d.final).toEqual({ url: next, status: 401, statusText: 'Unauthorized' });
    expect(s.other.seen.slice(before).map((seen) => seen.authorization)).toEqual([undefined]);

    const text = (await diagnose(['--proxy', 'none', '-u', `${USER.user}:${USER.password}`, start])).out;
    expect(text).toContain(`\nHop 1: GET ${start}\n`);
    expect(text).toContain(`  status:   302 Found (HTTP/1.1), Location: ${next}\n\nHop 2: GET ${next}\n`);
    expect(text).toContain(`\nResult: 401 Unauthorized from ${next} after 1 redirect\n`);
  });

  it('never prints a credential, plain or base64, in text or JSON, while both were used', async () => {
    const args = ['--proxy', `127.0.0.1:${s.authProxy.port}`, '-u', `${USER.user}:${USER.password}`,
      '--proxy-user', `${PROXY_USER.user}:${PROXY_USER.password}`, `http://localhost:${s.target.port}/basic/secret`];
    const before = s.authProxy.seen.length;
    const runs = [await diagnose(args), await diagnose([...args, '--json'])];
    const d = JSON.parse(runs[1].out) as Diagnosis;
    expect(d.hops[0].auth.map((a) => [a.target, a.offered, a.used, a.statusAfter]))
      .toEqual([['proxy', ['Basic'], 'Basic', 401], ['server', ['Basic'], 'Basic', 200]]);
    expect(d.credentials).toEqual({ server: 'user and password', proxy: 'user and password' });
    expect(s.authProxy.seen.slice(before).some((seen) => seen.proxyAuthorization === basicValue(PROXY_USER))).toBe(true);
    const secrets = [USER, PROXY_USER].flatMap(({ user, password }) => {
      const pair = `${user}:${password}`;
      return [user, password, pair, encodeURIComponent(password),
        ...[pair, password, user].flatMap((text) => [Buffer.from(text).toString('base64'), Buffer.from(text).toString('base64url')])];
    });
    for (const run of runs) {
      const printed = run.out + run.err;
      expect(secrets.filter((secret) => printed.includes(secret))).toEqual([]);
    }
  });
});

describe('exit codes', () => {
  it('a closed port: the connect code, the WinHttpError code and its hint', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const run = await diagnose(['--proxy', 'none', url]);
    expect(run.code).toBe(EXIT.CONNECT);
    expect(run.out).toMatch(/\nResult: failed: WinHttpError \(ERROR_WINHTTP_CANNOT_CONNECT, 12029, WinHttpSendRequest\): .*\nhint: nothing accepted the connection: check the host name and port, .*\nExit code: 4\n$/);
  });

  it('bad options are usage errors, an invalid url is the url code', async () => {
    expect((await diagnose(['--no-such-option', 'http://127.0.0.1:9/'])).code).toBe(EXIT.USAGE);
    expect((await diagnose(['--proxy', 'socks5://127.0.0.1:9', 'http://127.0.0.1:9/'])).code).toBe(EXIT.USAGE);
    expect((await diagnose(['ftp://127.0.0.1/'])).code).toBe(EXIT.URL);
  });
});

(tinyproxyRunnable ? describe : describe.skip)('through tinyproxy and a PAC file', () => {
  let proxy: Tinyproxy;
  let pac: TestServer<http.Server>;
  const pacUrl = () => `${pac.url}proxy.pac`;
  const api = onWine ? 'WinHttpGetProxyForUrl' : 'WinHttpGetProxyForUrlEx';

  beforeAll(async () => {
    proxy = await startTinyproxy();
    pac = await startHttpServer((_req, res) => {
      answerViaProxyPac(proxy, res);
    });
  });
  afterAll(async () => {
    await pac?.close();
    await proxy?.close();
  });

  it('names the static proxy, the route through it, and the request went through it (its log)', async () => {
    const url = `http://localhost:${s.target.port}/plain/static`;
    const d = await diagnosis(['--proxy', proxy.address, url]);
    expect(d.hops[0].proxy).toEqual({ proxy: proxy.address, bypass: null, source: 'static', reason: 'the proxy option' });
    expect(d.hops[0].route).toBe(`through the proxy ${proxy.address} (absolute-form request)`);
    expect(d.final).toEqual({ url, status: 200, statusText: 'OK' });
    expect(proxy.requests()).toContain(`GET ${url} HTTP/1.1`);
    const text = (await diagnose(['--proxy', proxy.address, url])).out;
    expect(text).toContain(`\n  proxy:    PROXY ${proxy.address} (source: static): the proxy option\n` +
      `  route:    through the proxy ${proxy.address} (absolute-form request)\n`);
  });

  it("reports the PAC file's decision for each URL", async () => {
    const via = `http://localhost:${s.target.port}/via-proxy/diag`;
    const direct = `http://localhost:${s.target.port}/elsewhere`;
    const [viaD, directD] = [await diagnosis(['--pac', pacUrl(), via]), await diagnosis(['--pac', pacUrl(), direct])];
    expect(viaD.proxyOption).toEqual({ pac: pacUrl() });
    expect(viaD.hops[0].proxy).toEqual({ proxy: proxy.address, bypass: null, source: 'pac', api, reason: `the PAC file ${pacUrl()}` });
    expect(viaD.hops[0].route).toBe(`through the proxy ${proxy.address} (absolute-form request)`);
    expect(directD.hops[0].proxy).toEqual({ proxy: null, bypass: null, source: 'pac', api, reason: `the PAC file ${pacUrl()}` });
    expect(directD.hops[0].route).toBe(`direct to localhost:${s.target.port}`);
    const text = (await diagnose(['--pac', pacUrl(), via])).out;
    expect(text).toContain(`\n  proxy:    PROXY ${proxy.address} (source: pac, ${api}): the PAC file ${pacUrl()}\n`);
  });

  itUnlessWine(REQUEST_PROXY_IGNORED, 'the requests took the path the PAC file chose (the proxy log)', async () => {
    const via = `http://localhost:${s.target.port}/via-proxy/logged`;
    const direct = `http://localhost:${s.target.port}/direct-logged`;
    expect((await diagnosis(['--pac', pacUrl(), via])).final?.status).toBe(200);
    expect((await diagnosis(['--pac', pacUrl(), direct])).final?.status).toBe(200);
    expect(proxy.requests()).toContain(`GET ${via} HTTP/1.1`);
    expect(proxy.requests()).not.toContain(`GET ${direct} HTTP/1.1`);
  });

  it('a PAC file that cannot be downloaded: the proxy exit code, the error and its hint', async () => {
    const unreachable = `http://127.0.0.1:${await closedPort()}/proxy.pac`;
    const d = await diagnosis(['--pac', unreachable, `http://localhost:${s.target.port}/x`]);
    expect(d.hops[0].proxy).toMatchObject({ error: { code: 'ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT', errno: 12167 } });
    expect(d.error).toMatchObject({ code: 'ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT', hint: expect.stringMatching(/^the proxy auto-configuration failed/) });
    expect(d.exitCode).toBe(EXIT.PROXY);
  });
});

// tls.ca against the contract double: the session's roots are checked natively at SENDING_REQUEST with the chain
// engine (an engine of exclusive roots where CertCreateCertificateChainEngine takes the Windows 8 configuration, the
// default engine with the roots as an additional store where it refuses it with E_INVALIDARG), `ca` trusts exactly
// what it names (a root the Windows store trusts but `ca` does not name is refused), name, dates and usage still fail
// each with its reason, a refused request sends no byte, and every engine, chain, store and context is freed.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Session, WinHttpError, request } from '../../lib';
import { sessionsClosedAfterEach } from './helpers/sessions';
import { STATUS, contractDouble, finishedTrace, useContractDouble } from './helpers/contract-double';

const TLS = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tls');
const pem = (file: string) => readFileSync(path.join(TLS, file));
const der = (file: string) => Buffer.from(new X509Certificate(pem(file)).raw);
// Two CAs and a localhost certificate each signed; the double reads them as opaque bytes.
const caA = der('suite-trusted/ca.pem');
const serverA = der('suite-trusted/server.pem');
const caB = der('ca.pem');
const serverB = der('server.pem');

const CERT_TRUST_IS_NOT_TIME_VALID = 0x1;
const CERT_TRUST_IS_NOT_VALID_FOR_USAGE = 0x10;

const session = sessionsClosedAfterEach();
useContractDouble();

function chains(options: { exclusiveRootRefused?: boolean; names?: string[]; errors?: number } = {}) {
  const names = options.names ?? ['localhost'];
  contractDouble().setChainEngine({
    certificates: [
      { der: serverA, issuer: caA, names, errors: options.errors },
      { der: caA },
      { der: serverB, issuer: caB, names },
      { der: caB },
    ],
    // The Windows store trusts A.
    machineRoots: [caA],
    exclusiveRootRefused: options.exclusiveRootRefused,
  });
}

function serve(leaf: Buffer, routePath = '/', extra: Record<string, unknown> = {}) {
  contractDouble().setScenario({ trace: true, routes: { [routePath]: { body: 'ok', serverCertificates: [leaf], ...extra } } });
}

async function failure(promise: Promise<unknown>): Promise<WinHttpError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WinHttpError);
  return error as WinHttpError;
}

/** The request was refused at SENDING_REQUEST: the double never sent it (no REQUEST_SENT, no body byte). */
async function expectNothingSent(routePath: string): Promise<void> {
  const trace = await finishedTrace(routePath);
  expect(trace.notifications).toContain(STATUS.SENDING_REQUEST);
  expect(trace.notifications).not.toContain(STATUS.REQUEST_SENT);
  expect(trace.received.length).toBe(0);
}

describe.each([
  ['an engine of exclusive roots', false, 'exclusiveChainCalls'],
  ['the default engine (hExclusiveRoot refused with E_INVALIDARG)', true, 'defaultChainCalls'],
] as const)('with %s', (_name, exclusiveRootRefused, calls) => {
  it('a server chaining to a root ca names passes, and only that engine built the chain', async () => {
    chains({ exclusiveRootRefused });
    serve(serverB);
    const res = await request('https://localhost/', { session: session({ ca: pem('ca.pem') }) });
    expect(await res.text()).toBe('ok');
    const stats = contractDouble().stats();
    expect(stats[calls]).toBe(1);
    expect(stats.exclusiveChainCalls + stats.defaultChainCalls).toBe(1);
  });

  it('a server chaining to a root of the Windows store that ca does not name fails with invalid-ca, sending nothing', async () => {
    chains({ exclusiveRootRefused });
    contractDouble().setScenario({ trace: true, routes: {
      '/a': { body: 'ok', serverCertificates: [serverA] }, '/without-ca': { body: 'ok', serverCertificates: [serverA] } } });
    // Trusted without ca (the Windows store has A) ...
    expect(await (await request('https://localhost/without-ca', { session: session() })).text()).toBe('ok');
    // ... refused with ca naming B only.
    const error = await failure(request('https://localhost/a', { session: session({ ca: pem('ca.pem') }) }));
    expect(error.code).toBe('ERROR_WINHTTP_SECURE_FAILURE');
    expect(error.reasons).toEqual(['invalid-ca']);
    expect(error.message).toMatch(/: certificate chain does not end at a root named in tls\.ca \(SECURE_FAILURE flags 0x00000008\)$/);
    await expectNothingSent('/a');
  });

  it('a name mismatch fails under ca with cert-cn-invalid, and passes with dangerouslyAcceptWrongHostName', async () => {
    chains({ exclusiveRootRefused, names: ['other.localhost'] });
    serve(serverB, '/name');
    const error = await failure(request('https://localhost/name', { session: session({ ca: pem('ca.pem') }) }));
    expect(error.reasons).toEqual(['cert-cn-invalid']);
    expect(error.message).toMatch(/certificate name does not match localhost/);
    await expectNothingSent('/name');
    contractDouble().setScenario({ routes: { '/name': { body: 'ok', serverCertificates: [serverB] } } });
    const relaxed = session({ ca: pem('ca.pem'), dangerouslyAcceptWrongHostName: true });
    expect(await (await request('https://localhost/name', { session: relaxed })).text()).toBe('ok');
  });
});

it.each([
  ['expired', CERT_TRUST_IS_NOT_TIME_VALID, 'cert-date-invalid', 'dangerouslyAcceptExpiredCertificate'],
  ['not for server authentication', CERT_TRUST_IS_NOT_VALID_FOR_USAGE, 'cert-wrong-usage', 'dangerouslyAcceptWrongUsage'],
] as const)('a certificate %s fails under ca with its reason, and passes with its own relaxation only', async (_what, errors, reason, relaxation) => {
  chains({ errors });
  serve(serverA);
  const ca = pem('suite-trusted/ca.pem');
  const error = await failure(request('https://localhost/', { session: session({ ca }) }));
  expect(error.reasons).toEqual([reason]);
  const other = relaxation === 'dangerouslyAcceptWrongUsage' ? 'dangerouslyAcceptExpiredCertificate' : 'dangerouslyAcceptWrongUsage';
  expect((await failure(request('https://localhost/', { session: session({ ca, [other]: true }) }))).reasons).toEqual([reason]);
  expect(await (await request('https://localhost/', { session: session({ ca, [relaxation]: true }) })).text()).toBe('ok');
});

it('a chain the engine cannot complete (the issuer is in neither the server\'s certificates nor ca) is invalid-ca', async () => {
  chains();
  contractDouble().setChainEngine({ certificates: [{ der: serverB, issuer: caB, names: ['localhost'] }], machineRoots: [] });
  serve(serverB);
  const error = await failure(request('https://localhost/', { session: session({ ca: pem('suite-trusted/ca.pem') }) }));
  expect(error.reasons).toEqual(['invalid-ca']);
});

it("with ca, WinHTTP's own check lets an unknown root through (SECURITY_FLAG_IGNORE_UNKNOWN_CA) to the check against ca", async () => {
  chains();
  // WinHTTP finds B unknown (SECURE_FAILURE INVALID_CA): without ca that fails, with ca naming B it passes.
  serve(serverB, '/', { secureFailure: 0x08 });
  expect((await failure(request('https://localhost/', { session: session() }))).reasons).toEqual(['invalid-ca']);
  expect(await (await request('https://localhost/', { session: session({ ca: [pem('ca.pem')] }) })).text()).toBe('ok');
});

it('ca takes PEM text with several certificates, DER and PEM bytes, and arrays of them', async () => {
  chains();
  serve(serverB);
  const both = Buffer.concat([pem('suite-trusted/ca.pem'), pem('ca.pem')]).toString();
  for (const ca of [both, caB, pem('ca.pem'), [caA, pem('ca.pem')], new Uint8Array(caB)]) {
    expect(await (await request('https://localhost/', { session: session({ ca }) })).text()).toBe('ok');
  }
});

it('bad ca values are typed errors before anything reaches WinHTTP', () => {
  expect(() => new Session({ tls: { ca: 42 as never } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringMatching(/"tls\.ca" property/) }));
  expect(() => new Session({ tls: { ca: 'not a certificate' } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/holds no PEM certificate/) }));
  expect(() => new Session({ tls: { ca: [] } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  expect(() => new Session({ tls: { ca: [pem('ca.pem'), Buffer.from([0x30, 1, 2])] } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/"tls\.ca\[1\]" property is not a readable X\.509 certificate/) }));
  const corrupt = pem('ca.pem').toString().replace(/[A-Za-z]{8}/, 'AAAAAAAA');
  expect(() => new Session({ tls: { ca: corrupt } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
});

it.each(['sync', 'pool'] as const)('refused with every call completing %s (the check may run inside WinHttpSendRequest), nothing is sent', async (completion) => {
  chains();
  contractDouble().setScenario({ completion, nested: completion === 'sync', trace: true,
    routes: { '/c': { body: 'ok', serverCertificates: [serverA] } } });
  const error = await failure(request('https://localhost/c', { session: session({ ca: pem('ca.pem') }) }));
  expect(error).toMatchObject({ code: 'ERROR_WINHTTP_SECURE_FAILURE', api: 'WinHttpSendRequest', reasons: ['invalid-ca'] });
  await expectNothingSent('/c');
});

it('an http request of a session with ca is not checked', async () => {
  chains();
  contractDouble().setScenario({ routes: { '/': { body: 'ok' } } });
  expect(await (await request('http://localhost/', { session: session({ ca: pem('ca.pem') }) })).text()).toBe('ok');
  expect(contractDouble().stats().exclusiveChainCalls).toBe(0);
});

// TLS against the contract double, as Microsoft documents it and Wine cannot show (Wine reports every TLS failure
// as 12157 without SECURE_FAILURE flags): each named relaxation (WINHTTP_OPTION_SECURITY_FLAGS) lets exactly its own
// failure through and no other, revocation is checked only when asked, a failure's reasons reach the error, the
// server certificate (WINHTTP_OPTION_SERVER_CERT_CONTEXT, its store enumerated and every context freed) reaches the
// response in Node's getPeerCertificate shape, a pin that does not match fails before any body byte is read, and a
// server asking for a client certificate gets none (WINHTTP_NO_CLIENT_CERT_CONTEXT) or, requiring one, a typed error
// with its issuer list.
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CertificatePinError, ClientCertificateNeededError, InvalidStateError, WinHttpError, request } from '../../lib';
import { certificateNames } from '../helpers/der-names';
import { sessionsClosedAfterEach } from './helpers/sessions';
import { STATUS, contractDouble, finishedTrace, useContractDouble } from './helpers/contract-double';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tls', 'suite-trusted');
const leaf = new X509Certificate(readFileSync(path.join(FIXTURES, 'server.pem')));
const ca = new X509Certificate(readFileSync(path.join(FIXTURES, 'ca.pem')));

// Each failure (WINHTTP_CALLBACK_STATUS_FLAG_*), its reason on the error, and the relaxation that waives it.
const FAILURES = [
  { flag: 0x08, reason: 'invalid-ca', relaxation: 'dangerouslyAcceptUnknownCa' },
  { flag: 0x10, reason: 'cert-cn-invalid', relaxation: 'dangerouslyAcceptWrongHostName' },
  { flag: 0x20, reason: 'cert-date-invalid', relaxation: 'dangerouslyAcceptExpiredCertificate' },
  { flag: 0x40, reason: 'cert-wrong-usage', relaxation: 'dangerouslyAcceptWrongUsage' },
] as const;

const session = sessionsClosedAfterEach();
useContractDouble();

async function failure(promise: Promise<unknown>): Promise<WinHttpError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WinHttpError);
  return error as WinHttpError;
}

describe.each(FAILURES)('a certificate failing with $reason', ({ flag, reason, relaxation }) => {
  beforeEach(() => contractDouble().setScenario({ routes: { '/': { secureFailure: flag, body: 'ok' } } }));

  it('fails by default, naming the reason', async () => {
    const error = await failure(request('https://localhost/', { session: session() }));
    expect(error.code).toBe('ERROR_WINHTTP_SECURE_FAILURE');
    expect(error.reasons).toEqual([reason]);
  });

  it(`passes with ${relaxation}`, async () => {
    const res = await request('https://localhost/', { session: session({ [relaxation]: true }) });
    expect(await res.text()).toBe('ok');
  });

  it.each(FAILURES.filter((other) => other.flag !== flag).map((other) => other.relaxation))(
    'still fails with %s, which waives another failure', async (other) => {
      const error = await failure(request('https://localhost/', { session: session({ [other]: true }) }));
      expect(error.reasons).toEqual([reason]);
    });
});

it('a relaxation waives only its own reason when a certificate fails for two', async () => {
  contractDouble().setScenario({ routes: { '/': { secureFailure: 0x08 | 0x10, body: 'ok' } } });
  const error = await failure(request('https://localhost/', { session: session({ dangerouslyAcceptUnknownCa: true }) }));
  expect(error.reasons).toEqual(['cert-cn-invalid']);
  expect(error.message).toMatch(/: certificate name does not match localhost \(SECURE_FAILURE flags 0x00000010\)$/);
  const both = session({ dangerouslyAcceptUnknownCa: true, dangerouslyAcceptWrongHostName: true });
  expect(await (await request('https://localhost/', { session: both })).text()).toBe('ok');
});

describe('revocation', () => {
  it.each([
    [0x04, 'cert-revoked'],
    [0x01, 'cert-rev-failed'],
  ])('a certificate whose check finds %s passes unless checkRevocation is on', async (flag, reason) => {
    contractDouble().setScenario({ routes: { '/': { secureFailure: flag, body: 'ok' } } });
    expect(await (await request('https://localhost/', { session: session() })).text()).toBe('ok');
    const error = await failure(request('https://localhost/', { session: session({ checkRevocation: true }) }));
    expect(error.reasons).toEqual([reason]);
  });
});

it('TLS versions are set on the session handle, where WINHTTP_OPTION_SECURE_PROTOCOLS belongs', async () => {
  contractDouble().setScenario({ routes: { '/': { body: 'ok' } } });
  const res = await request('https://localhost/', { session: session({ minVersion: 'TLSv1.2' }) });
  expect(await res.text()).toBe('ok');
  expect(contractDouble().stats().violations).toEqual([]); // set on a request, the double records a violation
});

describe('the server certificate', () => {
  beforeEach(() => contractDouble().setScenario({
    routes: { '/': { body: 'ok', serverCertificates: [leaf.raw, ca.raw] }, '/leaf-only': { body: 'ok', serverCertificates: [leaf.raw] } },
  }));

  it('is on the response in the shape of Node\'s getPeerCertificate(true), chain linked', async () => {
    const res = await request('https://localhost/', { session: session() });
    await res.text(); // the body read to its end closes the request: the certificate stays readable
    const certificate = res.serverCertificate();
    expect(certificate).toMatchObject({
      subject: { CN: 'localhost' },
      issuer: { CN: 'winhttp suite CA (trusted while the suite runs; loopback only)' },
      subjectaltname: 'DNS:localhost, IP Address:127.0.0.1',
      valid_from: 'Jan  1 00:00:00 2025 GMT',
      valid_to: 'Dec 31 23:59:59 2046 GMT',
      serialNumber: leaf.serialNumber.toUpperCase(),
      fingerprint256: leaf.fingerprint256,
      fingerprint: leaf.fingerprint,
      ca: false,
      pem: leaf.toString(),
    });
    expect(certificate.validFromDate).toEqual(new Date('2025-01-01T00:00:00Z'));
    expect(certificate.raw.equals(leaf.raw)).toBe(true);
    expect(certificate.spkiSha256).toBe(createHash('sha256').update(leaf.publicKey.export({ type: 'spki', format: 'der' })).digest('base64'));
    expect(certificate.issuerCertificate?.raw.equals(ca.raw)).toBe(true);
    expect(certificate.issuerCertificate?.ca).toBe(true);
    expect(certificate.issuerCertificate?.issuerCertificate).toBeUndefined();
  });

  it('a server that sent only its own certificate has no issuerCertificate', async () => {
    const res = await request('https://localhost/leaf-only', { session: session() });
    expect(res.serverCertificate().issuerCertificate).toBeUndefined();
    await res.text();
  });

  it('an http response has none', async () => {
    const res = await request('http://localhost/', { session: session() });
    expect(() => res.serverCertificate()).toThrow(InvalidStateError);
    await res.text();
  });
});

describe('pins', () => {
  const spkiPin = `sha256/${createHash('sha256').update(leaf.publicKey.export({ type: 'spki', format: 'der' })).digest('base64')}`;
  const certificatePin = `cert-sha256/${leaf.fingerprint256}`;
  const otherPin = `sha256/${createHash('sha256').update('another key').digest('base64')}`;
  beforeEach(() => contractDouble().setScenario({ routes: { '/': { body: 'ok', serverCertificates: [leaf.raw, ca.raw] } } }));

  it.each([spkiPin, certificatePin])('a matching pin (%s) lets the response through', async (pin) => {
    const res = await request('https://localhost/', { session: session({ pins: { localhost: [otherPin, pin] } }) });
    expect(await res.text()).toBe('ok');
  });

  it('a pin that does not match fails before any body byte is read', async () => {
    const error = await request('https://localhost/', { session: session({ pins: { localhost: [otherPin] } }) })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CertificatePinError);
    expect(error).toMatchObject({ code: 'ERR_WINHTTP_CERTIFICATE_PIN_MISMATCH', host: 'localhost', category: 'tls' });
    expect((error as Error).message).toContain(spkiPin);
    const trace = await finishedTrace('/');
    expect(trace.notifications).toContain(STATUS.HEADERS_AVAILABLE);
    expect(trace.notifications).not.toContain(STATUS.DATA_AVAILABLE);
    expect(trace.notifications).not.toContain(STATUS.READ_COMPLETE);
  });

  it('pins of another host do not apply', async () => {
    const res = await request('https://localhost/', { session: session({ pins: { 'example.test': [otherPin] } }) });
    expect(await res.text()).toBe('ok');
  });

  it('a pinned host whose certificate WinHTTP cannot give fails closed', async () => {
    contractDouble().setScenario({ routes: { '/': { body: 'ok' } } });
    const error = await failure(request('https://localhost/', { session: session({ pins: { localhost: [spkiPin] } }) }));
    expect(error).toMatchObject({ code: 'ERROR_WINHTTP_INCORRECT_HANDLE_STATE', api: 'WinHttpQueryOption' });
  });
});

describe('a server that asks for a client certificate, with none configured', () => {
  const issuers = [certificateNames(ca).subject, certificateNames(leaf).subject];

  it('that merely asks: the request is sent again with WINHTTP_NO_CLIENT_CERT_CONTEXT and succeeds', async () => {
    contractDouble().setScenario({ routes: { '/': { clientCertNeeded: true, clientCertIssuers: issuers, body: 'ok' } } });
    const res = await request('https://localhost/', { session: session(), method: 'POST', body: 'payload' });
    expect(await res.text()).toBe('ok');
    const trace = await finishedTrace('/');
    // The first send failed with 12044, the second completed (a later 12017 may cancel the pump's read at the close).
    expect(trace.errors[0]).toBe(12044);
    expect(trace.notifications.filter((status) => status === STATUS.SENDREQUEST_COMPLETE)).toHaveLength(1);
    expect(trace.received.toString()).toBe('payload'); // sent once: the first send never reached the server
  });

  it('that requires one: ClientCertificateNeededError with the issuers it accepts', async () => {
    contractDouble().setScenario({
      routes: { '/': { clientCertNeeded: true, clientCertIssuers: issuers, noClientCertError: 12030, body: 'ok' } },
    });
    const error = await failure(request('https://localhost/', { session: session() }));
    expect(error).toBeInstanceOf(ClientCertificateNeededError);
    expect(error).toMatchObject({ code: 'ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED', errno: 12044, api: 'WinHttpSendRequest', category: 'tls' });
    expect((error as ClientCertificateNeededError).issuers).toEqual([
      'CN=winhttp suite CA (trusted while the suite runs; loopback only)',
      'CN=localhost',
    ]);
    expect(error.message).toContain('It accepts certificates issued by: "CN=winhttp suite CA (trusted while the suite runs; loopback only)"; "CN=localhost"');
    expect((error.cause as WinHttpError).errno).toBe(12030);
  });

  it('a server that names no issuer says so', async () => {
    contractDouble().setScenario({ routes: { '/': { clientCertNeeded: true, noClientCertError: 12030 } } });
    const error = await failure(request('https://localhost/', { session: session() }));
    expect((error as ClientCertificateNeededError).issuers).toEqual([]);
    expect(error.message).toContain('It named no certificate authority');
  });
});

describe('timings of a new https connection', () => {
  const EPSILON = 0.01; // ms: the request's clock and the performance counter are read a few ns apart

  it('with WINHTTP_OPTION_REQUEST_TIMES: tls is the handshake, tcp ends where it begins', async () => {
    contractDouble().setScenario({ routes: { '/': { body: 'ok', handshakeMs: 40 } } });
    const res = await request('https://localhost/', { session: session() });
    await res.text();
    const t = res.timings;
    expect(t.phases.tls).toBeGreaterThanOrEqual(40 - EPSILON);
    expect(t.phases.tls).toBeCloseTo(t.tlsEnd! - t.tlsStart!, 6);
    expect(t.tlsStart!).toBeGreaterThanOrEqual(t.connectEnd! - EPSILON);
    expect(t.tlsEnd!).toBeLessThanOrEqual(t.sendStart! + EPSILON);
    expect(t.phases.tcp).toBeGreaterThanOrEqual(0);
    expect(t.phases.tcp! + t.phases.tls!).toBeLessThanOrEqual(t.phases.connect! + EPSILON);
    expect(t.phases.connect).toBeCloseTo(t.sendStart! - t.connectStart!, 6);
  });

  it('without it (before Windows 10 1903, Wine): no tcp or tls phase is claimed; connect covers both', async () => {
    contractDouble().setScenario({ routes: { '/': { body: 'ok', handshakeMs: 40, requestTimes: false } } });
    const res = await request('https://localhost/', { session: session() });
    await res.text();
    const t = res.timings;
    expect(t.phases.tcp).toBeUndefined();
    expect(t.phases.tls).toBeUndefined();
    expect(t.tlsStart).toBeUndefined();
    expect(t.phases.connect).toBeGreaterThanOrEqual(40);
  });

  it('http: tcp is the connect, and there is no tls', async () => {
    contractDouble().setScenario({ routes: { '/': { body: 'ok' } } });
    const res = await request('http://localhost/', { session: session() });
    await res.text();
    const t = res.timings;
    expect(t.phases.tcp).toBeCloseTo(t.connectEnd! - t.connectStart!, 6);
    expect(t.phases.connect).toBe(t.phases.tcp);
    expect(t.phases.tls).toBeUndefined();
    expect(t.tlsStart).toBeUndefined();
  });
});

it('timings of an https request closed before its send: none (WINHTTP_OPTION_REQUEST_TIMES asked before any send)', async () => {
  contractDouble().setScenario({ routes: { '/': { body: 'ok' } } });
  const req = session().connect('localhost', 443, { secure: true }).openRequest('GET', '/');
  req.close();
  const t = req.timings();
  expect(Object.values(t.phases).filter((value) => value !== undefined)).toEqual([]);
  expect(t.tlsStart).toBeUndefined();
  await req.handleClosed;
});

// TLS with the Windows certificate store, against loopback https servers (one per certificate, started once for the
// file): each certificate failure is refused by default and let through by exactly the relaxation named for it,
// revocation is checked when asked, the server certificate on the response is the one the server used, pins hold,
// TLS versions are restricted, a connection accepted under a relaxation serves no other session, a server asking for a
// client certificate is answered, and the timings of a new connection split TCP and TLS only where WinHTTP can.
// Certificates: test/helpers/tls-certs.ts (made by openssl at build time) and test/fixtures/tls. Wine reports every
// TLS failure as 12157 without SECURE_FAILURE flags (docs/wine.md): the reason lists are checked where WinHTTP gives
// them, and against the contract double (test/double/tls.test.ts).
import { X509Certificate, createHash } from 'node:crypto';
import type * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import {
  CertificatePinError, ClientCertificateNeededError, Session, WinHttpError, request, type RequestTimings, type TlsOptions,
} from '../../lib';
import { rejectionOf } from '../helpers/assertions';
import { type TestServer, startHttpsServer } from '../helpers/servers';
import { testCertFile, testServerCertificate } from '../helpers/tls-certs';
import { SUITE_CA, UNTRUSTED_CA, expectSuiteCaTrusted } from '../helpers/trusted-ca';
import { itUnlessWine, onWine } from '../helpers/wine';
import { readFileSync } from 'node:fs';

const WINE_NO_FLAGS = 'Wine reports TLS failures as 12157 without the SECURE_FAILURE notification and its reason flags';
const WINE_NO_12044 = 'Wine never reports ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED: it goes on without a certificate';
const WINE_NO_REQUEST_TIMES = 'Wine has no WINHTTP_OPTION_REQUEST_TIMES (Windows 10 1903+), so nothing tells the TCP connect from the handshake';
const WINE_VERSIONS = "Wine's WinHTTP ignores the minimum of WINHTTP_OPTION_SECURE_PROTOCOLS and never negotiates TLS 1.3 (measured)";

const FAILURES = [
  { server: 'untrusted', reason: 'invalid-ca', relaxation: 'dangerouslyAcceptUnknownCa' },
  { server: 'wrong-name', reason: 'cert-cn-invalid', relaxation: 'dangerouslyAcceptWrongHostName' },
  { server: 'expired', reason: 'cert-date-invalid', relaxation: 'dangerouslyAcceptExpiredCertificate' },
  { server: 'wrong-usage', reason: 'cert-wrong-usage', relaxation: 'dangerouslyAcceptWrongUsage' },
] as const;

const BODY = 'tls ok';
const servers = new Map<string, TestServer<https.Server>>();
// The TLS version each server negotiated, last request first.
const protocols: string[] = [];
const handler: Parameters<typeof startHttpsServer>[0] = (req, res) => {
  protocols.unshift((req.socket as TLSSocket).getProtocol() ?? 'none');
  res.writeHead(200, { 'Content-Length': Buffer.byteLength(BODY) }).end(BODY);
};
const suiteChain = Buffer.concat([SUITE_CA.cert, readFileSync(SUITE_CA.caFile)]);

beforeAll(async () => {
  expectSuiteCaTrusted();
  const certificates = {
    trusted: { cert: suiteChain, key: SUITE_CA.key },
    // Wine's WinHTTP pools connections across sessions, so a session checking revocation could reuse a connection
    // another session verified without: the revocation tests have a server of their own.
    revocation: SUITE_CA,
    untrusted: UNTRUSTED_CA,
    'wrong-name': testServerCertificate('wrong-name'),
    expired: testServerCertificate('expired'),
    'wrong-usage': testServerCertificate('wrong-usage'),
    'tls1.2-only': { cert: SUITE_CA.cert, key: SUITE_CA.key, maxVersion: 'TLSv1.2' as const },
    'tls1.3-only': { cert: SUITE_CA.cert, key: SUITE_CA.key, minVersion: 'TLSv1.3' as const },
    // Node names the CAs of `ca` in its certificate request.
    'asks-client-cert': { ...SUITE_CA, requestCert: true, rejectUnauthorized: false, ca: testCertFile('client-ca.pem') },
    'requires-client-cert': { ...SUITE_CA, requestCert: true, rejectUnauthorized: true, ca: testCertFile('client-ca.pem') },
  };
  for (const [name, certificate] of Object.entries(certificates)) servers.set(name, await startHttpsServer(handler, certificate));
});
afterAll(async () => {
  await Promise.all([...servers.values()].map((server) => server.close()));
});

const url = (server: string): string => servers.get(server)!.url;

// Each attempt in a session of its own, closed after it.
async function get(server: string, tls?: TlsOptions): Promise<string> {
  const session = new Session({ tls });
  try {
    return await (await request(url(server), { session })).text();
  } finally {
    session.close();
  }
}

async function tlsFailure(server: string, tls?: TlsOptions): Promise<WinHttpError> {
  const error = await rejectionOf(get(server, tls));
  expect(error).toBeInstanceOf(WinHttpError);
  expect(error).toMatchObject({ category: 'tls', api: 'WinHttpSendRequest' });
  return error as unknown as WinHttpError;
}

it('a certificate that chains to LocalMachine\\Root passes with no option', async () => {
  expect(await get('trusted')).toBe(BODY);
});

describe.each(FAILURES)('the $server certificate', ({ server, reason, relaxation }) => {
  it(`fails by default and passes with ${relaxation} alone`, async () => {
    await tlsFailure(server);
    expect(await get(server, { [relaxation]: true })).toBe(BODY);
  });

  it('fails with each relaxation named for another failure', async () => {
    for (const other of FAILURES.filter((f) => f.relaxation !== relaxation)) await tlsFailure(server, { [other.relaxation]: true });
  });

  itUnlessWine(WINE_NO_FLAGS, `fails with ERROR_WINHTTP_SECURE_FAILURE and exactly the reason ${reason}`, async () => {
    const error = await tlsFailure(server);
    expect(error).toMatchObject({ code: 'ERROR_WINHTTP_SECURE_FAILURE', errno: 12175 });
    expect(error.reasons).toEqual([reason]);
  });
});

// What Wine does instead (measured): the test that documents it runs on Wine only.
(onWine ? it : it.skip)('[Wine only] the failure is ERROR_WINHTTP_SECURE_CHANNEL_ERROR and its message says WinHTTP gave no reason', async () => {
  const error = await tlsFailure('untrusted');
  expect(error).toMatchObject({ code: 'ERROR_WINHTTP_SECURE_CHANNEL_ERROR', errno: 12157, reasons: [] });
  expect(error.message).toContain('WinHTTP gave no reason for it (no WINHTTP_CALLBACK_STATUS_SECURE_FAILURE flags were reported)');
});

it('a connection accepted under a relaxation serves no other session', async () => {
  const relaxed = new Session({ tls: { dangerouslyAcceptUnknownCa: true } });
  const strict = new Session();
  try {
    expect(await (await request(url('untrusted'), { session: relaxed })).text()).toBe(BODY);
    await expect(request(url('untrusted'), { session: strict })).rejects.toMatchObject({ category: 'tls' });
  } finally {
    relaxed.close();
    strict.close();
  }
});

describe('checkRevocation', () => {
  it('a certificate without revocation information fails when revocation is checked, and passes by default', async () => {
    await tlsFailure('revocation', { checkRevocation: true });
    expect(await get('revocation')).toBe(BODY);
  });

  itUnlessWine(WINE_NO_FLAGS, 'the failure names cert-rev-failed', async () => {
    expect((await tlsFailure('revocation', { checkRevocation: true })).reasons).toEqual(['cert-rev-failed']);
  });
});

describe('TLS versions', () => {
  itUnlessWine(WINE_VERSIONS, 'minVersion TLSv1.3 refuses a TLS 1.2 server, TLSv1.2 accepts it', async () => {
    await tlsFailure('tls1.2-only', { minVersion: 'TLSv1.3' });
    expect(await get('tls1.2-only', { minVersion: 'TLSv1.2' })).toBe(BODY);
  });

  itUnlessWine(WINE_VERSIONS, 'maxVersion TLSv1.2 refuses a TLS 1.3 server; by default it is reached with TLS 1.3', async () => {
    await tlsFailure('tls1.3-only', { maxVersion: 'TLSv1.2' });
    expect(await get('tls1.3-only')).toBe(BODY);
    expect(protocols[0]).toBe('TLSv1.3');
  });

  it('maxVersion TLSv1.2 is what the server sees', async () => {
    expect(await get('trusted', { maxVersion: 'TLSv1.2' })).toBe(BODY);
    expect(protocols[0]).toBe('TLSv1.2');
  });
});

describe('the server certificate', () => {
  const leaf = new X509Certificate(SUITE_CA.cert);
  const ca = new X509Certificate(readFileSync(SUITE_CA.caFile));

  it('is the one the server used, with the chain it sent', async () => {
    const session = new Session();
    try {
      const res = await request(url('trusted'), { session });
      expect(await res.text()).toBe(BODY);
      const certificate = res.serverCertificate();
      expect(certificate.raw.equals(leaf.raw)).toBe(true);
      expect(certificate).toMatchObject({
        subject: { CN: 'localhost' },
        issuer: { CN: 'winhttp suite CA (trusted while the suite runs; loopback only)' },
        subjectaltname: leaf.subjectAltName,
        serialNumber: leaf.serialNumber.toUpperCase(),
        fingerprint256: leaf.fingerprint256,
        valid_to: leaf.validTo,
      });
      expect(certificate.issuerCertificate?.raw.equals(ca.raw)).toBe(true);
    } finally {
      session.close();
    }
  });

  it('a pin of its key or of the certificate lets the response through; another pin fails it before the body', async () => {
    const spki = createHash('sha256').update(leaf.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
    expect(await get('trusted', { pins: { localhost: [`sha256/${spki}`] } })).toBe(BODY);
    expect(await get('trusted', { pins: { localhost: [`cert-sha256/${leaf.fingerprint256}`] } })).toBe(BODY);
    const other = createHash('sha256').update('another key').digest('base64');
    const error = await rejectionOf(get('trusted', { pins: { LOCALHOST: [`sha256/${other}`] } }));
    expect(error).toBeInstanceOf(CertificatePinError);
    expect(error).toMatchObject({ code: 'ERR_WINHTTP_CERTIFICATE_PIN_MISMATCH', host: 'localhost', presented: { spki } });
  });
});

describe('client certificates, none configured', () => {
  it('a server that asks for one but accepts none is answered without one', async () => {
    expect(await get('asks-client-cert')).toBe(BODY);
  });

  itUnlessWine(WINE_NO_12044, 'a server that requires one fails with ClientCertificateNeededError naming the CA it accepts', async () => {
    const error = await rejectionOf(get('requires-client-cert'));
    expect(error).toBeInstanceOf(ClientCertificateNeededError);
    expect(error).toMatchObject({ errno: 12044, issuers: ['CN=winhttp client CA (test only)'] });
  });

  (onWine ? it : it.skip)('[Wine only] a server that requires one ends the handshake: a TLS error', async () => {
    await tlsFailure('requires-client-cert');
  });
});

describe('timings of a new https connection', () => {
  // A server of its own for each: only a new connection has a connect phase (Wine pools connections across sessions).
  async function firstRequestTimings(): Promise<RequestTimings> {
    const server = await startHttpsServer(handler, SUITE_CA);
    try {
      const session = new Session();
      try {
        const res = await request(server.url, { session });
        await res.text();
        return res.timings;
      } finally {
        session.close();
      }
    } finally {
      await server.close();
    }
  }

  it('connect spans CONNECTING_TO_SERVER to SENDING_REQUEST: the TCP connect and the handshake', async () => {
    const t = await firstRequestTimings();
    expect(t.phases.connect).toBeCloseTo(t.sendStart! - t.connectStart!, 6);
  });

  itUnlessWine(WINE_NO_REQUEST_TIMES, 'tcp and tls come from WINHTTP_OPTION_REQUEST_TIMES, one after the other', async () => {
    const t = await firstRequestTimings();
    expect(t.phases.tls).toBeGreaterThan(0);
    expect(t.phases.tcp).toBeGreaterThanOrEqual(0);
    expect(t.tlsStart!).toBeLessThan(t.tlsEnd!);
    expect(t.tlsEnd!).toBeLessThanOrEqual(t.sendStart! + 0.01);
  });

  (onWine ? it : it.skip)('[Wine only] neither tcp nor tls is claimed: CONNECTED_TO_SERVER comes after the handshake', async () => {
    const t = await firstRequestTimings();
    expect(t.phases.tcp).toBeUndefined();
    expect(t.phases.tls).toBeUndefined();
    expect(t.phases.connect).toBeGreaterThan(0);
  });
});

// tls.ca against loopback node:https servers: `ca` trusts exactly what it names. A server signed by a CA in no store
// passes with that CA as `ca`; a server signed by the suite CA (which LocalMachine\Root trusts while the suite runs)
// is refused when `ca` names another CA, by the native check at SENDING_REQUEST, with the reason invalid-ca; a wrong
// name and an expired certificate still fail under `ca`. Certificates: build/test-certs (test/tools/make-tls-certs.sh).
import type * as https from 'node:https';
import { Session, WinHttpError, request, type TlsOptions } from '../../lib';
import { rejectionOf } from '../helpers/assertions';
import { type TestServer, startHttpsServer } from '../helpers/servers';
import { testCertFile, testServerCertificate } from '../helpers/tls-certs';
import { SUITE_CA, expectSuiteCaTrusted } from '../helpers/trusted-ca';
import { itUnlessWine } from '../helpers/wine';
import { readFileSync } from 'node:fs';

const WINE_SENDS_ANYWAY = 'Wine sends a request whose handle was closed inside its SENDING_REQUEST notification ' +
  '(measured: the server received it); the contract double checks that nothing is sent (test/double/tls-ca.test.ts)';
const WINE_NO_FLAGS = "Wine's WinHTTP refuses the certificate itself first, as 12157 without SECURE_FAILURE flags";

const BODY = 'ca ok';
const servers = new Map<string, TestServer<https.Server>>();
// Requests each server received, by name.
const received = new Map<string, number>();

beforeAll(async () => {
  expectSuiteCaTrusted();
  const certificates = {
    extra: testServerCertificate('extra-server'),
    suite: { cert: Buffer.concat([SUITE_CA.cert, readFileSync(SUITE_CA.caFile)]), key: SUITE_CA.key },
    // Only ever refused: every connection it sees is one the check closed.
    refused: { cert: Buffer.concat([SUITE_CA.cert, readFileSync(SUITE_CA.caFile)]), key: SUITE_CA.key },
    'wrong-name': testServerCertificate('wrong-name'),
    expired: testServerCertificate('expired'),
  };
  for (const [name, certificate] of Object.entries(certificates)) {
    received.set(name, 0);
    servers.set(name, await startHttpsServer((_req, res) => {
      received.set(name, received.get(name)! + 1);
      res.writeHead(200, { 'Content-Length': Buffer.byteLength(BODY) }).end(BODY);
    }, certificate));
  }
});
afterAll(async () => {
  await Promise.all([...servers.values()].map((server) => server.close()));
});

const EXTRA_CA = () => testCertFile('extra-ca.pem');
const SUITE_CA_PEM = () => readFileSync(SUITE_CA.caFile);

async function get(server: string, tls?: TlsOptions): Promise<string> {
  const session = new Session({ tls });
  try {
    return await (await request(servers.get(server)!.url, { session })).text();
  } finally {
    session.close();
  }
}

async function tlsFailure(server: string, tls?: TlsOptions): Promise<WinHttpError> {
  const error = await rejectionOf(get(server, tls));
  expect(error).toBeInstanceOf(WinHttpError);
  expect(error).toMatchObject({ category: 'tls' });
  return error as unknown as WinHttpError;
}

it('a server signed by a CA in no store fails without ca and passes with that CA as ca', async () => {
  await tlsFailure('extra');
  expect(await get('extra', { ca: EXTRA_CA() })).toBe(BODY);
  expect(await get('extra', { ca: [SUITE_CA_PEM(), EXTRA_CA()] })).toBe(BODY);
});

it('ca trusts exactly what it names: a server the Windows store trusts fails when ca names another CA, with invalid-ca', async () => {
  expect(await get('suite')).toBe(BODY);
  const error = await tlsFailure('suite', { ca: EXTRA_CA() });
  expect(error).toMatchObject({ code: 'ERROR_WINHTTP_SECURE_FAILURE', errno: 12175, reasons: ['invalid-ca'] });
  expect(error.message).toMatch(/: certificate chain does not end at a root named in tls\.ca \(SECURE_FAILURE flags 0x00000008\)$/);
});

itUnlessWine(WINE_SENDS_ANYWAY, 'a request refused by ca reaches the server with no byte', async () => {
  const server = servers.get('refused')!;
  await tlsFailure('refused', { ca: EXTRA_CA() });
  // Whatever was sent has arrived once the connection is closed (the check closes it): no request did.
  const deadline = Date.now() + 5000;
  while (server.openConnections !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(server.connections).toBeGreaterThan(0);
  expect(server.openConnections).toBe(0);
  expect(received.get('refused')).toBe(0);
});

describe.each([
  ['wrong-name', 'cert-cn-invalid', 'dangerouslyAcceptWrongHostName'],
  ['expired', 'cert-date-invalid', 'dangerouslyAcceptExpiredCertificate'],
] as const)('the %s certificate', (server, reason, relaxation) => {
  it('still fails with its CA as ca, and passes with its own relaxation', async () => {
    await tlsFailure(server, { ca: SUITE_CA_PEM() });
    expect(await get(server, { ca: SUITE_CA_PEM(), [relaxation]: true })).toBe(BODY);
  });

  itUnlessWine(WINE_NO_FLAGS, `fails under ca with exactly the reason ${reason}`, async () => {
    const error = await tlsFailure(server, { ca: SUITE_CA_PEM() });
    expect(error.reasons).toEqual([reason]);
  });
});

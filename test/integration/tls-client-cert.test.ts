// Client certificates against a loopback node:https server that requires one (requestCert, rejectUnauthorized,
// trusting only the client CA of test/tools/make-tls-certs.sh): presented from a PFX, and from the Windows store
// (CurrentUser\MY, where cert_store.exe imports it for this file). The server answers with the fingerprint of the
// certificate it verified, so each test checks that exact certificate arrived.
import type * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { inspect } from 'node:util';
import { ClientCertificateNotFoundError, Session, WinHttpError, listClientCertificates, loadClientCertificate, request, type TlsOptions } from '../../lib';
import { rejectionOf } from '../helpers/assertions';
import { CLIENT_PFX_PASSPHRASE, addClientCertToMyStore, removeClientCertFromMyStore } from '../helpers/client-cert-store';
import { type TestServer, startHttpsServer } from '../helpers/servers';
import { testCertFile } from '../helpers/tls-certs';
import { itUnlessWine } from '../helpers/wine';
import { SUITE_CA, expectSuiteCaTrusted } from '../helpers/trusted-ca';

const WINE_NO_PASSWORD_ERROR = "Wine's PFXImportCertStore fails on a wrong password without setting the last error (0, measured)";

const client = new X509Certificate(testCertFile('client.pem'));
const hex = (fingerprint: string): string => fingerprint.replace(/:/g, '').toLowerCase();
const SENT_BY_CLIENT = `client ${client.fingerprint256}`;

let server: TestServer<https.Server>;
const handler: Parameters<typeof startHttpsServer>[0] = (req, res) => {
  const peer = (req.socket as TLSSocket).getPeerCertificate();
  const body = `client ${peer.fingerprint256 ?? 'none'}`;
  res.writeHead(200, { 'Content-Length': Buffer.byteLength(body) }).end(body);
};

beforeAll(async () => {
  expectSuiteCaTrusted();
  await addClientCertToMyStore();
  server = await startHttpsServer(handler,
    { ...SUITE_CA, requestCert: true, rejectUnauthorized: true, ca: testCertFile('client-ca.pem') });
});
afterAll(async () => {
  await server?.close();
  await removeClientCertFromMyStore();
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
    expect(await get({ clientCertificate: { pfx: testCertFile('client.pfx'), passphrase: CLIENT_PFX_PASSPHRASE } }))
      .toBe(SENT_BY_CLIENT);
  });

  it('loaded by loadClientCertificate() (on a worker thread) is presented', async () => {
    const loaded = await loadClientCertificate({ pfx: testCertFile('client.pfx'), passphrase: CLIENT_PFX_PASSPHRASE });
    expect(loaded.info).toMatchObject({ sha1: hex(client.fingerprint), hasPrivateKey: true });
    expect(await get({ clientCertificate: loaded })).toBe(SENT_BY_CLIENT);
  });

  const WRONG_PASSPHRASE = 'not-the-passphrase';
  const wrongPassphrase = (): unknown => {
    try {
      new Session({ tls: { clientCertificate: { pfx: testCertFile('client.pfx'), passphrase: WRONG_PASSPHRASE } } });
    } catch (thrown) {
      return thrown;
    }
    throw new Error('new Session() accepted a wrong passphrase');
  };

  it('a wrong passphrase fails in new Session() with PFXImportCertStore\'s error, quoting no passphrase', () => {
    const error = wrongPassphrase();
    expect(error).toBeInstanceOf(WinHttpError);
    expect(error).toMatchObject({ api: 'PFXImportCertStore' });
    expect(inspect(error)).not.toContain(WRONG_PASSPHRASE);
  });

  // "an error code can be found by calling GetLastError" (PFXImportCertStore reference).
  itUnlessWine(WINE_NO_PASSWORD_ERROR, 'that error carries the code GetLastError gave', () => {
    expect((wrongPassphrase() as WinHttpError).errno).not.toBe(0);
  });

  it('the session shows the certificate, never the passphrase', () => {
    const session = new Session({ tls: { clientCertificate: { pfx: testCertFile('client.pfx'), passphrase: CLIENT_PFX_PASSPHRASE } } });
    try {
      const shown = inspect(session, { depth: 10 }) + JSON.stringify(session.tls);
      expect(shown).not.toContain(CLIENT_PFX_PASSPHRASE);
      expect(session.tls.clientCertificate?.info).toMatchObject({ subject: 'CN=winhttp test client', sha1: hex(client.fingerprint) });
    } finally {
      session.close();
    }
  });
});

describe('a client certificate from CurrentUser\\MY', () => {
  it('listClientCertificates() shows it with its thumbprints, validity and private key', async () => {
    const listed = (await listClientCertificates()).filter((entry) => entry.sha1 === hex(client.fingerprint));
    expect(listed).toEqual([{
      subject: 'CN=winhttp test client', issuer: 'CN=winhttp client CA (test only)', commonName: 'winhttp test client',
      sha1: hex(client.fingerprint), sha256: hex(client.fingerprint256), serialNumber: client.serialNumber.toUpperCase(),
      validFrom: new Date(client.validFrom), validTo: new Date(client.validTo), hasPrivateKey: true,
    }]);
  });

  it('LocalMachine\\MY does not list it', async () => {
    expect((await listClientCertificates({ store: 'LocalMachine' })).map((entry) => entry.sha1)).not.toContain(hex(client.fingerprint));
  });

  it('chosen by its SHA-1 thumbprint as certmgr shows it (upper case, spaces) is presented', async () => {
    const thumbprint = client.fingerprint.replace(/:/g, ' ');
    expect(await get({ clientCertificate: { thumbprint } })).toBe(SENT_BY_CLIENT);
  });

  it('loaded by loadClientCertificate() by thumbprint is presented', async () => {
    const loaded = await loadClientCertificate({ thumbprint: hex(client.fingerprint256) });
    expect(await get({ clientCertificate: loaded })).toBe(SENT_BY_CLIENT);
  });

  it('chosen by its SHA-256 thumbprint is presented', async () => {
    expect(await get({ clientCertificate: { thumbprint: hex(client.fingerprint256), store: 'CurrentUser' } })).toBe(SENT_BY_CLIENT);
  });

  it('chosen by its subject\'s Common Name is presented', async () => {
    expect(await get({ clientCertificate: { subject: 'winhttp test client' } })).toBe(SENT_BY_CLIENT);
  });

  it('a thumbprint the store does not hold fails in new Session() with ClientCertificateNotFoundError', () => {
    const thumbprint = 'ab'.repeat(20);
    expect(() => new Session({ tls: { clientCertificate: { thumbprint } } })).toThrow(ClientCertificateNotFoundError);
    expect(() => new Session({ tls: { clientCertificate: { thumbprint, store: 'LocalMachine' } } }))
      .toThrow(`No certificate in LocalMachine\\MY matches thumbprint ${thumbprint}`);
  });

  // Regression: under Wine a session without a certificate reused the connection another session had authenticated
  // with one (Wine pools connections across sessions), and was let in as that client.
  it('a session without a certificate is refused by the same server, after sessions with one', async () => {
    expect(await get({ clientCertificate: { subject: 'winhttp test client' } })).toBe(SENT_BY_CLIENT);
    const error = await rejectionOf(get({}));
    expect(error).toBeInstanceOf(WinHttpError);
    expect(error).toMatchObject({ category: 'tls' });
  });
});

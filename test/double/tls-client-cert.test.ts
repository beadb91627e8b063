// Client certificates against the contract double's CryptoAPI stores (double_cert_store.h), as Microsoft documents
// them: a certificate chosen from CurrentUser\MY or LocalMachine\MY or imported from a PFX is set before the send
// (no 12044 round trip) and is exactly the certificate the handshake presents; WinHTTP duplicates the context, so the
// ClientCertificate can be collected while a request still uses it; every context and store is freed in the end
// (useContractDouble's release check); the PFX key is imported neither exportable nor persisted; bad choices fail
// before any request, typed, and no passphrase appears in any message.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { ClientCertificateNotFoundError, WinHttpError, listClientCertificates, loadClientCertificate, request, type TlsOptions } from '../../lib';
import { getBinding } from '../../lib/native/binding';
import type { NativeClientCertificate } from '../../lib/native/types';
import { sessionsClosedAfterEach } from './helpers/sessions';
import { STATUS, contractDouble, finishedTrace, useContractDouble, type ScriptedCertificate } from './helpers/contract-double';
import { NativeExchange } from './helpers/native-exchange';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tls');
const pem = (file: string): X509Certificate => new X509Certificate(readFileSync(path.join(FIXTURES, file)));
// Any certificates do for the double: it compares bytes. Two of them share the subject CN=localhost.
const client = pem('suite-trusted/server.pem');
const sameSubject = pem('server.pem');
const other = pem('suite-trusted/ca.pem');
const hex = (fingerprint: string): string => fingerprint.replace(/:/g, '').toLowerCase();

const PFX = Buffer.from('a PFX the double knows');
const PASSPHRASE = 'pfx passphrase 1';
const CRYPT_EXPORTABLE = 0x1;
const CRYPT_USER_KEYSET = 0x1000;
const PKCS12_NO_PERSIST_KEY = 0x8000;
const WINHTTP_FLAG_SECURE = 0x00800000;
const WINHTTP_OPTION_CLIENT_CERT_CONTEXT = 47;
const REQUIRES_CERTIFICATE = { clientCertNeeded: true, noClientCertError: 12030, body: 'ok' };

const withKey = (certificate: X509Certificate): ScriptedCertificate => ({ der: certificate.raw, hasPrivateKey: true });
const withoutKey = (certificate: X509Certificate): ScriptedCertificate => ({ der: certificate.raw, hasPrivateKey: false });

const session = sessionsClosedAfterEach();
useContractDouble();
beforeEach(() => contractDouble().setScenario({ routes: { '/': REQUIRES_CERTIFICATE } }));

async function presented(tls: TlsOptions): Promise<Buffer> {
  const res = await request('https://localhost/', { session: session(tls) });
  expect(await res.text()).toBe('ok');
  const trace = await finishedTrace('/');
  // Set before the send: no 12044, one send (a 12017 may end the pump's read at the close after the body).
  expect(trace.errors).not.toContain(12044);
  expect(trace.notifications.filter((status) => status === STATUS.SENDREQUEST_COMPLETE)).toHaveLength(1);
  return trace.clientCertificate;
}

describe('from a PFX', () => {
  beforeEach(() => contractDouble().setCertStores({
    pfx: [{ bytes: PFX, password: PASSPHRASE, certificates: [withoutKey(other), withKey(client)] }],
  }));

  it('the certificate that has the key is presented, imported neither exportable nor persisted', async () => {
    expect(await presented({ clientCertificate: { pfx: PFX, passphrase: PASSPHRASE } })).toEqual(client.raw);
    expect(contractDouble().pfxImportFlags()).toEqual([CRYPT_USER_KEYSET | PKCS12_NO_PERSIST_KEY]);
    expect(contractDouble().pfxImportFlags()[0] & CRYPT_EXPORTABLE).toBe(0);
  });

  it('the session holds one context and its store until it is closed and collected', async () => {
    const made = session({ clientCertificate: { pfx: PFX, passphrase: PASSPHRASE } });
    expect(contractDouble().stats()).toMatchObject({ liveCertContexts: 1, liveCertStores: 1 });
    expect(made.tls.clientCertificate?.info).toMatchObject({ sha1: hex(client.fingerprint), hasPrivateKey: true });
    // The release check after the test sees both freed once the session is garbage.
  });

  it('a wrong passphrase fails in new Session() with ERROR_INVALID_PASSWORD and quotes no passphrase', () => {
    const wrong = 'the wrong passphrase';
    let error: unknown;
    try {
      session({ clientCertificate: { pfx: PFX, passphrase: wrong } });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(WinHttpError);
    expect(error).toMatchObject({ errno: 86, api: 'PFXImportCertStore' });
    expect(inspect(error) + String((error as Error).message)).not.toContain(wrong);
    expect(contractDouble().stats()).toMatchObject({ liveCertContexts: 0, liveCertStores: 0 });
  });

  it('a passphrase of the wrong type is refused without its value', () => {
    const secret = { toString: () => 'secret-value' };
    expect(() => session({ clientCertificate: { pfx: PFX, passphrase: secret as unknown as string } }))
      .toThrow('The "tls.clientCertificate.passphrase" property must be a string without NUL (the value is not shown)');
  });
});

describe('loadClientCertificate(): opened on a worker thread, used as tls.clientCertificate', () => {
  beforeEach(() => contractDouble().setCertStores({
    pfx: [{ bytes: PFX, password: PASSPHRASE, certificates: [withoutKey(other), withKey(client)] }],
    currentUser: [withKey(client), withoutKey(other)],
  }));

  it('a PFX is imported off the JS thread (new Session() with a descriptor imports on it), with the same flags', async () => {
    const loaded = await loadClientCertificate({ pfx: PFX, passphrase: PASSPHRASE });
    expect(loaded.info).toMatchObject({ sha1: hex(client.fingerprint), hasPrivateKey: true });
    expect(await presented({ clientCertificate: loaded })).toEqual(client.raw);
    session({ clientCertificate: { pfx: PFX, passphrase: PASSPHRASE } });
    expect(contractDouble().pfxImportsOnJsThread()).toEqual([false, true]);
    expect(contractDouble().pfxImportFlags()).toEqual([CRYPT_USER_KEYSET | PKCS12_NO_PERSIST_KEY, CRYPT_USER_KEYSET | PKCS12_NO_PERSIST_KEY]);
  });

  it('one loaded certificate serves several sessions', async () => {
    const loaded = await loadClientCertificate({ pfx: PFX, passphrase: PASSPHRASE });
    expect(await presented({ clientCertificate: loaded })).toEqual(client.raw);
    contractDouble().setScenario({ routes: { '/': REQUIRES_CERTIFICATE } });
    expect(await presented({ clientCertificate: loaded })).toEqual(client.raw);
    expect(contractDouble().pfxImportFlags()).toHaveLength(1);
  });

  it('from the store by thumbprint', async () => {
    const loaded = await loadClientCertificate({ thumbprint: hex(client.fingerprint256) });
    expect(await presented({ clientCertificate: loaded })).toEqual(client.raw);
  });

  it('a wrong passphrase rejects with ERROR_INVALID_PASSWORD, quoting no passphrase, leaving nothing open', async () => {
    const wrong = 'the wrong passphrase';
    const error = await loadClientCertificate({ pfx: PFX, passphrase: wrong }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WinHttpError);
    expect(error).toMatchObject({ errno: 86, api: 'PFXImportCertStore' });
    expect(inspect(error) + String((error as Error).message)).not.toContain(wrong);
    expect(contractDouble().stats()).toMatchObject({ liveCertContexts: 0, liveCertStores: 0 });
  });

  it('none matching rejects with ClientCertificateNotFoundError; bad shapes reject with TypeErrors', async () => {
    await expect(loadClientCertificate({ thumbprint: 'ab'.repeat(20) })).rejects.toBeInstanceOf(ClientCertificateNotFoundError);
    await expect(loadClientCertificate({ thumbprint: hex(other.fingerprint) })).rejects.toThrow(/has no private key/);
    await expect(loadClientCertificate({ pfx: PFX } as never)).rejects.toThrow('The "certificate.passphrase" property must be a string');
    await expect(loadClientCertificate(42 as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });
});

describe('WinHTTP duplicates the context (WINHTTP_OPTION_CLIENT_CERT_CONTEXT reference)', () => {
  beforeEach(() => contractDouble().setCertStores({ pfx: [{ bytes: PFX, password: PASSPHRASE, certificates: [withKey(client)] }] }));

  it('the ClientCertificate is collected after the set, and the send still presents the certificate', async () => {
    const exchange = new NativeExchange('/', WINHTTP_FLAG_SECURE);
    let certificate: NativeClientCertificate | undefined = new (getBinding().ClientCertificate)('pfx', PFX, PASSPHRASE);
    exchange.request.setClientCertificate(certificate);
    expect(contractDouble().stats().liveCertContexts).toBe(1); // the same context, referenced twice
    certificate = undefined;
    // Collected: its finalizer frees our reference and closes the store; WinHTTP's duplicate stays.
    for (let i = 0; i < 100 && contractDouble().stats().liveCertStores > 0; i++) {
      (globalThis as { gc?: () => void }).gc?.();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(contractDouble().stats()).toMatchObject({ liveCertContexts: 1, liveCertStores: 0 });
    const sent = await exchange.call((req) => req.send(0));
    expect(sent.error).toBe(0);
    await exchange.close();
    expect((await finishedTrace('/')).clientCertificate).toEqual(client.raw);
    expect(contractDouble().stats().liveCertContexts).toBe(0); // freed at HANDLE_CLOSING
    expect(certificate).toBeUndefined();
  });

  it('the option is refused on a session handle', () => {
    const binding = getBinding();
    const made = new binding.Session('double-test', 1, null, null);
    try {
      expect(() => made.setOption(WINHTTP_OPTION_CLIENT_CERT_CONTEXT, 0)).toThrow();
    } finally {
      made.close();
    }
    contractDouble().reset(); // the violation that refusal records is the point of this test
  });
});

describe('from the Windows store', () => {
  beforeEach(() => contractDouble().setCertStores({
    currentUser: [withKey(other), withKey(client), withoutKey(sameSubject)],
    localMachine: [withKey(sameSubject)],
  }));

  it('by SHA-1 thumbprint, as certmgr shows it', async () => {
    const thumbprint = client.fingerprint.replace(/:/g, ' ');
    expect(await presented({ clientCertificate: { thumbprint } })).toEqual(client.raw);
  });

  it('by SHA-256 thumbprint', async () => {
    expect(await presented({ clientCertificate: { thumbprint: hex(client.fingerprint256) } })).toEqual(client.raw);
  });

  it('by subject: of two matches only one has a private key, and that one is presented', async () => {
    expect(await presented({ clientCertificate: { subject: 'localhost' } })).toEqual(client.raw);
  });

  it('from LocalMachine\\MY when named', async () => {
    expect(await presented({ clientCertificate: { subject: 'CN=localhost', store: 'LocalMachine' } })).toEqual(sameSubject.raw);
  });

  it('a certificate without a private key is refused, naming its thumbprint', () => {
    expect(() => session({ clientCertificate: { thumbprint: hex(sameSubject.fingerprint) } })).toThrow(
      `The certificate in CurrentUser\\MY that matches thumbprint ${hex(sameSubject.fingerprint)} has no private key (${hex(sameSubject.fingerprint)})`);
  });

  it('two usable matches are refused rather than guessed', () => {
    contractDouble().setCertStores({ currentUser: [withKey(client), withKey(sameSubject)] });
    let error: unknown;
    try {
      session({ clientCertificate: { subject: 'localhost' } });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ClientCertificateNotFoundError);
    // In the store's order, which is the store's own.
    const matches = [...(error as ClientCertificateNotFoundError).matches];
    expect(matches.sort()).toEqual([hex(client.fingerprint), hex(sameSubject.fingerprint)].sort());
    expect((error as Error).message).toBe(`2 certificates in CurrentUser\\MY match subject "localhost" ` +
      `(${(error as ClientCertificateNotFoundError).matches.join(', ')}): name one by its thumbprint`);
  });

  it('none matching is ClientCertificateNotFoundError; every store opened was closed', () => {
    expect(() => session({ clientCertificate: { subject: 'nobody' } })).toThrow(ClientCertificateNotFoundError);
    expect(contractDouble().stats().liveCertStores).toBe(0);
  });

  it('bad shapes are TypeErrors naming the property', () => {
    expect(() => session({ clientCertificate: { thumbprint: 'abc' } })).toThrow('"tls.clientCertificate.thumbprint"');
    expect(() => session({ clientCertificate: { thumbprint: hex(client.fingerprint), passphrase: 'x' } as never }))
      .toThrow(/passphrase/);
    expect(() => session({ clientCertificate: { thumbprint: hex(client.fingerprint), store: 'Root' as never } }))
      .toThrow(`The "tls.clientCertificate.store" property must be 'CurrentUser' or 'LocalMachine'`);
    expect(() => session({ clientCertificate: {} as never })).toThrow(/must name a certificate/);
  });

  it('listClientCertificates() shows each store\'s certificates and closes the store', async () => {
    // In the store's order, which is the store's own.
    const listed = (await listClientCertificates()).map((entry) => `${entry.sha1} ${entry.hasPrivateKey}`);
    expect(listed.sort()).toEqual([`${hex(other.fingerprint)} true`, `${hex(client.fingerprint)} true`,
      `${hex(sameSubject.fingerprint)} false`].sort());
    expect(await listClientCertificates({ store: 'LocalMachine' })).toEqual([{
      subject: 'CN=localhost', issuer: sameSubject.issuer.split('\n').reverse().join(', '), commonName: 'localhost',
      sha1: hex(sameSubject.fingerprint), sha256: hex(sameSubject.fingerprint256),
      serialNumber: sameSubject.serialNumber.toUpperCase(), validFrom: new Date(sameSubject.validFrom),
      validTo: new Date(sameSubject.validTo), hasPrivateKey: true,
    }]);
    expect(contractDouble().stats()).toMatchObject({ liveCertContexts: 0, liveCertStores: 0 });
  });
});

// Trust in the Windows certificate store, for tests. WinHTTP trusts what LocalMachine\Root holds (under Wine: the
// Root store of the test's prefix, .cache/wineprefix). build/test-tools/cert_store.exe (test/tools/cert_store.c,
// built by `npm run build`) adds a test CA there and removes it again; this file is the one way tests drive it.
//
// The CA sets are in test/fixtures/tls (README.md there): `untrusted` never enters a store; `suite-trusted` is added
// by the Wine/Windows run's globalSetup before any test file starts and removed by its globalTeardown (jest.config.js,
// test/global/), so any test may serve `SUITE_CA`'s certificate and expect it trusted (`expectSuiteCaTrusted()` in
// beforeAll); `store-probe` belongs to test/integration/trust-store.test.ts, which adds and removes it itself.
//
// Why the whole run and not one file: a process reads the root store once (Wine at its first certificate check, and
// WinHTTP may resume a TLS session anyway), and jest reuses its worker processes across files, so a CA added by one
// file's beforeAll is not seen by a worker that checked a certificate before. To watch trust change, make each
// request in a new process (as trust-store.test.ts does). One CA set per user: files run in parallel, and a CA one
// file removes must not be one another file relies on.
//
// The CAs that enter a store are name-constrained to localhost, 127.0.0.1 and ::1: their private keys are in this
// repository, so while trusted they can vouch for nothing but loopback. Adding to LocalMachine\Root needs an
// elevated process on Windows (GitHub's runners are); without it the tests that need trust fail, saying so.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

/** The package root: this file runs from dist/test/helpers. */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const TLS_DIR = path.join(ROOT, 'test', 'fixtures', 'tls');
export const CERT_STORE_TOOL = path.join(ROOT, 'build', 'test-tools', 'cert_store.exe');

/** A test CA and a server certificate it signed for localhost and 127.0.0.1 (PEM), with the server's key. */
export interface TestCa {
  name: string;
  /** Path of the CA certificate (PEM). */
  caFile: string;
  cert: Buffer;
  key: Buffer;
}

function caSet(name: string, folder: string): TestCa {
  const dir = path.join(TLS_DIR, folder);
  return {
    name,
    caFile: path.join(dir, 'ca.pem'),
    cert: readFileSync(path.join(dir, 'server.pem')),
    key: readFileSync(path.join(dir, 'server-key.pem')),
  };
}

/** Never in a trust store: certificate validation must fail against it. */
export const UNTRUSTED_CA: TestCa = caSet('untrusted', '.');
/** In LocalMachine\Root for the whole Wine/Windows run (test/global/). */
export const SUITE_CA: TestCa = caSet('suite-trusted', 'suite-trusted');
/** Added and removed by test/integration/trust-store.test.ts only. */
export const STORE_PROBE_CA: TestCa = caSet('store-probe', 'store-probe');

/** Where globalSetup leaves, for the workers it starts, SUITE_CA_TRUSTED or why the suite CA could not be added. */
export const SUITE_CA_ENV = 'WINHTTP_TEST_SUITE_CA';
export const SUITE_CA_TRUSTED = 'trusted';

const execFileAsync = promisify(execFile);

async function certStore(command: 'add' | 'remove' | 'has', ca: TestCa): Promise<number> {
  if (process.platform !== 'win32') throw new Error('the Windows certificate store exists only on Windows (and Wine)');
  if (!existsSync(CERT_STORE_TOOL)) throw new Error(`${path.relative(ROOT, CERT_STORE_TOOL)} is missing: run npm run build`);
  try {
    await execFileAsync(CERT_STORE_TOOL, [command, ca.caFile], { windowsHide: true });
    return 0;
  } catch (error) {
    const { code, stderr } = error as { code?: unknown; stderr?: string };
    if (command === 'has' && code === 1) return 1;
    throw new Error(`cert_store ${command} ${ca.name} failed (exit ${String(code)}): ${String(stderr ?? error).trim()}` +
      (process.env.WINEPREFIX === undefined ? ' (LocalMachine\\Root needs an elevated process)' : ''));
  }
}

/** Adds `ca` to LocalMachine\Root (idempotent: a copy already there is replaced). */
export async function addToRootStore(ca: TestCa): Promise<void> {
  await certStore('add', ca);
}

/** Removes every copy of `ca` from LocalMachine\Root (none there is fine). */
export async function removeFromRootStore(ca: TestCa): Promise<void> {
  await certStore('remove', ca);
}

/** Whether LocalMachine\Root holds `ca`. */
export async function inRootStore(ca: TestCa): Promise<boolean> {
  return (await certStore('has', ca)) === 0;
}

/** Throws why SUITE_CA is not trusted in this run, unless globalSetup added it; call it in beforeAll. */
export function expectSuiteCaTrusted(): void {
  const state = process.env[SUITE_CA_ENV];
  if (state === SUITE_CA_TRUSTED) return;
  throw new Error(`the suite CA is not in LocalMachine\\Root: ${state ?? 'the globalSetup of jest.config.js did not run'}`);
}

// The test client certificate (build/test-certs/client.pfx, made by test/tools/make-tls-certs.sh) in the Windows store
// CurrentUser\MY, with its private key, for the tests that choose a client certificate from the store. Only
// test/integration/tls-client-cert.test.ts uses it: it adds the certificate in beforeAll and removes it in afterAll.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CERT_STORE_TOOL } from './trusted-ca';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CERTS = path.join(ROOT, 'build', 'test-certs');
export const CLIENT_PFX_PASSPHRASE = 'test-only';

const run = promisify(execFile);

async function certStore(args: string[]): Promise<void> {
  try {
    await run(CERT_STORE_TOOL, args, { windowsHide: true });
  } catch (error) {
    const { code, stderr } = error as { code?: unknown; stderr?: string };
    throw new Error(`cert_store ${args[0]} failed (exit ${String(code)}): ${String(stderr ?? error).trim()}`);
  }
}

export async function addClientCertToMyStore(): Promise<void> {
  await certStore(['add-my', path.join(CERTS, 'client.pfx'), CLIENT_PFX_PASSPHRASE]);
}

export async function removeClientCertFromMyStore(): Promise<void> {
  await certStore(['remove-my', path.join(CERTS, 'client.pem')]);
}

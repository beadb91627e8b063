// The certificates test/tools/make-tls-certs.sh makes at build time into build/test-certs/ (npm run build; the README
// of that script says what each one is for). Servers signed by the suite CA chain to a root in LocalMachine\Root
// while the suite runs (test/helpers/trusted-ca.ts), so each of them fails for exactly one reason.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DIR = path.join(ROOT, 'build', 'test-certs');

export interface ServerCertificate {
  cert: Buffer;
  key: Buffer;
}

/** The path of build/test-certs/<file>; throws how to make it if the build did not. */
export function testCertPath(file: string): string {
  const full = path.join(DIR, file);
  if (!existsSync(full)) throw new Error(`${path.relative(ROOT, full)} is missing: run npm run build (test/tools/make-tls-certs.sh)`);
  return full;
}

/** PEM (or PFX) bytes of build/test-certs/<file>. */
export function testCertFile(file: string): Buffer {
  return readFileSync(testCertPath(file));
}

/** build/test-certs/<name>.pem and <name>-key.pem. */
export function testServerCertificate(name: string): ServerCertificate {
  return { cert: testCertFile(`${name}.pem`), key: testCertFile(`${name}-key.pem`) };
}

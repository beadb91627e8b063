// jest globalSetup of the Wine/Windows run (jest.config.js): puts the suite CA into LocalMachine\Root before any test
// file starts, and takes out the store-probe CA, which an interrupted run may have left there. Adding is idempotent,
// so a CA left by a crashed run is simply kept until this run's globalTeardown. A failure does not stop the run: the
// tests that need the CA fail with its reason (expectSuiteCaTrusted()), the others run.
import { STORE_PROBE_CA, SUITE_CA, SUITE_CA_ENV, SUITE_CA_TRUSTED, addToRootStore, removeFromRootStore } from '../helpers/trusted-ca';

export default async function addSuiteCa(): Promise<void> {
  if (process.platform !== 'win32') return;
  try {
    await removeFromRootStore(STORE_PROBE_CA);
    await addToRootStore(SUITE_CA);
    process.env[SUITE_CA_ENV] = SUITE_CA_TRUSTED; // jest starts its workers after this, with this environment
  } catch (error) {
    process.env[SUITE_CA_ENV] = (error as Error).message;
  }
}

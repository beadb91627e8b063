// jest globalTeardown of the Wine/Windows run (jest.config.js): takes the suite CA out of LocalMachine\Root again.
import { SUITE_CA, removeFromRootStore } from '../helpers/trusted-ca';

export default async function removeSuiteCa(): Promise<void> {
  if (process.platform !== 'win32') return;
  await removeFromRootStore(SUITE_CA);
}

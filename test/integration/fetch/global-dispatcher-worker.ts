// Runs in a worker_thread (its own globalThis, as an app's main thread has one, which jest's sandbox does not give
// the test file): installs a WinHttpDispatcher with setGlobalDispatcher and runs every case through Node's own
// global fetch, counting the exchanges the dispatcher saw per case; then the first cases through the library's
// fetch too. Cases that cannot run here (skippedHere) are left out. Posts { global, dispatched, library } back.
import { parentPort, workerData } from 'node:worker_threads';
import { fetch as winhttpFetch, setGlobalDispatcher, WinHttpDispatcher } from '../../../lib';
import { CASES, runCase, skippedHere, type Bases, type Outcome } from './cases';

async function main(): Promise<void> {
  const { bases, onWine } = workerData as { bases: Bases; onWine: boolean };
  const cases = CASES.filter((c) => skippedHere(c, onWine) === undefined);
  const dispatcher = new WinHttpDispatcher();
  let dispatched = 0;
  const dispatch = dispatcher.dispatch.bind(dispatcher);
  dispatcher.dispatch = (opts, handler) => {
    dispatched += 1;
    return dispatch(opts, handler);
  };
  setGlobalDispatcher(dispatcher);
  const global: Record<string, Outcome> = {};
  const counts: Record<string, number> = {};
  for (const c of cases) {
    if (c.notThroughDispatcher !== undefined) continue;
    const before = dispatched;
    global[c.name] = await runCase(globalThis.fetch, c, bases);
    counts[c.name] = dispatched - before;
  }
  const library: Record<string, Outcome> = {};
  for (const c of cases.slice(0, 16)) library[c.name] = await runCase(winhttpFetch, c, bases);
  await dispatcher.close();
  parentPort!.postMessage({ global, dispatched: counts, library });
}

main().catch((error: unknown) => parentPort!.postMessage({ error: String((error as Error)?.stack ?? error) }));

// Where Node's built-in fetch looks for its dispatcher: globalThis[Symbol.for('undici.globalDispatcher.1')] (the
// fetch bundled in Node 20-24, and undici 5-7), and Symbol.for('undici.globalDispatcher.2') (undici 8). Setting both,
// as undici's own setGlobalDispatcher defines them, routes either through the same dispatcher without loading undici
// (loading undici 8 changes Node's bundled fetch: nodejs/undici#5500). Each worker_thread has its own globalThis,
// so each sets its own. NODE_USE_ENV_PROXY / http.setGlobalProxyFromEnv() install theirs over it.
import { invalidArg } from '../errors';

const SLOTS = [Symbol.for('undici.globalDispatcher.1'), Symbol.for('undici.globalDispatcher.2')];

interface DispatcherLike {
  dispatch(options: never, handler: never): boolean;
}

/** Routes Node's global fetch (and undici, when loaded) through `dispatcher`, e.g. a WinHttpDispatcher. */
export function setGlobalDispatcher(dispatcher: DispatcherLike): void {
  if (typeof dispatcher !== 'object' || dispatcher === null || typeof dispatcher.dispatch !== 'function') {
    throw invalidArg('dispatcher', 'must implement Dispatcher (a dispatch method)');
  }
  for (const slot of SLOTS) {
    Object.defineProperty(globalThis, slot, { value: dispatcher, writable: true, enumerable: false, configurable: false });
  }
}

/** The dispatcher Node's fetch uses now (undefined until one was set, by us or by undici). */
export function getGlobalDispatcher(): unknown {
  return (globalThis as Record<symbol, unknown>)[SLOTS[0]];
}

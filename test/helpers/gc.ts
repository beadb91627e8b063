// Garbage collection on demand, for counts that only settle once JavaScript wrappers are collected
// (liveNativeRequests(): a native request's state is freed after HANDLE_CLOSING *and* the finalizer of its wrapper).
// jest is not started with --expose-gc, so the flag is set at run time and `gc` taken from a fresh context.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { liveNativeRequests } from '../../lib';

let collect: (() => void) | undefined;

export function gc(): void {
  if (collect === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (typeof exposed === 'function') collect = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  collect();
}

/**
 * liveNativeRequests() once unreachable wrappers (also those of earlier test files in this jest worker, which shares
 * the addon) have been collected and their finalizers, which Node-API defers to the event loop, have run.
 */
export async function settledLiveNativeRequests(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return liveNativeRequests();
}

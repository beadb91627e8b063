// For tests whose route `holds` WinHttpWriteData calls until released: counting the writes a request made, and
// releasing held calls until a promise settles (so nothing depends on the machine's speed).
import { setTimeout as delay } from 'node:timers/promises';
import { STATUS, contractDouble } from './contract-double';

/** How many WRITE_COMPLETE notifications (one per WinHttpWriteData) a finished request's trace holds. */
export const writesOf = (notifications: number[]) => notifications.filter((n) => n === STATUS.WRITE_COMPLETE).length;

/** Releases the held calls until `promise` settles; returns what it resolved with. */
export async function releasing<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => (settled = true));
  while (!settled) {
    contractDouble().releaseHeld();
    await delay(1);
  }
  return watched;
}

// The progress interval option, checked once for Response.onProgress and download().
import { invalidArg, outOfRange } from '../errors';
import { DEFAULT_PROGRESS_INTERVAL_MS } from './meter';

/** Milliseconds between progress reports: a whole number, 100 at least (the documented ceiling on the report rate). */
export function validateInterval(value: unknown, name = 'intervalMs'): number {
  if (value === undefined) return DEFAULT_PROGRESS_INTERVAL_MS;
  if (typeof value !== 'number') throw invalidArg(name, 'must be a number');
  if (!Number.isInteger(value) || value < DEFAULT_PROGRESS_INTERVAL_MS) {
    throw outOfRange(name, `an integer >= ${DEFAULT_PROGRESS_INTERVAL_MS}`, value);
  }
  return value;
}

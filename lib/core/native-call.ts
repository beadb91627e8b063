// Turns what the native layer throws for a failed synchronous WinHTTP call into the public error classes.
import { InvalidStateError, WinHttpError } from '../errors';
import type { NativeCallError } from '../native/types';
import { formatted } from './formatted';

// Checked by shape, not instanceof: the addon creates its errors in the main context, which is not the caller's
// context under a vm or jest.
function isNativeCallError(error: unknown): error is NativeCallError {
  return typeof error === 'object' && error !== null && typeof (error as NativeCallError).errno === 'number' &&
    typeof (error as NativeCallError).api === 'string';
}

export function toPublicError(error: unknown): unknown {
  if (isNativeCallError(error)) {
    return formatted(new WinHttpError(error.errno, error.api, { systemMessage: error.systemMessage }));
  }
  const usage = error as { code?: unknown; message?: unknown } | null;
  if (typeof usage === 'object' && usage !== null && usage.code === 'ERR_WINHTTP_INVALID_STATE') {
    return formatted(new InvalidStateError(String(usage.message)));
  }
  return error;
}

/** Runs one synchronous native call, rethrowing its failure as a WinHttpError. */
export function callNative<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw toPublicError(error);
  }
}

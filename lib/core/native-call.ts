// Turns what the native layer throws for a failed synchronous WinHTTP call into the public error classes.
import { InvalidStateError, WinHttpError } from '../errors';
import type { NativeCallError } from '../native/types';

function isNativeCallError(error: unknown): error is NativeCallError {
  return error instanceof Error && typeof (error as NativeCallError).errno === 'number' &&
    typeof (error as NativeCallError).api === 'string';
}

export function toPublicError(error: unknown): unknown {
  if (isNativeCallError(error)) {
    return new WinHttpError(error.errno, error.api, { systemMessage: error.systemMessage });
  }
  if (error instanceof TypeError && (error as { code?: string }).code === 'ERR_WINHTTP_INVALID_STATE') {
    return new InvalidStateError(error.message);
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

// The error an aborted or closed request rejects with. WinHttpCloseHandle is the only cancel, and WinHTTP reports the
// cancelled call as ERROR_WINHTTP_OPERATION_CANCELLED; the library settles at once instead of waiting for that
// report (Wine never sends it), so it builds the same WinHttpError itself as the AbortError's cause, with the
// abort reason as that error's cause and as the AbortError's `reason`. A deadline (request()'s `deadline`) aborts
// with a DeadlineError as the reason, and that is what the caller sees instead, wherever the exchange was.
import { AbortError, DeadlineError, WinHttpError } from '../errors';
import { ERROR_WINHTTP_OPERATION_CANCELLED } from '../native/constants';
import { formatted } from './formatted';

/** `api`: the WinHTTP call that was pending, or WinHttpCloseHandle when none was. */
export function abortErrorFor(reason: unknown, api: string, message?: string): Error {
  if (reason instanceof DeadlineError) return reason;
  const cancelled = new WinHttpError(ERROR_WINHTTP_OPERATION_CANCELLED, api, {
    detail: 'The request handle was closed to cancel it',
    cause: reason,
  });
  formatted(cancelled);
  return formatted(new AbortError(message, { cause: cancelled, reason }));
}

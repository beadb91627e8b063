// The error an aborted step rejects with. A deadline (request()'s `deadline` option) aborts with a DeadlineError as
// the reason, and that is what the caller should see, wherever the exchange was; any other reason becomes the
// cause of an AbortError, as Node's fetch does.
import { AbortError, DeadlineError } from '../errors';

export function abortErrorFor(reason: unknown): Error {
  return reason instanceof DeadlineError ? reason : new AbortError(undefined, { cause: reason });
}

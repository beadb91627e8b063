// Public entry point of the error layer: WinHTTP error codes, WinHttpError and the library's own errors.

export { WINHTTP_ERROR_CODES, describeErrorCode } from './codes';
export type { WinHttpErrorCategory, WinHttpErrorInfo } from './codes';
export { WinHttpError, apiFromAsyncResult, decodeSecureFailureFlags } from './winhttp-error';
export type { WinHttpErrorOptions } from './winhttp-error';
export {
  AbortError,
  ContentDecodingError,
  DeadlineError,
  RedirectBodyError,
  RedirectError,
  RedirectLoopError,
  TooManyRedirectsError,
  InvalidStateError,
  ResponseTruncatedError,
  UnsupportedPlatformError,
  invalidArg,
  outOfRange,
} from './library-errors';
export type { ErrorCauseOptions, InvalidArgCode } from './library-errors';
export { BodyNotReplayableError } from './auth-errors';

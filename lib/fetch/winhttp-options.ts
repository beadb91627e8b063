// The WinHTTP half of a fetch() init (`init.winhttp`) and of `new WinHttpDispatcher(options)`: request()'s own
// options, checked against request()'s own list (REQUEST_KEYS), so every option request() learns (proxy,
// credentials, TLS, ...) works here too. The members the standard init or the undici dispatch options already carry
// are refused, so nothing is said twice with two meanings.
import { invalidArg } from '../errors';
import { refuseUnknownOptions } from '../policy/options';
import { REQUEST_KEYS, type RequestOptions } from '../request';

// request() options that fetch and the dispatcher set themselves, and where the caller gives them instead.
const SET_BY_FETCH: Record<string, string> = {
  method: 'give it as init.method',
  headers: 'give them as init.headers',
  body: 'give it as init.body',
  contentLength: "give a Content-Length header with a stream body",
  signal: 'give it as init.signal',
  redirect: 'give it as init.redirect',
  decompress: 'fetch always decodes the codings it asks for, as the standard says',
};

/** What `init.winhttp` may hold: request()'s options but those fetch takes from the standard init. */
export type WinHttpFetchOptions = Omit<RequestOptions, keyof typeof SET_BY_FETCH & keyof RequestOptions>;

/** Checks `value` (undefined for none) and returns it as request() options; `where` names it in errors. */
export function winhttpOptions(value: unknown, where: string): WinHttpFetchOptions {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) throw invalidArg(where, 'must be an object');
  const owned = Object.keys(value).filter((key) => key in SET_BY_FETCH && (value as Record<string, unknown>)[key] !== undefined);
  if (owned.length > 0) {
    const error = invalidArg(where, `has option${owned.length === 1 ? '' : 's'} ${owned.map((key) =>
      `"${key}" (${SET_BY_FETCH[key]})`).join(', ')}`, 'ERR_INVALID_ARG_VALUE');
    throw Object.assign(error, { unknownOptions: owned });
  }
  refuseUnknownOptions(value, REQUEST_KEYS, where);
  return value as WinHttpFetchOptions;
}

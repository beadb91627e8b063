// fetch() over WinHTTP: the standard's signature and Node's own Response, Headers and Request.
export { fetch, type FetchInit } from './fetch';
export type { WinHttpFetchOptions } from './winhttp-options';

// Public entry point of winhttp.
export { request, type RequestOptions } from './request';
export { Response, ResponseBody } from './response';
export { fetch, type FetchInit, type WinHttpFetchOptions } from './fetch';
export { WinHttpDispatcher, setGlobalDispatcher, getGlobalDispatcher, type DispatchInterceptor, type UndiciDispatchOptions } from './dispatcher';
export type { BodyInit } from './body';
export { Session, type SessionOptions, type ProxyOption } from './core/session';
export { Connection, type ConnectOptions } from './core/connection';
export { Request, type OpenRequestOptions, type SendOptions, type ResponseHead } from './core/request';
export type { Timeouts } from './core/timeouts';
export type { RequestBehaviour } from './core/behaviour';
export type { RequestPolicyOptions } from './policy/options';
export type { ProgressEvent, ProgressEventName } from './core/notifications';
export type { RequestTimings } from './core/timings';
export type { HeadersInput, IncomingHeaders } from './core/headers';
export { isSupported } from './native/binding';
export * from './errors';

import { getBinding } from './native/binding';

/** Diagnostics: native request states not yet freed in this thread (returns to its start once all are closed). */
export function liveNativeRequests(): number {
  return getBinding().liveRequests();
}

// undici's Dispatcher over WinHTTP, and the global slot Node's fetch reads it from.
export { WinHttpDispatcher, type DispatchInterceptor } from './winhttp-dispatcher';
export type { UndiciDispatchOptions } from './dispatch-options';
export { setGlobalDispatcher, getGlobalDispatcher } from './global';

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
export type { Credentials, CredentialsOption, OriginCredentials } from './policy/credentials';
export type { AuthSchemes } from './core/request';
export type { ProgressEvent, ProgressEventName } from './core/notifications';
export type { RequestTimings } from './core/timings';
export type { HeadersInput, IncomingHeaders } from './core/headers';
export { isSupported } from './native/binding';
export { WebSocket, WebSocketCloseEvent, WebSocketErrorEvent, WebSocketBufferFullError, WebSocketProtocolError, WebSocketHandshakeError, type WebSocketOptions, type WebSocketMessage } from './websocket';
export { resolveProxy, getSystemProxyConfig, type ResolveProxyOptions } from './proxy/api';
export type { ProxyDecision, SystemProxyConfig } from './proxy/resolution';
export { WPAD_RETRY_AFTER_MS, DEFAULT_PROXY_TIMEOUT_MS } from './proxy/resolution';
export { ProxyTimeoutError } from './proxy/errors';
export * from './errors';
export { CertificatePinError } from './tls/pin-error';
export { ClientCertificateNeededError } from './tls/client-cert-error';
export { ClientCertificateNotFoundError } from './tls/client-cert-not-found';
export { listClientCertificates, type ListClientCertificatesOptions } from './tls/client-cert-list';
export type { ClientCertificateInfo, CertificateStoreLocation } from './tls/client-cert-info';
export type { ClientCertificate, ClientCertificateOption } from './tls/client-cert-option';
export { loadClientCertificate } from './tls/client-cert-option';
export type { CaOption } from './tls/ca';
export type { TlsOptions, TlsVersion } from './tls/options';
export type { PeerCertificate } from './tls/certificate';
export * from './download';
export type { Progress } from './progress/meter';

import { getBinding } from './native/binding';

/** Diagnostics: native request states not yet freed in this thread (returns to its start once all are closed). */
export function liveNativeRequests(): number {
  return getBinding().liveRequests();
}

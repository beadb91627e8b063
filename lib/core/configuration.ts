// A new request handle's settings as the addon's Request constructor takes them (native/request_wrap.cc), set in the
// call that opens the handle: the four WinHttpSetTimeouts values, then [option, value] pairs for WinHttpSetOption.
// A request that overrides nothing gets its session's array, built once per session and scheme.
import {
  WINHTTP_AUTOLOGON_SECURITY_LEVEL_HIGH, WINHTTP_OPTION_AUTOLOGON_POLICY,
} from '../native/auth-constants';
import { WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT } from '../native/constants';
import type { NativeRequest } from '../native/types';
import { WinHttpError } from '../errors';
import { tlsRequestOptions, type TlsSettings } from '../tls/options';
import { behaviourOptions, protocolOptionFailure, type SessionBehaviour } from './behaviour';
import { toPublicError } from './native-call';
import type { Timeouts } from './timeouts';

/**
 * Timeouts (WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT always: Wine waits for headers forever otherwise), the
 * behaviour's options and an https request's TLS options. WINHTTP_OPTION_AUTOLOGON_POLICY HIGH: WinHTTP never sends
 * the logged-on user's credentials by itself (its default, MEDIUM, sends them to intranet servers and proxies
 * unasked); setCredentials(..., null) opts one handle in. The behaviour's WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL is the
 * last pair (protocolOptionFailure).
 */
export function requestConfiguration(timeouts: Readonly<Timeouts>, behaviour: Readonly<SessionBehaviour>, secure: boolean,
  tls: Readonly<TlsSettings>): number[] {
  // A connection verified under a relaxation, or authenticated with a client certificate, is never kept alive, so it
  // cannot serve another request: Wine's WinHTTP pools connections across sessions (a strict session was seen reusing
  // a relaxed one's connection, and a session without a certificate one authenticated with it). tls.ca makes WinHTTP
  // accept unknown roots (the native check decides them): such a connection is a relaxed one as well.
  const unshared = secure
    && (tls.securityFlags !== 0 || tls.clientCertificate !== undefined || tls.trustedRoots !== undefined);
  return [timeouts.resolve, timeouts.connect, timeouts.send, timeouts.receive,
    WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, timeouts.receiveResponse,
    WINHTTP_OPTION_AUTOLOGON_POLICY, WINHTTP_AUTOLOGON_SECURITY_LEVEL_HIGH,
    ...(secure ? tlsRequestOptions(tls) : []),
    ...behaviourOptions(unshared ? { ...behaviour, keepAlive: false } : behaviour)];
}

interface SessionConfigurations {
  timeouts: Readonly<Timeouts>;
  tls: Readonly<TlsSettings>;
  byScheme: [http?: number[], https?: number[]];
}

// Keyed by the session's frozen behaviour; its timeouts and TLS settings are checked too.
const bySession = new WeakMap<Readonly<SessionBehaviour>, SessionConfigurations>();

/** requestConfiguration() of a session's own settings, built once per session and scheme (read-only: shared). */
export function sessionConfiguration(timeouts: Readonly<Timeouts>, behaviour: Readonly<SessionBehaviour>, secure: boolean,
  tls: Readonly<TlsSettings>): readonly number[] {
  let known = bySession.get(behaviour);
  if (known === undefined || known.timeouts !== timeouts || known.tls !== tls) {
    known = { timeouts, tls, byScheme: [] };
    bySession.set(behaviour, known);
  }
  const scheme = secure ? 1 : 0;
  return (known.byScheme[scheme] ??= requestConfiguration(timeouts, behaviour, secure, tls));
}

/**
 * `open(configuration)` (the addon's Request constructor), its failure as a public error. Only
 * WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL unknown to an old WinHTTP is tolerated for HTTP/1.1 (protocolOptionFailure):
 * the handle it failed on is closed, so the request is opened again without that last pair.
 */
export function openConfigured(open: (configuration: readonly number[]) => NativeRequest, configuration: readonly number[],
  behaviour: Readonly<SessionBehaviour>): NativeRequest {
  try {
    return open(configuration);
  } catch (raw) {
    const error = toPublicError(raw);
    if (!(error instanceof WinHttpError)) throw error;
    const failure = protocolOptionFailure(error, (raw as { option?: number }).option, behaviour);
    if (failure !== undefined) throw failure;
  }
  try {
    return open(configuration.slice(0, -2));
  } catch (raw) {
    throw toPublicError(raw);
  }
}

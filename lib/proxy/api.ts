// The public proxy functions: what the Windows settings say, and which proxy WinHTTP uses for a URL and why.
import { invalidArg } from '../errors';
import { DEFAULT_USER_AGENT, type Session } from '../core/session';
import { DEFAULT_TIMEOUTS } from '../core/timeouts';
import { validateTimeout } from '../core/validate';
import { refuseUnknownOptions } from '../policy/options';
import { parseProxyOption, type ProxyOption } from './option';
import { DEFAULT_PROXY_TIMEOUT_MS, ProxyResolution, type ProxyDecision, type SystemProxyConfig } from './resolution';

export interface ResolveProxyOptions {
  /** The mode to ask about (default: the session's, or 'system'). */
  proxy?: ProxyOption;
  /** Resolve as this session would (its proxy mode, timeouts and PAC cache). */
  session?: Session;
  /** Milliseconds for a WPAD discovery or a PAC download and run (default: the session's proxyTimeout, 10,000). */
  timeout?: number;
}

// Without a session, each call has a resolver of its own, closed when the call ends (its WinHTTP session handle is
// open only meanwhile).
async function withOwnResolution<T>(use: (resolution: ProxyResolution) => Promise<T>): Promise<T> {
  const t = DEFAULT_TIMEOUTS;
  const resolution = new ProxyResolution(DEFAULT_USER_AGENT, [t.resolve, t.connect, t.send, t.receive]);
  try {
    return await use(resolution);
  } finally {
    resolution.close();
  }
}

/**
 * Which proxy WinHTTP uses for `url` and why (PAC, WPAD, static, environment or direct). Asynchronous: WPAD
 * discovery and PAC files run on WinHTTP's or a worker thread, never on the JS thread.
 */
export async function resolveProxy(url: string | URL, options: ResolveProxyOptions = {}): Promise<ProxyDecision> {
  if (typeof options !== 'object' || options === null) throw invalidArg('options', 'must be an object');
  refuseUnknownOptions(options, ['proxy', 'session', 'timeout']);
  let target: URL;
  try {
    target = new URL(typeof url === 'string' ? url : String(url));
  } catch {
    throw invalidArg('url', 'must be an absolute http:// or https:// URL', 'ERR_INVALID_ARG_VALUE');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw invalidArg('url', 'must be an absolute http:// or https:// URL', 'ERR_INVALID_ARG_VALUE');
  }
  const session = options.session;
  if (session !== undefined && typeof (session as Session).connect !== 'function') throw invalidArg('session', 'must be a Session');
  const mode = options.proxy !== undefined ? parseProxyOption(options.proxy) : session?.proxy.mode ?? { kind: 'system' as const };
  const timeout = options.timeout !== undefined ? validateTimeout('timeout', options.timeout)
    : session?.proxy.timeout ?? DEFAULT_PROXY_TIMEOUT_MS;
  if (session !== undefined) return session.proxyResolution.decide(mode, target, timeout);
  return withOwnResolution((resolution) => resolution.decide(mode, target, timeout));
}

/** The current user's proxy settings (auto-detect, PAC URL, proxy, bypass) and the static WinHTTP proxy. */
export async function getSystemProxyConfig(): Promise<SystemProxyConfig> {
  return withOwnResolution((resolution) => resolution.systemConfig());
}

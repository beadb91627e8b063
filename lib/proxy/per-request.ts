// The proxy of one request handle, where the session handle's own setting does not decide it: a request's own
// `proxy` option, and sessions in 'env' or 'pac' mode (or 'system' where WinHttpOpen refused AUTOMATIC_PROXY).
// Each hop (redirects included) is resolved for its own URL, then WINHTTP_OPTION_PROXY is set before it is sent.
import type { Request } from '../core/request';
import type { Session } from '../core/session';
import type { ProxyMode } from './option';

/** The step dispatch() runs on each hop before sending it, or undefined when the session handle decides. */
export function proxyStep(session: Session, override: ProxyMode | undefined): ((req: Request, url: URL) => Promise<void>) | undefined {
  const sessionDecides = !session.proxy.perRequest && (override === undefined || sameMode(override, session.proxy.mode));
  if (sessionDecides) return undefined;
  const mode = override ?? session.proxy.mode;
  return async (req, url) => {
    if (mode.kind === 'none') return req.setProxy(null);
    if (mode.kind === 'named') return req.setProxy(mode.server, mode.bypass);
    const decision = await session.proxyResolution.decide(mode, url, session.proxy.timeout);
    req.setProxy(decision.proxy, decision.bypass);
  };
}

function sameMode(a: ProxyMode, b: ProxyMode): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'named' && b.kind === 'named') return a.server === b.server && a.bypass === b.bypass;
  return a.kind === 'system' || a.kind === 'winhttp' || a.kind === 'none';
}

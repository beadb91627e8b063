// One hop of `winhttp diagnose`: the proxy decision for its URL, then the request as the library makes it (redirects
// not followed, so each hop is seen), without credentials first so the challenge is seen as the server sent it, then
// answered with the credentials given for that target (server credentials for the starting origin only, as
// request() scopes them). A certificate Windows refuses is read by a second request under relaxations, labelled as
// such, whose answer goes no further.
import { request, type RequestOptions } from '../request';
import { Session } from '../core/session';
import { WinHttpError } from '../errors';
import { resolveProxy } from '../proxy/api';
import type { ProxyDecision } from '../proxy/resolution';
import type { CredentialsOption } from '../policy/credentials';
import type { Response } from '../response';
import { RELAXATION_NAMES, type TlsOptions } from '../tls/options';
import { RELAXATION_FOR_REASON } from './tls-args';
import type { DiagnoseOptions } from './diagnose-args';
import { headerValues, offeredSchemes, schemeUsed } from './diagnose-auth';
import { chainOf, errorInfo, timingOf } from './diagnose-facts';
import type { AuthFinding, HopFinding, TlsFinding } from './diagnose-model';

const ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED = 12044;
// A challenge is answered once per target; one more round shows a refusal.
const MAX_ATTEMPTS = 3;

export interface HopContext {
  session: Session;
  options: DiagnoseOptions;
  /** The origin of the url diagnosed: the only one server credentials go to. */
  startOrigin: string;
}

const relaxationsIn = (tls: TlsOptions | undefined): string[] =>
  RELAXATION_NAMES.filter((name) => tls?.[name] === true);

function routeOf(url: URL, decision: ProxyDecision | undefined): string {
  const target = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  if (decision === undefined) return `unknown (no proxy decision) to ${target}`;
  if (decision.proxy === null) return `direct to ${target}`;
  const proxy = decision.proxy.split(';')[0];
  return `through the proxy ${proxy} (${url.protocol === 'https:' ? `CONNECT tunnel to ${target}` : 'absolute-form request'})`;
}

const trustedBy = (options: DiagnoseOptions): TlsFinding['trustedBy'] => (options.tls?.ca !== undefined ? 'ca' : 'store');

function tlsOf(response: Response, options: DiagnoseOptions): TlsFinding {
  const relaxed = relaxationsIn(options.tls);
  return { verdict: relaxed.length === 0 ? 'trusted' : 'accepted', trustedBy: trustedBy(options), relaxed,
    chain: chainOf(response.serverCertificate()) };
}

// The chain of a server whose certificate the strict request refused, read under the relaxations for the reasons
// WinHTTP gave (all four when it gave none), revocation not checked.
async function refusedTls(url: URL, context: HopContext, error: WinHttpError): Promise<TlsFinding> {
  const forReasons = error.reasons.map((reason) => RELAXATION_FOR_REASON[reason as keyof typeof RELAXATION_FOR_REASON])
    .filter((name): name is (typeof RELAXATION_NAMES)[number] => name !== undefined);
  const relax = forReasons.length > 0 ? [...new Set([...forReasons, ...relaxationsIn(context.options.tls)])] : [...RELAXATION_NAMES];
  const finding: TlsFinding = { verdict: 'refused', trustedBy: trustedBy(context.options), relaxed: relaxationsIn(context.options.tls), error: errorInfo(error), chain: [],
    chainReadWith: relax };
  const session = new Session({ proxy: context.options.proxy, tls: Object.fromEntries(relax.map((name) => [name, true])) });
  try {
    const response = await request(url, { session, redirect: 'manual', timeout: context.options.timeout });
    response.body.destroy();
    finding.chain = chainOf(response.serverCertificate());
  } catch {
    // Not even a relaxed handshake completed: there is no chain to show, and the strict error says why.
  } finally {
    session.close();
  }
  return finding;
}

function challengeOf(response: Response, target: 'server' | 'proxy'): Pick<AuthFinding, 'target' | 'challenges' | 'offered'> {
  const challenges = headerValues(response.rawHeaders, target === 'proxy' ? 'proxy-authenticate' : 'www-authenticate');
  return { target, challenges, offered: offeredSchemes(challenges) };
}

// The credentials for this challenge, or why there are none.
function secretFor(target: 'server' | 'proxy', url: URL, context: HopContext): { secret: CredentialsOption } | { why: string } {
  const { credentials, proxyCredentials } = context.options.auth;
  if (target === 'proxy') {
    return proxyCredentials !== undefined ? { secret: proxyCredentials } : { why: 'no proxy credentials were given (--proxy-user, --proxy-ntlm)' };
  }
  if (credentials === undefined) return { why: 'no server credentials were given (--user, --ntlm)' };
  if (url.origin !== context.startOrigin) return { why: `server credentials go to ${context.startOrigin} only` };
  return { secret: credentials };
}

/** The hop's findings, and the error that ended it (for the exit code), if one did. */
export async function diagnoseHop(url: URL, context: HopContext): Promise<{ hop: HopFinding; failure?: unknown }> {
  let proxy: HopFinding['proxy'];
  try {
    proxy = await resolveProxy(url, { session: context.session, timeout: context.options.timeout });
  } catch (error) {
    proxy = { error: errorInfo(error) };
  }
  const hop: HopFinding = { url: url.href, proxy, route: routeOf(url, 'error' in proxy ? undefined : proxy as ProxyDecision), auth: [] };
  const answers: Pick<RequestOptions, 'credentials' | 'proxyCredentials'> = {};
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let response: Response;
    try {
      response = await request(url, { session: context.session, redirect: 'manual', timeout: context.options.timeout, ...answers });
    } catch (error) {
      hop.error = errorInfo(error);
      if (url.protocol === 'https:' && error instanceof WinHttpError && error.isTls && error.errno !== ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED) {
        hop.tls = await refusedTls(url, context, error);
      }
      return { hop, failure: error };
    }
    response.body.destroy();
    Object.assign(hop, { status: response.status, statusText: response.statusText, httpVersion: response.httpVersion,
      timings: timingOf(response.timings) });
    if (url.protocol === 'https:') {
      try {
        hop.tls = tlsOf(response, context.options);
      } catch {
        // No certificate on this answer (a proxy's 407 to the CONNECT): nothing to show.
      }
    }
    const location = response.headers.location;
    if (typeof location === 'string') hop.location = location;
    if (hop.auth.length > 0) hop.auth[hop.auth.length - 1].statusAfter = response.status;
    if (response.status !== 401 && response.status !== 407) break;
    const target = response.status === 407 ? 'proxy' : 'server';
    const key = target === 'proxy' ? 'proxyCredentials' : 'credentials';
    if (answers[key] !== undefined) break; // answered already: the repeated challenge is the refusal
    const found = secretFor(target, url, context);
    const challenge = challengeOf(response, target);
    if ('why' in found) {
      hop.auth.push({ ...challenge, used: null, why: found.why });
      break;
    }
    const secret = found.secret;
    const used = schemeUsed(challenge.offered, secret === 'default') ?? null;
    hop.auth.push({ ...challenge, used, why: used === null
      ? `none of the offered schemes can be answered with ${secret === 'default' ? "the logged-on user's credentials (Negotiate, NTLM)" : 'a user and password'}`
      : `the strongest offered scheme ${secret === 'default' ? "the logged-on user's credentials" : 'a user and password'} may answer` });
    if (used === null) break;
    answers[key] = secret;
  }
  return { hop };
}

// Answers 401 (server) and 407 (proxy) challenges the way Microsoft's documented authentication loop does: after the
// head arrived, ask which schemes are offered (WinHttpQueryAuthSchemes), choose the strongest one the credentials
// allow (Negotiate > NTLM > Digest > Basic; the logged-on user's only for Negotiate and NTLM), set the credentials
// for that target on the same request handle (WinHttpSetCredentials), and let dispatch.ts send the request again
// there. WinHTTP runs the NTLM/Negotiate legs itself. Each target is answered at most once per request handle: a
// second challenge means the credentials were refused, and the 401/407 is returned to the caller, never looped on.
import { WinHttpError } from '../errors';
import type { Request, ResponseHead } from '../core/request';
import {
  WINHTTP_AUTH_SCHEME_BASIC,
  WINHTTP_AUTH_SCHEME_DIGEST,
  WINHTTP_AUTH_SCHEME_NEGOTIATE,
  WINHTTP_AUTH_SCHEME_NTLM,
  WINHTTP_AUTH_TARGET_PROXY,
} from '../native/auth-constants';
import type { CredentialSet } from './credentials';

const STRONGEST_FIRST = [WINHTTP_AUTH_SCHEME_NEGOTIATE, WINHTTP_AUTH_SCHEME_NTLM, WINHTTP_AUTH_SCHEME_DIGEST, WINHTTP_AUTH_SCHEME_BASIC];
const LOGGED_ON_USER_SCHEMES = [WINHTTP_AUTH_SCHEME_NEGOTIATE, WINHTTP_AUTH_SCHEME_NTLM];

/** The strongest of the offered WINHTTP_AUTH_SCHEME_* bits these credentials may answer; undefined if none. */
export function chooseScheme(offered: number, loggedOnUser: boolean): number | undefined {
  return (loggedOnUser ? LOGGED_ON_USER_SCHEMES : STRONGEST_FIRST).find((scheme) => (offered & scheme) !== 0);
}

/** The targets (WINHTTP_AUTH_TARGET_*) already given credentials on one request handle. */
export type AnsweredTargets = Set<number>;

/**
 * After `head` on `req` (for a URL of `origin`): true if credentials were set and the request must be sent again on
 * the same handle; false to hand the response to the caller (not a challenge, no credentials for that target or
 * scheme, a challenge WinHTTP cannot answer, or the target refused the credentials already given).
 */
export function answerChallenge(req: Request, head: ResponseHead, origin: string, credentials: CredentialSet,
  answered: AnsweredTargets): boolean {
  if (head.status !== 401 && head.status !== 407) return false;
  // Nothing to answer with: the response is the answer, and WinHTTP is not asked (a request sent through the chained
  // exchange, which is used only without credentials, has read some of the body already).
  if ((head.status === 407 ? credentials.proxy() : credentials.server(origin)) === undefined) return false;
  let offered;
  try {
    offered = req.queryAuthSchemes();
  } catch (error) {
    // WinHTTP fails the query for a challenge it cannot answer (no or unknown scheme): the response is the answer.
    if (error instanceof WinHttpError) return false;
    throw error;
  }
  if (answered.has(offered.target)) return false;
  const secret = offered.target === WINHTTP_AUTH_TARGET_PROXY ? credentials.proxy() : credentials.server(origin);
  if (secret === undefined) return false;
  const scheme = chooseScheme(offered.supported, secret === null);
  if (scheme === undefined) return false;
  req.setCredentials(offered.target, scheme, secret);
  answered.add(offered.target);
  return true;
}

// Gathers a Diagnosis for `winhttp diagnose`: the system proxy settings, then hop after hop (diagnose-hop.ts) along
// the redirects, as request() would follow them (at most its default of 10, and never back to a URL already seen).
import { Session } from '../core/session';
import { RedirectLoopError, TooManyRedirectsError } from '../errors';
import { getSystemProxyConfig } from '../proxy/api';
import { DEFAULT_POLICY } from '../policy/options';
import type { DiagnoseOptions } from './diagnose-args';
import { diagnoseHop } from './diagnose-hop';
import { errorInfo } from './diagnose-facts';
import type { Diagnosis } from './diagnose-model';
import { EXIT, exitCodeFor } from './exit-codes';
import type { CredentialsOption } from '../policy/credentials';

const given = (secret: CredentialsOption | undefined) =>
  secret === undefined ? 'none' as const : secret === 'default' ? 'logged-on user' as const : 'user and password' as const;

export async function gatherDiagnosis(options: DiagnoseOptions, start: URL): Promise<Diagnosis> {
  // First: it checks the proxy and TLS options, so a bad one is refused before anything is queried.
  const session = new Session({ proxy: options.proxy, tls: options.tls });
  try {
    const diagnosis: Diagnosis = {
      url: start.href,
      proxyOption: options.proxy,
      systemProxy: await getSystemProxyConfig().catch((error: unknown) => ({ error: errorInfo(error) })),
      credentials: { server: given(options.auth.credentials), proxy: given(options.auth.proxyCredentials) },
      hops: [],
      exitCode: EXIT.OK,
    };
    const seen = [start.href];
    for (let url = start; ;) {
      const { hop, failure } = await diagnoseHop(url, { session, options, startOrigin: start.origin });
      diagnosis.hops.push(hop);
      if (failure !== undefined) return ended(diagnosis, failure);
      const status = hop.status!;
      if (hop.location === undefined || status < 300 || status > 399) {
        diagnosis.final = { url: url.href, status, statusText: hop.statusText ?? '' };
        return diagnosis;
      }
      url = new URL(hop.location, url);
      if (seen.includes(url.href)) return ended(diagnosis, new RedirectLoopError([...seen, url.href]));
      seen.push(url.href);
      if (seen.length - 1 > DEFAULT_POLICY.maxRedirects) {
        return ended(diagnosis, new TooManyRedirectsError(DEFAULT_POLICY.maxRedirects, seen.slice(1)));
      }
    }
  } finally {
    session.close();
  }
}

function ended(diagnosis: Diagnosis, failure: unknown): Diagnosis {
  diagnosis.error = errorInfo(failure);
  diagnosis.exitCode = exitCodeFor(failure);
  return diagnosis;
}

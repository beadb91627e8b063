// A Diagnosis as text for a person (`winhttp diagnose URL`); `--json` prints the Diagnosis itself.
import type { ProxyDecision, SystemProxyConfig } from '../proxy/resolution';
import type { AuthFinding, Diagnosis, ErrorInfo, HopFinding, Timing, TlsFinding } from './diagnose-model';
import { relaxationFlag } from './tls-args';
import type { RELAXATION_NAMES } from '../tls/options';

const or = (value: string | null, none = 'none'): string => value ?? none;

function errorLine(error: ErrorInfo): string {
  const details = [error.code, error.errno, error.api].filter((part) => part !== undefined).join(', ');
  return `${error.name}${details ? ` (${details})` : ''}: ${error.message}`;
}

function systemLines(config: Diagnosis['systemProxy']): string[] {
  if ('error' in config) return [`  could not be read: ${errorLine(config.error)}`];
  const c = config as SystemProxyConfig;
  return [
    `  auto-detect (WPAD): ${c.autoDetect ? 'on' : 'off'}`,
    `  PAC URL:            ${or(c.autoConfigUrl)}`,
    `  proxy:              ${or(c.proxy)}`,
    `  bypass:             ${or(c.bypass)}`,
    `  WinHTTP proxy:      ${or(c.winhttp.proxy, 'none (direct)')}${c.winhttp.bypass ? `, bypass ${c.winhttp.bypass}` : ''}`,
  ];
}

function proxyOptionText(option: unknown): string {
  if (typeof option === 'string') return option;
  return JSON.stringify(option);
}

function decisionLine(proxy: HopFinding['proxy']): string {
  if ('error' in proxy) return `no decision: ${errorLine(proxy.error)}`;
  const d = proxy as ProxyDecision;
  return `${d.proxy === null ? 'DIRECT' : `PROXY ${d.proxy}`} (source: ${d.source}${d.api ? `, ${d.api}` : ''}): ${d.reason}`;
}

const ms = (value: number | undefined): string | undefined => (value === undefined ? undefined : `${value} ms`);

function timingLine(t: Timing, secure: boolean): string {
  const parts = [
    `resolve ${ms(t.dns) ?? '- (not seen: a reused connection, a cached name or an IP address)'}`,
    t.tcp !== undefined ? `TCP ${ms(t.tcp)}` : undefined,
    secure ? `TLS ${ms(t.tls) ?? '- (not reported apart from connect by this WinHTTP)'}` : undefined,
    `connect ${ms(t.connect) ?? '- (reused connection)'}`,
    `first byte ${ms(t.firstByte) ?? '-'} after the request was sent`,
    `head at ${ms(t.headers) ?? '-'}`,
  ];
  return parts.filter(Boolean).join(', ');
}

const flags = (names: readonly string[]): string =>
  names.map((name) => relaxationFlag(name as (typeof RELAXATION_NAMES)[number])).join(' ');

const sameChain = (a: TlsFinding, b: TlsFinding | undefined): boolean =>
  b !== undefined && a.chain.map((c) => c.fingerprint256).join() === b.chain.map((c) => c.fingerprint256).join();

// `before`: the TLS finding of an earlier hop; a chain shown there is named, not repeated.
function tlsLines(tls: TlsFinding, before?: { tls: TlsFinding; hop: number }): string[] {
  const lines: string[] = [];
  if (tls.verdict === 'trusted') {
    lines.push(`  TLS:      trusted: the chain verified against ${tls.trustedBy === 'ca' ? 'the roots given with --ca (only those)'
      : 'the Windows certificate store'}`);
  }
  else if (tls.verdict === 'accepted') lines.push(`  TLS:      accepted with ${flags(tls.relaxed)} (not verified strictly)`);
  else {
    lines.push(`  TLS:      NOT trusted: ${tls.error ? errorLine(tls.error) : 'refused'}`);
    if (tls.error?.reasons) lines.push(`            reasons: ${tls.error.reasons.join(', ')}`);
    else lines.push('            reasons: none reported by WinHTTP (no SECURE_FAILURE flags)');
    if (tls.chain.length > 0) {
      lines.push(`            the chain below was read by a second request with ${flags(tls.chainReadWith ?? [])}, ONLY to show it;`,
        '            it is not trusted and nothing else was done with that connection');
    } else {
      lines.push('            no chain: not even a relaxed handshake completed');
    }
  }
  if (tls.chain.length > 0 && before !== undefined && sameChain(tls, before.tls)) {
    lines.push(`    the same chain as hop ${before.hop} (SHA-256 ${tls.chain[0].fingerprint256})`);
    return lines;
  }
  tls.chain.forEach((certificate, index) => {
    lines.push(`    [${index}] subject ${certificate.subject}`,
      `        issuer  ${certificate.issuer}`,
      ...(certificate.subjectAltName ? [`        names   ${certificate.subjectAltName}`] : []),
      `        valid   ${certificate.validFrom} to ${certificate.validTo}`,
      `        serial  ${certificate.serialNumber}`,
      `        SHA-256 ${certificate.fingerprint256}`);
  });
  return lines;
}

function authLines(auth: AuthFinding): string[] {
  const header = auth.target === 'proxy' ? 'Proxy-Authenticate' : 'WWW-Authenticate';
  return [
    `  auth:     the ${auth.target} offered ${auth.offered.join(', ') || 'no scheme'}`,
    ...auth.challenges.map((challenge) => `            ${header}: ${challenge}`),
    auth.used === null ? `            not answered: ${auth.why}`
      : `            answered with ${auth.used} (${auth.why})${auth.statusAfter !== undefined ? ` -> ${auth.statusAfter}` : ''}`,
  ];
}

function hopLines(hop: HopFinding, index: number, hops: readonly HopFinding[]): string[] {
  const lines = [`Hop ${index + 1}: GET ${hop.url}`, `  proxy:    ${decisionLine(hop.proxy)}`, `  route:    ${hop.route}`];
  if (hop.timings) lines.push(`  timings:  ${timingLine(hop.timings, hop.url.startsWith('https:'))}`);
  if (hop.tls) {
    const earlier = hops.slice(0, index).findIndex((other) => other.tls !== undefined && sameChain(hop.tls!, other.tls));
    lines.push(...tlsLines(hop.tls, earlier < 0 ? undefined : { tls: hops[earlier].tls!, hop: earlier + 1 }));
  }
  for (const auth of hop.auth) lines.push(...authLines(auth));
  if (hop.status !== undefined) {
    lines.push(`  status:   ${hop.status} ${hop.statusText ?? ''}`.trimEnd() + ` (HTTP/${hop.httpVersion})` +
      (hop.location !== undefined ? `, Location: ${hop.location}` : ''));
  }
  // A TLS refusal is shown above; the hint follows the result.
  if (hop.error && hop.tls?.error === undefined) lines.push(`  failed:   ${errorLine(hop.error)}`);
  return lines;
}

export function renderDiagnosis(d: Diagnosis): string {
  const lines = [
    `winhttp diagnose ${d.url}`,
    '',
    'System proxy settings (current user; WinHTTP\'s own from netsh):',
    ...systemLines(d.systemProxy),
    `Proxy option: ${proxyOptionText(d.proxyOption)}`,
    `Credentials: server ${d.credentials.server}, proxy ${d.credentials.proxy} (never shown)`,
    '',
  ];
  d.hops.forEach((hop, index, hops) => lines.push(...hopLines(hop, index, hops), ''));
  const redirects = d.hops.length - 1;
  if (d.final) {
    lines.push(`Result: ${d.final.status} ${d.final.statusText} from ${d.final.url}` +
      ` after ${redirects} redirect${redirects === 1 ? '' : 's'}`);
  } else if (d.error) {
    lines.push(`Result: failed: ${errorLine(d.error)}`, ...(d.error.hint ? [`hint: ${d.error.hint}`] : []));
  }
  lines.push(`Exit code: ${d.exitCode}`);
  return `${lines.join('\n')}\n`;
}

// The text of `winhttp diagnose` (lib/cli/diagnose-render.ts) from a Diagnosis: one chain shown once however many hops
// met it, a refused chain labelled as read only to be shown, and the result with its hint and exit code.
import { renderDiagnosis } from '../../lib/cli/diagnose-render';
import type { CertificateSummary, Diagnosis, HopFinding } from '../../lib/cli/diagnose-model';

const certificate = (name: string, fingerprint256: string): CertificateSummary => ({
  subject: `CN=${name}`, issuer: 'CN=ca', validFrom: '2025-01-01T00:00:00.000Z', validTo: '2026-01-01T00:00:00.000Z',
  serialNumber: '01', fingerprint256,
});

const hop = (url: string, extra: Partial<HopFinding>): HopFinding => ({
  url, proxy: { proxy: null, bypass: null, source: 'direct', reason: "proxy: 'none'" }, route: 'direct to h:443', auth: [], ...extra,
});

const base: Omit<Diagnosis, 'hops'> = {
  url: 'https://h/a', proxyOption: 'none', credentials: { server: 'none', proxy: 'none' }, exitCode: 0,
  systemProxy: { autoDetect: false, autoConfigUrl: null, proxy: null, bypass: null, winhttp: { proxy: null, bypass: null } },
};

it('shows a chain once and names the hop that showed it', () => {
  const tls = { verdict: 'trusted' as const, trustedBy: 'store' as const, relaxed: [], chain: [certificate('h', 'AA:01')] };
  const text = renderDiagnosis({ ...base, final: { url: 'https://h/b', status: 200, statusText: 'OK' }, hops: [
    hop('https://h/a', { status: 302, statusText: 'Found', httpVersion: '1.1', location: '/b', tls }),
    hop('https://h/b', { status: 200, statusText: 'OK', httpVersion: '1.1', tls }),
  ] });
  expect(text.split('    [0] subject CN=h\n')).toHaveLength(2);
  expect(text).toContain('\nHop 2: GET https://h/b\n  proxy:    DIRECT (source: direct): proxy: \'none\'\n  route:    direct to h:443\n' +
    '  TLS:      trusted: the chain verified against the Windows certificate store\n' +
    '    the same chain as hop 1 (SHA-256 AA:01)\n  status:   200 OK (HTTP/1.1)\n');
  expect(text.endsWith('\nResult: 200 OK from https://h/b after 1 redirect\nExit code: 0\n')).toBe(true);
});

it('says a chain verified under --ca was verified against those roots only, not the Windows store', () => {
  const tls = { verdict: 'trusted' as const, trustedBy: 'ca' as const, relaxed: [], chain: [certificate('h', 'AA:03')] };
  const text = renderDiagnosis({ ...base, final: { url: 'https://h/a', status: 200, statusText: 'OK' }, hops: [
    hop('https://h/a', { status: 200, statusText: 'OK', httpVersion: '1.1', tls })] });
  expect(text).toContain('\n  TLS:      trusted: the chain verified against the roots given with --ca (only those)\n');
  expect(text).not.toContain('Windows certificate store');
});

it('labels a refused chain as read under relaxations only to show it, and ends with the error and its hint', () => {
  const error = { name: 'WinHttpError', message: 'm', code: 'ERROR_WINHTTP_SECURE_FAILURE', errno: 12175, api: 'WinHttpSendRequest',
    reasons: ['invalid-ca'], hint: 'invalid-ca: add the CA' };
  const text = renderDiagnosis({ ...base, exitCode: 7, error, hops: [hop('https://h/a', { error, tls: { verdict: 'refused', trustedBy: 'store', relaxed: [],
    error, chain: [certificate('h', 'AA:02')], chainReadWith: ['dangerouslyAcceptUnknownCa'] } })] });
  expect(text).toContain('  TLS:      NOT trusted: WinHttpError (ERROR_WINHTTP_SECURE_FAILURE, 12175, WinHttpSendRequest): m\n' +
    '            reasons: invalid-ca\n' +
    '            the chain below was read by a second request with --dangerously-accept-unknown-ca, ONLY to show it;\n' +
    '            it is not trusted and nothing else was done with that connection\n    [0] subject CN=h\n');
  expect(text).not.toContain('  failed:');
  expect(text.endsWith('\nResult: failed: WinHttpError (ERROR_WINHTTP_SECURE_FAILURE, 12175, WinHttpSendRequest): m\n' +
    'hint: invalid-ca: add the CA\nExit code: 7\n')).toBe(true);
});

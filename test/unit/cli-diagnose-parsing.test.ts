// The pure parts of `winhttp diagnose` and of the fetch command's new options: reading the challenges of a 401/407
// (RFC 9110 section 11.6.1), the scheme the library answers with, the diagnose options, and curl's -d Content-Type.
import { offeredSchemes, schemeUsed, headerValues } from '../../lib/cli/diagnose-auth';
import { parseDiagnose } from '../../lib/cli/diagnose-args';
import { parseCli } from '../../lib/cli/args';
import { requestHeaders } from '../../lib/cli/fetch-command';
import { thrownBy } from '../helpers/assertions';

describe('challenges', () => {
  it('reads every scheme of a header holding several challenges, not the parameters', () => {
    expect(offeredSchemes(['Basic realm="a, b", Digest realm="x", qop="auth,auth-int", nonce="n", Negotiate'])).toEqual(['Basic', 'Digest', 'Negotiate']);
    expect(offeredSchemes(['Negotiate', 'NTLM'])).toEqual(['Negotiate', 'NTLM']);
    expect(offeredSchemes(['NTLM TlRMTVNTUAACAAAAAAAAADgAAAA=', 'Bearer realm="r", error="invalid_token"'])).toEqual(['NTLM', 'Bearer']);
    expect(offeredSchemes([''])).toEqual([]);
  });

  it('answers with the strongest scheme the credentials allow, as the library does', () => {
    expect(schemeUsed(['Basic', 'Digest'], false)).toBe('Digest');
    expect(schemeUsed(['basic', 'NTLM', 'Negotiate'], false)).toBe('Negotiate');
    expect(schemeUsed(['Basic', 'NTLM'], true)).toBe('NTLM');
    expect(schemeUsed(['Basic', 'Digest'], true)).toBeUndefined();
    expect(schemeUsed(['Bearer'], false)).toBeUndefined();
  });

  it('collects every value of a header from rawHeaders, whatever its case', () => {
    expect(headerValues(['WWW-Authenticate', 'Basic', 'Content-Length', '0', 'www-authenticate', 'NTLM'], 'www-authenticate'))
      .toEqual(['Basic', 'NTLM']);
  });
});

describe('winhttp diagnose options', () => {
  it('takes the proxy, PAC, credential, TLS and output options', () => {
    expect(parseDiagnose(['--json', '--pac', 'http://127.0.0.1:9/p.pac', '-u', 'a:b', '--proxy-ntlm',
      '--dangerously-accept-unknown-ca', '--timeout', '5000', 'https://localhost:1/'])).toEqual({
      url: 'https://localhost:1/',
      proxy: { pac: 'http://127.0.0.1:9/p.pac' },
      auth: { credentials: { user: 'a', password: 'b' }, proxyCredentials: 'default' },
      tls: { dangerouslyAcceptUnknownCa: true },
      timeout: 5000,
      json: true,
    });
    expect(parseDiagnose(['--proxy', '127.0.0.1:3128', '--noproxy', '<local>', 'http://h/'])).toMatchObject({
      proxy: { server: '127.0.0.1:3128', bypass: '<local>' }, tls: undefined, json: false });
    expect(parseDiagnose(['-h'])).toBe('help');
  });

  it('refuses a url with credentials without repeating them, and --pac beside --proxy', () => {
    const message = thrownBy(() => parseDiagnose(['http://alice:Secret9@localhost/'])).message;
    expect(message).toBe('the url must not contain credentials (give them with --user; the url is not shown)');
    expect(thrownBy(() => parseDiagnose(['--pac', 'http://p/', '--proxy', 'none', 'http://h/'])).message).toBe('--pac goes without --proxy and --noproxy');
    expect(thrownBy(() => parseDiagnose([])).message).toBe('diagnose takes one url (got 0)');
  });
});

describe('the fetch command', () => {
  it('-d adds Content-Type: application/x-www-form-urlencoded, unless a Content-Type header is given in any case', () => {
    expect(requestHeaders([['Accept', '*/*']], 'a=1')).toEqual([['Accept', '*/*'], ['Content-Type', 'application/x-www-form-urlencoded']]);
    expect(requestHeaders([['content-TYPE', 'text/plain']], 'a=1')).toEqual([['content-TYPE', 'text/plain']]);
    expect(requestHeaders([['Accept', '*/*']], undefined)).toEqual([['Accept', '*/*']]);
  });

  it('reads --fail / -f and the TLS flags', () => {
    expect(parseCli(['-f', 'http://h/'])).toMatchObject({ fail: true, tls: undefined });
    expect(parseCli(['--dangerously-accept-wrong-host-name', '--check-revocation', 'http://h/']))
      .toMatchObject({ fail: false, tls: { dangerouslyAcceptWrongHostName: true, checkRevocation: true } });
  });
});

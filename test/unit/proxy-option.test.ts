// The proxy option's shapes, checked before anything reaches WinHTTP (so on every platform): what each form becomes
// in WinHTTP's syntax, and the refused ones, credentials above all: refused with a TypeError that names the
// proxyCredentials option and never repeats the password.
import { Session, request } from '../../lib';
import { envProxyFor } from '../../lib/proxy/env';
import { parseProxyOption } from '../../lib/proxy/option';
import { rejectionOf, thrownBy } from '../helpers/assertions';

const SECRET = 's3cr3t-Pa55';

describe('parseProxyOption', () => {
  it.each([
    ['system', { kind: 'system' }],
    ['winhttp', { kind: 'winhttp' }],
    ['none', { kind: 'none' }],
    ['env', { kind: 'env' }],
    ['127.0.0.1:3128', { kind: 'named', server: '127.0.0.1:3128', bypass: null }],
    ['http://127.0.0.1:3128', { kind: 'named', server: '127.0.0.1:3128', bypass: null }],
    ['http://proxy.corp:8080/', { kind: 'named', server: 'proxy.corp:8080', bypass: null }],
    ['proxy.corp', { kind: 'named', server: 'proxy.corp', bypass: null }],
    ['proxy_01.corp:8080', { kind: 'named', server: 'proxy_01.corp:8080', bypass: null }],
    ['[::1]:3128', { kind: 'named', server: '[::1]:3128', bypass: null }],
    ['http=a:1;https=b:2', { kind: 'named', server: 'http=a:1;https=b:2', bypass: null }],
    ['HTTP=http://a:1; https=b:2', { kind: 'named', server: 'http=a:1;https=b:2', bypass: null }],
  ])('%j', (option, mode) => {
    expect(parseProxyOption(option)).toEqual(mode);
  });

  it('{ server, bypass } takes a bypass list as a string (";", "," or spaces) or an array, in WinHTTP\'s ";" form', () => {
    expect(parseProxyOption({ server: 'http://p:1', bypass: '<local>, *.corp;10.*' }))
      .toEqual({ kind: 'named', server: 'p:1', bypass: '<local>;*.corp;10.*' });
    expect(parseProxyOption({ server: 'p:1', bypass: ['<local>', 'localhost'] }))
      .toEqual({ kind: 'named', server: 'p:1', bypass: '<local>;localhost' });
  });

  it('{ pac } takes an http or https URL', () => {
    expect(parseProxyOption({ pac: 'http://127.0.0.1:8080/proxy.pac' })).toEqual({ kind: 'pac', url: 'http://127.0.0.1:8080/proxy.pac' });
  });

  it.each([
    ['a proxy URL', `http://alice:${SECRET}@127.0.0.1:3128`, 'proxy'],
    ['host:port with user info', `alice:${SECRET}@127.0.0.1:3128`, 'proxy'],
    ['one entry of a per-scheme list', `http=a:1;https=bob:${SECRET}@b:2`, 'proxy'],
    ['a server URL', { server: `http://alice:${SECRET}@127.0.0.1:3128` }, 'proxy.server'],
    ['username and password keys', { server: '127.0.0.1:3128', username: 'alice', password: SECRET }, 'proxy'],
    ['a password key alone', { server: '127.0.0.1:3128', password: SECRET }, 'proxy'],
  ])('refuses credentials in %s, naming proxyCredentials and not echoing the password', (_, option, name) => {
    const error = thrownBy(() => parseProxyOption(option));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(error.message).toMatch(new RegExp(`^The "${name.replace('.', '\\.')}" (argument|property) must not contain credentials: give them with the proxyCredentials option`));
    expect(error.message).not.toContain(SECRET);
    expect(error.stack).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });

  it.each([
    ['an empty string', '', /must be 'system', 'winhttp', 'none', 'env', a proxy/],
    ['a number', 3128, /must be 'system'/],
    ['an array', ['127.0.0.1:3128'], /must be 'system'/],
    ['null', null, /must be 'system'/],
    ['a SOCKS proxy', 'socks5://127.0.0.1:1080', /must be an http:\/\/ proxy: WinHTTP reaches a proxy over plain HTTP \(got socks5:\/\/\)/],
    ['an https proxy', 'https://127.0.0.1:3128', /must be an http:\/\/ proxy/],
    ['a port out of range', '127.0.0.1:70000', /has a port outside 1-65535/],
    ['port 0', '127.0.0.1:0', /has a port outside 1-65535/],
    ['a path', 'http://127.0.0.1:3128/x', /must be a proxy as "host:port"/],
    ['an unknown scheme in a list', 'ftp=a:1', /lists proxies per scheme for http= and https= only/],
    ['an unknown key', { server: 'p:1', via: 'x' }, /has unknown option "via"/],
    ['a server that is not a string', { server: 1 }, /"proxy\.server" property must be a string/],
    ['a bypass that is not a list', { server: 'p:1', bypass: 5 }, /"proxy\.bypass" property must be a string or an array of strings/],
    ['an empty bypass', { server: 'p:1', bypass: ' ; ' }, /must list at least one host/],
    ['a bypass entry with CR LF', { server: 'p:1', bypass: ['a\r\nb'] }, /must not contain ";", white space, CR, LF or NUL/],
    ['a PAC file:// URL', { pac: 'file:///C:/proxy.pac' }, /must be an http:\/\/ or https:\/\/ URL \(WinHTTP fetches PAC files over HTTP only\)/],
    ['a PAC URL that is not a URL', { pac: 'proxy.pac' }, /"proxy\.pac" property must be an http:\/\/ or https:\/\/ URL/],
    ['pac beside server', { pac: 'http://127.0.0.1/p.pac', server: 'p:1' }, /has unknown option "server" beside "pac"/],
  ])('refuses %s', (_, option, message) => {
    const error = thrownBy(() => parseProxyOption(option));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(message);
  });

  it('new Session() and request() refuse a bad proxy before opening anything', async () => {
    const fromSession = thrownBy(() => new Session({ proxy: `http://u:${SECRET}@127.0.0.1:1` }));
    expect(fromSession.message).toMatch(/proxyCredentials/);
    expect(fromSession.message).not.toContain(SECRET);
    const fromRequest = await rejectionOf(request('http://127.0.0.1:9/', { proxy: { server: '127.0.0.1:1', password: SECRET } as never }));
    expect(fromRequest.message).toMatch(/^The "proxy" argument must not contain credentials: give them with the proxyCredentials option \(found "password"\)$/);
    expect(thrownBy(() => new Session({ proxyTimeout: -1 })).code).toBe('ERR_OUT_OF_RANGE');
  });
});

describe("proxy: 'env'", () => {
  const url = (text: string) => new URL(text);

  it('takes http_proxy for http and https_proxy for https, lower case before upper case', () => {
    const env = { http_proxy: 'http://127.0.0.1:1', HTTP_PROXY: '127.0.0.1:2', HTTPS_PROXY: '127.0.0.1:3' };
    expect(envProxyFor(url('http://localhost/'), env)).toEqual({ proxy: '127.0.0.1:1', detail: 'from http_proxy' });
    expect(envProxyFor(url('https://localhost/'), env)).toEqual({ proxy: '127.0.0.1:3', detail: 'from HTTPS_PROXY' });
    expect(envProxyFor(url('https://localhost/'), { http_proxy: '127.0.0.1:1' }))
      .toEqual({ proxy: null, detail: 'https_proxy and HTTPS_PROXY are not set' });
  });

  it.each([
    ['*', 'http://anything.example/', true],
    ['localhost', 'http://localhost:8080/', true],
    ['corp.example', 'http://a.b.corp.example/', true],
    ['.corp.example', 'http://corp.example/', true],
    ['*.corp.example', 'http://x.corp.example/', true],
    ['corp.example', 'http://notcorp.example/', false],
    ['127.0.0.1', 'http://127.0.0.1:9/', true],
    ['127.0.0.1:8080', 'http://127.0.0.1:9/', false],
    ['127.0.0.1:9', 'http://127.0.0.1:9/', true],
    ['[::1]', 'http://[::1]:9/', true],
    ['other, localhost', 'http://localhost/', true],
  ])('NO_PROXY=%j and %s: direct %s', (noProxy, target, direct) => {
    const decision = envProxyFor(url(target), { HTTP_PROXY: '127.0.0.1:3128', NO_PROXY: noProxy });
    expect(decision.proxy).toBe(direct ? null : '127.0.0.1:3128');
  });

  it('refuses credentials in a variable, naming the variable and proxyCredentials, never the value', () => {
    const error = thrownBy(() => envProxyFor(url('http://localhost/'), { HTTP_PROXY: `http://u:${SECRET}@127.0.0.1:1` }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('The "env.HTTP_PROXY" property must not contain credentials: give them with the proxyCredentials option');
  });
});

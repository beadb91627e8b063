// A static proxy's bypass list, matched as WinHTTP documents it (WINHTTP_PROXY_INFO, WinHttpOpen): entries separated
// by semicolons or whitespace, "<local>" for host names without a period, "*" wildcards, whole host names,
// case-insensitive. resolveProxy() says 'direct' and names the entry that matched. Only parsing: nothing is resolved
// or connected to.
import { resolveProxy } from '../../lib';
import { bypassEntryFor } from '../../lib/proxy/bypass';

const entryFor = (bypass: string | null, url: string) => bypassEntryFor(bypass, new URL(url));

describe('bypassEntryFor', () => {
  it.each<[string, string, string | undefined]>([
    ['<local>', 'http://intranet/', '<local>'],
    ['<local>', 'http://localhost:8080/x', '<local>'],
    ['<local>', 'http://intranet.corp/', undefined],
    ['<LOCAL>', 'http://intranet/', '<LOCAL>'],
    ['<local>', 'http://127.0.0.1/', undefined],
    ['<local>', 'http://[::1]/', undefined],
    ['*.corp', 'http://wiki.corp/', '*.corp'],
    ['*.corp', 'http://a.b.corp/', '*.corp'],
    ['*.corp', 'http://corp/', undefined],
    ['*.corp', 'http://wiki.corp.example/', undefined],
    ['*.CORP', 'https://Wiki.Corp/', '*.CORP'],
    ['wiki.corp', 'http://wiki.corp/', 'wiki.corp'],
    ['wiki.corp', 'http://www.wiki.corp/', undefined],
    ['10.*', 'http://10.1.2.3/', '10.*'],
    ['10.*', 'http://110.1.2.3/', undefined],
    ['192.168.1.?', 'http://192.168.1.5/', undefined],
    ['*', 'http://anything.at.all/', '*'],
    ['[::1]', 'http://[::1]:8080/', '[::1]'],
    ['a.corp;*.test', 'http://x.test/', '*.test'],
    ['a.corp *.test', 'http://x.test/', '*.test'],
    ['a.corp; \t<local>', 'http://intranet/', '<local>'],
    ['', 'http://intranet/', undefined],
  ])('%j for %s: %s', (bypass, url, expected) => {
    expect(entryFor(bypass, url)).toBe(expected);
  });

  it('no list matches nothing', () => {
    expect(entryFor(null, 'http://intranet/')).toBeUndefined();
  });
});

describe('resolveProxy() for a static proxy with a bypass list', () => {
  const proxy = { server: 'http://127.0.0.1:3128', bypass: ['<local>', '*.corp'] };

  it("says 'direct' for a host in the list, with the entry that matched", async () => {
    expect(await resolveProxy('http://wiki.corp/page', { proxy })).toEqual({
      proxy: null, bypass: '<local>;*.corp', source: 'direct',
      reason: 'wiki.corp matches "*.corp" in the bypass list of the proxy option',
    });
    expect((await resolveProxy('http://intranet/', { proxy })).reason)
      .toBe('intranet matches "<local>" in the bypass list of the proxy option');
  });

  it("says 'static' with the proxy for a host not in the list", async () => {
    expect(await resolveProxy('http://www.example.test/', { proxy })).toEqual({
      proxy: '127.0.0.1:3128', bypass: '<local>;*.corp', source: 'static', reason: 'the proxy option',
    });
  });
});

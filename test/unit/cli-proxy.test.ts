// The CLI's --proxy (curl's name) and --noproxy: parsed into the library's proxy option, which Session checks.
import { parseCli } from '../../lib/cli/args';
import { proxyOption } from '../../lib/cli/fetch-command';
import { parseProxyOption } from '../../lib/proxy/option';
import { thrownBy } from '../helpers/assertions';

it('--proxy takes the modes and the proxy forms users write', () => {
  const parsed = parseCli(['--proxy', 'http://127.0.0.1:3128', '--noproxy', '<local>,*.corp', 'http://127.0.0.1:9/']);
  expect({ proxy: parsed.proxy, noproxy: parsed.noproxy }).toEqual({ proxy: 'http://127.0.0.1:3128', noproxy: '<local>,*.corp' });
  expect(parseProxyOption(proxyOption(parsed.proxy, parsed.noproxy)))
    .toEqual({ kind: 'named', server: '127.0.0.1:3128', bypass: '<local>;*.corp' });
  for (const mode of ['system', 'winhttp', 'none', 'env'] as const) expect(proxyOption(mode, undefined)).toBe(mode);
  expect(proxyOption(undefined, undefined)).toBe('system');
  expect(proxyOption('http=a:1;https=b:2', undefined)).toBe('http=a:1;https=b:2');
});

it('--noproxy needs a proxy to bypass', () => {
  expect(thrownBy(() => proxyOption('system', 'localhost')).message).toBe('--noproxy goes with --proxy host:port');
});

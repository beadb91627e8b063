// The command's credential options (lib/cli/auth-args.ts), with curl's names; a malformed value is refused without
// being quoted (it holds a password).
import { parseCli } from '../../lib/cli/args';

const URL = 'http://127.0.0.1:9/';

it('reads --user user:password, the password being everything after the first colon', () => {
  expect(parseCli(['--user', 'alice:pa:ss', URL]).auth).toEqual({ credentials: { user: 'alice', password: 'pa:ss' }, proxyCredentials: undefined });
  expect(parseCli(['-u', 'alice:', URL]).auth.credentials).toEqual({ user: 'alice', password: '' });
});

it('reads DOMAIN\\user:password', () => {
  expect(parseCli(['-u', 'CORP\\alice:pw', URL]).auth.credentials).toEqual({ domain: 'CORP', user: 'alice', password: 'pw' });
});

it('reads --proxy-user and -U for the proxy', () => {
  expect(parseCli(['--proxy-user', 'p:q', URL]).auth).toEqual({ credentials: undefined, proxyCredentials: { user: 'p', password: 'q' } });
  expect(parseCli(['-U', 'CORP\\p:q', URL]).auth.proxyCredentials).toEqual({ domain: 'CORP', user: 'p', password: 'q' });
});

it.each(['--ntlm', '--negotiate'])("%s without --user means the logged-on user's credentials for the server", (flag) => {
  expect(parseCli([flag, URL]).auth).toEqual({ credentials: 'default', proxyCredentials: undefined });
  expect(parseCli([flag, '-u', 'a:b', URL]).auth.credentials).toEqual({ user: 'a', password: 'b' });
});

it.each(['--proxy-ntlm', '--proxy-negotiate'])("%s without --proxy-user means the logged-on user's for the proxy", (flag) => {
  expect(parseCli([flag, URL]).auth).toEqual({ credentials: undefined, proxyCredentials: 'default' });
});

it('sends no credentials unless asked', () => {
  expect(parseCli([URL]).auth).toEqual({ credentials: undefined, proxyCredentials: undefined });
});

it.each([
  ['--user', 'no-colon-Secret1'],
  ['--user', ':Secret2'],
  ['--proxy-user', '\\user:Secret3'],
  ['--user', 'CORP\\:Secret4'],
])('refuses %s %j without quoting it', (option, value) => {
  let message = '';
  try {
    parseCli([option, value, URL]);
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(new RegExp(`^${option} must be`));
  expect(message).not.toContain(value);
  expect(message).not.toMatch(/Secret/);
});

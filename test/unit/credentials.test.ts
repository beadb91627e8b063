// Credentials are checked once (lib/policy/credentials.ts), scoped to origins, never printed; the scheme chosen for a
// challenge is the strongest the credentials allow (lib/policy/auth.ts). Pure TypeScript: runs before the addon loads.
import { inspect } from 'node:util';
import { request } from '../../lib';
import { chooseScheme } from '../../lib/policy/auth';
import { CredentialSet, checkCredentials } from '../../lib/policy/credentials';
import { rejectionOf, thrownBy } from '../helpers/assertions';

const [BASIC, NTLM, DIGEST, NEGOTIATE, PASSPORT] = [0x1, 0x2, 0x8, 0x10, 0x4];

it.each([
  ['all four', BASIC | NTLM | DIGEST | NEGOTIATE, false, NEGOTIATE],
  ['Basic, NTLM, Digest', BASIC | NTLM | DIGEST, false, NTLM],
  ['Basic, Digest', BASIC | DIGEST, false, DIGEST],
  ['Basic, Passport', BASIC | PASSPORT, false, BASIC],
  ['Passport', PASSPORT, false, undefined],
  ["Basic, Digest with the logged-on user's", BASIC | DIGEST, true, undefined],
  ["Basic, NTLM with the logged-on user's", BASIC | NTLM, true, NTLM],
  ["NTLM, Negotiate with the logged-on user's", NTLM | NEGOTIATE, true, NEGOTIATE],
])('offered %s: chooses the strongest the credentials allow', (_label, offered, loggedOnUser, chosen) => {
  expect(chooseScheme(offered, loggedOnUser)).toBe(chosen);
});

it('gives DOMAIN\\user to WinHTTP when a domain is given', () => {
  expect(checkCredentials({ user: 'alice', password: 'p', domain: 'CORP' }, 'credentials')).toEqual({ user: 'CORP\\alice', password: 'p' });
  expect(checkCredentials('default', 'credentials')).toBeNull();
});

it.each([
  ['an unknown key', { user: 'alice', password: 'Hidden-1', colour: 'x' }, /unknown keys "colour"/],
  ['an empty user', { user: '', password: 'Hidden-2' }, /"credentials.user" property must be non-empty/],
  ['CR LF in the user', { user: 'alice\r\n', password: 'Hidden-3' }, /must be non-empty, and neither it nor the password may hold NUL, CR or LF/],
  ['a number as password', { user: 'alice', password: 7 }, /"credentials.password" property must be a string/],
  ['an empty domain', { user: 'alice', password: 'Hidden-4', domain: '' }, /"credentials.domain" property must be a non-empty string/],
  ["fetch's 'include'", 'include', /cookies are kept by new Session\(\{ cookies: true \}\)/],
  ['null', null, /must be \{ user, password, domain\? \} or 'default'/],
])('refuses %s with a TypeError that quotes no value', async (_label, credentials, message) => {
  const error = await rejectionOf(request('http://127.0.0.1:9/', { credentials: credentials as never }));
  expect(error.name).toBe('TypeError');
  expect(error.message).toMatch(message);
  expect(`${error.message}${inspect(error)}`).not.toMatch(/Hidden-/);
});

it("keys a session's credentials by origin, so a URL's path or default port does not matter", () => {
  const set = CredentialSet.forSession({ 'http://intranet.test:80/some/path': { user: 'a', password: 'b' } }, undefined);
  expect(set.server('http://intranet.test')).toEqual({ user: 'a', password: 'b' });
  expect(set.server('https://intranet.test')).toBeUndefined();
  expect(set.server('http://intranet.test:8080')).toBeUndefined();
  expect(set.proxy()).toBeUndefined();
});

it('refuses a session key that is not an http(s) origin', () => {
  expect(thrownBy(() => CredentialSet.forSession({ 'intranet.test': { user: 'a', password: 'b' } }, undefined)).message)
    .toMatch(/must be keyed by origins such as "https:\/\/host:port"/);
  expect(thrownBy(() => CredentialSet.forSession({ 'ftp://intranet.test': { user: 'a', password: 'b' } }, undefined)).message)
    .toMatch(/http: or https: origins/);
});

it('request() credentials apply to its origin only and override the session for it', () => {
  const session = CredentialSet.forSession(new Map([['http://a.test', { user: 's', password: 's' }]]), 'default');
  const merged = session.withRequest('http://b.test', { user: 'r', password: 'r' }, undefined);
  expect(merged.server('http://b.test')).toEqual({ user: 'r', password: 'r' });
  expect(merged.server('http://a.test')).toEqual({ user: 's', password: 's' });
  expect(merged.proxy()).toBeNull();
  expect(session.server('http://b.test')).toBeUndefined();
});

it('shows as "[credentials redacted]" in util.inspect, JSON and strings', () => {
  const set = CredentialSet.forSession({ 'http://a.test': { user: 'alice', password: 'Hidden-5' } }, { user: 'p', password: 'Hidden-6' });
  for (const shown of [inspect(set, { showHidden: true, depth: 5 }), JSON.stringify({ set }), `${String(set)}`]) {
    expect(shown).toMatch(/\[credentials redacted\]/);
    expect(shown).not.toMatch(/Hidden-|alice/);
  }
});

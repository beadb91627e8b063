// Unknown options are refused before anything reaches WinHTTP: a TypeError (ERR_INVALID_ARG_VALUE) naming every
// unknown key, with what to use instead for the ones people bring from node:https, undici, node-fetch and fetch.
// These checks run before the addon is loaded, so they hold on every platform.
import { Session, request } from '../../lib';
import { refuseUnknownOptions } from '../../lib/policy/options';
import { rejectionOf, thrownBy } from '../helpers/assertions';

const URL = 'http://127.0.0.1:9/';

describe('request()', () => {
  it.each([
    ['rejectUnauthorized', false, /"rejectUnauthorized" \(not supported: there is no switch that turns certificate verification off/],
    ['ca', 'PEM', /"ca" \(set it on a session: new Session\(\{ tls: \{ ca \} \}\)/],
    ['cert', 'PEM', /"cert" \(set a client certificate on a session: new Session\(\{ tls: \{ clientCertificate: /],
    ['key', 'PEM', /"key" \(set a client certificate on a session/],
    ['pfx', Buffer.alloc(1), /"pfx" \(set a client certificate on a session: .* \{ pfx, passphrase \} \| \{ thumbprint \} \| \{ subject \}/],
    ['agent', {}, /"agent" \(not supported: connections are pooled by a Session; use \{ session: new Session\(\{ \.\.\. \}\) \}\)/],
    ['dispatcher', {}, /"dispatcher" \(not supported: connections are pooled by a Session/],
    ['maxRedirections', 3, /"maxRedirections" \(use maxRedirects\)/],
    ['follow', 3, /"follow" \(use maxRedirects/],
    ['compress', true, /"compress" \(use decompress\)/],
    ['headersTimeout', 1000, /"headersTimeout" \(use timeouts\.receiveResponse on a Session, or timeout/],
    ['bodyTimeout', 1000, /"bodyTimeout" \(use timeout \(each body read\) or deadline/],
    ['cookies', true, /"cookies" \(cookies are kept per session: \{ session: new Session\(\{ cookies: true \}\) \}\)/],
    ['hostname', '127.0.0.1', /"hostname" \(give the URL as the first argument\)/],
    ['timeouts', {}, /has unknown option "timeouts"$/],
  ])('refuses %s, naming it and what to use instead', async (key, value, message) => {
    const error = await rejectionOf(request(URL, { [key]: value } as never));
    expect(error.name).toBe('TypeError');
    expect(error.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(error.message).toMatch(/^The "options" argument has unknown option /);
    expect(error.message).toMatch(message);
    expect(error.unknownOptions).toEqual([key]);
  });

  it('names every unknown key at once, in the order given', async () => {
    const error = await rejectionOf(request(URL, { rejectUnauthorized: false, colour: 'red', agent: {} } as never));
    expect(error.unknownOptions).toEqual(['rejectUnauthorized', 'colour', 'agent']);
    expect(error.message).toMatch(/^The "options" argument has unknown options "rejectUnauthorized" \(.*\), "colour", "agent" \(.*\)$/);
  });

  it('an unknown key set to undefined sets nothing and is not refused', async () => {
    // It gets past the option check to the addon (or UnsupportedPlatformError off Windows) and the URL's closed port.
    const error = await rejectionOf(request(URL, { agent: undefined, timeout: 2000 } as never));
    expect(error.code).not.toBe('ERR_INVALID_ARG_VALUE');
  });
});

describe('new Session()', () => {
  it.each([
    ['rejectUnauthorized', false, /"rejectUnauthorized" \(not supported: there is no switch that turns certificate verification off/],
    ['agent', {}, /"agent" \(not supported/],
    ['maxSockets', 4, /"maxSockets" \(use new Session\(\{ maxConnectionsPerServer \}\)\)/],
    ['headers', {}, /has unknown option "headers"$/],
  ])('refuses %s', (key, value, message) => {
    const error = thrownBy(() => new Session({ [key]: value } as never));
    expect(error.name).toBe('TypeError');
    expect(error.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(error.message).toMatch(message);
  });
});

describe('the low-level hints', () => {
  it('redirect and decompress given to openRequest() point at request()', () => {
    const error = thrownBy(() => refuseUnknownOptions({ redirect: 'follow', decompress: true }, ['timeouts'], 'options', true));
    expect(error.message).toBe('The "options" argument has unknown options "redirect" (the low-level Request never follows ' +
      'redirects (it returns every 3xx): use request()), "decompress" (the low-level Request returns the bytes as sent: use ' +
      'request() with decompress: true)');
  });
});

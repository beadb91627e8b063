// A session's TLS options (lib/tls/options.ts, lib/tls/pins.ts): each certificate failure is accepted only when named,
// one option per failure mapped to its own SECURITY_FLAG_IGNORE_* bit; revocation, TLS versions and pins are checked
// before anything reaches WinHTTP. rejectUnauthorized, the single switch of node:https, is refused with a TypeError that
// names the options to use instead. These run before the addon is loaded, so they hold on every platform.
import { createHash } from 'node:crypto';
import { Session, request } from '../../lib';
import { DEFAULT_TLS, resolveTls, tlsRequestOptions, tlsSessionOptions } from '../../lib/tls/options';
import { matchesPin, pinsFor } from '../../lib/tls/pins';
import { rejectionOf, thrownBy } from '../helpers/assertions';

const WINHTTP_OPTION_SECURITY_FLAGS = 31;
const WINHTTP_OPTION_ENABLE_FEATURE = 79;
const WINHTTP_OPTION_SECURE_PROTOCOLS = 84;

const REPLACEMENTS = /dangerouslyAcceptUnknownCa \| dangerouslyAcceptWrongHostName \| dangerouslyAcceptExpiredCertificate \| dangerouslyAcceptWrongUsage/;

describe('rejectUnauthorized is refused, naming the relaxations to use instead', () => {
  it.each([false, true])('on request() (rejectUnauthorized: %s)', async (value) => {
    const error = await rejectionOf(request('https://localhost:9/', { rejectUnauthorized: value } as never));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(error.message).toMatch(/"rejectUnauthorized" \(not supported: there is no switch that turns certificate verification off/);
    expect(error.message).toMatch(REPLACEMENTS);
  });

  it('on a session and inside its tls option', () => {
    for (const options of [{ rejectUnauthorized: false }, { tls: { rejectUnauthorized: false } }]) {
      const error = thrownBy(() => new Session(options as never));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toMatch(REPLACEMENTS);
    }
  });
});

describe('relaxations', () => {
  it('none by default: nothing is set on a request', () => {
    expect(resolveTls(undefined)).toBe(DEFAULT_TLS);
    expect(tlsRequestOptions(resolveTls({}))).toEqual([]);
    expect(tlsRequestOptions(resolveTls({ dangerouslyAcceptUnknownCa: false }))).toEqual([]);
  });

  it.each([
    ['dangerouslyAcceptUnknownCa', 0x100],
    ['dangerouslyAcceptWrongHostName', 0x1000],
    ['dangerouslyAcceptExpiredCertificate', 0x2000],
    ['dangerouslyAcceptWrongUsage', 0x200],
  ])('%s sets exactly its own SECURITY_FLAG_IGNORE_* bit (0x%s)', (name, bit) => {
    expect(tlsRequestOptions(resolveTls({ [name]: true }))).toEqual([WINHTTP_OPTION_SECURITY_FLAGS, bit]);
  });

  it('named together they add up', () => {
    expect(tlsRequestOptions(resolveTls({ dangerouslyAcceptWrongHostName: true, dangerouslyAcceptExpiredCertificate: true })))
      .toEqual([WINHTTP_OPTION_SECURITY_FLAGS, 0x3000]);
  });

  it.each(['yes', 1, null])('a relaxation must be a boolean, not %j', (value) => {
    const error = thrownBy(() => resolveTls({ dangerouslyAcceptUnknownCa: value as never }));
    expect(error.code).toBe('ERR_INVALID_ARG_TYPE');
    expect(error.message).toMatch(/tls\.dangerouslyAcceptUnknownCa/);
  });

  it('an unknown tls key is refused by name', () => {
    const error = thrownBy(() => resolveTls({ dangerouslyAcceptEverything: true } as never));
    expect(error.message).toMatch(/"tls" argument .*has unknown option "dangerouslyAcceptEverything"/);
  });
});

describe('revocation and TLS versions', () => {
  it('checkRevocation sets WINHTTP_ENABLE_SSL_REVOCATION on each request', () => {
    expect(tlsRequestOptions(resolveTls({ checkRevocation: true }))).toEqual([WINHTTP_OPTION_ENABLE_FEATURE, 1]);
    expect(thrownBy(() => resolveTls({ checkRevocation: 'on' as never })).message).toMatch(/tls\.checkRevocation/);
  });

  it.each([
    [{ minVersion: 'TLSv1.2' }, 0x800 | 0x2000],
    [{ minVersion: 'TLSv1.3' }, 0x2000],
    [{ maxVersion: 'TLSv1.2' }, 0x80 | 0x200 | 0x800],
    [{ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }, 0x800],
  ] as const)('%j gives WINHTTP_OPTION_SECURE_PROTOCOLS 0x%s on the session', (options, bits) => {
    expect(tlsSessionOptions(resolveTls(options))).toEqual([WINHTTP_OPTION_SECURE_PROTOCOLS, bits]);
  });

  it('no version given leaves Windows its default', () => {
    expect(tlsSessionOptions(resolveTls({}))).toEqual([]);
  });

  it.each([
    [{ minVersion: 'SSLv3' }, /tls\.minVersion.*must be one of 'TLSv1', 'TLSv1\.1', 'TLSv1\.2', 'TLSv1\.3'/],
    [{ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' }, /tls\.minVersion.*must not be above tls\.maxVersion \('TLSv1\.2'\)/],
  ])('refuses %j', (options, message) => {
    expect(thrownBy(() => resolveTls(options as never)).message).toMatch(message);
  });
});

describe('pins', () => {
  const spki = createHash('sha256').update('spki').digest();
  const cert = createHash('sha256').update('certificate').digest();

  it('SPKI pins in base64, certificate pins in hex (with colons) or base64', () => {
    const colonHex = cert.toString('hex').toUpperCase().match(/../g)!.join(':');
    for (const pin of [`sha256/${spki.toString('base64')}`, `cert-sha256/${colonHex}`, `cert-sha256/${cert.toString('base64')}`]) {
      const pins = resolveTls({ pins: { LocalHost: [pin] } }).pins;
      const accepted = pinsFor(pins, 'localhost')!;
      expect(matchesPin(accepted, spki, cert)).toBe(true);
      const other = createHash('sha256').update('other').digest();
      expect(matchesPin(accepted, other, other)).toBe(false);
    }
    expect(pinsFor(resolveTls({ pins: { localhost: [`sha256/${spki.toString('base64')}`] } }).pins, 'example.test')).toBeUndefined();
  });

  it('an SPKI pin matches only the SPKI digest, a certificate pin only the certificate digest', () => {
    const spkiPin = pinsFor(resolveTls({ pins: { h: [`sha256/${spki.toString('base64')}`] } }).pins, 'h')!;
    expect(matchesPin(spkiPin, cert, spki)).toBe(false);
    const certPin = pinsFor(resolveTls({ pins: { h: [`cert-sha256/${cert.toString('hex')}`] } }).pins, 'h')!;
    expect(matchesPin(certPin, cert, spki)).toBe(false);
  });

  it.each([
    [{ h: [] }, /must be a non-empty array of pins/],
    [{ h: ['md5/abc'] }, /must be 'sha256\/<SPKI digest>' or 'cert-sha256\/<certificate digest>'/],
    [{ h: ['sha256/abc='] }, /'sha256\/' takes the base64 SHA-256/],
    [{ h: [`sha256/${'a'.repeat(64)}`] }, /'sha256\/' takes the base64 SHA-256/],
    [{ h: ['cert-sha256/abcd'] }, /must hold a SHA-256 digest/],
    [{ 'h:443': [`cert-sha256/${'a'.repeat(64)}`] }, /must be keyed by a host name without port or scheme/],
    [[], /must be an object/],
  ])('refuses pins %j', (pins, message) => {
    expect(thrownBy(() => resolveTls({ pins: pins as never })).message).toMatch(message);
  });
});

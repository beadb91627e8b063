// `winhttp get`'s arguments: the default file name, the TLS flags as the library's tls options, and the progress line.
import { defaultOutput, parseGet } from '../../lib/cli/get-args';
import { parseTls } from '../../lib/cli/tls-args';
import { formatBytes, formatDuration, progressLine } from '../../lib/cli/progress-line';

it('names the file after the last path segment, without characters Windows refuses', () => {
  expect(defaultOutput('http://127.0.0.1/a/b/setup%20x64.msi?sig=1')).toBe('setup x64.msi');
  expect(defaultOutput('http://127.0.0.1/a/%3Cbad%3E%3F.zip')).toBe('_bad__.zip');
  expect(() => defaultOutput('http://127.0.0.1/')).toThrow('give -o <file>');
  expect(() => defaultOutput('http://127.0.0.1/a/..')).toThrow('give -o <file>');
});

it('takes the options a download needs, and refuses what it cannot use', () => {
  expect(parseGet(['http://127.0.0.1/f.bin', '--retries', '3', '--no-resume', '--json', '-H', 'X-A: 1'])).toMatchObject({
    url: 'http://127.0.0.1/f.bin', output: 'f.bin', retries: 3, resume: false, json: true, headers: [['X-A', '1']],
  });
  expect(parseGet(['-h'])).toEqual({ help: true });
  expect(() => parseGet(['http://127.0.0.1/f', '--sha256', 'xyz'])).toThrow('--sha256 must be 64 hexadecimal digits');
  expect(() => parseGet(['http://127.0.0.1/f', 'http://127.0.0.1/g'])).toThrow('get takes one url (got 2)');
  expect(() => parseGet(['http://127.0.0.1/f', '--insecure'])).toThrow(/Unknown option '--insecure'/);
});

it('maps the TLS flags to the session tls option, one named relaxation at a time', () => {
  expect(parseTls({})).toBeUndefined();
  expect(parseTls({ 'dangerously-accept-unknown-ca': true, 'check-revocation': true, 'tls-min': 'TLSv1.2' }))
    .toEqual({ dangerouslyAcceptUnknownCa: true, checkRevocation: true, minVersion: 'TLSv1.2' });
  expect(parseTls({ 'client-cert': 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0' }))
    .toEqual({ clientCertificate: { thumbprint: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0' } });
  expect(parseTls({ 'client-cert': 'Jane Doe' })).toEqual({ clientCertificate: { subject: 'Jane Doe' } });
  expect(() => parseTls({ 'tls-max': '1.3' })).toThrow('--tls-max must be TLSv1.2 or TLSv1.3, not "1.3"');
  expect(() => parseTls({ 'client-cert': 'x', 'client-cert-pfx': 'y.pfx' })).toThrow('give one');
});

it('draws the progress line within the width it is given', () => {
  expect(formatBytes(999)).toBe('999 B');
  expect(formatBytes(12_345_678)).toBe('12.3 MB');
  expect(formatDuration(75)).toBe('1m15s');
  expect(formatDuration(7300)).toBe('2h01m');
  const line = progressLine({ bytes: 50_000_000, total: 200_000_000, rate: 10_000_000, eta: 15, done: false }, 100);
  expect(line).toBe(`[${'#'.repeat(10)}${'.'.repeat(30)}]   25%  50.0 MB / 200.0 MB  10.0 MB/s  ETA 15s`);
  expect(line.length).toBeLessThan(100);
  expect(progressLine({ bytes: 1500, total: undefined, rate: 0, eta: undefined, done: true }, 100)).toBe('1.5 kB  0 B/s  done');
  expect(progressLine({ bytes: 5, total: 10, rate: 1, eta: 5, done: false }, 30).length).toBeLessThan(30);
});

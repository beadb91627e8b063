// How every `winhttp` command ends on an error (lib/cli/exit-codes.ts, hints.ts, report-error.ts): the exit code
// for the kind of failure, the WinHttpError's code on the error line, and one line of what to try.
import { Writable } from 'node:stream';
import {
  AbortError, DeadlineError, ResponseTruncatedError, TooManyRedirectsError, WINHTTP_ERROR_CODES, WinHttpError, invalidArg,
} from '../../lib/errors';
import { ProxyTimeoutError } from '../../lib/proxy/errors';
import { EXIT, exitCodeFor } from '../../lib/cli/exit-codes';
import { hintFor, hintForStatus } from '../../lib/cli/hints';
import { failedStatus, HttpStatusError } from '../../lib/cli/http-status-error';
import { reportError } from '../../lib/cli/report-error';

const SECURE_FAILURE = 12175;
// WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA | ..._CERT_CN_INVALID
const INVALID_CA_AND_CN = 0x08 | 0x10;

function reported(error: unknown): { code: number; text: string } {
  let text = '';
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { text += chunk.toString(); done(); } });
  const code = reportError(error, sink);
  return { code, text };
}

it('gives each WinHTTP error category its exit code', () => {
  const expected: Record<string, number> = {
    url: EXIT.URL, connect: EXIT.CONNECT, connection: EXIT.PROTOCOL, protocol: EXIT.PROTOCOL, timeout: EXIT.TIMEOUT,
    tls: EXIT.TLS, proxy: EXIT.PROXY, auth: EXIT.AUTH, cancelled: EXIT.CANCELLED, usage: EXIT.FAILURE,
    resource: EXIT.FAILURE, other: EXIT.FAILURE,
  };
  for (const [errno, info] of WINHTTP_ERROR_CODES) {
    expect([info.code, exitCodeFor(new WinHttpError(errno, 'WinHttpSendRequest'))]).toEqual([info.code, expected[info.category]]);
  }
});

it("gives the library's own errors the exit code of their kind, and a bad argument the usage code", () => {
  expect(exitCodeFor(new ProxyTimeoutError(10_000, 'pac', 'http://127.0.0.1:9/proxy.pac'))).toBe(EXIT.TIMEOUT);
  expect(exitCodeFor(new DeadlineError(5))).toBe(EXIT.TIMEOUT);
  expect(exitCodeFor(new ResponseTruncatedError(10, 5))).toBe(EXIT.PROTOCOL);
  expect(exitCodeFor(new TooManyRedirectsError(1, ['a', 'b']))).toBe(EXIT.PROTOCOL);
  expect(exitCodeFor(new AbortError())).toBe(EXIT.CANCELLED);
  expect(exitCodeFor(invalidArg('proxy', 'must be a string'))).toBe(EXIT.USAGE);
  expect(exitCodeFor(new Error('disk full'))).toBe(EXIT.FAILURE);
  expect(exitCodeFor(new HttpStatusError(404, 'Not Found', 'http://x/'))).toBe(EXIT.FAILURE); // reportError handles it
});

it('has a hint for every WinHTTP code of the kinds a person can act on', () => {
  const actionable = ['url', 'connect', 'connection', 'protocol', 'timeout', 'tls', 'proxy', 'auth'];
  const missing = [...WINHTTP_ERROR_CODES].filter(([errno, info]) => actionable.includes(info.category) &&
    hintFor(new WinHttpError(errno, 'WinHttpSendRequest')) === undefined).map(([, info]) => info.code);
  expect(missing).toEqual([]);
});

it('names the host and the proxy for a name that does not resolve', () => {
  expect(hintFor(new WinHttpError(12007, 'WinHttpSendRequest'))).toMatch(/^the host name did not resolve: .*--proxy/);
});

it('turns each TLS failure reason into its fix and the one flag that accepts it', () => {
  const error = new WinHttpError(SECURE_FAILURE, 'WinHttpSendRequest', { secureFailureFlags: INVALID_CA_AND_CN, host: 'localhost' });
  expect(error.reasons).toEqual(['invalid-ca', 'cert-cn-invalid']);
  expect(hintFor(error)).toBe('invalid-ca: add the issuing CA to the Windows certificate store (Root), or accept it with ' +
    '--dangerously-accept-unknown-ca; cert-cn-invalid: use the host name the certificate was issued for, or accept it ' +
    'with --dangerously-accept-wrong-host-name');
  expect(hintFor(new WinHttpError(12037, 'WinHttpSendRequest'))).toMatch(/--dangerously-accept-expired-certificate$/);
  // Revoked: no flag accepts it, so none is named.
  const revoked = hintFor(new WinHttpError(SECURE_FAILURE, 'WinHttpSendRequest', { secureFailureFlags: 0x04 }));
  expect(revoked).toBe("cert-revoked: the server's certificate is revoked: the server needs a new one (no flag accepts this)");
  // No reason reported (Wine's 12157, or a SECURE_FAILURE without flags): diagnose shows the chain.
  expect(hintFor(new WinHttpError(SECURE_FAILURE, 'WinHttpSendRequest'))).toMatch(/^winhttp diagnose URL shows the certificate chain/);
});

it('prints the error with its WinHttpError code, number and API, then the hint, and returns the exit code', () => {
  const { code, text } = reported(new WinHttpError(12029, 'WinHttpSendRequest'));
  expect(code).toBe(EXIT.CONNECT);
  const lines = text.split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toBe('winhttp: WinHttpError: WinHttpSendRequest failed: ERROR_WINHTTP_CANNOT_CONNECT (12029): The connection ' +
    'to the server could not be established (code=ERROR_WINHTTP_CANNOT_CONNECT errno=12029 api=WinHttpSendRequest)');
  expect(lines[1]).toBe(`hint: ${hintFor(new WinHttpError(12029, 'WinHttpSendRequest'))}`);
  expect(lines[2]).toBe('');
});

it('prints no hint line where it has nothing to add', () => {
  expect(reported(new Error('EACCES: permission denied'))).toEqual({ code: EXIT.FAILURE, text: 'winhttp: Error: EACCES: permission denied\n' });
});

it('--fail: a status of 400 or above exits 22 with a hint for the status; below 400, or without --fail, is no failure', () => {
  expect(failedStatus(true, 399, 'x', 'http://h/')).toBeUndefined();
  expect(failedStatus(false, 500, 'x', 'http://h/')).toBeUndefined();
  const error = failedStatus(true, 401, 'Unauthorized', 'http://h/p')!;
  expect(reported(error)).toEqual({ code: 22, text: 'winhttp: the server answered 401 Unauthorized for http://h/p\n' +
    `hint: ${hintForStatus(401)}\n` });
  expect(hintForStatus(401)).toMatch(/--user/);
  expect(hintForStatus(407)).toMatch(/--proxy-user/);
});

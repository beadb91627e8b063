// Unit tests of the error layer (lib/errors): the code table against winhttp.h numbers typed in here, WinHttpError
// messages and secure-failure decoding, cross-copy `instanceof`, and the library's own errors.

import { setTimeout as delay } from 'node:timers/promises';
import {
  AbortError,
  InvalidStateError,
  ResponseTruncatedError,
  UnsupportedPlatformError,
  WINHTTP_ERROR_CODES,
  WinHttpError,
  apiFromAsyncResult,
  decodeSecureFailureFlags,
  describeErrorCode,
  invalidArg,
  outOfRange,
} from '../../lib/errors';

// The error table of Microsoft's WinHttpReceiveResponse reference page, with winhttp.h/winerror.h numbers.
const RECEIVE_RESPONSE_ERRORS: readonly [string, number, string][] = [
  ['ERROR_WINHTTP_CANNOT_CONNECT', 12029, 'connect'],
  ['ERROR_WINHTTP_CHUNKED_ENCODING_HEADER_SIZE_OVERFLOW', 12183, 'protocol'],
  ['ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED', 12044, 'tls'],
  ['ERROR_WINHTTP_CONNECTION_ERROR', 12030, 'connection'],
  ['ERROR_WINHTTP_HEADER_COUNT_EXCEEDED', 12181, 'protocol'],
  ['ERROR_WINHTTP_HEADER_SIZE_OVERFLOW', 12182, 'protocol'],
  ['ERROR_WINHTTP_INCORRECT_HANDLE_STATE', 12019, 'usage'],
  ['ERROR_WINHTTP_INCORRECT_HANDLE_TYPE', 12018, 'usage'],
  ['ERROR_WINHTTP_INTERNAL_ERROR', 12004, 'other'],
  ['ERROR_WINHTTP_INVALID_SERVER_RESPONSE', 12152, 'protocol'],
  ['ERROR_WINHTTP_INVALID_URL', 12005, 'url'],
  ['ERROR_WINHTTP_LOGIN_FAILURE', 12015, 'auth'],
  ['ERROR_WINHTTP_NAME_NOT_RESOLVED', 12007, 'connect'],
  ['ERROR_WINHTTP_OPERATION_CANCELLED', 12017, 'cancelled'],
  ['ERROR_WINHTTP_REDIRECT_FAILED', 12156, 'protocol'],
  ['ERROR_WINHTTP_RESEND_REQUEST', 12032, 'other'],
  ['ERROR_WINHTTP_RESPONSE_DRAIN_OVERFLOW', 12184, 'protocol'],
  ['ERROR_WINHTTP_SECURE_FAILURE', 12175, 'tls'],
  ['ERROR_WINHTTP_TIMEOUT', 12002, 'timeout'],
  ['ERROR_WINHTTP_UNRECOGNIZED_SCHEME', 12006, 'url'],
  ['ERROR_NOT_ENOUGH_MEMORY', 8, 'resource'],
];

// Every ERROR_WINHTTP_* define of the Windows SDK winhttp.h (WINHTTP_ERROR_BASE 12000 + n).
const WINHTTP_H_ERRORS: readonly [number, string][] = [
  [12001, 'ERROR_WINHTTP_OUT_OF_HANDLES'],
  [12002, 'ERROR_WINHTTP_TIMEOUT'],
  [12004, 'ERROR_WINHTTP_INTERNAL_ERROR'],
  [12005, 'ERROR_WINHTTP_INVALID_URL'],
  [12006, 'ERROR_WINHTTP_UNRECOGNIZED_SCHEME'],
  [12007, 'ERROR_WINHTTP_NAME_NOT_RESOLVED'],
  [12009, 'ERROR_WINHTTP_INVALID_OPTION'],
  [12011, 'ERROR_WINHTTP_OPTION_NOT_SETTABLE'],
  [12012, 'ERROR_WINHTTP_SHUTDOWN'],
  [12015, 'ERROR_WINHTTP_LOGIN_FAILURE'],
  [12017, 'ERROR_WINHTTP_OPERATION_CANCELLED'],
  [12018, 'ERROR_WINHTTP_INCORRECT_HANDLE_TYPE'],
  [12019, 'ERROR_WINHTTP_INCORRECT_HANDLE_STATE'],
  [12029, 'ERROR_WINHTTP_CANNOT_CONNECT'],
  [12030, 'ERROR_WINHTTP_CONNECTION_ERROR'],
  [12032, 'ERROR_WINHTTP_RESEND_REQUEST'],
  [12037, 'ERROR_WINHTTP_SECURE_CERT_DATE_INVALID'],
  [12038, 'ERROR_WINHTTP_SECURE_CERT_CN_INVALID'],
  [12044, 'ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED'],
  [12045, 'ERROR_WINHTTP_SECURE_INVALID_CA'],
  [12057, 'ERROR_WINHTTP_SECURE_CERT_REV_FAILED'],
  [12100, 'ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN'],
  [12101, 'ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND'],
  [12102, 'ERROR_WINHTTP_CANNOT_CALL_AFTER_SEND'],
  [12103, 'ERROR_WINHTTP_CANNOT_CALL_AFTER_OPEN'],
  [12150, 'ERROR_WINHTTP_HEADER_NOT_FOUND'],
  [12152, 'ERROR_WINHTTP_INVALID_SERVER_RESPONSE'],
  [12153, 'ERROR_WINHTTP_INVALID_HEADER'],
  [12154, 'ERROR_WINHTTP_INVALID_QUERY_REQUEST'],
  [12155, 'ERROR_WINHTTP_HEADER_ALREADY_EXISTS'],
  [12156, 'ERROR_WINHTTP_REDIRECT_FAILED'],
  [12157, 'ERROR_WINHTTP_SECURE_CHANNEL_ERROR'],
  [12166, 'ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT'],
  [12167, 'ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT'],
  [12169, 'ERROR_WINHTTP_SECURE_INVALID_CERT'],
  [12170, 'ERROR_WINHTTP_SECURE_CERT_REVOKED'],
  [12172, 'ERROR_WINHTTP_NOT_INITIALIZED'],
  [12175, 'ERROR_WINHTTP_SECURE_FAILURE'],
  [12176, 'ERROR_WINHTTP_UNHANDLED_SCRIPT_TYPE'],
  [12177, 'ERROR_WINHTTP_SCRIPT_EXECUTION_ERROR'],
  [12178, 'ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR'],
  [12179, 'ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE'],
  [12180, 'ERROR_WINHTTP_AUTODETECTION_FAILED'],
  [12181, 'ERROR_WINHTTP_HEADER_COUNT_EXCEEDED'],
  [12182, 'ERROR_WINHTTP_HEADER_SIZE_OVERFLOW'],
  [12183, 'ERROR_WINHTTP_CHUNKED_ENCODING_HEADER_SIZE_OVERFLOW'],
  [12184, 'ERROR_WINHTTP_RESPONSE_DRAIN_OVERFLOW'],
  [12185, 'ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY'],
  [12186, 'ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY'],
  [12187, 'ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED_PROXY'],
  [12188, 'ERROR_WINHTTP_SECURE_FAILURE_PROXY'],
  [12189, 'ERROR_WINHTTP_RESERVED_189'],
  [12190, 'ERROR_WINHTTP_HTTP_PROTOCOL_MISMATCH'],
  [12191, 'ERROR_WINHTTP_GLOBAL_CALLBACK_FAILED'],
  [12192, 'ERROR_WINHTTP_FEATURE_DISABLED'],
  [12193, 'ERROR_WINHTTP_FAST_FORWARDING_NOT_SUPPORTED'],
];

// Win32 and Winsock codes the binding meets, with their expected categories.
const SYSTEM_ERRORS: readonly [number, string, string][] = [
  [6, 'ERROR_INVALID_HANDLE', 'usage'],
  [8, 'ERROR_NOT_ENOUGH_MEMORY', 'resource'],
  [50, 'ERROR_NOT_SUPPORTED', 'other'],
  [87, 'ERROR_INVALID_PARAMETER', 'usage'],
  [122, 'ERROR_INSUFFICIENT_BUFFER', 'usage'],
  [997, 'ERROR_IO_PENDING', 'other'],
  [4317, 'ERROR_INVALID_OPERATION', 'usage'],
  [10053, 'WSAECONNABORTED', 'connection'],
  [10054, 'WSAECONNRESET', 'connection'],
  [10060, 'WSAETIMEDOUT', 'timeout'],
  [10061, 'WSAECONNREFUSED', 'connect'],
];

describe('error code table', () => {
  test.each(RECEIVE_RESPONSE_ERRORS)('WinHttpReceiveResponse error %s is %d (%s)', (name, errno, category) => {
    const info = describeErrorCode(errno);
    expect(info.code).toBe(name);
    expect(info.category).toBe(category);
    expect(info.meaning).toMatch(/^[A-Z].{8,}[^.\s]$/);

    const error = new WinHttpError(errno, 'WinHttpReceiveResponse');
    expect(error.code).toBe(name);
    expect(error.errno).toBe(errno);
    expect(error.category).toBe(category);
    expect(error.message.startsWith(`WinHttpReceiveResponse failed: ${name} (${errno}): `)).toBe(true);
  });

  test.each(WINHTTP_H_ERRORS)('winhttp.h %d is %s', (errno, name) => {
    expect(describeErrorCode(errno).code).toBe(name);
  });

  test('the 12000 range holds exactly the winhttp.h codes', () => {
    const inTable = [...WINHTTP_ERROR_CODES.keys()].filter((n) => n >= 12000 && n < 13000).sort((a, b) => a - b);
    expect(inTable).toEqual(WINHTTP_H_ERRORS.map(([n]) => n));
  });

  test.each(SYSTEM_ERRORS)('system error %d is %s (%s)', (errno, name, category) => {
    expect(describeErrorCode(errno)).toMatchObject({ code: name, category });
  });

  test('symbolic names are unique', () => {
    const names = [...WINHTTP_ERROR_CODES.values()].map((info) => info.code);
    expect(new Set(names).size).toBe(names.length);
  });

  test('unknown numbers keep their number', () => {
    expect(describeErrorCode(12003)).toEqual({ code: 'ERROR_12003', meaning: 'Unknown error', category: 'other' });
    const error = new WinHttpError(424242, 'WinHttpOpen');
    expect(error.code).toBe('ERROR_424242');
    expect(error.errno).toBe(424242);
    expect(error.category).toBe('other');
    expect(error.message).toBe('WinHttpOpen failed: ERROR_424242 (424242): Unknown error');
  });

  test('timeouts and TLS failures share a category whatever the source', () => {
    expect(describeErrorCode(12002).category).toBe('timeout');
    expect(describeErrorCode(10060).category).toBe('timeout');
    expect(describeErrorCode(12175).category).toBe('tls');
    expect(describeErrorCode(12157).category).toBe('tls');
    expect(new WinHttpError(10060, 'WinHttpReceiveResponse').isTimeout).toBe(true);
    expect(new WinHttpError(10060, 'WinHttpReceiveResponse').isTls).toBe(false);
    expect(new WinHttpError(12157, 'WinHttpSendRequest').isTls).toBe(true);
    expect(new WinHttpError(12029, 'WinHttpSendRequest').isTimeout).toBe(false);
  });
});

describe('WinHttpError', () => {
  test('message format', () => {
    expect(new WinHttpError(12002, 'WinHttpReceiveResponse').message).toBe(
      'WinHttpReceiveResponse failed: ERROR_WINHTTP_TIMEOUT (12002): The request timed out',
    );
    expect(new WinHttpError(12029, 'WinHttpSendRequest', { detail: 'GET https://example.test/' }).message).toBe(
      'WinHttpSendRequest failed: ERROR_WINHTTP_CANNOT_CONNECT (12029): ' +
        'The connection to the server could not be established. GET https://example.test/',
    );
  });

  test('the system message is appended only when it says something else', () => {
    const different = new WinHttpError(12002, 'WinHttpReceiveResponse', {
      systemMessage: 'The operation timed out\r\n',
    });
    expect(different.message).toBe(
      'WinHttpReceiveResponse failed: ERROR_WINHTTP_TIMEOUT (12002): The request timed out — The operation timed out',
    );
    const same = new WinHttpError(12002, 'WinHttpReceiveResponse', { systemMessage: 'The request timed out.\r\n' });
    expect(same.message).toBe('WinHttpReceiveResponse failed: ERROR_WINHTTP_TIMEOUT (12002): The request timed out');
    const blank = new WinHttpError(12002, 'WinHttpReceiveResponse', { systemMessage: ' \r\n' });
    expect(blank.message).toBe('WinHttpReceiveResponse failed: ERROR_WINHTTP_TIMEOUT (12002): The request timed out');
  });

  test('name, fields and cause', () => {
    const cause = new Error('socket closed');
    const error = new WinHttpError(12030, 'WinHttpReadData', { cause });
    expect(error.name).toBe('WinHttpError');
    expect(error.api).toBe('WinHttpReadData');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toBe(
      'WinHttpError: WinHttpReadData failed: ERROR_WINHTTP_CONNECTION_ERROR (12030): ' +
        'The connection to the server was reset or terminated, or the TLS protocol was incompatible',
    );
    expect('cause' in new WinHttpError(12030, 'WinHttpReadData')).toBe(false);
  });

  test('decodes WINHTTP_CALLBACK_STATUS_SECURE_FAILURE flags into reasons and a message naming the host', () => {
    const error = new WinHttpError(12175, 'WinHttpSendRequest', { secureFailureFlags: 0x30, host: 'localhost' });
    expect(error.secureFailureFlags).toBe(0x30);
    expect(error.reasons).toEqual(['cert-cn-invalid', 'cert-date-invalid']);
    expect(error.message).toBe(
      'WinHttpSendRequest failed: ERROR_WINHTTP_SECURE_FAILURE (12175): The server TLS certificate failed validation: ' +
        'certificate name does not match localhost; certificate has expired or is not yet valid ' +
        '(SECURE_FAILURE flags 0x00000030)',
    );
  });

  test('without the host the name mismatch says "the host"', () => {
    const error = new WinHttpError(12175, 'WinHttpSendRequest', { secureFailureFlags: 0x18 });
    expect(error.message).toMatch(/: certificate chain ends in a root the Windows certificate store does not trust; certificate name does not match the host \(SECURE_FAILURE flags 0x00000018\)$/);
  });

  test.each([
    [0x00000001, ['cert-rev-failed']],
    [0x00000002, ['invalid-cert']],
    [0x00000004, ['cert-revoked']],
    [0x00000008, ['invalid-ca']],
    [0x00000010, ['cert-cn-invalid']],
    [0x00000020, ['cert-date-invalid']],
    [0x00000040, ['cert-wrong-usage']],
    [0x80000000, ['security-channel-error']],
    [-0x80000000, ['security-channel-error']],
    [0x0000000c, ['cert-revoked', 'invalid-ca']],
    [0x00000300, ['unknown-0x00000300']],
    [0x80000101, ['cert-rev-failed', 'security-channel-error', 'unknown-0x00000100']],
    [0, []],
  ])('secure failure flags %d decode to %j', (flags, names) => {
    expect(decodeSecureFailureFlags(flags)).toEqual(names);
  });

  test('a signed 0x80000000 is stored unsigned', () => {
    const error = new WinHttpError(12175, 'WinHttpSendRequest', { secureFailureFlags: -0x80000000 });
    expect(error.secureFailureFlags).toBe(2147483648);
    expect(error.message).toMatch(/: the secure channel \(Schannel\) failed \(SECURE_FAILURE flags 0x80000000\)$/);
  });

  test('flags reported as zero are kept and shown as no reason', () => {
    const error = new WinHttpError(12175, 'WinHttpSendRequest', { secureFailureFlags: 0 });
    expect(error.secureFailureFlags).toBe(0);
    expect(error.reasons).toEqual([]);
    expect(error.message).toMatch(/: no reason flag set \(SECURE_FAILURE flags 0x00000000\)$/);
  });

  test.each([12175, 12157, 12188])('a TLS failure %d without flags says that WinHTTP gave no reason', (errno) => {
    const error = new WinHttpError(errno, 'WinHttpSendRequest', { detail: 'https://example.test/' });
    expect(error.reasons).toEqual([]);
    expect('secureFailureFlags' in error).toBe(false);
    expect(error.message).toContain('. WinHTTP gave no reason for it (no WINHTTP_CALLBACK_STATUS_SECURE_FAILURE flags were reported). https://example.test/');
  });

  test('other TLS errors name their reason in the code and add no note', () => {
    const error = new WinHttpError(12044, 'WinHttpSendRequest');
    expect(error.message).not.toMatch(/no reason|SECURE_FAILURE/);
  });

  test('async result API names', () => {
    expect(WinHttpError.API[1]).toBe('WinHttpReceiveResponse');
    expect(WinHttpError.API[2]).toBe('WinHttpQueryDataAvailable');
    expect(WinHttpError.API[3]).toBe('WinHttpReadData');
    expect(WinHttpError.API[4]).toBe('WinHttpWriteData');
    expect(WinHttpError.API[5]).toBe('WinHttpSendRequest');
    expect(WinHttpError.API[6]).toBe('WinHttpGetProxyForUrlEx');
    expect(apiFromAsyncResult(3)).toBe('WinHttpReadData');
    expect(apiFromAsyncResult(7)).toBe('async operation 7');
    expect(apiFromAsyncResult(0)).toBe('async operation 0');
  });
});

describe('instanceof across copies and realms', () => {
  test('a plain object carrying the brand is a WinHttpError', () => {
    expect({ [Symbol.for('winhttp.WinHttpError')]: true } instanceof WinHttpError).toBe(true);
    expect({ [Symbol.for('winhttp.WinHttpError')]: 'yes' } instanceof WinHttpError).toBe(false);
    expect({ code: 'ERROR_WINHTTP_TIMEOUT', errno: 12002 } instanceof WinHttpError).toBe(false);
    expect(new Error('x') instanceof WinHttpError).toBe(false);
    expect((null as unknown) instanceof WinHttpError).toBe(false);
    expect(('WinHttpError' as unknown) instanceof WinHttpError).toBe(false);
    expect({ [Symbol.for('winhttp.AbortError')]: true } instanceof AbortError).toBe(true);
  });

  test('instances of a second copy of the module pass instanceof', () => {
    let copy: typeof import('../../lib/errors') | undefined;
    jest.isolateModules(() => {
      copy = require('../../lib/errors');
    });
    if (!copy) throw new Error('module copy not loaded');
    expect(copy.WinHttpError).not.toBe(WinHttpError);
    expect(new copy.WinHttpError(12002, 'WinHttpReceiveResponse') instanceof WinHttpError).toBe(true);
    expect(new WinHttpError(12002, 'WinHttpReceiveResponse') instanceof copy.WinHttpError).toBe(true);
    expect(new copy.AbortError() instanceof AbortError).toBe(true);
    expect(new copy.ResponseTruncatedError(10, 5) instanceof ResponseTruncatedError).toBe(true);
    expect(new copy.InvalidStateError('closed') instanceof InvalidStateError).toBe(true);
    expect(new copy.UnsupportedPlatformError('linux') instanceof UnsupportedPlatformError).toBe(true);
  });

  test('the brands do not mix between classes', () => {
    expect(new AbortError() instanceof WinHttpError).toBe(false);
    expect(new WinHttpError(12017, 'WinHttpReadData') instanceof AbortError).toBe(false);
    expect(new InvalidStateError('closed') instanceof ResponseTruncatedError).toBe(false);
    expect(new ResponseTruncatedError(1, 0) instanceof UnsupportedPlatformError).toBe(false);
    expect(new UnsupportedPlatformError('linux') instanceof InvalidStateError).toBe(false);
  });

  test('subclasses keep ordinary instanceof', () => {
    class ProxyError extends WinHttpError {}
    expect(new ProxyError(12180, 'WinHttpGetProxyForUrlEx') instanceof WinHttpError).toBe(true);
    expect(new ProxyError(12180, 'WinHttpGetProxyForUrlEx') instanceof ProxyError).toBe(true);
    expect(new WinHttpError(12180, 'WinHttpGetProxyForUrlEx') instanceof ProxyError).toBe(false);
  });
});

describe('library errors', () => {
  test('AbortError matches the one Node itself throws', async () => {
    const nodeError = await delay(1, undefined, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    const ours = new AbortError();
    expect(nodeError).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', message: 'The operation was aborted' });
    expect(ours).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', message: 'The operation was aborted' });
    const cause = new Error('reason');
    expect(new AbortError(undefined, { cause }).cause).toBe(cause);
    expect(String(ours)).toBe('AbortError: The operation was aborted');
  });

  test('ResponseTruncatedError', () => {
    const error = new ResponseTruncatedError(1000, 512);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ResponseTruncatedError');
    expect(error.code).toBe('ERR_WINHTTP_BODY_TRUNCATED');
    expect(error.expected).toBe(1000);
    expect(error.received).toBe(512);
    expect(error.message).toBe('Response body truncated: received 512 of 1000 bytes announced by Content-Length');
    const cause = new WinHttpError(12030, 'WinHttpReadData');
    expect(new ResponseTruncatedError(1000, 512, { cause }).cause).toBe(cause);
  });

  test('InvalidStateError', () => {
    const error = new InvalidStateError('A read is already pending');
    expect(error.name).toBe('InvalidStateError');
    expect(error.code).toBe('ERR_WINHTTP_INVALID_STATE');
    expect(error.message).toBe('A read is already pending');
  });

  test('UnsupportedPlatformError names the platform', () => {
    const error = new UnsupportedPlatformError('linux');
    expect(error.name).toBe('UnsupportedPlatformError');
    expect(error.code).toBe('ERR_WINHTTP_UNSUPPORTED_PLATFORM');
    expect(error.platform).toBe('linux');
    expect(error.message).toBe('winhttp needs Windows: WinHTTP is not available on linux');
    expect(new UnsupportedPlatformError().message).toBe(
      `winhttp needs Windows: WinHTTP is not available on ${process.platform}`,
    );
  });

  test('invalidArg makes Node-style TypeErrors', () => {
    const typeError = invalidArg('timeout', 'must be of type number. Received type string');
    expect(typeError).toBeInstanceOf(TypeError);
    expect(typeError.code).toBe('ERR_INVALID_ARG_TYPE');
    expect(typeError.message).toBe('The "timeout" argument must be of type number. Received type string');
    const valueError = invalidArg('options.method', 'must not contain spaces', 'ERR_INVALID_ARG_VALUE');
    expect(valueError).toBeInstanceOf(TypeError);
    expect(valueError.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(valueError.message).toBe('The "options.method" property must not contain spaces');
    expect(valueError.stack).not.toMatch(/at invalidArg/);
  });

  test('outOfRange makes Node-style RangeErrors', () => {
    const error = outOfRange('timeout', '>= 0 and <= 2147483647', -1);
    expect(error).toBeInstanceOf(RangeError);
    expect(error.code).toBe('ERR_OUT_OF_RANGE');
    expect(error.message).toBe('The value of "timeout" is out of range. It must be >= 0 and <= 2147483647. Received -1');
    expect(outOfRange('port', 'an integer', 'x').message).toBe(
      `The value of "port" is out of range. It must be an integer. Received 'x'`,
    );
  });
});

// Bad input is refused before anything reaches the network, with a TypeError or RangeError carrying a Node-style
// code; the server never sees a connection and no native request is left behind (liveNativeRequests() has not
// grown right after the rejection: a native request opened and closed would only be freed after its wrapper is
// garbage-collected, so it shows as +1). This file opens no native request on purpose.
import type * as http from 'node:http';
import { Session, liveNativeRequests, request, type RequestOptions } from '../../lib';
import { rejectionOf, thrownBy } from '../helpers/assertions';
import { settledLiveNativeRequests } from '../helpers/gc';
import { type TestServer, startHttpServer } from '../helpers/servers';

let server: TestServer<http.Server>;
let session: Session;
let before: number;

beforeAll(async () => {
  server = await startHttpServer((_req, res) => {
    res.writeHead(200, { 'Content-Length': '2' }).end('ok');
  });
  session = new Session();
});

afterAll(async () => {
  session.close();
  await server.close();
});

beforeAll(async () => {
  // The addon, and so this count, is shared with the earlier test files of this jest worker: collect their
  // garbage first, so that fewer of their requests are freed while these tests run.
  await settledLiveNativeRequests();
});

beforeEach(() => {
  before = liveNativeRequests();
});

afterEach(() => {
  // Bad input never reaches the server.
  expect(server.connections).toBe(0);
});

type Failure = Error & Record<string, unknown>;

function expectError(error: Failure, name: 'TypeError' | 'RangeError', code: string): void {
  expect(error).toBeInstanceOf(name === 'TypeError' ? TypeError : RangeError);
  expect(error.name).toBe(name);
  expect(error.code).toBe(code);
}

/**
 * No native request was opened. The count is shared with requests of earlier test files in this jest worker, which
 * may be freed at any moment (garbage collection; under Wine, HANDLE_CLOSING of a request closed while waiting for
 * headers comes only at its receive-response timeout), so it may drop; a request opened and closed here would stay
 * counted until its wrapper is collected, i.e. show as an increase.
 */
function expectNoNativeRequestLeft(): void {
  expect(liveNativeRequests()).toBeLessThanOrEqual(before);
}

/** request() with these options rejects with `name` and `code`, and leaves no native request behind. */
async function expectRequestRefused(options: RequestOptions, name: 'TypeError' | 'RangeError', code: string,
  url = server.url): Promise<Failure> {
  const error = await rejectionOf(request(url, options));
  expectError(error, name, code);
  expectNoNativeRequestLeft();
  return error;
}

describe('methods', () => {
  it.each([['GE T'], [''], ['GET\r\n'], ['G(ET)']])('method %j is not an HTTP token', async (method) => {
    const error = await expectRequestRefused({ method }, 'TypeError', 'ERR_INVALID_HTTP_TOKEN');
    expect(error.message).toContain(JSON.stringify(method));
  });

  it('a method that is not a string', async () => {
    await expectRequestRefused({ method: 42 as unknown as string }, 'TypeError', 'ERR_INVALID_ARG_TYPE');
  });

  it('the low-level openRequest() refuses the same', () => {
    const connection = session.connect('127.0.0.1', server.port);
    expectError(thrownBy(() => connection.openRequest('GE T', '/')), 'TypeError', 'ERR_INVALID_HTTP_TOKEN');
    expectError(thrownBy(() => connection.openRequest('', '/')), 'TypeError', 'ERR_INVALID_HTTP_TOKEN');
    connection.close();
    expectNoNativeRequestLeft();
  });
});

describe('headers', () => {
  it.each([['X Bad'], ['X-Bad:'], [''], ['X-Ünï']])('header name %j is not an HTTP token', async (name) => {
    await expectRequestRefused({ headers: { [name]: 'v' } }, 'TypeError', 'ERR_INVALID_HTTP_TOKEN');
  });

  it.each([
    ['CR', 'a\rb'],
    ['LF', 'a\nb'],
    ['CRLF (header injection)', 'a\r\nX-Injected: 1'],
    ['NUL', 'a\0b'],
    ['non-ASCII', 'grüße'],
    ['non-Latin-1', '世界'],
    ['DEL', 'a\x7fb'],
  ])('a header value with %s', async (_what, value) => {
    const error = await expectRequestRefused({ headers: { 'X-Value': value } }, 'TypeError', 'ERR_INVALID_CHAR');
    expect(error.message).toContain('"X-Value"');
  });

  it('header pairs are checked the same way', async () => {
    await expectRequestRefused({ headers: [['X-Ok', 'fine'], ['X-Bad', 'line\nbreak']] }, 'TypeError', 'ERR_INVALID_CHAR');
    await expectRequestRefused({ headers: [['X Bad', 'v']] }, 'TypeError', 'ERR_INVALID_HTTP_TOKEN');
  });

  it('a header value that is neither string nor number', async () => {
    await expectRequestRefused({ headers: { 'X-Obj': {} as unknown as string } }, 'TypeError', 'ERR_INVALID_ARG_TYPE');
  });
});

describe('ports and paths (low level)', () => {
  it.each([[0], [70000], [1.5], [-1], [Number.NaN]])('Session.connect() port %p is out of range', (port) => {
    const error = thrownBy(() => session.connect('127.0.0.1', port));
    expectError(error, 'RangeError', 'ERR_OUT_OF_RANGE');
    expect(error.message).toContain('>= 1 && <= 65535');
  });

  it('a port that is not a number', () => {
    expectError(thrownBy(() => session.connect('127.0.0.1', '80' as unknown as number)), 'TypeError', 'ERR_INVALID_ARG_TYPE');
  });

  it.each([['127.0.0.1/x'], ['a b'], ['user@127.0.0.1'], ['127.0.0.1\r\n']])('host %j is not a host name', (host) => {
    expectError(thrownBy(() => session.connect(host, server.port)), 'TypeError', 'ERR_INVALID_ARG_VALUE');
  });

  it('a host that is not a string', () => {
    expectError(thrownBy(() => session.connect(127 as unknown as string, server.port)), 'TypeError', 'ERR_INVALID_ARG_TYPE');
  });

  it('a path without a leading "/"', () => {
    const connection = session.connect('127.0.0.1', server.port);
    expectError(thrownBy(() => connection.openRequest('GET', 'path')), 'TypeError', 'ERR_INVALID_ARG_VALUE');
    expectError(thrownBy(() => connection.openRequest('GET', 'http://127.0.0.1/')), 'TypeError', 'ERR_INVALID_ARG_VALUE');
    connection.close();
    expectNoNativeRequestLeft();
  });

  it.each([['/a b'], ['/a\tb'], ['/a\r\nb'], ['/\x7f']])('path %j has unescaped characters', (path) => {
    const connection = session.connect('127.0.0.1', server.port);
    expectError(thrownBy(() => connection.openRequest('GET', path)), 'TypeError', 'ERR_UNESCAPED_CHARACTERS');
    connection.close();
    expectNoNativeRequestLeft();
  });
});

describe('bodies', () => {
  it.each([
    ['a number', 42],
    ['a plain object', { a: 1 }],
    ['a boolean', true],
  ])('a body that is %s', async (_what, body) => {
    await expectRequestRefused({ method: 'POST', body: body as unknown as string }, 'TypeError', 'ERR_INVALID_ARG_TYPE');
  });

  it('a streamed body of unknown length (sent chunked) with a Transfer-Encoding header of the caller', async () => {
    async function* chunks(): AsyncGenerator<string> {
      yield 'never read';
    }
    const error = await expectRequestRefused({ method: 'POST', body: chunks(), headers: { 'Transfer-Encoding': 'chunked' } },
      'TypeError', 'ERR_INVALID_ARG_VALUE');
    expect(error.message).toMatch(/transfer-encoding.*is set by the library/);
  });

  it.each([[-1], [1.5], [2 ** 32]])('contentLength %p', async (contentLength) => {
    await expectRequestRefused({ method: 'POST', body: ['x'], contentLength }, 'RangeError', 'ERR_OUT_OF_RANGE');
  });
});

describe('options', () => {
  it.each([[-1], [1.5], [2 ** 31], [Number.NaN], [Infinity]])('timeout %p is out of range', async (timeout) => {
    await expectRequestRefused({ timeout }, 'RangeError', 'ERR_OUT_OF_RANGE');
  });

  it.each([['500'], [null], [{}]])('timeout %p is not a number', async (timeout) => {
    await expectRequestRefused({ timeout: timeout as unknown as number }, 'TypeError', 'ERR_INVALID_ARG_TYPE');
  });

  it.each([['a string', 'abort'], ['a plain object', {}], ['an AbortController', new AbortController()]])(
    'signal that is %s', async (_what, signal) => {
      await expectRequestRefused({ signal: signal as unknown as AbortSignal }, 'TypeError', 'ERR_INVALID_ARG_TYPE');
    });

  it('options that are not an object', async () => {
    await expectRequestRefused('GET' as unknown as RequestOptions, 'TypeError', 'ERR_INVALID_ARG_TYPE');
  });

  it('a session that is not a Session', async () => {
    await expectRequestRefused({ session: {} as unknown as Session }, 'TypeError', 'ERR_INVALID_ARG_TYPE');
  });

  it('a URL that is neither string nor URL', async () => {
    const error = await rejectionOf(request(42 as unknown as string));
    expectError(error, 'TypeError', 'ERR_INVALID_ARG_TYPE');
  });

  it('a URL with credentials', async () => {
    const url = `http://user:secret@127.0.0.1:${server.port}/`;
    const error = await expectRequestRefused({}, 'TypeError', 'ERR_INVALID_ARG_VALUE', url);
    expect(error.message).toMatch(/credentials/);
    expect(error.message).not.toContain('secret');
  });
});

// These two are refused by Request.send(), i.e. after request() has already opened the native request.
describe('headers the library owns', () => {
  it('a Transfer-Encoding header', async () => {
    await expectRequestRefused({ method: 'POST', body: 'abc', headers: { 'Transfer-Encoding': 'chunked' } },
      'TypeError', 'ERR_INVALID_ARG_VALUE');
  });

  it('a Content-Length header that disagrees with the body', async () => {
    await expectRequestRefused({ method: 'POST', body: 'abc', headers: { 'Content-Length': '5' } },
      'TypeError', 'ERR_INVALID_ARG_VALUE');
  });
});

// A request handle is opened and configured (timeouts, options) in one call to the addon (lib/core/configuration.ts,
// native/request_wrap.cc): a failed option must close the handle it was set on, since JavaScript never gets a wrapper
// to close it with; a request that overrides nothing gets its session's configuration, built once.
import { Session, WinHttpError } from '../../lib';
import { contractDouble, useContractDouble } from './helpers/contract-double';

useContractDouble();

const ERROR_WINHTTP_INVALID_OPTION = 12009;
const ERROR_WINHTTP_TIMEOUT = 12002;
const WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT = 7;
const WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE = 91;
const WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL = 133;

// The session is closed before useContractDouble's check that everything was released.
let session: Session;
async function closing(test: () => Promise<void>): Promise<void> {
  try {
    await test();
  } finally {
    session.close();
  }
}

function failing(option: number): void {
  contractDouble().setScenario({ fallback: { body: 'ok' }, failCalls: [{ api: 'WinHttpSetOption', error: ERROR_WINHTTP_INVALID_OPTION, option }] });
  session = new Session({ proxy: 'none' });
}

it.each([
  ['a timeout option', WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT],
  ['a behaviour option', WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE],
])('%s failing closes the request handle before openRequest() throws', (_name, option) => closing(async () => {
  failing(option);
  const connection = session.connect('double.test', 80);
  const before = contractDouble().stats().openHandles;
  const error = (() => {
    try {
      connection.openRequest('GET', '/');
    } catch (caught) {
      return caught;
    }
    return undefined;
  })();
  expect(error).toBeInstanceOf(WinHttpError);
  expect(error).toMatchObject({ errno: ERROR_WINHTTP_INVALID_OPTION, api: 'WinHttpSetOption' });
  // The handle is closed in the failing call itself; its HANDLE_CLOSING then frees the native state (checked after
  // each test by useContractDouble).
  expect(contractDouble().stats().openHandles).toBe(before);
}));

it('ENABLE_HTTP_PROTOCOL unknown to WinHTTP, HTTP/1.1: the handle it failed on is closed, and a second one serves', () => closing(async () => {
  failing(WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL);
  const connection = session.connect('double.test', 80);
  const before = contractDouble().stats().openHandles;
  const req = connection.openRequest('GET', '/');
  expect(contractDouble().stats().openHandles).toBe(before + 1);
  await req.send();
  await req.receiveResponse();
  expect((await req.read())?.toString()).toBe('ok');
  req.close();
  await req.handleClosed;
}));

it("requests that override nothing get the session's timeouts from its shared configuration, an override its own", () => closing(async () => {
  contractDouble().setScenario({ routes: { '/silent': { neverAnswers: true } } });
  // WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT decides when a server that never answers fails the receive (12002): at
  // the default 90 s these requests would outlast the test.
  session = new Session({ proxy: 'none', timeouts: { receiveResponse: 30 } });
  const connection = session.connect('double.test', 80);
  const requests = [connection.openRequest('GET', '/silent'), connection.openRequest('GET', '/silent'),
    connection.openRequest('GET', '/silent', { keepAlive: false, timeouts: { receiveResponse: 40 } })];
  for (const req of requests) {
    await req.send();
    await expect(req.receiveResponse()).rejects.toMatchObject({ errno: ERROR_WINHTTP_TIMEOUT, api: 'WinHttpReceiveResponse' });
    req.close();
  }
}));

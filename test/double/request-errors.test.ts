// Every way WinHTTP may end an asynchronous call with REQUEST_ERROR, each with its WINHTTP_ASYNC_RESULT.dwResult,
// reaches JavaScript as a WinHttpError naming the right function, and the documented follow-ups work: SECURE_FAILURE's
// flags come with 12175, a send that got 12044 succeeds once a client certificate is set, 12032 asks to send again,
// redirect policy and limit, and the receive-response timeout.
import { Session, WinHttpError, request } from '../../lib';
import { STATUS, contractDouble, finishedTrace, useContractDouble, type StepName } from './helpers/contract-double';
import { NativeExchange } from './helpers/native-exchange';
import { getBinding } from '../../lib/native/binding';

const WINHTTP_OPTION_REDIRECT_POLICY = 88;
const WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS = 89;
// Not a connection error: lib/ reports those during the body as ResponseTruncatedError.
const ERROR_WINHTTP_INVALID_SERVER_RESPONSE = 12152;

let session: Session;
beforeEach(() => {
  session = new Session({ proxy: 'none' });
});
afterEach(() => session.close());
// After the session's own hook: jest runs a block's afterEach hooks in the order they were declared.
useContractDouble();

async function failure(promise: Promise<unknown>): Promise<WinHttpError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WinHttpError);
  return error as WinHttpError;
}

// Runs a POST with a streamed body, so every one of the five calls happens.
async function exchange(path: string): Promise<string> {
  const res = await request(`http://double.test${path}`, {
    method: 'POST', body: [Buffer.from('abc'), Buffer.from('def')], contentLength: 6, session,
  });
  return res.text();
}

describe.each([
  ['send', 'WinHttpSendRequest'],
  ['write', 'WinHttpWriteData'],
  ['receive', 'WinHttpReceiveResponse'],
  ['query', 'WinHttpQueryDataAvailable'],
  ['read', 'WinHttpReadData'],
] as [StepName, string][])('a REQUEST_ERROR ending %s', (step, api) => {
  it.each(['pool', 'sync'] as const)(`rejects with ${api}'s error (completions %s)`, async (completion) => {
    contractDouble().setScenario({
      completion,
      routes: { '/fail': { body: 'never read in full', faults: [{ step, error: ERROR_WINHTTP_INVALID_SERVER_RESPONSE }] } },
    });
    const error = await failure(exchange('/fail'));
    expect(error.errno).toBe(ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
    expect(error.api).toBe(api);
    const trace = await finishedTrace('/fail');
    expect(trace.errors).toEqual([ERROR_WINHTTP_INVALID_SERVER_RESPONSE]);
  });
});

it('reports SECURE_FAILURE flags with 12175', async () => {
  contractDouble().setScenario({ routes: { '/tls': { secureFailure: 0x18 } } });
  const error = await failure(request('https://double.test/tls', { session }));
  expect(error.code).toBe('ERROR_WINHTTP_SECURE_FAILURE');
  expect(error.api).toBe('WinHttpSendRequest');
  expect(error.secureFailureFlags).toBe(0x18);
  expect(error.reasons).toEqual(['invalid-ca', 'cert-cn-invalid']);
  expect(error.message).toContain('certificate name does not match double.test');
  const trace = await finishedTrace('/tls');
  expect(trace.notifications.indexOf(STATUS.SECURE_FAILURE)).toBeLessThan(trace.notifications.indexOf(STATUS.REQUEST_ERROR));
});

it('answers 12044 until a client certificate is set, then succeeds on the same handle', async () => {
  contractDouble().setScenario({ routes: { '/cert': { clientCertNeeded: true, body: 'ok' } } });
  const der = Buffer.from('a client certificate');
  const pfx = Buffer.from('its PFX');
  contractDouble().setCertStores({ pfx: [{ bytes: pfx, password: 'pw', certificates: [{ der, hasPrivateKey: true }] }] });
  const exchange = new NativeExchange('/cert', 0x00800000);
  const first = await exchange.call((r) => r.send(0));
  expect([first.status, first.error, first.asyncApi]).toEqual([STATUS.REQUEST_ERROR, 12044, 5]);
  // WINHTTP_OPTION_CLIENT_CERT_CONTEXT after the 12044, as its reference says, then the same handle is sent again.
  exchange.request.setClientCertificate(new (getBinding().ClientCertificate)('pfx', pfx, 'pw'));
  expect((await exchange.call((r) => r.send(0))).status).toBe(STATUS.SENDREQUEST_COMPLETE);
  expect((await exchange.call((r) => r.receiveResponse())).status).toBe(STATUS.HEADERS_AVAILABLE);
  await exchange.close();
  expect((await finishedTrace('/cert')).clientCertificate).toEqual(der);
});

it('asks for the request again with 12032, then answers it', async () => {
  contractDouble().setScenario({ routes: { '/again': { resends: 1, body: 'second time' } } });
  const exchange = new NativeExchange('/again');
  expect((await exchange.call((r) => r.send(0))).status).toBe(STATUS.SENDREQUEST_COMPLETE);
  const first = await exchange.call((r) => r.receiveResponse());
  expect([first.status, first.error, first.asyncApi]).toEqual([STATUS.REQUEST_ERROR, 12032, 1]);
  expect((await exchange.call((r) => r.send(0))).status).toBe(STATUS.SENDREQUEST_COMPLETE);
  expect((await exchange.call((r) => r.receiveResponse())).status).toBe(STATUS.HEADERS_AVAILABLE);
  expect((await exchange.call((r) => r.read(64))).value).toEqual(Buffer.from('second time'));
  await exchange.close();
});

it('stops at the 3xx under REDIRECT_POLICY_NEVER', async () => {
  contractDouble().setScenario({ routes: { '/moved': { redirects: [{ status: 301, location: 'http://double.test/new' }] } } });
  const exchange = new NativeExchange('/moved');
  exchange.request.setOption(WINHTTP_OPTION_REDIRECT_POLICY, 0);
  await exchange.call((r) => r.send(0));
  expect((await exchange.call((r) => r.receiveResponse())).status).toBe(STATUS.HEADERS_AVAILABLE);
  expect(exchange.request.queryHeaders(19, null, 0)?.value).toBe('301');
  expect(exchange.request.queryHeaders(65535, 'Location', 0)?.value).toBe('http://double.test/new');
  await exchange.close();
});

it('fails with 12156 past MAX_HTTP_AUTOMATIC_REDIRECTS', async () => {
  const hops = [1, 2, 3].map((n) => ({ location: `http://double.test/hop${n}` }));
  contractDouble().setScenario({ routes: { '/loop': { redirects: hops } } });
  const exchange = new NativeExchange('/loop');
  exchange.request.setOption(WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, 2);
  await exchange.call((r) => r.send(0));
  const done = await exchange.call((r) => r.receiveResponse());
  expect([done.status, done.error, done.asyncApi]).toEqual([STATUS.REQUEST_ERROR, 12156, 1]);
  await exchange.close();
});

it('times out waiting for headers after WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT', async () => {
  contractDouble().setScenario({ routes: { '/silent': { neverAnswers: true } } });
  const started = Date.now();
  const error = await failure(request('http://double.test/silent', { session, timeout: 150 }));
  expect(error.code).toBe('ERROR_WINHTTP_TIMEOUT');
  expect(error.api).toBe('WinHttpReceiveResponse');
  expect(Date.now() - started).toBeGreaterThanOrEqual(140);
});

// Every synchronous WinHTTP call the shim makes can fail (the double injects the failure); each failure reaches
// JavaScript as a WinHttpError naming the call and its error, the pending promise settles, and nothing is left open
// or leaked afterwards (the release check after each test).
import { Session, WinHttpError, request } from '../../lib';
import { contractDouble, useContractDouble } from './helpers/contract-double';

useContractDouble();

const WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT = 7;
const WINHTTP_OPTION_CONTEXT_VALUE = 45;
const ERROR_NOT_ENOUGH_MEMORY = 8;

async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

// A POST with a streamed body through a session of its own: every call of the shim happens (the URL is new each
// time, since request() keeps WinHttpCrackUrl's answer per URL).
let serial = 0;
async function exchange(): Promise<void> {
  const session = new Session({ proxy: 'none' });
  try {
    const res = await request(`http://double.test/p?q=${++serial}`, {
      method: 'POST', headers: { 'x-a': '1' }, body: [Buffer.from('ab')], contentLength: 2, session,
    });
    await res.text();
  } finally {
    session.close();
  }
}

it.each([
  ['WinHttpOpen', undefined],
  ['WinHttpSetStatusCallback', undefined],
  ['WinHttpSetTimeouts', undefined],
  ['WinHttpConnect', undefined],
  ['WinHttpOpenRequest', undefined],
  ['WinHttpSetOption', WINHTTP_OPTION_CONTEXT_VALUE],
  ['WinHttpSetOption', WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT],
  ['WinHttpAddRequestHeaders', undefined],
  ['WinHttpSendRequest', undefined],
  ['WinHttpWriteData', undefined],
  ['WinHttpReceiveResponse', undefined],
  ['WinHttpQueryHeaders', undefined],
  ['WinHttpQueryDataAvailable', undefined],
  ['WinHttpReadData', undefined],
  ['WinHttpCrackUrl', undefined],
] as [string, number | undefined][])('%s failing (option %s) rejects with its error', async (api, option) => {
  contractDouble().setScenario({
    routes: { '/p': { body: 'ok' } },
    failCalls: [option === undefined ? { api, error: ERROR_NOT_ENOUGH_MEMORY } : { api, error: ERROR_NOT_ENOUGH_MEMORY, option }],
  });
  const injectedBefore = contractDouble().stats().injected;
  const error = await caught(exchange);
  expect(error).toBeInstanceOf(WinHttpError);
  expect((error as WinHttpError).api).toBe(api);
  expect((error as WinHttpError).errno).toBe(ERROR_NOT_ENOUGH_MEMORY);
  expect(contractDouble().stats().injected - injectedBefore).toBe(1);
});

it('a failure injected once lets the next exchange through', async () => {
  contractDouble().setScenario({ routes: { '/p': { body: 'ok' } }, failCalls: [{ api: 'WinHttpReadData', error: ERROR_NOT_ENOUGH_MEMORY, times: 1 }] });
  await expect(exchange()).rejects.toMatchObject({ api: 'WinHttpReadData', errno: ERROR_NOT_ENOUGH_MEMORY });
  await expect(exchange()).resolves.toBeUndefined();
});

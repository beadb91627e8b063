// A new request's timeouts and options go to the addon in one configure() call (bench/README.md, finding 3), and
// its failure names the option: only WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL unknown to an old WinHTTP (12009, before
// Windows 10 1607) is tolerated, and only for HTTP/1.1; the same error from any other option still fails the request.
import { Session, WinHttpError, request } from '../../lib';
import { contractDouble, useContractDouble } from './helpers/contract-double';

useContractDouble();

const ERROR_WINHTTP_INVALID_OPTION = 12009;
const WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE = 91;
const WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL = 133;

async function outcome(option: number, httpVersion?: '1.1' | '2'): Promise<unknown> {
  contractDouble().setScenario({ fallback: { body: 'ok' }, failCalls: [{ api: 'WinHttpSetOption', error: ERROR_WINHTTP_INVALID_OPTION, option }] });
  const session = new Session({ proxy: 'none' });
  try {
    return await (await request('http://double.test/', { session, httpVersion })).text();
  } catch (error) {
    return error;
  } finally {
    session.close();
  }
}

it('goes on for HTTP/1.1 where WinHTTP does not know WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL', async () => {
  expect(await outcome(WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL)).toBe('ok');
});

it('fails clearly for HTTP/2 there', async () => {
  const error = await outcome(WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL, '2');
  expect(error).toBeInstanceOf(WinHttpError);
  expect(error).toMatchObject({ errno: ERROR_WINHTTP_INVALID_OPTION, api: 'WinHttpSetOption' });
  expect((error as Error).message).toContain('HTTP/2 was requested');
});

it('fails with the error of any other option that fails the same way', async () => {
  const error = await outcome(WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE);
  expect(error).toBeInstanceOf(WinHttpError);
  expect(error).toMatchObject({ errno: ERROR_WINHTTP_INVALID_OPTION, api: 'WinHttpSetOption' });
});

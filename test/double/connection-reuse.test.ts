// request() keeps one WinHttpConnect handle per origin and session (lib/policy/connections.ts), as a native WinHTTP
// program does, instead of opening and closing one per request (bench/README.md, finding 3); closing the session
// closes them. Checked against the contract double, which counts the open handles and can fail the n-th call.
import { Session, WinHttpError, request } from '../../lib';
import { contractDouble, useContractDouble } from './helpers/contract-double';

useContractDouble();

const ERROR_NOT_ENOUGH_MEMORY = 8;

it('opens one connection handle per origin and session, and closes it with the session', async () => {
  const session = new Session({ proxy: 'none' });
  // Two WinHttpConnect calls succeed, the third fails: only a request that opens a connection of its own meets it.
  contractDouble().setScenario({
    completion: 'random', fallback: { body: 'ok' }, failCalls: [{ api: 'WinHttpConnect', error: ERROR_NOT_ENOUGH_MEMORY, skip: 2 }],
  });
  try {
    for (const url of ['http://a.test/1', 'http://b.test/1', 'http://a.test/2', 'http://b.test/2', 'http://a.test/3']) {
      expect(await (await request(url, { session })).text()).toBe('ok');
    }
    // Another origin (the port counts) needs a connection of its own: the third WinHttpConnect, which fails.
    const refused = await request('http://a.test:8080/1', { session }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WinHttpError);
    expect(refused).toMatchObject({ errno: ERROR_NOT_ENOUGH_MEMORY, api: 'WinHttpConnect' });
    // Open now: the session and the connections to a.test and b.test (the requests are closed).
    expect(contractDouble().stats().openHandles).toBe(3);
  } finally {
    session.close();
  }
  expect(contractDouble().stats().openHandles).toBe(0);
});

it('refuses a request on a closed session as such, not with the error of its cached connection', async () => {
  const session = new Session({ proxy: 'none' });
  contractDouble().setScenario({ fallback: { body: 'ok' } });
  expect(await (await request('http://a.test/1', { session })).text()).toBe('ok');
  session.close();
  await expect(request('http://a.test/2', { session })).rejects.toThrow('The session is closed');
});

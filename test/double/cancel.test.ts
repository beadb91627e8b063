// Closing a request (abort) at every step, whichever thread completes calls and whether the close beats the pending
// completion (12017) or loses to it: the pending promise rejects with AbortError, a completion that arrives afterwards
// changes nothing, HANDLE_CLOSING comes last, and everything is released. Also: a close racing completions at random
// moments, and a session closed with requests still open.
import { AbortError, Session, request } from '../../lib';
import { STATUS, contractDouble, finishedTrace, useContractDouble, type StepName } from './helpers/contract-double';
import { NativeExchange } from './helpers/native-exchange';

useContractDouble();

const STEPS: StepName[] = ['send', 'write', 'receive', 'query', 'read'];

// Runs a POST step by step, aborting right after starting `abortAt`; rejects with what the steps reject with.
async function abortDuring(abortAt: StepName, path: string): Promise<void> {
  const session = new Session({ proxy: 'none' });
  const controller = new AbortController();
  const req = session.connect('double.test', 80).openRequest('POST', path, { signal: controller.signal });
  const step = <T>(name: StepName, start: () => Promise<T>): Promise<T> => {
    const pending = start();
    if (name === abortAt) controller.abort();
    return pending;
  };
  try {
    await step('send', () => req.send({ contentLength: 3 }));
    await step('write', () => req.write('abc'));
    await step('receive', () => req.receiveResponse());
    await step('query', () => req.queryDataAvailable());
    await step('read', () => req.read());
  } finally {
    await req.handleClosed;
    session.close();
  }
}

describe.each(['pool', 'sync'] as const)('completions %s', (completion) => {
  describe.each(['error', 'complete'] as const)('a close that %s', (cancel) => {
    it.each(STEPS)('aborting during %s rejects with AbortError, HANDLE_CLOSING last', async (abortAt) => {
      const path = `/abort-${abortAt}`;
      // On a pool thread the aborted call stalls, so the close always finds it pending: a delay alone lost to a slow
      // abort (a garbage collection after the stress test, ThreadSanitizer's cold start: 30 ms against 20).
      const stalls = completion === 'pool' ? [abortAt] : [];
      contractDouble().setScenario({ completion, cancel, delayMs: [2, 4], routes: { [path]: { body: 'body', stalls } } });
      await expect(abortDuring(abortAt, path)).rejects.toBeInstanceOf(AbortError);
      const trace = await finishedTrace(path);
      expect(trace.notifications[trace.notifications.length - 1]).toBe(STATUS.HANDLE_CLOSING);
      // Only a call still pending on a pool thread can be cancelled: inside the call it has already completed.
      expect(trace.errors).toEqual(completion === 'pool' && cancel === 'error' ? [12017] : []);
    });
  });
});

it('a close racing completions at random moments always settles once, with the response or AbortError', async () => {
  contractDouble().setScenario({ completion: 'random', cancel: 'random', closing: 'random', delayMs: [0, 1], trace: false,
    routes: { '/race': { body: ['ab', 'cd', 'ef'] } } });
  const session = new Session({ proxy: 'none' });
  const outcomes = await Promise.all(Array.from({ length: 200 }, async (_, i) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), i % 4);
    try {
      const res = await request('http://double.test/race', { session, signal: controller.signal });
      return (await res.text()) === 'abcdef' ? 'complete' : 'wrong body';
    } catch (error) {
      return error instanceof AbortError ? 'aborted' : String(error);
    }
  }));
  session.close();
  expect(outcomes.filter((outcome) => outcome !== 'complete' && outcome !== 'aborted')).toEqual([]);
});

// The outcome of each request is fixed, not left to the race: '/slow' stalls in WinHttpReceiveResponse until its
// handle is closed, so the close always finds those 10 in flight; '/quick' ones have finished before it.
it('closing a session with requests in flight rejects each of them with AbortError, and only them', async () => {
  contractDouble().setScenario({ delayMs: [1, 5], routes: { '/slow': { body: 'x', stalls: ['receive'] }, '/quick': { body: 'y' } } });
  const session = new Session({ proxy: 'none' });
  const read = (path: string) => request(`http://double.test${path}`, { session }).then((res) => res.text());
  const inFlight = Array.from({ length: 10 }, () => read('/slow'));
  expect(await Promise.all(Array.from({ length: 10 }, () => read('/quick')))).toEqual(Array(10).fill('y'));
  session.close();
  const settled = await Promise.allSettled(inFlight);
  expect(settled.map((result) => result.status)).toEqual(Array(10).fill('rejected'));
  for (const result of settled) expect((result as PromiseRejectedResult).reason).toBeInstanceOf(AbortError);
});

it('a request outlives its closed session and connection handles until it is closed itself', async () => {
  contractDouble().setScenario({ routes: { '/orphan': { body: 'still here' } } });
  const exchange = new NativeExchange('/orphan');
  const sent = exchange.call((r) => r.send(0));
  exchange.session.close();
  exchange.connection.close();
  expect((await sent).status).toBe(STATUS.SENDREQUEST_COMPLETE);
  expect((await exchange.call((r) => r.receiveResponse())).status).toBe(STATUS.HEADERS_AVAILABLE);
  expect((await exchange.call((r) => r.read(64))).value).toEqual(Buffer.from('still here'));
  await exchange.close();
});

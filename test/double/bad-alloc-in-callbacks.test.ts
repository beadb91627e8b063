// Regression (issue 8, defect 3): no exception barrier where C calls us. OnWinHttpStatus (called by winhttp.dll)
// allocates while it copies and queues a notification, and Dispatcher::CallJs (called by Node) caught only
// Napi::Error: a std::bad_alloc unwound into WinHTTP or Node and ended the process. The double makes the addon's own
// code throw std::bad_alloc at either point, for one notification: the request must fail with a WinHttpError
// ERROR_NOT_ENOUGH_MEMORY (8) from the call that was pending, the process must go on, and everything is released.
import { Session, WinHttpError, request } from '../../lib';
import { STATUS, contractDouble, useContractDouble, type Completion } from './helpers/contract-double';

useContractDouble();

const ERROR_NOT_ENOUGH_MEMORY = 8;
type Point = 'status-callback' | 'call-js';

async function failure(promise: Promise<unknown>): Promise<WinHttpError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WinHttpError);
  return error as WinHttpError;
}

describe.each(['pool', 'sync'] as Completion[])('completions %s', (completion) => {
  let session: Session;
  beforeEach(() => {
    session = new Session({ proxy: 'none' });
  });
  afterEach(() => session.close());

  // Each test throws exactly once.
  let injectedBefore: number;
  const script = (at: Point, status: number) => {
    injectedBefore = contractDouble().stats().injected;
    contractDouble().setScenario({ completion, routes: { '/x': { body: 'hello' } }, throwBadAlloc: [{ at, status }] });
  };
  afterEach(() => expect(contractDouble().stats().injected - injectedBefore).toBe(1));

  describe.each(['status-callback', 'call-js'] as Point[])('std::bad_alloc in %s', (at) => {
    it.each([
      ['SENDREQUEST_COMPLETE', STATUS.SENDREQUEST_COMPLETE, 'WinHttpSendRequest'],
      ['HEADERS_AVAILABLE', STATUS.HEADERS_AVAILABLE, 'WinHttpReceiveResponse'],
    ] as const)('for %s rejects the call with ERROR_NOT_ENOUGH_MEMORY', async (_, status, api) => {
      script(at, status);
      const error = await failure(request('http://double.test/x', { session }));
      expect([error.errno, error.api]).toEqual([ERROR_NOT_ENOUGH_MEMORY, api]);
    });

    it('for READ_COMPLETE fails the body with ERROR_NOT_ENOUGH_MEMORY', async () => {
      script(at, STATUS.READ_COMPLETE);
      const res = await request('http://double.test/x', { session });
      const error = await failure(res.buffer());
      expect([error.errno, error.api]).toEqual([ERROR_NOT_ENOUGH_MEMORY, 'WinHttpReadData']);
    });

    it('for HANDLE_CLOSING still reports the handle closed', async () => {
      script(at, STATUS.HANDLE_CLOSING);
      const req = session.connect('double.test', 80).openRequest('GET', '/x');
      await req.send();
      await req.receiveResponse();
      req.close();
      await req.handleClosed;
    });
  });

  it('std::bad_alloc in the status callback for a progress notification fails the pending call', async () => {
    script('status-callback', STATUS.SENDING_REQUEST);
    const error = await failure(request('http://double.test/x', { session }));
    expect([error.errno, error.api]).toEqual([ERROR_NOT_ENOUGH_MEMORY, 'WinHttpSendRequest']);
  });
});

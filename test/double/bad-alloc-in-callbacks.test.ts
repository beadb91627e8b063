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
    // The low-level steps: each notification crosses to JavaScript.
    const receiving = () => session.connect('double.test', 80).openRequest('GET', '/x');

    it('for SENDREQUEST_COMPLETE rejects send() with ERROR_NOT_ENOUGH_MEMORY', async () => {
      script(at, STATUS.SENDREQUEST_COMPLETE);
      const req = receiving();
      const error = await failure(req.send());
      expect([error.errno, error.api]).toEqual([ERROR_NOT_ENOUGH_MEMORY, 'WinHttpSendRequest']);
      req.close();
    });

    it('for HEADERS_AVAILABLE rejects receiveResponse() with ERROR_NOT_ENOUGH_MEMORY', async () => {
      script(at, STATUS.HEADERS_AVAILABLE);
      const req = receiving();
      await req.send();
      const error = await failure(req.receiveResponse());
      expect([error.errno, error.api]).toEqual([ERROR_NOT_ENOUGH_MEMORY, 'WinHttpReceiveResponse']);
      req.close();
    });

    it('for READ_COMPLETE fails readAvailable() with ERROR_NOT_ENOUGH_MEMORY', async () => {
      script(at, STATUS.READ_COMPLETE);
      const req = receiving();
      await req.send();
      await req.receiveResponse();
      const error = await failure(req.readAvailable());
      expect([error.errno, error.api]).toEqual([ERROR_NOT_ENOUGH_MEMORY, 'WinHttpReadData']);
      req.close();
    });

    it('for HANDLE_CLOSING still reports the handle closed', async () => {
      script(at, STATUS.HANDLE_CLOSING);
      const req = receiving();
      await req.send();
      await req.receiveResponse();
      req.close();
      await req.handleClosed;
    });

    // request() chains the receive and the first read in the addon (native/body_pump.h): the head, with the whole
    // small body, is the one notification that crosses; a loss fails request() naming the step it had reached.
    it('for the chained HEADERS_AVAILABLE rejects request() with ERROR_NOT_ENOUGH_MEMORY from WinHttpReceiveResponse', async () => {
      script(at, STATUS.HEADERS_AVAILABLE);
      const error = await failure(request('http://double.test/x', { session }));
      expect([error.errno, error.api]).toEqual([ERROR_NOT_ENOUGH_MEMORY, 'WinHttpReceiveResponse']);
    });
  });

  // Notifications the chain consumes in the status callback, never crossing to JavaScript.
  it('std::bad_alloc in the status callback for the chain\'s SENDREQUEST_COMPLETE rejects request() from WinHttpSendRequest', async () => {
    script('status-callback', STATUS.SENDREQUEST_COMPLETE);
    const error = await failure(request('http://double.test/x', { session }));
    expect([error.errno, error.api]).toEqual([ERROR_NOT_ENOUGH_MEMORY, 'WinHttpSendRequest']);
  });

  it('std::bad_alloc in the status callback for a progress notification fails the pending call', async () => {
    script('status-callback', STATUS.SENDING_REQUEST);
    const error = await failure(request('http://double.test/x', { session }));
    expect([error.errno, error.api]).toEqual([ERROR_NOT_ENOUGH_MEMORY, 'WinHttpSendRequest']);
  });
});

// The chain's first-chunk READ_COMPLETE: where callbacks nest (the whole chain inside WinHttpSendRequest, as under
// Wine) the head waits for the first chunk, so request() fails; on pool threads the first query does not complete at
// once, the head goes without body bytes, and the read that loses its READ_COMPLETE is the body's.
describe('std::bad_alloc in the status callback for the chained first read', () => {
  let session: Session;
  beforeEach(() => {
    session = new Session({ proxy: 'none' });
  });
  afterEach(() => session.close());

  it('rejects request() with ERROR_NOT_ENOUGH_MEMORY from WinHttpReadData (nested completions)', async () => {
    contractDouble().setScenario({ completion: 'sync', nested: true, routes: { '/x': { body: 'hello' } },
      throwBadAlloc: [{ at: 'status-callback', status: STATUS.READ_COMPLETE }] });
    const error = await failure(request('http://double.test/x', { session }));
    expect([error.errno, error.api]).toEqual([ERROR_NOT_ENOUGH_MEMORY, 'WinHttpReadData']);
  });

  it('fails the body with ERROR_NOT_ENOUGH_MEMORY from WinHttpReadData (pool completions)', async () => {
    contractDouble().setScenario({ completion: 'pool', routes: { '/x': { body: 'hello' } },
      throwBadAlloc: [{ at: 'status-callback', status: STATUS.READ_COMPLETE }] });
    const res = await request('http://double.test/x', { session });
    const error = await failure(res.buffer());
    expect([error.errno, error.api]).toEqual([ERROR_NOT_ENOUGH_MEMORY, 'WinHttpReadData']);
  });
});

// A WinHttpError that WinHTTP reports in a callback carries the frames of the code that awaited the failed step
// (lib/core/call-site.ts): the callback's own frames say nothing about where the caller was.
import { Session, WinHttpError, request } from '../../lib';
import { contractDouble, useContractDouble } from './helpers/contract-double';

useContractDouble();

let session: Session;

describe('error stacks', () => {
beforeEach(() => {
  session = new Session({ proxy: 'none' });
});
afterEach(() => session.close());

// A frame of `name` (jest's source-mapped stacks drop V8's "async " before an async frame).
const frameOf = (name: string) => new RegExp(`^\\s+at (async )?${name.replace('.', '\\.')} `);

async function appSendsStepByStep(path: string): Promise<void> {
  const req = session.connect('double.test', 80).openRequest('GET', path);
  try {
    await req.send();
    await req.receiveResponse();
  } finally {
    req.close();
  }
}

async function appCallsRequest(path: string): Promise<void> {
  await request(`http://double.test${path}`, { session });
}

async function failure(run: () => Promise<void>): Promise<WinHttpError> {
  const error = await run().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WinHttpError);
  return error as WinHttpError;
}

it.each([
  ['send', 12029, 'WinHttpSendRequest', 'Request.send'],
  ['receive', 12002, 'WinHttpReceiveResponse', 'Request.receiveResponse'],
] as const)('a failed %s names the awaiting caller', async (step, errno, api, method) => {
  contractDouble().setScenario({ completion: 'pool', routes: { '/f': { faults: [{ step, error: errno }] } } });
  const error = await failure(() => appSendsStepByStep('/f'));
  expect([error.errno, error.api]).toEqual([errno, api]);
  const frames = error.stack!.split('\n').slice(1);
  expect(frames[0]).toMatch(frameOf(method));
  expect(frames.some((frame) => frameOf('appSendsStepByStep').test(frame) && frame.includes('error-stacks.test'))).toBe(true);
  expect(error.stack).not.toContain('onStatus');
});

it('a failed request() names its caller', async () => {
  contractDouble().setScenario({ completion: 'random', routes: { '/f': { faults: [{ step: 'send', error: 12029 }] } } });
  const error = await failure(() => appCallsRequest('/f'));
  expect(error.errno).toBe(12029);
  expect(error.stack!.split('\n').some((frame) => frameOf('appCallsRequest').test(frame))).toBe(true);
  expect(error.stack).not.toContain('onStatus');
});
});

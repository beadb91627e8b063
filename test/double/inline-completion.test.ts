// Completions that WinHTTP delivers inside the call that started them, on the JS thread (native/inline_completion.h):
// the step-by-step read(), queryDataAvailable() and receiveResponse() (after a written body) settle as their call
// returns, with no turn of the event loop (Wine does this for every READ_COMPLETE of buffered data), and never ahead
// of a notification that was queued before them. Completions on WinHTTP's threads still arrive through the
// thread-safe function.
import { Session, WinHttpError, type Request } from '../../lib';
import { contractDouble, useContractDouble, type Completion } from './helpers/contract-double';

useContractDouble();

// 10,000 bytes with every byte value, so a lost, repeated or reordered byte shows.
const BODY = Buffer.from(Array.from({ length: 10000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

// True when `promise` settles within the current job's microtasks, before any turn of the event loop.
async function settlesInMicrotasks(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true), () => (settled = true));
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return settled;
}

let session: Session;

describe('inline completions', () => {
beforeEach(() => {
  session = new Session({ proxy: 'none' });
});
afterEach(() => session.close());

async function sent(path: string): Promise<Request> {
  const req = session.connect('double.test', 80).openRequest('GET', path);
  await req.send();
  return req;
}

// Sent with its body written after the send: receiveResponse() then calls WinHttpReceiveResponse itself (a body sent
// whole is received ahead by the addon: receive-ahead.test.ts).
async function uploaded(path: string): Promise<Request> {
  const req = session.connect('double.test', 80).openRequest('POST', path);
  await req.send({ contentLength: 2 });
  await req.write('hi');
  return req;
}

it('settle read(), queryDataAvailable() and receiveResponse() without a turn of the event loop', async () => {
  contractDouble().setScenario({ completion: 'sync', routes: { '/body': { body: [BODY.subarray(0, 6000), BODY.subarray(6000)] } } });
  const req = await uploaded('/body');
  const head = req.receiveResponse();
  expect(await settlesInMicrotasks(head)).toBe(true);
  expect((await head).status).toBe(200);
  const available = req.queryDataAvailable();
  expect(await settlesInMicrotasks(available)).toBe(true);
  expect(await available).toBeGreaterThan(0);
  const chunks: Buffer[] = [];
  for (;;) {
    const read = req.read(4096);
    expect(await settlesInMicrotasks(read)).toBe(true);
    const chunk = await read;
    if (chunk === null) break;
    chunks.push(chunk);
  }
  req.close();
  expect(Buffer.concat(chunks).equals(BODY)).toBe(true);
});

it('rejects a read whose failure comes inside the call with its WinHttpError, as the call returns', async () => {
  contractDouble().setScenario({ completion: 'sync', routes: { '/fault': { body: ['ab', 'cd'], faults: [{ step: 'read', error: 12030, call: 2 }] } } });
  const req = await sent('/fault');
  await req.receiveResponse();
  expect((await req.read(64))?.toString()).toBe('ab');
  const failing = req.read(64);
  expect(await settlesInMicrotasks(failing)).toBe(true);
  await expect(failing).rejects.toMatchObject({ constructor: WinHttpError, errno: 12030, api: 'WinHttpReadData' });
  req.close();
});

it('never overtakes a notification queued before it: the progress events come first', async () => {
  contractDouble().setScenario({ completion: 'sync', routes: { '/body': { body: 'hello' } } });
  const req = await uploaded('/body');
  const order: string[] = [];
  req.on('receivingResponse', () => order.push('receivingResponse'));
  req.on('responseReceived', () => order.push('responseReceived'));
  await req.receiveResponse();
  order.push('head');
  expect(order).toEqual(['receivingResponse', 'responseReceived', 'head']);
  expect((await req.read(64))?.toString()).toBe('hello');
  req.close();
});

it.each(['pool', 'random'] as Completion[])('still delivers completions from WinHTTP threads (%s), every byte', async (completion) => {
  contractDouble().setScenario({ completion, routes: { '/body': { body: [BODY.subarray(0, 3000), BODY.subarray(3000)] } } });
  const req = await sent('/body');
  await req.receiveResponse();
  const chunks: Buffer[] = [];
  for (let chunk; (chunk = await req.read(2048)) !== null;) chunks.push(chunk);
  req.close();
  expect(Buffer.concat(chunks).equals(BODY)).toBe(true);
});
});

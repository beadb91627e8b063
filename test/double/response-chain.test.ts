// The response chain (native/body_pump.h, native/request_exchange.cc): request() sends, and the addon itself calls
// WinHttpReceiveResponse from SENDREQUEST_COMPLETE, reads the head and gathers the body's first chunk from
// HEADERS_AVAILABLE, and posts them as one notification. Checked per completion mode (nested: the whole chain runs
// inside WinHttpSendRequest's callback, as under Wine): every header and byte, one crossing for a small response, a
// head that does not wait for a body still to come, the error of each chained call, a resend, and a close racing
// each step.
import { setTimeout as delay } from 'node:timers/promises';
import { AbortError, Session, WinHttpError, request } from '../../lib';
import { getBinding } from '../../lib/native/binding';
import { STATUS, contractDouble, finishedTrace, useContractDouble, type Script } from './helpers/contract-double';

useContractDouble();

const KiB = 1024;
// 200 KiB with every byte value, so a lost, repeated or reordered byte shows.
const BIG = Buffer.from(Array.from({ length: 200 * KiB }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
const pieces = (bytes: Buffer, size: number) =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

const MODES: [string, Script][] = [
  ['pool', { completion: 'pool' }],
  ['sync', { completion: 'sync' }],
  ['nested', { completion: 'sync', nested: true }],
  ['random', { completion: 'random', cancel: 'random', closing: 'random' }],
];

// Opened per test and closed before useContractDouble's check that everything was released.
let session: Session;

describe('the response chain', () => {
beforeEach(() => {
  session = new Session({ proxy: 'none' });
});
afterEach(() => session.close());

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => undefined, (error: unknown) => error);
}

describe.each(MODES)('completions %s', (_, mode) => {
  it('delivers the head and every byte of a small and of a large body', async () => {
    contractDouble().setScenario({ ...mode, routes: {
      '/small': { status: 201, statusText: 'Made', headers: [['X-Pair', 'a'], ['X-Pair', 'b']], body: 'hello' },
      '/big': { body: pieces(BIG, 30000), readLimit: 7000 },
    } });
    const small = await request('http://double.test/small', { session });
    expect([small.status, small.statusText, small.headers['x-pair'], small.headers['content-length']]).toEqual([201, 'Made', 'a, b', '5']);
    expect(await small.text()).toBe('hello');
    const big = await request('http://double.test/big', { session });
    expect((await big.buffer()).equals(BIG)).toBe(true);
  });

  it('sends the body with the request, and again when WinHTTP asks for a resend (12032)', async () => {
    contractDouble().setScenario({ ...mode, routes: { '/again': { resends: 1, body: 'done' } } });
    const res = await request('http://double.test/again', { session, method: 'POST', body: 'payload' });
    expect(await res.text()).toBe('done');
    expect((await finishedTrace('/again')).received.toString()).toBe('payloadpayload');
  });

  it.each([['send', 'WinHttpSendRequest'], ['receive', 'WinHttpReceiveResponse']] as const)(
    'rejects request() with the WinHttpError of a failed %s', async (step, api) => {
      contractDouble().setScenario({ ...mode, routes: { '/fault': { body: 'ab', faults: [{ step, error: 12002 }] } } });
      const error = await rejection(request('http://double.test/fault', { session }));
      expect(error).toBeInstanceOf(WinHttpError);
      expect(error).toMatchObject({ errno: 12002, api });
    });

  it.each([['query', 'WinHttpQueryDataAvailable'], ['read', 'WinHttpReadData']] as const)(
    'a failed first %s is the body\'s error: the head arrives, reading the body rejects', async (step, api) => {
      contractDouble().setScenario({ ...mode, routes: { '/fault': { body: 'ab', faults: [{ step, error: 12002 }] } } });
      const res = await request('http://double.test/fault', { session });
      expect(res.status).toBe(200);
      const error = await rejection(res.buffer());
      expect(error).toBeInstanceOf(WinHttpError);
      expect(error).toMatchObject({ errno: 12002, api });
    });

  // (Off the nested mode the chain's first query does not complete at once: the head goes, and the stalled read is
  // the body's.)
  it.each(['send', 'receive', 'read'] as const)('an abort while the chained %s is pending rejects at once and releases everything', async (step) => {
    contractDouble().setScenario({ ...mode, routes: { '/stall': { body: 'never', stalls: [step] } } });
    const controller = new AbortController();
    const pending = rejection(request('http://double.test/stall', { session, signal: controller.signal }).then((res) => res.buffer()));
    await delay(20);
    controller.abort();
    expect(await pending).toBeInstanceOf(AbortError);
  });

  it('a head whose body has not arrived goes without it; an abort then fails the body', async () => {
    contractDouble().setScenario({ ...mode, routes: { '/later': { body: 'late', stalls: ['query'] } } });
    const controller = new AbortController();
    const res = await request('http://double.test/later', { session, signal: controller.signal });
    expect(res.status).toBe(200);
    const reading = rejection(res.buffer());
    await delay(20);
    controller.abort();
    expect(await reading).toBeInstanceOf(AbortError);
  });
});

it('a small response crosses to JavaScript once: HEADERS_AVAILABLE with the head and the whole body', async () => {
  contractDouble().setScenario({ completion: 'sync', nested: true, routes: { '/one': { headers: [['X-One', '1']], body: 'hello' } } });
  const binding = getBinding();
  const nativeSession = new binding.Session('double-test', 1, null, null);
  const connection = new binding.Connection(nativeSession, 'double.test', 80);
  const events: unknown[][] = [];
  let closed!: () => void;
  const handleClosed = new Promise<void>((resolve) => (closed = resolve));
  const req = new binding.Request(connection, 'GET', '/one', 0, (...args) => {
    if (args[0] === STATUS.HANDLE_CLOSING) closed();
    else events.push(args);
  });
  req.exchange(0, undefined, '', 64 * KiB);
  for (const end = Date.now() + 5000; events.length === 0 && Date.now() < end;) await delay(5);
  await delay(20);  // anything else would have crossed by now
  expect(events).toHaveLength(1);
  const [status, value, , , , head] = events[0] as [number, Buffer, number, number, number, [string, boolean]];
  expect(status).toBe(STATUS.HEADERS_AVAILABLE);
  expect(value.toString()).toBe('hello');
  expect(head[0]).toMatch(/^200\nHTTP\/1\.1 200 OK\r\n/);
  expect(head[0]).toContain('X-One: 1\r\n');
  expect(head[1]).toBe(true);
  req.close();
  connection.close();
  nativeSession.close();
  await handleClosed;
});

it('aborts racing every step of the chain, on random threads and nested, leave nothing behind', async () => {
  for (const nested of [false, true]) {
    contractDouble().setScenario({ completion: nested ? 'sync' : 'random', nested, cancel: 'random', closing: 'random', delayMs: [0, 2],
      routes: { '/race': { body: pieces(BIG.subarray(0, 100 * KiB), 9000), readLimit: 5000 } } });
    const runs = Array.from({ length: 100 }, async (_, i) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), i % 7);
      try {
        const res = await request('http://double.test/race', { session, signal: controller.signal });
        const body = await res.buffer();
        expect(body.equals(BIG.subarray(0, 100 * KiB))).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(AbortError);
      }
    });
    await Promise.all(runs);
  }
});
});

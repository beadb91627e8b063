// The body pump (native/body_pump.h) behind Request.readAvailable() and request()'s body: the addon chains
// WinHttpQueryDataAvailable -> WinHttpReadData from the completions and hands JavaScript one chunk when its buffer is
// full, the body ended, or a query did not complete at once. Checked here: every byte in order with partial reads,
// reads that complete inside the call gathered into full chunks (the chain loops, it does not recurse), a streamed
// body handed over as it arrives with pauses between pulls, errors of either call, and a close racing each step.
import { setTimeout as delay } from 'node:timers/promises';
import { AbortError, Session, WinHttpError, request, type Request } from '../../lib';
import { STATUS, contractDouble, finishedTrace, useContractDouble, type Completion } from './helpers/contract-double';

useContractDouble();

const KiB = 1024;
// 200 KiB with every byte value, so a lost, repeated or reordered byte shows.
const BIG = Buffer.from(Array.from({ length: 200 * KiB }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
const pieces = (bytes: Buffer, size: number) =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

// Opened per test and closed before useContractDouble's check that everything was released.
let session: Session;

describe('the body pump', () => {
beforeEach(() => {
  session = new Session({ proxy: 'none' });
});
afterEach(() => session.close());

async function receive(path: string): Promise<Request> {
  const req = session.connect('double.test', 80).openRequest('GET', path);
  await req.send();
  await req.receiveResponse();
  return req;
}

async function chunksOf(req: Request, maxBytes: number, pause = 0): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for (let chunk; (chunk = await req.readAvailable(maxBytes)) !== null;) {
    chunks.push(chunk);
    if (pause > 0) await delay(pause);
  }
  req.close();
  return chunks;
}

describe.each(['pool', 'sync', 'random'] as Completion[])('completions %s', (completion) => {
  it('hands over every byte in order, with partial reads, in chunks of at most maxBytes', async () => {
    contractDouble().setScenario({ completion, routes: { '/big': { body: pieces(BIG, 30000), readLimit: 3000 } } });
    const chunks = await chunksOf(await receive('/big'), 64 * KiB);
    expect(Buffer.concat(chunks).equals(BIG)).toBe(true);
    expect(chunks.every((c) => c.length > 0 && c.length <= 64 * KiB)).toBe(true);
  });

  it.each([['query', 'WinHttpQueryDataAvailable'], ['read', 'WinHttpReadData']] as const)(
    'rejects with the WinHttpError of a failed %s, naming the call', async (step, api) => {
      contractDouble().setScenario({ completion, routes: { '/fault': { body: ['ab', 'cd'], faults: [{ step, error: 12030, call: 2 }] } } });
      const req = await receive('/fault');
      const failed = await chunksOf(req, 64 * KiB).catch((error: unknown) => error);
      req.close();
      expect(failed).toBeInstanceOf(WinHttpError);
      expect(failed).toMatchObject({ errno: 12030, api });
    });
});

it('gathers reads that complete inside the call into full chunks: one crossing per 64 KiB, not per read', async () => {
  // 800 reads of at most 256 bytes, every one completing inside its call (on the JS thread, like Wine's READ_COMPLETE).
  contractDouble().setScenario({ completion: 'sync', routes: { '/gathered': { body: pieces(BIG, 4 * KiB), readLimit: 256 } } });
  const chunks = await chunksOf(await receive('/gathered'), 64 * KiB);
  expect(chunks.map((c) => c.length)).toEqual([64 * KiB, 64 * KiB, 64 * KiB, 8 * KiB]);
  expect(Buffer.concat(chunks).equals(BIG)).toBe(true);
});

it('hands over what has arrived when the next query has to wait, and goes on after a pause between pulls', async () => {
  // Completions on pool threads 20-30 ms later: every query after a read waits, as for a body still streaming in.
  // The 40 ms pause lets the waiting query complete while nobody pulls; the next pull starts from its result.
  contractDouble().setScenario({ completion: 'pool', delayMs: [20, 30], routes: { '/stream': { body: ['first ', 'second ', 'third'] } } });
  const chunks = await chunksOf(await receive('/stream'), 64 * KiB, 40);
  expect(chunks.map(String)).toEqual(['first ', 'second ', 'third']);
});

it('refuses read() and queryDataAvailable() once the pump reads the body', async () => {
  contractDouble().setScenario({ routes: { '/mixed': { body: ['ab', 'cd'] } } });
  const req = await receive('/mixed');
  expect(String(await req.readAvailable(1))).toBe('a');
  await expect(req.read()).rejects.toThrow('read(): the body is read by pump()');
  await expect(req.queryDataAvailable()).rejects.toThrow('queryDataAvailable(): the body is read by pump()');
  expect(String(await req.readAvailable(10))).toBe('b');
  req.close();
});

describe.each(['pool', 'sync'] as Completion[])('completions %s', (completion) => {
  describe.each(['error', 'complete'] as const)('a close that %s', (cancel) => {
    it.each(['query', 'read'] as const)('closing while the pump waits in %s rejects with AbortError, HANDLE_CLOSING last', async (step) => {
      const path = `/close-${step}`;
      // On a pool thread the call stalls, so the close always finds it pending.
      const stalls = completion === 'pool' ? [step] : [];
      contractDouble().setScenario({ completion, cancel, delayMs: [2, 4], routes: { [path]: { body: ['ab', 'cd'], stalls } } });
      const controller = new AbortController();
      const req = session.connect('double.test', 80).openRequest('GET', path, { signal: controller.signal });
      await req.send();
      await req.receiveResponse();
      const pending = req.readAvailable(64 * KiB);
      controller.abort();
      await expect(pending).rejects.toBeInstanceOf(AbortError);
      const trace = await finishedTrace(path);
      expect(trace.notifications[trace.notifications.length - 1]).toBe(STATUS.HANDLE_CLOSING);
    });
  });
});

it('a close racing the pump at random moments settles each body once: whole, or AbortError', async () => {
  contractDouble().setScenario({ completion: 'random', cancel: 'random', closing: 'random', delayMs: [0, 1], trace: false,
    routes: { '/race': { body: pieces(BIG.subarray(0, 20 * KiB), 2 * KiB), readLimit: 700 } } });
  const outcomes = await Promise.all(Array.from({ length: 200 }, async (_, i) => {
    const controller = new AbortController();
    // Every fifth request is never aborted, so whole bodies are checked too.
    if (i % 5 !== 4) setTimeout(() => controller.abort(), i % 4);
    try {
      const res = await request('http://double.test/race', { session, signal: controller.signal });
      return (await res.buffer()).equals(BIG.subarray(0, 20 * KiB)) ? 'complete' : 'wrong body';
    } catch (error) {
      return error instanceof AbortError ? 'aborted' : String(error);
    }
  }));
  expect(outcomes.filter((outcome) => outcome !== 'complete' && outcome !== 'aborted')).toEqual([]);
  expect(outcomes).toContain('complete');
});
});

// The body pump's read-ahead (native/body_pump.h, request()'s body): while JavaScript handles a chunk, the pump fills
// a second buffer, and stops when it is full until the next pull. Checked: the next chunk is read without a pull and
// no further than one buffer (backpressure), every byte arrives in order in each completion mode with partial reads
// and pauses, a failure while reading ahead comes after the bytes gathered before it, and closes racing the reads
// ahead leave nothing behind.
import { setTimeout as delay } from 'node:timers/promises';
import { AbortError, Session, WinHttpError, request, type Request } from '../../lib';
import { contractDouble, useContractDouble, type Script } from './helpers/contract-double';

useContractDouble();

const KiB = 1024;
// 200 KiB with every byte value, so a lost, repeated or reordered byte shows.
const BIG = Buffer.from(Array.from({ length: 200 * KiB }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
const pieces = (bytes: Buffer, size: number) =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
const completions = () => {
  const stats = contractDouble().stats();
  return stats.poolCompletions + stats.syncCompletions;
};

let session: Session;

describe('read-ahead', () => {
beforeEach(() => {
  session = new Session({ proxy: 'none' });
});
afterEach(() => session.close());

async function received(path: string): Promise<Request> {
  const req = session.connect('double.test', 80).openRequest('GET', path);
  await req.send();
  await req.receiveResponse();
  return req;
}

it('reads the next chunk while JavaScript holds this one, and no further than one buffer', async () => {
  contractDouble().setScenario({ completion: 'pool', routes: { '/ahead': { body: pieces(BIG, 16 * KiB) } } });
  const req = await received('/ahead');
  const first = await req.readAhead(64 * KiB);
  const before = completions();
  await delay(150);  // no pull meanwhile: only read-ahead can make WinHTTP calls complete
  const ahead = completions() - before;
  await delay(150);
  expect(ahead).toBeGreaterThanOrEqual(2);  // at least a query and a read
  expect(completions() - before).toBe(ahead);  // stopped: the second buffer is full
  const chunks = [first!];
  for (let chunk; (chunk = await req.readAhead(64 * KiB)) !== null;) chunks.push(chunk);
  expect(chunks[1].length).toBe(64 * KiB);  // the buffer read ahead, handed over whole
  expect(Buffer.concat(chunks).equals(BIG)).toBe(true);
  req.close();
});

describe.each([
  ['pool', { completion: 'pool', delayMs: [0, 3] }],
  ['sync', { completion: 'sync' }],
  ['nested', { completion: 'sync', nested: true }],
  ['random', { completion: 'random', delayMs: [0, 2] }],
] as [string, Script][])('completions %s', (_, mode) => {
  it('hands over every byte in order, with partial reads and pauses between pulls', async () => {
    contractDouble().setScenario({ ...mode, routes: { '/all': { body: pieces(BIG, 9000), readLimit: 3000 } } });
    const req = await received('/all');
    const chunks: Buffer[] = [];
    for (let chunk, i = 0; (chunk = await req.readAhead(32 * KiB)) !== null; i++) {
      chunks.push(chunk);
      expect(chunk.length).toBeLessThanOrEqual(32 * KiB);
      if (i % 2 === 0) await delay(5);
    }
    expect(Buffer.concat(chunks).equals(BIG)).toBe(true);
    req.close();
  });

  it('a read that fails while reading ahead: the bytes before it arrive, then the pull rejects', async () => {
    contractDouble().setScenario({ ...mode, routes: { '/fail': { body: pieces(BIG, 8 * KiB), faults: [{ step: 'read', error: 12002, call: 5 }] } } });
    const req = await received('/fail');
    const chunks: Buffer[] = [];
    const error = await (async () => {
      for (let chunk; (chunk = await req.readAhead(16 * KiB)) !== null;) {
        chunks.push(chunk);
        await delay(5);
      }
    })().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WinHttpError);
    expect(error).toMatchObject({ errno: 12002, api: 'WinHttpReadData' });
    expect(Buffer.concat(chunks).equals(BIG.subarray(0, 4 * 8 * KiB))).toBe(true);  // the four reads before it
    req.close();
  });

  it('request(): the body arrives whole, and aborts racing the reads ahead leave nothing behind', async () => {
    contractDouble().setScenario({ ...mode, cancel: 'random', closing: 'random',
      routes: { '/race': { body: pieces(BIG, 7000), readLimit: 5000 } } });
    const whole = await request('http://double.test/race', { session });
    expect((await whole.buffer()).equals(BIG)).toBe(true);
    await Promise.all(Array.from({ length: 60 }, async (_, i) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), i % 9);
      try {
        const res = await request('http://double.test/race', { session, signal: controller.signal });
        for await (const chunk of res.body) {
          expect((chunk as Buffer).length).toBeGreaterThan(0);
          if (i % 3 === 0) await delay(1);
        }
      } catch (error) {
        expect(error).toBeInstanceOf(AbortError);
      }
    }));
  });
});
});

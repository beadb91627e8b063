// A streamed request body (request() with an iterable and contentLength) is written with one WinHttpWriteData pending
// at a time, the chunks that arrived meanwhile going together in the next write (native/write_queue.h):
// a fast producer's 64 chunks take two writes, not 64; a slow producer's chunks each go as they arrive; every byte
// arrives in order; a write that fails while the producer is still working fails request() at once.
import { setTimeout as delay } from 'node:timers/promises';
import { Session, WinHttpError, request } from '../../lib';
import { contractDouble, finishedTrace, useContractDouble, type Completion } from './helpers/contract-double';
import { releasing, writesOf } from './helpers/held-writes';

useContractDouble();

const KiB = 1024;
// 1 MiB with every byte value, so a lost, repeated or reordered chunk shows.
const DATA = Buffer.from(Array.from({ length: 1024 * KiB }, (_, i) => (i * 13 + (i >> 10)) & 0xff));

let session: Session;

describe('coalesced body writes', () => {
beforeEach(() => {
  session = new Session({ proxy: 'none' });
});
afterEach(() => session.close());

describe.each(['pool', 'sync', 'random'] as Completion[])('completions %s', (completion) => {
  it('a producer faster than the writes: 64 chunks of 16 KiB go in two writes, every byte in order', async () => {
    // The first write is held until every chunk was produced, so the other 63 are queued behind it.
    contractDouble().setScenario({ completion, routes: { '/fast': { body: 'ok', holds: ['write'] } } });
    let produced!: () => void;
    const allProduced = new Promise<void>((resolve) => (produced = resolve));
    function* chunks() {
      for (let offset = 0; offset < DATA.length; offset += 16 * KiB) yield DATA.subarray(offset, offset + 16 * KiB);
      produced();
    }
    const response = request('http://double.test/fast', { method: 'POST', body: chunks(), contentLength: DATA.length, session });
    await allProduced;
    const res = await releasing(response);
    expect(await res.text()).toBe('ok');
    const trace = await finishedTrace('/fast');
    expect(trace.received.equals(DATA)).toBe(true);
    expect(writesOf(trace.notifications)).toBe(2);
  });

  it('a producer slower than the writes: each chunk is written as it arrives', async () => {
    // Each write is held until the producer lets it complete, before it makes the next chunk.
    contractDouble().setScenario({ completion, routes: { '/slow': { body: 'ok', holds: ['write'] } } });
    const finished = () => contractDouble().stats().finishedCalls;
    async function* chunks() {
      for (const piece of ['one ', 'two ', 'three']) {
        yield piece;
        const before = finished();
        expect(contractDouble().releaseHeld()).toBe(1);
        while (finished() === before) await delay(1);
      }
    }
    const res = await request('http://double.test/slow', { method: 'POST', body: chunks(), contentLength: 13, session });
    expect(await res.text()).toBe('ok');
    const trace = await finishedTrace('/slow');
    expect(trace.received.toString()).toBe('one two three');
    expect(writesOf(trace.notifications)).toBe(3);
  });

  it('a write that fails while the producer waits for its next chunk fails request() at once', async () => {
    contractDouble().setScenario({ completion, routes: { '/fail': { body: 'ok', faults: [{ step: 'write', error: 12030 }] } } });
    let release!: () => void;
    const never = new Promise<void>((resolve) => (release = resolve));
    async function* chunks() {
      yield 'first';
      await never;  // the producer is still working when the write fails
      yield 'second';
    }
    const started = Date.now();
    const error = await request('http://double.test/fail', { method: 'POST', body: chunks(), contentLength: 11, session })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WinHttpError);
    expect(error).toMatchObject({ errno: 12030, api: 'WinHttpWriteData' });
    expect(Date.now() - started).toBeLessThan(2000);
    release();
  });
});
});

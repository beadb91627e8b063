// The upload queue (native/write_queue.h) behind Request.write(): write() resolves once its bytes are copied into the
// addon, which chains WinHttpWriteData itself from each WRITE_COMPLETE, coalescing what was queued meanwhile. Checked
// here: every byte in order in each completion mode (inside the call, nested in callbacks: the chain loops, it does not
// recurse), write() waiting while the queue is full and resolving when a completion frees room, receiveResponse()
// issued once the queue is written out, a queued write's failure answering the next step, and a close racing each
// step. A route's `holds` keeps each write pending until the test releases it, so nothing here depends on speed.
import { AbortError, Session, WinHttpError, request, type Request } from '../../lib';
import { STATUS, contractDouble, finishedTrace, useContractDouble, type Script } from './helpers/contract-double';
import { releasing, writesOf } from './helpers/held-writes';

useContractDouble();

const KiB = 1024;
const MiB = 1024 * KiB;
// Every byte value, in a pattern that does not repeat within a chunk, so a lost, repeated or reordered chunk shows.
const pattern = (length: number, seed: number) =>
  Buffer.from(Array.from({ length }, (_, i) => (i * 13 + (i >> 10) + seed) & 0xff));
const turns = async (count: number) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

let session: Session;

describe('the upload queue', () => {
beforeEach(() => {
  session = new Session({ proxy: 'none' });
});
afterEach(() => session.close());

async function opened(path: string, contentLength: number): Promise<Request> {
  const req = session.connect('double.test', 80).openRequest('POST', path);
  await req.send({ contentLength });
  return req;
}

async function bodyOf(req: Request): Promise<string> {
  const chunks: Buffer[] = [];
  for (let chunk; (chunk = await req.readAvailable()) !== null;) chunks.push(chunk);
  req.close();
  return Buffer.concat(chunks).toString();
}

describe.each([
  ['pool', { completion: 'pool', delayMs: [0, 2] }],
  ['sync', { completion: 'sync' }],
  ['nested', { completion: 'sync', nested: true }],
  ['random', { completion: 'random', nested: true, delayMs: [0, 2] }],
] as [string, Script][])('completions %s', (_, mode) => {
  it('every byte arrives in order: small, 64 KiB and larger-than-1-MiB chunks, the caller reusing its buffer', async () => {
    contractDouble().setScenario({ ...mode, routes: { '/order': { body: 'ok' } } });
    const sizes = [1, 7, 64 * KiB, 100 * KiB, 3 * MiB + 5, ...Array<number>(40).fill(64 * KiB), 1000, 2 * MiB];
    const expected = Buffer.concat(sizes.map((size, i) => pattern(size, i)));
    const req = await opened('/order', expected.length);
    const reused = Buffer.alloc(4 * MiB);
    for (const [i, size] of sizes.entries()) {
      pattern(size, i).copy(reused);
      expect(await req.write(reused.subarray(0, size))).toBe(size);
      reused.fill(0xee);  // the caller's buffer is its own again once write() resolved
    }
    await req.receiveResponse();
    expect(await bodyOf(req)).toBe('ok');
    expect((await finishedTrace('/order')).received.equals(expected)).toBe(true);
  });

  it('a thousand writes that complete inside their calls all arrive (the chain loops, it does not recurse)', async () => {
    contractDouble().setScenario({ ...mode, routes: { '/many': { body: 'ok' } } });
    const expected = pattern(1000 * 700, 3);
    const req = await opened('/many', expected.length);
    for (let offset = 0; offset < expected.length; offset += 700) await req.write(expected.subarray(offset, offset + 700));
    await req.receiveResponse();
    expect(await bodyOf(req)).toBe('ok');
    expect((await finishedTrace('/many')).received.equals(expected)).toBe(true);
  });

  it('a chunked body: framed chunks queued, the last one before the receive', async () => {
    contractDouble().setScenario({ ...mode, routes: { '/chunked': { body: 'ok' } } });
    const req = session.connect('double.test', 80).openRequest('POST', '/chunked');
    await req.send({ chunked: true });
    const pieces = [pattern(300, 1), pattern(64 * KiB, 2), pattern(2 * MiB, 3)];
    for (const piece of pieces) expect(await req.write(piece)).toBe(piece.length);
    await req.endChunks();
    await req.receiveResponse();
    expect(await bodyOf(req)).toBe('ok');
    const framed = Buffer.concat([...pieces.flatMap((p) => [Buffer.from(`${p.length.toString(16)}\r\n`), p, Buffer.from('\r\n')]),
      Buffer.from('0\r\n\r\n')]);
    expect((await finishedTrace('/chunked')).received.equals(framed)).toBe(true);
  });
});

it('write() resolves at once while the queue has room, waits when 1 MiB is queued behind the write out, and resolves when its completion frees room', async () => {
  contractDouble().setScenario({ completion: 'pool', routes: { '/full': { body: 'ok', holds: ['write'] } } });
  const chunks = Array.from({ length: 20 }, (_, i) => pattern(64 * KiB, i));
  const req = await opened('/full', 20 * 64 * KiB);
  // The first goes out (held); the next 15 fill the queue up to 1 MiB - 64 KiB: each resolves without a completion.
  for (let i = 0; i < 16; i++) expect(await req.write(chunks[i])).toBe(64 * KiB);
  // The 17th brings the queue to 1 MiB: it waits for room, which only a completion can make.
  let resolved = false;
  const waiting = req.write(chunks[16]).then((count) => {
    resolved = true;
    return count;
  });
  await turns(5);
  expect(resolved).toBe(false);
  expect(contractDouble().releaseHeld()).toBe(1);  // the first write completes: the queued MiB goes out, room is made
  expect(await waiting).toBe(64 * KiB);
  for (let i = 17; i < 20; i++) expect(await req.write(chunks[i])).toBe(64 * KiB);
  // The receive waits for the queue: it is issued from the last WRITE_COMPLETE.
  let received = false;
  const head = req.receiveResponse().then((response) => {
    received = true;
    return response;
  });
  await turns(5);
  expect(received).toBe(false);
  expect((await releasing(head)).status).toBe(200);
  expect(await bodyOf(req)).toBe('ok');
  const trace = await finishedTrace('/full');
  expect(trace.received.equals(Buffer.concat(chunks))).toBe(true);
  // 64 KiB, then 1 MiB coalesced, then the last three chunks: three writes for twenty.
  expect(writesOf(trace.notifications)).toBe(3);
});

describe('a queued write that fails', () => {
  const failure = { errno: 12030, api: 'WinHttpWriteData' };

  it.each(['pool', 'sync'] as const)('with no step pending (%s): the next write() and receiveResponse() reject with its WinHttpError', async (completion) => {
    contractDouble().setScenario({ completion, routes: { '/next': { body: 'ok', faults: [{ step: 'write', error: 12030, call: 1 }] } } });
    const req = await opened('/next', 6);
    expect(await req.write('abc')).toBe(3);  // queued: the failure comes later
    const error = await req.writeFailed();
    expect(error).toBeInstanceOf(WinHttpError);
    expect(error).toMatchObject(failure);
    await expect(req.write('def')).rejects.toBe(error);
    await expect(req.receiveResponse()).rejects.toBe(error);
    req.close();
  });

  it('while receiveResponse() waits for the queue: the receive rejects with it, WinHttpReceiveResponse is never called', async () => {
    contractDouble().setScenario({ completion: 'pool', routes: { '/receive': { body: 'ok', holds: ['write'], faults: [{ step: 'write', error: 12030, call: 1 }] } } });
    const req = await opened('/receive', 3);
    await req.write('abc');
    const error = await releasing(req.receiveResponse().then(() => undefined, (e: unknown) => e));
    expect(error).toBeInstanceOf(WinHttpError);
    expect(error).toMatchObject(failure);
    req.close();
    const trace = await finishedTrace('/receive');
    expect(trace.notifications).not.toContain(STATUS.HEADERS_AVAILABLE);
    expect(trace.errors).toEqual([12030]);
  });

  it('while a write waits for room: that write rejects with it', async () => {
    contractDouble().setScenario({ completion: 'pool', routes: { '/room': { body: 'ok', holds: ['write'], faults: [{ step: 'write', error: 12030, call: 1 }] } } });
    const req = await opened('/room', 17 * 64 * KiB);
    const chunk = pattern(64 * KiB, 0);
    for (let i = 0; i < 16; i++) await req.write(chunk);
    const error = await releasing(req.write(chunk).then(() => undefined, (e: unknown) => e));
    expect(error).toBeInstanceOf(WinHttpError);
    expect(error).toMatchObject(failure);
    req.close();
  });

  it('request(): a failed write ends the body at once, while the producer is still working', async () => {
    contractDouble().setScenario({ completion: 'pool', routes: { '/producer': { body: 'ok', faults: [{ step: 'write', error: 12030, call: 1 }] } } });
    let release!: () => void;
    const never = new Promise<void>((resolve) => (release = resolve));
    let returned = false;
    async function* chunks() {
      try {
        yield 'first';
        await never;  // still working when the write fails
        yield 'second';
      } finally {
        returned = true;
      }
    }
    const error = await request('http://double.test/producer', { method: 'POST', body: chunks(), contentLength: 11, session })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WinHttpError);
    expect(error).toMatchObject(failure);
    release();
    await turns(2);
    expect(returned).toBe(true);  // the iterator was told
  });
});

describe.each(['pool', 'sync'] as const)('a close (completions %s)', (completion) => {
  describe.each(['error', 'complete'] as const)('that %s', (cancel) => {
    const script = (path: string): Script => ({ completion, cancel, routes: { [path]: { body: 'ok', holds: ['write'] } } });

    it('with a write out: HANDLE_CLOSING last, the bytes WinHTTP had are intact', async () => {
      contractDouble().setScenario(script('/out'));
      const req = await opened('/out', 64 * KiB);
      const bytes = pattern(64 * KiB, 9);
      await req.write(bytes);
      req.close();
      await req.handleClosed;
      const trace = await finishedTrace('/out');
      expect(trace.notifications[trace.notifications.length - 1]).toBe(STATUS.HANDLE_CLOSING);
      // 'complete': the held write finished at the close, reading its buffer then (freed: an ASan report).
      expect(trace.received.equals(cancel === 'complete' ? bytes : Buffer.alloc(0))).toBe(true);
    });

    it('with writes queued behind the one out: they are dropped, never written', async () => {
      contractDouble().setScenario(script('/queued'));
      const req = await opened('/queued', 3 * 64 * KiB);
      const first = pattern(64 * KiB, 1);
      await req.write(first);
      await req.write(pattern(64 * KiB, 2));
      await req.write(pattern(64 * KiB, 3));
      req.close();
      await req.handleClosed;
      const trace = await finishedTrace('/queued');
      expect(trace.received.equals(cancel === 'complete' ? first : Buffer.alloc(0))).toBe(true);
      expect(writesOf(trace.notifications)).toBe(cancel === 'complete' ? 1 : 0);
    });

    it('with a write waiting for room: it rejects with AbortError', async () => {
      contractDouble().setScenario(script('/waiting'));
      const req = await opened('/waiting', 17 * 64 * KiB);
      const chunk = pattern(64 * KiB, 4);
      for (let i = 0; i < 16; i++) await req.write(chunk);
      const waiting = req.write(chunk);
      await turns(2);
      req.close();
      await expect(waiting).rejects.toBeInstanceOf(AbortError);
      await req.handleClosed;
    });

    it('with the receive chained to the last write: it rejects with AbortError', async () => {
      contractDouble().setScenario(script('/chained'));
      const req = await opened('/chained', 3);
      await req.write('abc');
      const head = req.receiveResponse();
      await turns(2);
      req.close();
      await expect(head).rejects.toBeInstanceOf(AbortError);
      await req.handleClosed;
      expect((await finishedTrace('/chained')).notifications).not.toContain(STATUS.HEADERS_AVAILABLE);
    });

    it('released right after the close: the late completion touches nothing freed', async () => {
      contractDouble().setScenario(script('/late'));
      const req = await opened('/late', 2 * 64 * KiB);
      await req.write(pattern(64 * KiB, 5));
      await req.write(pattern(64 * KiB, 6));
      req.close();
      contractDouble().releaseHeld();
      await req.handleClosed;
      await finishedTrace('/late');
    });
  });
});

it('closes racing queued writes at random moments: every upload completes whole or rejects with AbortError', async () => {
  contractDouble().setScenario({ completion: 'random', nested: true, cancel: 'random', closing: 'random', delayMs: [0, 1], trace: false,
    routes: { '/race': { body: 'ok' } } });
  const body = pattern(MiB + 3 * 64 * KiB, 7);
  const outcomes = await Promise.all(Array.from({ length: 60 }, async (_, i) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), i % 6);
    async function* chunks() {
      for (let offset = 0; offset < body.length; offset += 64 * KiB) yield body.subarray(offset, offset + 64 * KiB);
    }
    try {
      const res = await request('http://double.test/race', { method: 'POST', body: chunks(), contentLength: body.length, session, signal: controller.signal });
      return (await res.text()) === 'ok' ? 'complete' : 'wrong body';
    } catch (error) {
      return error instanceof AbortError ? 'aborted' : String(error);
    }
  }));
  expect(outcomes.filter((outcome) => outcome !== 'complete' && outcome !== 'aborted')).toEqual([]);
});
});

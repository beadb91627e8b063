// `for await` over request()'s body (lib/response.ts): a body nothing has read yet is iterated straight from WinHTTP,
// without Readable's buffer and its iterator. Checked: every byte in order in each completion mode and without
// Readable's iterator, the stream's 'end' and 'close' (a progress listener's `done` before the loop is left), a loop
// left early closing the request, an abort, destroy() and destroy(error) while a pull is out reported as Readable's
// own iterator reports them, a body cut short of its Content-Length, and a body already read from going on through
// Readable's iterator without losing or repeating a byte.
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { AbortError, ResponseTruncatedError, Session, request, type Progress } from '../../lib';
import { contractDouble, useContractDouble, type Script } from './helpers/contract-double';

const KiB = 1024;
// 300 KiB with every byte value, so a lost, repeated or reordered byte shows; more than the chunk read with the head.
const BIG = Buffer.from(Array.from({ length: 300 * KiB }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
const pieces = (bytes: Buffer, size: number) =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

let session: Session;
beforeEach(() => {
  session = new Session({ proxy: 'none' });
});
afterEach(() => {
  session.close();
  jest.restoreAllMocks();
});
useContractDouble();

const readableIterator = () => jest.spyOn(Readable.prototype, Symbol.asyncIterator);

describe.each([
  ['pool', { completion: 'pool', delayMs: [0, 2] }],
  ['sync', { completion: 'sync' }],
  ['nested', { completion: 'sync', nested: true }],
  ['random', { completion: 'random', delayMs: [0, 2] }],
] as [string, Script][])('completions %s', (_, mode) => {
  it('hands every byte over in order without Readable\'s iterator, then ends and closes the stream', async () => {
    contractDouble().setScenario({ ...mode, routes: { '/big': { body: pieces(BIG, 9000), readLimit: 5000 } } });
    const spy = readableIterator();
    const res = await request('http://double.test/big', { session });
    const events: string[] = [];
    res.body.on('end', () => events.push('end'));
    const closed = once(res.body, 'close');
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
    expect(events).toEqual(['end']);  // before the loop was left
    expect(Buffer.concat(chunks).equals(BIG)).toBe(true);
    expect(chunks.length).toBeGreaterThan(1);
    expect(spy).not.toHaveBeenCalled();
    await closed;
    expect(res.body.readableEnded).toBe(true);
    expect(res.body.errored).toBeNull();
  });
});

it('a progress listener hears every byte and `done` before the loop is left', async () => {
  contractDouble().setScenario({ completion: 'pool', routes: { '/big': { body: pieces(BIG, 20 * KiB), headers: [['Content-Length', String(BIG.length)]] } } });
  const res = await request('http://double.test/big', { session });
  const reports: Progress[] = [];
  res.onProgress((p) => reports.push(p));
  let bytes = 0;
  for await (const chunk of res.body) bytes += (chunk as Buffer).length;
  expect(bytes).toBe(BIG.length);
  expect(reports[reports.length - 1]).toMatchObject({ bytes: BIG.length, total: BIG.length, done: true });
});

it('a loop left early destroys the body, without an error, and closes its request', async () => {
  contractDouble().setScenario({ completion: 'pool', delayMs: [0, 2], routes: { '/big': { body: pieces(BIG, 9000) } } });
  const res = await request('http://double.test/big', { session });
  const closed = once(res.body, 'close');
  let seen = 0;
  for await (const chunk of res.body) {
    seen += (chunk as Buffer).length;
    break;
  }
  expect(seen).toBeGreaterThan(0);
  expect(seen).toBeLessThan(BIG.length);
  await closed;
  expect(res.body.destroyed).toBe(true);
  expect(res.body.errored).toBeNull();
  expect(res.body.readableEnded).toBe(false);
  // useContractDouble's afterEach requires every handle closed and every native request freed.
});

// The first chunk comes with the head; the next pull goes to WinHTTP and is out when the body is ended.
async function pullOut(path: string, options: { signal?: AbortSignal } = {}) {
  contractDouble().setScenario({ completion: 'pool', delayMs: [1, 3], routes: { [path]: { body: pieces(BIG, 9000), readLimit: 3000 } } });
  const res = await request(`http://double.test${path}`, { session, ...options });
  const iterator = res.body[Symbol.asyncIterator]();
  const first = await iterator.next();
  expect(first.done).toBe(false);
  return { res, iterator, pending: iterator.next() };
}

it('an abort while a pull is out rejects the loop with the AbortError, which the body carries', async () => {
  const controller = new AbortController();
  const { res, iterator, pending } = await pullOut('/aborted', { signal: controller.signal });
  controller.abort();
  const error = await pending.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AbortError);
  expect(res.body.errored).toBe(error);
  expect(await iterator.next()).toEqual({ value: undefined, done: true });
});

it('destroy() while a pull is out ends the loop as Readable\'s own iterator does', async () => {
  // What Node's iterator reports for a stream destroyed without an error before its end.
  const plain = new Readable({ read() {} });
  const plainNext = plain[Symbol.asyncIterator]().next();
  plain.destroy();
  const expected = await plainNext.then(() => undefined, (e: unknown) => e) as NodeJS.ErrnoException;
  expect(expected.code).toBe('ERR_STREAM_PREMATURE_CLOSE');

  const { res, pending } = await pullOut('/destroyed');
  res.body.destroy();
  const error = await pending.then(() => undefined, (e: unknown) => e) as NodeJS.ErrnoException;
  expect(error).toBeInstanceOf(Error);
  expect({ code: error.code, message: error.message }).toEqual({ code: expected.code, message: expected.message });
});

it('destroy(error) while a pull is out rejects the loop with that error', async () => {
  const { res, pending } = await pullOut('/failed');
  const cause = new Error('given up');
  res.body.destroy(cause);
  await expect(pending).rejects.toBe(cause);
});

it('a body cut short of its Content-Length rejects the loop with ResponseTruncatedError after the bytes that came', async () => {
  contractDouble().setScenario({ completion: 'pool', routes: { '/short': { body: pieces(BIG.subarray(0, 100 * KiB), 9000), headers: [['Content-Length', String(200 * KiB)]] } } });
  const res = await request('http://double.test/short', { session });
  const chunks: Buffer[] = [];
  const error = await (async () => {
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
  })().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ResponseTruncatedError);
  expect(error).toMatchObject({ expected: 200 * KiB, received: 100 * KiB });
  expect(Buffer.concat(chunks).equals(BIG.subarray(0, 100 * KiB))).toBe(true);
  expect(res.body.errored).toBe(error);
});

it('a body already read from goes on through Readable\'s iterator, without losing or repeating a byte', async () => {
  contractDouble().setScenario({ completion: 'random', delayMs: [0, 2], routes: { '/big': { body: pieces(BIG, 9000) } } });
  const spy = readableIterator();
  const res = await request('http://double.test/big', { session });
  await once(res.body, 'readable');
  const first = res.body.read() as Buffer;
  expect(first.length).toBeGreaterThan(0);
  const chunks = [first];
  for await (const chunk of res.body) chunks.push(chunk as Buffer);
  expect(spy).toHaveBeenCalledTimes(1);
  expect(Buffer.concat(chunks).equals(BIG)).toBe(true);
});

it('a progress listener that throws fails the loop with its error, on the chunk read with the head or a later one', async () => {
  for (const throwAt of [1, 2]) {
    contractDouble().setScenario({ completion: 'pool', routes: { '/big': { body: pieces(BIG, 20 * KiB) } } });
    const res = await request('http://double.test/big', { session });
    const thrown = new Error(`listener failed at chunk ${throwAt}`);
    let chunksHeard = 0;
    res.body.on('progress', () => {
      chunksHeard += 1;
      if (chunksHeard === throwAt) throw thrown;
    });
    const closed = new Promise((resolve) => res.body.once('close', resolve));  // once() would reject on 'error'
    let seen = 0;
    const error = await (async () => {
      for await (const _ of res.body) seen += 1;
    })().then(() => undefined, (e: unknown) => e);
    expect(error).toBe(thrown);
    expect(seen).toBe(throwAt - 1);
    expect(res.body.errored).toBe(thrown);
    await closed;
  }
});

// Bodies of unknown length go chunked: WinHttpSendRequest with WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH and a
// Transfer-Encoding: chunked header, each chunk of the stream framed by the library in one WinHttpWriteData, then the
// last chunk. WinHTTP does not frame, so the double's trace holds exactly what would go on the wire after the head:
// every byte is compared. Under Wine these uploads hang (docs/wine.md), so the state machine is checked here; the
// integration suites send them to real servers on Windows.
import {
  BodyNotReplayableError, InvalidStateError, RedirectBodyError, Session, WinHttpDispatcher, fetch, request,
} from '../../lib';
import { contractDouble, finishedTrace, useContractDouble, type Completion } from './helpers/contract-double';

useContractDouble();

const BYTES = Buffer.from(Array.from({ length: 70000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

function frame(bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${bytes.byteLength.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
}
const LAST_CHUNK = Buffer.from('0\r\n\r\n');

async function* chunksOf(...chunks: (Buffer | string)[]): AsyncGenerator<Buffer | string> {
  for (const chunk of chunks) yield chunk;
}

const framingHeaders = (lines: string[]) => lines.filter((line) => /^(content-length|transfer-encoding):/i.test(line));

describe.each<Completion>(['pool', 'sync', 'random'])('completions %s', (completion) => {
  let session: Session;
  beforeEach(() => {
    session = new Session({ proxy: 'none' });
  });
  afterEach(() => session.close());

  it('request(): an async iterable without contentLength goes chunked, every byte framed, the last chunk at the end', async () => {
    contractDouble().setScenario({ completion, routes: { '/up': { body: 'stored' } } });
    const res = await request('http://double.test/up', {
      method: 'PUT', body: chunksOf('hello', '', BYTES.subarray(0, 300), BYTES), session,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('stored');
    const trace = await finishedTrace('/up');
    expect(framingHeaders(trace.headerLines)).toEqual(['Transfer-Encoding: chunked']);
    // The empty chunk is skipped: a zero-size chunk would end the body.
    const expected = Buffer.concat([frame(Buffer.from('hello')), frame(BYTES.subarray(0, 300)), frame(BYTES), LAST_CHUNK]);
    expect(trace.received.equals(expected)).toBe(true);
  });

  it('request(): an empty stream sends only the last chunk', async () => {
    contractDouble().setScenario({ completion, routes: { '/empty': { body: 'ok' } } });
    const res = await request('http://double.test/empty', { method: 'POST', body: chunksOf(), session });
    expect(await res.text()).toBe('ok');
    const trace = await finishedTrace('/empty');
    expect(framingHeaders(trace.headerLines)).toEqual(['Transfer-Encoding: chunked']);
    expect(trace.received.equals(LAST_CHUNK)).toBe(true);
  });

  it('request(): a stream that fails rejects with its error, and the body never gets its last chunk', async () => {
    // The first chunk's write may still be out when the stream fails (write() resolves once it is queued): the close
    // lets it complete ('complete'), so what the server got is exactly that chunk.
    contractDouble().setScenario({ completion, cancel: 'complete', routes: { '/fails': { body: 'never' } } });
    const broken = new Error('the source broke');
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from('first part');
      throw broken;
    }
    await expect(request('http://double.test/fails', { method: 'POST', body: failing(), session })).rejects.toBe(broken);
    const trace = await finishedTrace('/fails');
    expect(trace.received.equals(frame(Buffer.from('first part')))).toBe(true);
  });
});

it('request(): a chunk larger than 1 MiB goes as HTTP chunks of 1 MiB (the framing copy stays bounded)', async () => {
  contractDouble().setScenario({ routes: { '/large': { body: 'ok' } } });
  const session = new Session({ proxy: 'none' });
  const large = Buffer.concat(Array.from({ length: 38 }, () => BYTES)).subarray(0, 2.5 * 1024 * 1024);
  const res = await request('http://double.test/large', { method: 'PUT', body: chunksOf(large), session });
  expect(await res.text()).toBe('ok');
  const MiB = 1024 * 1024;
  const expected = Buffer.concat([frame(large.subarray(0, MiB)), frame(large.subarray(MiB, 2 * MiB)),
    frame(large.subarray(2 * MiB)), LAST_CHUNK]);
  expect((await finishedTrace('/large')).received.equals(expected)).toBe(true);
  session.close();
});

it('request(): an abort between two chunks rejects with AbortError, and the body never gets its last chunk', async () => {
  contractDouble().setScenario({ routes: { '/abort': { body: 'never' } } });
  const session = new Session({ proxy: 'none' });
  const controller = new AbortController();
  let waiting!: () => void;
  const secondAsked = new Promise<void>((resolve) => (waiting = resolve));
  async function* slow(): AsyncGenerator<Buffer> {
    yield Buffer.from('one');
    waiting(); // the first chunk was written: the next is asked for
    await new Promise((resolve) => controller.signal.addEventListener('abort', resolve, { once: true }));
    yield Buffer.from('two');
  }
  const pending = request('http://double.test/abort', { method: 'POST', body: slow(), session, signal: controller.signal });
  await secondAsked;
  controller.abort();
  await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  const trace = await finishedTrace('/abort');
  expect(trace.received.equals(frame(Buffer.from('one')))).toBe(true);
  session.close();
});

it('request(): an abort while WinHttpWriteData is pending rejects with AbortError', async () => {
  contractDouble().setScenario({ routes: { '/stalled': { body: 'never', stalls: ['write'] } } });
  const session = new Session({ proxy: 'none' });
  const controller = new AbortController();
  let asked!: () => void;
  const firstAsked = new Promise<void>((resolve) => (asked = resolve));
  async function* body(): AsyncGenerator<Buffer> {
    asked(); // WinHttpSendRequest completed
    yield Buffer.from('stuck');
  }
  const pending = request('http://double.test/stalled', { method: 'POST', body: body(), session, signal: controller.signal });
  await firstAsked;
  await new Promise((resolve) => setImmediate(resolve));
  controller.abort();
  await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  // The stalled write never completed: not one body byte was taken.
  expect((await finishedTrace('/stalled')).received.byteLength).toBe(0);
  session.close();
});

it('a 307 after a chunked upload is RedirectBodyError (the stream cannot be sent again)', async () => {
  contractDouble().setScenario({ routes: { '/moved': { redirects: [{ status: 307, location: '/there' }] } } });
  const session = new Session({ proxy: 'none' });
  const error = await request('http://double.test/moved', { method: 'POST', body: chunksOf('abc'), session })
    .then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RedirectBodyError);
  expect((await finishedTrace('/moved')).received.equals(Buffer.concat([frame(Buffer.from('abc')), LAST_CHUNK]))).toBe(true);
  session.close();
});

it('a 401 after a chunked upload is BodyNotReplayableError', async () => {
  contractDouble().setScenario({ routes: { '/auth': { challenges: [{ target: 'server', schemes: ['Basic'], user: 'alice', password: 'pw' }] } } });
  const session = new Session({ proxy: 'none' });
  const error = await request('http://double.test/auth', {
    method: 'POST', body: chunksOf('abc'), session, credentials: { user: 'alice', password: 'pw' },
  }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(BodyNotReplayableError);
  expect((error as BodyNotReplayableError).status).toBe(401);
  session.close();
});

describe('headers and options that conflict with a chunked body are refused before anything is sent', () => {
  it('request(): a Transfer-Encoding header', async () => {
    const before = contractDouble().stats().requests;
    const error = await request('http://double.test/te', {
      method: 'POST', body: chunksOf('x'), headers: { 'Transfer-Encoding': 'chunked' },
    }).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
    expect((error as Error).message).toMatch(/headers\.transfer-encoding.*is set by the library/);
    expect(contractDouble().stats().requests).toBe(before);
  });

  it('Request.send(): chunked with contentLength, with first bytes, or with a Content-Length header', async () => {
    const session = new Session({ proxy: 'none' });
    const req = session.connect('double.test', 80).openRequest('POST', '/low');
    await expect(req.send({ chunked: true, contentLength: 3 })).rejects.toMatchObject({
      name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/options\.contentLength.*chunked/),
    });
    await expect(req.send({ chunked: true, body: Buffer.from('x') })).rejects.toMatchObject({
      name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/options\.body.*chunked/),
    });
    await expect(req.send({ chunked: true, headers: { 'Content-Length': '3' } })).rejects.toMatchObject({
      name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/headers\.content-length.*chunked/),
    });
    req.close();
    session.close();
  });
});

it('Request: receiveResponse() before endChunks(), and write() after it, are InvalidStateError', async () => {
  contractDouble().setScenario({ routes: { '/steps': { body: 'ok' } } });
  const session = new Session({ proxy: 'none' });
  const req = session.connect('double.test', 80).openRequest('POST', '/steps');
  await req.send({ chunked: true });
  await req.write('ab');
  await expect(req.receiveResponse()).rejects.toBeInstanceOf(InvalidStateError);
  await req.endChunks();
  await expect(req.write('late')).rejects.toBeInstanceOf(InvalidStateError);
  expect((await req.receiveResponse()).status).toBe(200);
  req.close();
  expect((await finishedTrace('/steps')).received.equals(Buffer.concat([frame(Buffer.from('ab')), LAST_CHUNK]))).toBe(true);
  session.close();
});

it('fetch(): a ReadableStream without Content-Length goes chunked, not read whole first', async () => {
  contractDouble().setScenario({ routes: { '/fetch': { body: 'fetched' } } });
  const session = new Session({ proxy: 'none' });
  const parts = [BYTES.subarray(0, 1000), BYTES.subarray(1000)];
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled < parts.length) controller.enqueue(new Uint8Array(parts[pulled++]));
      else controller.close();
    },
  });
  const res = await fetch('http://double.test/fetch', { method: 'POST', body: stream, duplex: 'half', winhttp: { session } });
  expect(await res.text()).toBe('fetched');
  const trace = await finishedTrace('/fetch');
  expect(framingHeaders(trace.headerLines)).toEqual(['Transfer-Encoding: chunked']);
  expect(trace.received.equals(Buffer.concat([...parts.map(frame), LAST_CHUNK]))).toBe(true);
  session.close();
});

it('WinHttpDispatcher: a body stream without content-length goes chunked', async () => {
  contractDouble().setScenario({ routes: { '/dispatch': { body: 'dispatched' } } });
  const session = new Session({ proxy: 'none' });
  const dispatcher = new WinHttpDispatcher({ session });
  const chunks: Buffer[] = [];
  let status = 0;
  await new Promise<void>((resolve, reject) => {
    dispatcher.dispatch({
      origin: 'http://double.test', path: '/dispatch', method: 'POST', headers: { 'x-kind': 'stream' },
      body: chunksOf(Buffer.from('undici '), 'body'),
    }, {
      onConnect() {},
      onHeaders(statusCode: number) {
        status = statusCode;
        return true;
      },
      onData(chunk: Buffer) {
        chunks.push(chunk);
        return true;
      },
      onComplete: () => resolve(),
      onError: reject,
    } as never);
  });
  expect(status).toBe(200);
  expect(Buffer.concat(chunks).toString()).toBe('dispatched');
  const trace = await finishedTrace('/dispatch');
  expect(framingHeaders(trace.headerLines)).toEqual(['Transfer-Encoding: chunked']);
  expect(trace.received.equals(Buffer.concat([frame(Buffer.from('undici ')), frame(Buffer.from('body')), LAST_CHUNK]))).toBe(true);
  await dispatcher.close();
  session.close();
});

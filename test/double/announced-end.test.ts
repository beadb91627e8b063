// The low-level read() and queryDataAvailable() end a body whose Content-Length bytes have all been read without one
// more WinHttpReadData (whose answer would be 0), and a response without a body (HEAD, 204, 304) without any. Checked
// by the READ_COMPLETE notifications WinHTTP (the double) sent: one per chunk, none for the end. A body without
// Content-Length still learns its end from WinHTTP, and one cut short of it still fails.
import { Session, ResponseTruncatedError, request, type Request } from '../../lib';
import { STATUS, contractDouble, finishedTrace, useContractDouble, type Completion } from './helpers/contract-double';

const KiB = 1024;
const BODY = Buffer.from(Array.from({ length: 50 * KiB }, (_, i) => (i * 13 + (i >> 9)) & 0xff));
const pieces = (bytes: Buffer, size: number) =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

let session: Session;
beforeEach(() => {
  session = new Session({ proxy: 'none' });
});
afterEach(() => session.close());
useContractDouble();

async function received(path: string, method = 'GET'): Promise<Request> {
  const req = session.connect('double.test', 80).openRequest(method, path);
  await req.send();
  await req.receiveResponse();
  return req;
}

async function readAll(req: Request, size: number): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for (let chunk; (chunk = await req.read(size)) !== null;) chunks.push(chunk);
  return chunks;
}

const readCompletions = async (path: string) =>
  (await finishedTrace(path)).notifications.filter((status) => status === STATUS.READ_COMPLETE).length;

describe.each(['pool', 'sync'] as Completion[])('completions %s', (completion) => {
  it('a Content-Length body: every byte, and its end without another read', async () => {
    contractDouble().setScenario({ completion, trace: true, routes: { '/sized': {
      body: pieces(BODY, 9000), readLimit: 7000, headers: [['Content-Length', String(BODY.length)]] } } });
    const req = await received('/sized');
    const chunks = await readAll(req, 16 * KiB);
    expect(Buffer.concat(chunks).equals(BODY)).toBe(true);
    expect(await req.read()).toBeNull();
    expect(await req.queryDataAvailable()).toBe(0);
    req.close();
    expect(await readCompletions('/sized')).toBe(chunks.length);
  });

  it('queryDataAvailable() answers 0 once Content-Length bytes are read, without asking WinHTTP', async () => {
    contractDouble().setScenario({ completion, trace: true, routes: { '/q': {
      body: ['0123456789'], headers: [['Content-Length', '10']] } } });
    const req = await received('/q');
    expect((await req.read())!.toString()).toBe('0123456789');
    expect(await req.queryDataAvailable()).toBe(0);
    req.close();
    const trace = await finishedTrace('/q');
    expect(trace.notifications.filter((status) => status === STATUS.DATA_AVAILABLE)).toHaveLength(0);
    expect(trace.notifications.filter((status) => status === STATUS.READ_COMPLETE)).toHaveLength(1);
  });

  it('a body without Content-Length learns its end from WinHTTP (a read of 0)', async () => {
    // The double announces a body's length unless told it is chunked.
    contractDouble().setScenario({ completion, trace: true, routes: { '/unsized': {
      body: pieces(BODY, 9000), headers: [['Transfer-Encoding', 'chunked']] } } });
    const req = await received('/unsized');
    const chunks = await readAll(req, 16 * KiB);
    expect(Buffer.concat(chunks).equals(BODY)).toBe(true);
    req.close();
    expect(await readCompletions('/unsized')).toBe(chunks.length + 1);
  });

  it('HEAD, 204 and 304: the end at once, with no read', async () => {
    contractDouble().setScenario({ completion, trace: true, routes: {
      '/head': { body: [], headers: [['Content-Length', '1000']] },
      '/none': { status: 204, body: [] },
      '/same': { status: 304, body: [], headers: [['Content-Length', '1000']] },
    } });
    for (const [path, method] of [['/head', 'HEAD'], ['/none', 'GET'], ['/same', 'GET']]) {
      const req = await received(path, method);
      expect(await req.read()).toBeNull();
      req.close();
      expect(await readCompletions(path)).toBe(0);
    }
  });
});

it('a body cut short of its Content-Length is still reported by request()', async () => {
  contractDouble().setScenario({ completion: 'pool', routes: { '/short': {
    body: [BODY.subarray(0, 10 * KiB)], headers: [['Content-Length', String(BODY.length)]] } } });
  const res = await request('http://double.test/short', { session });
  await expect(res.buffer()).rejects.toBeInstanceOf(ResponseTruncatedError);
});

// Whole exchanges through the public API against the contract double, with completions on pool threads, inside the
// calls (as Wine does for some), or either at random: the bodies arrive intact both ways, headers are read as
// WinHttpQueryHeaders gives them, and each request's notifications come in the documented order, HANDLE_CLOSING last.
import { Session, request, type ProgressEvent } from '../../lib';
import { STATUS, contractDouble, finishedTrace, useContractDouble, type Completion } from './helpers/contract-double';

useContractDouble();

const COMPLETIONS: Completion[] = ['pool', 'sync', 'random'];

// 200 KiB with every byte value, so a lost, repeated or reordered chunk shows.
const BIG = Buffer.from(Array.from({ length: 200 * 1024 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

describe.each(COMPLETIONS)('completions %s', (completion) => {
  let session: Session;
  beforeEach(() => {
    session = new Session({ proxy: 'none' });
  });
  afterEach(() => session.close());

  it('reads a body given in chunks, with partial reads', async () => {
    contractDouble().setScenario({
      completion,
      routes: { '/chunks': { body: ['hel', '', 'lo ', 'world'], readLimit: 2, headers: [['X-Tag', 'a'], ['x-tag', 'b']] } },
    });
    const res = await request('http://double.test/chunks', { session });
    expect(res.status).toBe(200);
    expect(res.headers['x-tag']).toBe('a, b');
    expect(await res.text()).toBe('hello world');
  });

  it('sends a body larger than the first write, and reads a large one', async () => {
    contractDouble().setScenario({ completion, routes: { '/upload': { body: [BIG.subarray(0, 70000), BIG.subarray(70000)] } } });
    const upload = Buffer.concat([BIG, BIG]).subarray(0, 300 * 1024);
    const res = await request('http://double.test/upload', { method: 'PUT', body: upload, session });
    expect((await res.buffer()).equals(BIG)).toBe(true);
    expect((await finishedTrace('/upload')).received.equals(upload)).toBe(true);
  });

  it('delivers the notifications in the documented order, HANDLE_CLOSING last', async () => {
    contractDouble().setScenario({ completion, routes: { '/order': { body: 'x', keepAlive: false } } });
    const res = await request('http://double.test/order', { session });
    await res.text();
    const seen = (await finishedTrace('/order')).notifications;
    const order = [STATUS.HANDLE_CREATED, STATUS.RESOLVING_NAME, STATUS.NAME_RESOLVED, STATUS.CONNECTING_TO_SERVER,
      STATUS.CONNECTED_TO_SERVER, STATUS.SENDING_REQUEST, STATUS.REQUEST_SENT, STATUS.SENDREQUEST_COMPLETE,
      STATUS.RECEIVING_RESPONSE, STATUS.RESPONSE_RECEIVED, STATUS.HEADERS_AVAILABLE, STATUS.DATA_AVAILABLE,
      STATUS.READ_COMPLETE];
    expect(seen.slice(0, order.length)).toEqual(order);
    expect(seen.slice(-3)).toEqual([STATUS.CLOSING_CONNECTION, STATUS.CONNECTION_CLOSED, STATUS.HANDLE_CLOSING]);
  });
});

it('gives getHeaderValues every value of a repeated header, by index', async () => {
  contractDouble().setScenario({ routes: { '/cookies': { headers: [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']] } } });
  const session = new Session({ proxy: 'none' });
  const connection = session.connect('double.test', 80);
  const req = connection.openRequest('GET', '/cookies');
  await req.send();
  await req.receiveResponse();
  expect(req.getHeaderValues('set-cookie')).toEqual(['a=1', 'b=2']);
  expect(req.getHeaderValues('x-absent')).toEqual([]);
  session.close();
});

// The progress mask is set on the JS thread (Request keeps it in step with its listeners) and read by the status
// callback on WinHTTP's threads, so a listener may change while a call is pending on a pool thread: ThreadSanitizer
// checks that this is no data race, and the events of the call still pending follow the new listeners.
it('progress listeners added and removed while calls are pending on pool threads get the events then due', async () => {
  // The delay only has to outlast the few synchronous JS statements between a call and the listener change; 20-30 ms
  // did not when the JS thread was descheduled for longer (a loaded 2-core machine, ASan), and the event was filtered.
  contractDouble().setScenario({ completion: 'pool', delayMs: [250, 300], routes: { '/progress': { body: 'hi' } } });
  const session = new Session({ proxy: 'none' });
  const req = session.connect('double.test', 80).openRequest('GET', '/progress');
  const seen: string[] = [];
  const record = (event: ProgressEvent): void => {
    seen.push(event.type);
  };
  const sent = req.send();
  req.on('requestSent', record); // WinHttpSendRequest pending
  await sent;
  const head = req.receiveResponse();
  req.off('requestSent', record);
  req.on('responseReceived', record); // WinHttpReceiveResponse pending
  await head;
  while ((await req.read()) !== null);
  req.close();
  await req.handleClosed;
  session.close();
  expect(seen).toEqual(['requestSent', 'responseReceived']);
});

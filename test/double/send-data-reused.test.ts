// Regression (issue 8, defect 1): the optional data given to WinHttpSendRequest was the same buffer the next
// WinHttpWriteData overwrote (or reallocated), while the WinHttpSendRequest reference says lpOptional "must remain
// available until the request handle is closed or the call to WinHttpReceiveResponse has completed" (WinHTTP sends
// it again after a 401/407 challenge, a 307/308 redirect or a resend). The double reads it again at
// WinHttpReceiveResponse: changed bytes are a violation, a freed buffer an AddressSanitizer report. Every body byte
// the double received (optional data, then each write) must equal what was sent.
import { Session, request } from '../../lib';
import { STATUS, contractDouble, finishedTrace, useContractDouble, type Completion } from './helpers/contract-double';
import { NativeExchange } from './helpers/native-exchange';

useContractDouble();

// Every byte value, so a lost, repeated or reordered byte shows.
const pattern = (length: number, seed: number): Buffer =>
  Buffer.from(Array.from({ length }, (_, i) => (i * 31 + seed + (i >> 9)) & 0xff));

const BODIES = {
  // The first 64 KiB ride with WinHttpSendRequest; a small write follows (the old code wrote it over them)...
  'a small write after the optional data': pattern(64 * 1024 + 1000, 1),
  // ...or a 1 MiB one (the old code reallocated the buffer WinHTTP still held: a use after free).
  'a large write after the optional data': pattern(64 * 1024 + 1024 * 1024 + 7, 2),
};

describe.each(['pool', 'sync', 'random'] as Completion[])('completions %s', (completion) => {
  let session: Session;
  beforeEach(() => {
    session = new Session({ proxy: 'none' });
  });
  afterEach(() => session.close());

  it.each(Object.keys(BODIES) as (keyof typeof BODIES)[])(
    'keeps the optional data intact until the response head, with %s', async (name) => {
      const body = BODIES[name];
      contractDouble().setScenario({ completion, routes: { '/put': { body: 'stored' } } });
      const res = await request('http://double.test/put', { method: 'PUT', body, session });
      expect(await res.text()).toBe('stored');
      const received = (await finishedTrace('/put')).received;
      expect(received.length).toBe(body.length);
      expect(received.equals(body)).toBe(true);
    });

  it('keeps it across a resend (12032), sending every byte again', async () => {
    const body = BODIES['a small write after the optional data'];
    contractDouble().setScenario({
      completion,
      routes: { '/again': { resends: 1, body: 'ok' } },
    });
    const res = await request('http://double.test/again', { method: 'POST', body, session });
    expect(await res.text()).toBe('ok');
    // The double's trace holds what it received over both sends: the body twice.
    const received = (await finishedTrace('/again')).received;
    expect(received.equals(Buffer.concat([body, body]))).toBe(true);
  });
});

it('refuses a second send() before the response head, which would overwrite the optional data', async () => {
  contractDouble().setScenario({ routes: { '/twice': { body: 'ok' } } });
  const exchange = new NativeExchange('/twice');
  const first = pattern(1000, 3);
  expect((await exchange.call((r) => r.send(first.length, first))).status).toBe(STATUS.SENDREQUEST_COMPLETE);
  // (Thrown by the addon: a TypeError of the main realm, so matched by message.)
  expect(() => exchange.request.send(5000, pattern(5000, 4)))
    .toThrow('send(): the request was sent and its response has not been received');
  expect((await exchange.call((r) => r.receiveResponse())).status).toBe(STATUS.HEADERS_AVAILABLE);
  await exchange.close();
  expect((await finishedTrace('/twice')).received.equals(first)).toBe(true);
});

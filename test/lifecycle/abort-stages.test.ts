// Cancellation at every stage, through the low-level API (Session -> Connection -> Request) and through request():
// before send, while sending, while writing the body, while waiting for the response head, between reads and during
// a read; each by AbortSignal and by close() (for request(): Session.close() of the session it runs on).
// Each time the promise in flight rejects at once (well under any timeout) with an AbortError (name 'AbortError',
// code 'ABORT_ERR'; for an abort its cause is the signal's reason, for close() its message says so), nothing else
// settles or fires later, and later steps reject with that same AbortError (abort) or with InvalidStateError
// (close()). The servers run on a thread of their own (fault-server.ts): stalls and drips are theirs, not ours.
import { setTimeout as delay } from 'node:timers/promises';
import { type ProgressEventName, type Request, type Response, Session, request } from '../../lib';
import { rejectionOf } from '../helpers/assertions';
import { DRIP_INTERVAL_MS, type Fault, type FaultServer, type ServicePath, startFaultServer } from '../helpers/fault-server';
import {
  type Failure,
  type Tracked,
  expectAbortError,
  expectClosedError,
  expectInvalidState,
  settledWithin,
  streamEvents,
  track,
} from './support';

/** Well under every timeout below (2-3 s): what "at once" means here. */
const PROMPT_MS = 300;
/** How long to watch for anything that settles or fires after the abort. */
const QUIET_MS = 250;
const PROGRESS: ProgressEventName[] = ['resolvingName', 'nameResolved', 'connectingToServer', 'connectedToServer',
  'sendingRequest', 'requestSent', 'receivingResponse', 'responseReceived', 'closingConnection',
  'connectionClosed', 'intermediateResponse'];

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => {
  await server.close();
});

/**
 * A function that resolves once the server has received one more request head for `path` than it had when this was
 * called, and rejects if that does not happen within `withinMs`.
 */
async function arrival(path: Fault | ServicePath): Promise<(withinMs?: number) => Promise<void>> {
  await server.sync();
  const before = server.hits.get(path) ?? 0;
  return async (withinMs = 3000) => {
    const end = performance.now() + withinMs;
    for (await server.sync(); (server.hits.get(path) ?? 0) <= before; await server.sync()) {
      if (performance.now() > end) throw new Error(`the request for ${path} never reached the server`);
      await delay(10);
    }
  };
}

type Canceller = 'abort' | 'close';

/** A low-level request on its own session, with every progress event after `cancelled` recorded. */
function openLowLevel(path: Fault | ServicePath, controller: AbortController) {
  const session = new Session({ timeouts: { receiveResponse: 2500, receive: 2500, send: 2500 } });
  const req = session.connect('127.0.0.1', server.port).openRequest('GET', `/${path}`, { signal: controller.signal });
  const state = { cancelled: false, lateEvents: [] as string[] };
  for (const name of PROGRESS) req.on(name, (event) => state.cancelled && state.lateEvents.push(event.type));
  return { session, req, state };
}

/**
 * Cancels `req` by `how`, then checks what every stage must: the step in flight (if any) rejected at once with the
 * right error, nothing fires afterwards, and `later` steps reject with the same AbortError or InvalidStateError.
 */
async function cancelAndCheck(how: Canceller, req: Request, controller: AbortController, state: { cancelled: boolean; lateEvents: string[] },
  inFlight: Tracked<unknown> | undefined, later: Array<() => Promise<unknown>>): Promise<void> {
  const reason = new Error(`cancelled by the test (${how})`);
  if (inFlight !== undefined) expect(inFlight.state).toBe('pending');
  const start = performance.now();
  state.cancelled = true;
  if (how === 'abort') controller.abort(reason);
  else req.close();
  expect(req.closed).toBe(true);
  let first: Failure | undefined;
  if (inFlight !== undefined) {
    await settledWithin(inFlight, PROMPT_MS * 3);
    expect(inFlight.state).toBe('rejected');
    expect(inFlight.at! - start).toBeLessThan(PROMPT_MS);
    first = inFlight.error;
    if (how === 'abort') expectAbortError(first, reason);
    else expectClosedError(first);
  }
  for (const step of later) {
    const error = await rejectionOf(step());
    if (how === 'close') expectInvalidState(error, /on a closed request/);
    else if (first !== undefined) expect(error).toBe(first);
    else {
      expectAbortError(error, reason);
      first = error;
    }
  }
  await delay(QUIET_MS);
  expect(state.lateEvents).toEqual([]);
  if (inFlight !== undefined) {
    expect(inFlight.state).toBe('rejected');
    expect(inFlight.error).toBe(first);
  }
}

describe.each<Canceller>(['abort', 'close'])('low-level API, cancelled by %s', (how) => {
  it('before send(): send() and every later step are refused', async () => {
    const controller = new AbortController();
    const { session, req, state } = openLowLevel('ok', controller);
    const arrived = await arrival('ok');
    try {
      await cancelAndCheck(how, req, controller, state, undefined,
        [() => req.send(), () => req.receiveResponse(), () => req.read()]);
      await req.handleClosed;
      await expect(arrived(QUIET_MS)).rejects.toThrow(/never reached the server/);
    } finally {
      session.close();
    }
  });

  it('while sending (send() pending)', async () => {
    const controller = new AbortController();
    const { session, req, state } = openLowLevel('never-answers', controller);
    try {
      const sending = track(req.send());
      await cancelAndCheck(how, req, controller, state, sending, [() => req.receiveResponse(), () => req.write('x')]);
    } finally {
      session.close();
    }
  });

  it('while writing the body (write() waiting for room on a server that does not read)', async () => {
    const controller = new AbortController();
    const { session, req, state } = openLowLevel('stall-upload', controller);
    try {
      const body = Buffer.alloc(32 * 1024 * 1024, 0x61);
      await req.send({ contentLength: body.length * 2 });
      // The first is queued and goes out (write() resolves once the addon has it); the second waits for room behind it.
      await req.write(body);
      const writing = track(req.write(body));
      await delay(300); // the socket buffers fill: WinHTTP cannot finish this write
      await cancelAndCheck(how, req, controller, state, writing, [() => req.write('x'), () => req.receiveResponse()]);
    } finally {
      session.close();
    }
  });

  it('while waiting for the response head', async () => {
    const controller = new AbortController();
    const { session, req, state } = openLowLevel('never-answers', controller);
    try {
      const arrived = await arrival('never-answers');
      // receiveResponse() on Windows; on Wine send() completes only once the head arrived (docs/wine.md), so it is
      // still send() that is pending. Either way the exchange is waiting for the head.
      const exchange = track((async () => {
        await req.send();
        return req.receiveResponse();
      })());
      await arrived();
      await delay(100);
      await cancelAndCheck(how, req, controller, state, exchange, [() => req.receiveResponse(), () => req.queryDataAvailable()]);
    } finally {
      session.close();
    }
  });

  it('between reads (no call pending)', async () => {
    const controller = new AbortController();
    const { session, req, state } = openLowLevel('ok', controller);
    try {
      await req.send();
      expect((await req.receiveResponse()).status).toBe(200);
      const first = await req.read(100);
      expect(first?.toString()).toBe('abcdefghijklmnopqrstuvwxyz'.repeat(4).slice(0, 100));
      await cancelAndCheck(how, req, controller, state, undefined,
        [() => req.read(), () => req.queryDataAvailable(), () => req.read(10)]);
    } finally {
      session.close();
    }
  });

  it('during a read (read() pending on a slow drip)', async () => {
    const controller = new AbortController();
    const { session, req, state } = openLowLevel('slow-drip', controller);
    try {
      await req.send();
      await req.receiveResponse();
      const first = await req.read(1); // a byte has just come: the next one is DRIP_INTERVAL_MS away
      expect(first?.length).toBe(1);
      const reading = track(req.read(64));
      await delay(DRIP_INTERVAL_MS / 10);
      await cancelAndCheck(how, req, controller, state, reading,
        [() => req.read(), () => req.queryDataAvailable()]);
    } finally {
      session.close();
    }
  });
});

/** request() on its own session, cancelled by aborting `controller` or closing `session`. */
function cancel(how: Canceller, controller: AbortController, session: Session, reason: Error): void {
  if (how === 'abort') controller.abort(reason);
  else session.close();
}

function expectCancelError(how: Canceller, error: Failure | undefined, reason: Error): void {
  if (how === 'abort') expectAbortError(error, reason);
  else expectClosedError(error);
}

async function expectPromptRejection(how: Canceller, pending: Tracked<unknown>, start: number, reason: Error): Promise<void> {
  await settledWithin(pending, PROMPT_MS * 3);
  expect(pending.state).toBe('rejected');
  expect(pending.at! - start).toBeLessThan(PROMPT_MS);
  expectCancelError(how, pending.error, reason);
}

/** After a cancelled request(): a new one refuses at once (same signal: AbortError; closed session: InvalidStateError). */
async function expectLaterRequestRefused(how: Canceller, controller: AbortController, session: Session, reason: Error): Promise<void> {
  const arrived = await arrival('ok');
  const error = await rejectionOf(request(server.urlOf('ok'), { signal: controller.signal, session }));
  if (how === 'abort') expectAbortError(error, reason);
  else expectInvalidState(error, /The session is closed/);
  await expect(arrived(QUIET_MS)).rejects.toThrow(/never reached the server/);
}

describe.each<Canceller>(['abort', 'close'])('request(), cancelled by %s', (how) => {
  let session: Session;
  let controller: AbortController;
  let reason: Error;
  beforeEach(() => {
    session = new Session({ timeouts: { receiveResponse: 2500, receive: 2500, send: 2500 } });
    controller = new AbortController();
    reason = new Error(`cancelled by the test (${how})`);
  });
  afterEach(() => session.close());

  it('before it is called: it rejects at once and never reaches the server', async () => {
    cancel(how, controller, session, reason);
    const arrived = await arrival('ok');
    const error = await rejectionOf(request(server.urlOf('ok'), { signal: controller.signal, session }));
    if (how === 'abort') expectAbortError(error, reason);
    else expectInvalidState(error, /The session is closed/);
    await expect(arrived(QUIET_MS)).rejects.toThrow(/never reached the server/);
  });

  it('while sending (right after the call)', async () => {
    const pending = track(request(server.urlOf('never-answers'), { signal: controller.signal, session }));
    const start = performance.now();
    cancel(how, controller, session, reason);
    await expectPromptRejection(how, pending, start, reason);
    await expectLaterRequestRefused(how, controller, session, reason); // takes QUIET_MS: anything late shows
  });

  it('while writing the body (a 32 MB upload to a server that does not read)', async () => {
    const arrived = await arrival('stall-upload');
    const pending = track(request(server.urlOf('stall-upload'), {
      method: 'PUT', body: Buffer.alloc(32 * 1024 * 1024, 0x61), signal: controller.signal, session,
    }));
    await arrived();
    await delay(300);
    expect(pending.state).toBe('pending');
    const start = performance.now();
    cancel(how, controller, session, reason);
    await expectPromptRejection(how, pending, start, reason);
    await expectLaterRequestRefused(how, controller, session, reason); // takes QUIET_MS: anything late shows
  });

  it('while waiting for the response head', async () => {
    const arrived = await arrival('never-answers');
    const pending = track(request(server.urlOf('never-answers'), { signal: controller.signal, session }));
    await arrived();
    await delay(100);
    expect(pending.state).toBe('pending');
    const start = performance.now();
    cancel(how, controller, session, reason);
    await expectPromptRejection(how, pending, start, reason);
    await expectLaterRequestRefused(how, controller, session, reason); // takes QUIET_MS: anything late shows
  });

  it('between reads (the body is paused, nothing pending)', async () => {
    const res: Response = await request(server.urlOf('big'), { signal: controller.signal, session });
    expect(res.status).toBe(200);
    const events = streamEvents(res.body);
    await new Promise<void>((resolve) => res.body.once('data', () => {
      res.body.pause();
      resolve();
    }));
    await delay(200); // the stream has filled its buffer and stopped pulling
    const dataBefore = events.filter((e) => e.event === 'data').length;
    cancel(how, controller, session, reason);
    if (how === 'close') res.body.resume(); // nothing was pending: only the next pull finds the request closed
    await expectLaterRequestRefused(how, controller, session, reason); // takes QUIET_MS: anything late shows
    const terminal = events.filter((e) => e.event === 'error' || e.event === 'end');
    expect(terminal).toHaveLength(1);
    expect(terminal[0].event).toBe('error');
    if (how === 'abort') {
      expectAbortError(terminal[0].error, reason);
      expect(events.filter((e) => e.event === 'data')).toHaveLength(dataBefore); // destroyed at once
      expect(await rejectionOf(res.text())).toBe(terminal[0].error);
    } else {
      expectInvalidState(terminal[0].error, /on a closed request/);
    }
    expect(res.body.destroyed).toBe(true);
  });

  it('during a read (buffer() pending on a slow drip)', async () => {
    const res = await request(server.urlOf('slow-drip'), { signal: controller.signal, session });
    const events = streamEvents(res.body);
    const reading = track(res.buffer());
    await delay(DRIP_INTERVAL_MS * 2.5); // a couple of bytes have come; the next read is waiting
    expect(reading.state).toBe('pending');
    const start = performance.now();
    cancel(how, controller, session, reason);
    await expectPromptRejection(how, reading, start, reason);
    await expectLaterRequestRefused(how, controller, session, reason); // takes QUIET_MS: anything late shows
    const terminal = events.filter((e) => e.event === 'error' || e.event === 'end');
    expect(terminal.map((e) => e.event)).toEqual(['error']);
    expect(terminal[0].error).toBe(reading.error);
    expect(res.body.destroyed).toBe(true);
  });
});

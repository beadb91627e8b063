// The fault matrix: every scripted fault of the fault server (test/helpers/fault-server.ts) x every abort point
// (none; right after request() was called; once the head arrived; inside the first body chunk), through request().
// Each case must settle exactly once (request() rejecting, or the body ending or failing: never two of these), with
// the outcome documented in fault-cases.ts; and once all are done, no native request is left (liveNativeRequests()
// back to its start after forced GC). The whole matrix runs as one concurrent batch. Nothing here is an upper bound
// on time (the machine may be loaded): "at once" is an order of events, and a timeout is known by what ended it.
//
// Documented outcomes, without abort (Windows; where Wine differs, see FAULT_SPECS and the skip reasons):
//   ok                       200, 1000 body bytes
//   reset-before-headers     WinHttpError 'connection' from WinHttpReceiveResponse (12030; Wine: 10054 WSAECONNRESET)
//   reset-mid-body           ResponseTruncatedError (expected 1000, received <= 10)
//   truncated-length         ResponseTruncatedError (expected 1000, received <= 10)
//   truncated-chunked        WinHttpError from the body read ('connection' or 'protocol'); Wine: silent end, skipped
//   malformed-chunked        WinHttpError from the body read ('connection' or 'protocol'); Wine: silent end, skipped
//   garbage-status           12152 ERROR_WINHTTP_INVALID_SERVER_RESPONSE from WinHttpReceiveResponse
//   oversized-headers        12182 ERROR_WINHTTP_HEADER_SIZE_OVERFLOW; Wine accepts the head, skipped
//   many-headers             12181 ERROR_WINHTTP_HEADER_COUNT_EXCEEDED; Wine accepts the head, skipped
//   slow-drip                DeadlineError (name TimeoutError, ERR_WINHTTP_DEADLINE_EXCEEDED) from the body
//   never-answers            WinHttpError 'timeout' from WinHttpReceiveResponse (12002; Wine: 10060 WSAETIMEDOUT)
//   close-after-headers      ResponseTruncatedError (expected 1000, received 0)
//   continue-then-fail       12152 (an empty final response after "100 Continue")
//   redirect-loop            TooManyRedirectsError (ERR_WINHTTP_TOO_MANY_REDIRECTS, after 10 hops)
//   redirect-to-closed-port  12029 ERROR_WINHTTP_CANNOT_CONNECT from WinHttpSendRequest (the hop's own request)
// Aborted right after the call: request() rejects with AbortError (cause: the abort reason). Aborted after the head
// or in the first chunk: the body fails with AbortError, where a head or a chunk arrives at all; else as above.
import { setTimeout as delay } from 'node:timers/promises';
import { DRIP_LENGTH, FAULTS, type Fault, type FaultServer, startFaultServer } from '../helpers/fault-server';
import { itUnlessWine } from '../helpers/wine';
import {
  ABORT_POINTS,
  type AbortPoint,
  type CaseRun,
  DRIP_DEADLINE_MS,
  HANG_MS,
  SILENCE_TIMEOUT_MS,
  describeExpected,
  expectedOutcome,
  mismatch,
  runCase,
  wineSkipReason,
} from './fault-cases';
import { liveRequestsAfterGc, settledLiveRequests } from './support';

let server: FaultServer;
let liveAtStart: number;
const runs = new Map<string, CaseRun>();
const key = (fault: Fault, point: AbortPoint) => `${fault} x ${point}`;

beforeAll(async () => {
  server = await startFaultServer();
  liveAtStart = await settledLiveRequests();
  await Promise.all(FAULTS.flatMap((fault) => ABORT_POINTS.map(async (point) => {
    if (wineSkipReason(fault, point) !== undefined) return;
    runs.set(key(fault, point), await runCase(server, fault, point));
  })));
  // Anything that settles late shows up as a second settlement of its case.
  await delay(200);
  // Each case gives up on its own after HANG_MS, so the batch always ends; this timeout only catches a hang elsewhere
  // (starting the server thread, the live request count) and leaves room for a loaded machine.
}, HANG_MS + 90_000);

afterAll(async () => {
  await server.close();
});

describe.each(FAULTS)('fault %s', (fault) => {
  for (const point of ABORT_POINTS) {
    const expected = expectedOutcome(fault, point);
    const name = `abort ${point}: ${describeExpected(expected)}, exactly once`;
    const check = () => {
      const run = runs.get(key(fault, point));
      expect(run).toBeDefined();
      expect(mismatch(run!, expected)).toBeUndefined();
    };
    const skip = wineSkipReason(fault, point);
    if (skip !== undefined) itUnlessWine(skip, name, check);
    else it(name, check);
  }
});

describe('the batch', () => {
  // Not early, and ended by the timeout or deadline set, not by something else: a safety net (the deadline's value
  // says which one), the server (it held the request, or was still dripping), or WinHTTP's default timeout (the
  // case would have been a hang: HANG_MS is below it).
  it('the timeouts and deadlines took their time, and they, not something else, ended the request', async () => {
    const silent = runs.get(key('never-answers', 'none'))!;
    expect(silent.ms).toBeGreaterThanOrEqual(SILENCE_TIMEOUT_MS - 50);
    expect(silent.settlements).toEqual([expect.objectContaining({ kind: 'error', phase: 'head', length: 0 })]);
    const silentError = (silent.settlements[0] as { error: Record<string, unknown> }).error;
    expect([silentError.category, silentError.api]).toEqual(['timeout', 'WinHttpReceiveResponse']);
    await server.sync();
    expect(server.hits.get('never-answers')).toBeGreaterThanOrEqual(1);

    const drip = runs.get(key('slow-drip', 'none'))!;
    expect(drip.ms).toBeGreaterThanOrEqual(DRIP_DEADLINE_MS - 50);
    expect(drip.settlements).toEqual([expect.objectContaining({ kind: 'error', phase: 'body' })]);
    const dripSettlement = drip.settlements[0] as { error: Record<string, unknown>; length: number };
    expect(dripSettlement.error.deadline).toBe(DRIP_DEADLINE_MS);
    expect(dripSettlement.length).toBeLessThan(DRIP_LENGTH);
  });

  // Each such request was sent to the server with `?hold=`: the server answers only once the test releases it, at the
  // first macrotask after abort(). Settling before that owes nothing to the server nor to a WinHTTP completion.
  it('aborted right after the call, every case settled at once (before the server, holding its answer, was released)', () => {
    for (const fault of FAULTS) expect([fault, runs.get(key(fault, 'after-call'))!.settledAtOnce]).toEqual([fault, true]);
  });

  it('the redirect loop was followed 10 times (the default maxRedirects), then failed', async () => {
    // The request without abort reached the server 11 times; the aborted ones fewer.
    await server.sync();
    expect(server.hits.get('redirect-loop')).toBeGreaterThanOrEqual(11);
  });

  it('leaves no native request behind (liveNativeRequests() back to its start after GC)', async () => {
    expect(await liveRequestsAfterGc(liveAtStart)).toBeLessThanOrEqual(liveAtStart);
  });

  it('leaves no connection open at the server once the requests are gone', async () => {
    const end = performance.now() + 3000;
    for (await server.sync(); server.openSockets > 0 && performance.now() < end; await server.sync()) await delay(50);
    expect(server.openSockets).toBe(0);
  });
});

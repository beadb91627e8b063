// One fault-matrix case: request() against a fault of the fault server, aborted at one point, and the outcome the
// library documents for it. Shared by fault-matrix.test.ts (every fault x every abort point) and
// fault-soak.test.ts (thousands of random cases). Each case is bounded: per-stage `timeout`, and a `deadline`.
// No check here measures speed (the machine running it may be loaded): "at once" is an order of events the test
// controls, and a timeout or deadline is identified by what ended the request, not by when.
import { request, type RequestOptions } from '../../lib';
import {
  BODY_LENGTH,
  CUT_AT,
  DRIP_INTERVAL_MS,
  DRIP_LENGTH,
  type Fault,
  type FaultServer,
} from '../helpers/fault-server';
import { onWine } from '../helpers/wine';
import type { Failure } from './support';

export const ABORT_POINTS = [
  /** Not aborted. */
  'none',
  /** Aborted synchronously after request() returned its promise (WinHttpSendRequest has been called). */
  'after-call',
  /** Aborted as soon as request() resolved with the response head, before the body is read. */
  'after-head',
  /** Aborted inside the body's first 'data' event. */
  'after-first-chunk',
] as const;
export type AbortPoint = (typeof ABORT_POINTS)[number];

export type Settlement =
  | { kind: 'response'; status: number; length: number }
  | { kind: 'error'; phase: 'head' | 'body'; error: Failure; /** Body bytes received before a body error. */ length: number };

export interface CaseRun {
  fault: Fault;
  point: AbortPoint;
  /** The abort reason used (the AbortError's cause). */
  reason: Error;
  /** Every settlement seen: request() settling with an error, the body's 'end' or 'error' (each counted). */
  settlements: Settlement[];
  /** Milliseconds from request() to the first settlement (a lower bound is checked for timeouts; never an upper one). */
  ms: number;
  /**
   * 'after-call' only: whether the first settlement came within the event-loop turn of abort(), before a setImmediate
   * queued right after it. Until then the server holds its answer (`?hold=`): a settlement before it did not wait for
   * the server, nor for a WinHTTP completion (an answer or a receive timeout) of the call in flight.
   */
  settledAtOnce?: boolean;
}

/**
 * Deadline given to slow-drip: it drips one byte per DRIP_INTERVAL_MS, so the deadline ends it mid-body (the drip
 * takes 10 s). Long enough that the head is in before it even on a loaded machine (at 800 ms, it once was not).
 */
export const DRIP_DEADLINE_MS = 20 * DRIP_INTERVAL_MS;
/** Per-stage timeout given to never-answers. */
export const SILENCE_TIMEOUT_MS = 800;
/**
 * Safety nets for the faults that should end by themselves: far above anything a loaded machine needs, they only turn
 * a hang into a failure with a name (none of these faults should ever reach them).
 */
const SAFETY_TIMEOUT_MS = 10_000;
const SAFETY_DEADLINE_MS = 15_000;
/**
 * A case still unsettled after this is a hang. Every case has an end of its own (its timeout or deadline, or the
 * safety nets above) well before it; and it is below WinHTTP's default receive timeout (30 s), so a `timeout` that
 * was not applied shows as a hang rather than as a timeout.
 */
export const HANG_MS = 25_000;

export function optionsFor(fault: Fault, point: AbortPoint): RequestOptions {
  switch (fault) {
    case 'slow-drip':
      // Only without abort: where the test aborts after the head or the first chunk, a deadline that short would race
      // the abort on a loaded machine (the head and first byte may take longer than the deadline).
      return { timeout: SAFETY_TIMEOUT_MS, deadline: point === 'none' ? DRIP_DEADLINE_MS : SAFETY_DEADLINE_MS };
    case 'never-answers':
      return { timeout: SILENCE_TIMEOUT_MS };
    case 'continue-then-fail':
      return { method: 'POST', body: Buffer.alloc(BODY_LENGTH, 0x62), headers: { Expect: '100-continue' }, timeout: SAFETY_TIMEOUT_MS,
        deadline: SAFETY_DEADLINE_MS };
    default:
      return { timeout: SAFETY_TIMEOUT_MS, deadline: SAFETY_DEADLINE_MS };
  }
}

let holds = 0;

/**
 * Runs one case; resolves at its first settlement (later ones keep being recorded in `settlements`), or with no
 * settlement once `giveUpMs` passed (a hang).
 */
export function runCase(server: FaultServer, fault: Fault, point: AbortPoint, giveUpMs = HANG_MS): Promise<CaseRun> {
  const controller = new AbortController();
  const run: CaseRun = { fault, point, reason: new Error(`aborted by the test (${fault}, ${point})`), settlements: [], ms: -1 };
  const start = performance.now();
  return new Promise((resolve) => {
    const giveUp = setTimeout(() => resolve(run), giveUpMs);
    const settle = (settlement: Settlement) => {
      // Until its stack is formatted, an error created inside the library keeps V8's structured stack trace, whose
      // frames hold their receivers, e.g. the Request: keeping the error would keep the native request alive.
      if (settlement.kind === 'error') void settlement.error.stack;
      run.settlements.push(settlement);
      if (run.settlements.length === 1) {
        run.ms = performance.now() - start;
        clearTimeout(giveUp);
        resolve(run);
      }
    };
    const hold = point === 'after-call' ? `${fault}-${++holds}` : undefined;
    const pending = request(server.urlOf(fault, hold), { ...optionsFor(fault, point), signal: controller.signal });
    if (hold !== undefined) {
      controller.abort(run.reason);
      setImmediate(() => {
        run.settledAtOnce = run.settlements.length > 0;
        server.release(hold);
      });
    }
    let length = 0;
    pending.then((res) => {
      if (point === 'after-head') controller.abort(run.reason);
      res.body.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (point === 'after-first-chunk' && !controller.signal.aborted) controller.abort(run.reason);
      });
      res.body.on('end', () => settle({ kind: 'response', status: res.status, length }));
      res.body.on('error', (error: Failure) => settle({ kind: 'error', phase: 'body', error, length }));
    }, (error: Failure) => settle({ kind: 'error', phase: 'head', error, length }));
  });
}

/** What a case must settle with. Lists are "one of"; `received` is a range for ResponseTruncatedError. */
export type Expected =
  | { kind: 'response'; status: number; length: number }
  | {
    kind: 'error';
    phase: 'head' | 'body';
    name: string;
    code?: string[];
    errno?: number[];
    api?: string[];
    category?: string[];
    /** The AbortError's cause is the abort reason. */
    causeIsReason?: boolean;
    expected?: number;
    received?: [number, number];
    /** A DeadlineError's `deadline`: which deadline ended the request. */
    deadline?: number;
    /** Body bytes the caller got before the error: a range. */
    length?: [number, number];
  };

const aborted = (phase: 'head' | 'body'): Expected =>
  ({ kind: 'error', phase, name: 'AbortError', code: ['ABORT_ERR'], causeIsReason: true });
const truncated = (received: [number, number]): Expected =>
  ({ kind: 'error', phase: 'body', name: 'ResponseTruncatedError', code: ['ERR_WINHTTP_BODY_TRUNCATED'], expected: BODY_LENGTH, received });
const headError = (errno: number[], code: string[], category: string | string[], api = 'WinHttpReceiveResponse'): Expected =>
  ({ kind: 'error', phase: 'head', name: 'WinHttpError', errno, code, api: [api], category: Array.isArray(category) ? category : [category] });

interface FaultSpec {
  /** The outcome without abort. */
  outcome: Expected;
  /** Whether request() resolves (so 'after-head' can abort), and whether a first body chunk arrives. */
  head: boolean;
  chunk: boolean;
  /** Where Wine's winhttp.dll differs from Windows for this fault: the abort points affected and why. */
  wine?: { points: AbortPoint[]; reason: string };
  /** Where Wine reports this fault differently but still as a failure: the outcome it may give instead, and why. */
  wineOutcome?: { outcome: Expected; reason: string };
}

// The documented outcome of every fault. Windows codes come from the WinHTTP reference; where Wine reports the same
// failure with another code of the same category, both are listed (as errors.test.ts does for timeouts).
export const FAULT_SPECS: Record<Fault, FaultSpec> = {
  ok: { outcome: { kind: 'response', status: 200, length: BODY_LENGTH }, head: true, chunk: true },
  // Windows: ERROR_WINHTTP_CONNECTION_ERROR; Wine: WSAECONNRESET. Both category 'connection'.
  'reset-before-headers': {
    outcome: headError([12030, 10054], ['ERROR_WINHTTP_CONNECTION_ERROR', 'WSAECONNRESET'], 'connection'), head: false, chunk: false,
    wineOutcome: {
      outcome: headError([12030, 10054, 12152], ['ERROR_WINHTTP_CONNECTION_ERROR', 'WSAECONNRESET', 'ERROR_WINHTTP_INVALID_SERVER_RESPONSE'],
        ['connection', 'protocol']),
      reason: 'Wine now and then reports a connection reset before the status line as an unparsable reply, 12152 (about 1 case in 2,000 of the soak; docs/wine.md)',
    },
  },
  // The library compares bytes with Content-Length (WinHTTP's 12030, or Wine's silent end, both become this).
  // received: the CUT_AT bytes sent, or fewer where WinHTTP drops unread data at the reset.
  'reset-mid-body': { outcome: truncated([0, CUT_AT]), head: true, chunk: true },
  'truncated-length': { outcome: truncated([0, CUT_AT]), head: true, chunk: true },
  // Windows fails the read (12030 for a cut connection, 12152 for an unparsable chunk header); which one for which
  // fault is not documented, so either is accepted. The body must not end as if complete.
  'truncated-chunked': {
    outcome: { kind: 'error', phase: 'body', name: 'WinHttpError', api: ['WinHttpQueryDataAvailable', 'WinHttpReadData'], category: ['connection', 'protocol'] },
    head: true, chunk: true,
    wine: { points: ['none'], reason: 'Wine ends a chunked body cut by FIN as a normal end of data (docs/wine.md); covered by the contract double' },
  },
  'malformed-chunked': {
    outcome: { kind: 'error', phase: 'body', name: 'WinHttpError', api: ['WinHttpQueryDataAvailable', 'WinHttpReadData'], category: ['connection', 'protocol'] },
    head: true, chunk: true,
    wine: { points: ['none'], reason: 'Wine ends a chunked body at a malformed chunk-size line as a normal end of data (docs/wine.md); covered by the contract double' },
  },
  // Windows: 12152 from WinHttpReceiveResponse. Wine: 12152, or status 0, which the library turns into 12152.
  'garbage-status': { outcome: headError([12152], ['ERROR_WINHTTP_INVALID_SERVER_RESPONSE'], 'protocol'), head: false, chunk: false },
  'oversized-headers': {
    outcome: headError([12182], ['ERROR_WINHTTP_HEADER_SIZE_OVERFLOW'], 'protocol'), head: false, chunk: false,
    wine: { points: ['none', 'after-head', 'after-first-chunk'], reason: 'Wine has no response header size limit (WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE is ignored): the 100 KB head is accepted' },
  },
  'many-headers': {
    outcome: headError([12181], ['ERROR_WINHTTP_HEADER_COUNT_EXCEEDED'], 'protocol'), head: false, chunk: false,
    wine: { points: ['none', 'after-head', 'after-first-chunk'], reason: 'Wine has no response header count limit: 10,000 headers are accepted' },
  },
  // Its own deadline (not a safety net) ends it, while the server is still dripping (fewer than DRIP_LENGTH bytes).
  'slow-drip': {
    outcome: {
      kind: 'error', phase: 'body', name: 'TimeoutError', code: ['ERR_WINHTTP_DEADLINE_EXCEEDED'], category: ['timeout'],
      deadline: DRIP_DEADLINE_MS, length: [0, DRIP_LENGTH - 1],
    },
    head: true, chunk: true,
  },
  // Windows: ERROR_WINHTTP_TIMEOUT; Wine reports receive timeouts as WSAETIMEDOUT (docs/wine.md). Both category
  // 'timeout'.
  'never-answers': { outcome: headError([12002, 10060], ['ERROR_WINHTTP_TIMEOUT', 'WSAETIMEDOUT'], 'timeout'), head: false, chunk: false },
  'close-after-headers': { outcome: truncated([0, 0]), head: true, chunk: false },
  // An empty final response after the interim 100: 12152 as for any empty reply.
  'continue-then-fail': { outcome: headError([12152], ['ERROR_WINHTTP_INVALID_SERVER_RESPONSE'], 'protocol'), head: false, chunk: false },
  // Redirects are followed by the policy layer: past maxRedirects (10) it rejects, and each hop is a request of its
  // own, so the closed port fails that hop's WinHttpSendRequest.
  'redirect-loop': {
    outcome: { kind: 'error', phase: 'head', name: 'TooManyRedirectsError', code: ['ERR_WINHTTP_TOO_MANY_REDIRECTS'] },
    head: false, chunk: false,
  },
  'redirect-to-closed-port': { outcome: headError([12029], ['ERROR_WINHTTP_CANNOT_CONNECT'], 'connect', 'WinHttpSendRequest'), head: false, chunk: false },
};

/** The expected outcome of `fault` aborted at `point`. */
export function expectedOutcome(fault: Fault, point: AbortPoint): Expected {
  const spec = FAULT_SPECS[fault];
  if (point === 'after-call') return aborted('head');
  if (point === 'after-head' && spec.head) return aborted('body');
  if (point === 'after-first-chunk' && spec.chunk) return aborted('body');
  if (onWine && spec.wineOutcome !== undefined) return spec.wineOutcome.outcome;
  return spec.outcome;
}

/** Why this case is skipped on Wine, or undefined when it runs everywhere. */
export function wineSkipReason(fault: Fault, point: AbortPoint): string | undefined {
  const wine = FAULT_SPECS[fault].wine;
  return onWine && wine !== undefined && wine.points.includes(point) ? wine.reason : undefined;
}

export function describeExpected(expected: Expected): string {
  if (expected.kind === 'response') return `${expected.status} with ${expected.length} body bytes`;
  const parts = [`${expected.phase === 'head' ? 'request() rejects' : 'the body fails'} with ${expected.name}`];
  if (expected.errno) parts.push(expected.errno.join('|'));
  if (expected.category) parts.push(`(${expected.category.join('|')})`);
  return parts.join(' ');
}

export function describeSettlement(settlement: Settlement): string {
  if (settlement.kind === 'response') return `response ${settlement.status}, ${settlement.length} body bytes`;
  const e = settlement.error;
  return `${settlement.phase} ${e.name} ${String(e.code)} ${e.errno === undefined ? '' : String(e.errno)} ` +
    `${e.api === undefined ? '' : String(e.api)} ${e.category === undefined ? '' : String(e.category)}: ${e.message}`;
}

/** Why `run` does not match `expected` (undefined when it does). Plain comparisons, so the soak can tally them. */
export function mismatch(run: CaseRun, expected: Expected): string | undefined {
  if (run.settlements.length !== 1) {
    return `settled ${run.settlements.length} times: ${run.settlements.map(describeSettlement).join(' / ')}`;
  }
  const got = run.settlements[0];
  const wrong = (what: string) => `expected ${describeExpected(expected)}, got ${describeSettlement(got)} (${what})`;
  if (run.point === 'after-call' && run.settledAtOnce !== true) {
    return wrong('settled only after the first macrotask following abort(), while the server held its answer');
  }
  if (got.kind !== expected.kind) return wrong('kind');
  if (got.kind === 'response' && expected.kind === 'response') {
    if (got.status !== expected.status || got.length !== expected.length) return wrong('status or length');
    return undefined;
  }
  if (got.kind !== 'error' || expected.kind !== 'error') return wrong('kind');
  const e = got.error;
  if (got.phase !== expected.phase) return wrong('phase');
  if (e.name !== expected.name) return wrong('name');
  const oneOf = (value: unknown, list: unknown[] | undefined) => list === undefined || list.includes(value);
  if (!oneOf(e.code, expected.code)) return wrong('code');
  if (!oneOf(e.errno, expected.errno)) return wrong('errno');
  if (!oneOf(e.api, expected.api)) return wrong('api');
  if (!oneOf(e.category, expected.category)) return wrong('category');
  if (expected.errno !== undefined && expected.code !== undefined &&
    expected.code.indexOf(e.code as string) !== expected.errno.indexOf(e.errno as number)) return wrong('code/errno pair');
  if (expected.causeIsReason && ((e as { reason?: unknown }).reason !== run.reason ||
    (e.cause as { code?: unknown } | undefined)?.code !== 'ERROR_WINHTTP_OPERATION_CANCELLED')) {
    return wrong('reason is not the abort reason, or cause is not OPERATION_CANCELLED');
  }
  if (expected.deadline !== undefined && e.deadline !== expected.deadline) return wrong(`ended by the deadline ${String(e.deadline)}`);
  if (expected.length !== undefined && !(got.length >= expected.length[0] && got.length <= expected.length[1])) {
    return wrong(`${got.length} body bytes`);
  }
  if (expected.expected !== undefined && e.expected !== expected.expected) return wrong('expected bytes');
  if (expected.received !== undefined) {
    const received = e.received as number;
    if (!(received >= expected.received[0] && received <= expected.received[1])) return wrong('received bytes');
  }
  return undefined;
}

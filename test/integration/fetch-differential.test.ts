// fetch() against Node's own fetch, one table of cases (./fetch/cases.ts) against the same loopback servers, started
// once: status, statusText, type, url, redirected, the response headers, every body byte or the error's class and
// message, and what the server received on every hop (method, path, headers, every body byte). The same table runs
// through Node's global fetch with a WinHttpDispatcher installed by setGlobalDispatcher, in a worker_thread (its own
// globalThis), and the first cases through our fetch in that worker. Request headers that differ by design are
// left out of the comparison per mode, each with its reason (DIFFERENCES).
//
// Under Wine, Node's own fetch cannot connect with its default agent (undici calls setKeepAlive on the connecting
// socket and Wine's connect then fails with UNKNOWN, as measured in bench/clients/node-fetch.js), so there the
// reference is Node's fetch over an undici Agent with connect.keepAlive off; on Windows it is Node's fetch as it comes.
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import { fetch as winhttpFetch } from '../../lib';
import { closedPort, sha256 } from '../helpers/servers';
import { onWine } from '../helpers/wine';
import { CASES, runCase, skippedHere, type Bases, type FetchCase, type FetchFn, type Outcome } from './fetch/cases';
import { startFetchServers, type FetchServers, type SeenHop } from './fetch/server';

// Request headers compared in no mode: the run id, and the Connection header (WinHTTP sends "Keep-Alive").
const ALWAYS_DIFFERENT = ['x-run', 'connection'];
const DIFFERENCES = {
  // Our fetch is WinHTTP's client: its session's User-Agent, and it asks for br on http as well (Node: https only).
  library: [...ALWAYS_DIFFERENT, 'user-agent', 'accept-encoding'],
  // Node's fetch sets every header itself; only the connection is WinHTTP's.
  dispatcher: ALWAYS_DIFFERENT,
};

let servers: FetchServers;
let bases: Bases;
let reference: FetchFn;
const referenceOutcomes = new Map<string, Outcome>();

beforeAll(async () => {
  servers = await startFetchServers();
  bases = { A: servers.a.url, B: servers.b.url, closedPort: await closedPort() };
  if (onWine) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Agent } = require('undici') as typeof import('undici');
    const agent = new Agent({ connect: { keepAlive: false } });
    reference = (url, init) => fetch(url, { ...init, dispatcher: agent } as RequestInit);
  } else {
    reference = fetch;
  }
});
afterAll(async () => {
  await servers.close();
});

// A multipart boundary is random per serialisation: the same bytes otherwise.
function withoutBoundary(text: string, boundary: string | undefined): string {
  return boundary === undefined ? text : text.split(boundary).join('BOUNDARY');
}

function hopsView(hops: SeenHop[], ignored: readonly string[]) {
  return hops.map((hop) => {
    const boundary = /boundary=(\S+)/.exec(String(hop.headers['content-type'] ?? ''))?.[1];
    const headers = Object.fromEntries(Object.entries(hop.headers)
      .filter(([name]) => !ignored.includes(name))
      .map(([name, value]) => [name, withoutBoundary(String(value), boundary)]));
    const body = Buffer.from(withoutBoundary(hop.body.toString('latin1'), boundary), 'latin1');
    return { origin: hop.origin, method: hop.method, path: hop.path, headers, body: { length: body.length, sha256: sha256(body) } };
  });
}

/**
 * What is compared: the outcome without its run id, and the hops (not after an abort: where it lands is a race).
 * A body that fails while read is TypeError('terminated') in both; Node's has the socket error as its cause or none,
 * by when the close is seen, ours always says why (ResponseTruncatedError, WinHttpError), so that cause is not compared.
 */
function view(c: FetchCase, outcome: Outcome, ignored: readonly string[]) {
  const { run, ...rest } = outcome;
  if (rest.error?.stage === 'body' && rest.error.message === 'terminated') rest.error = { ...rest.error, hasCause: true };
  const hops = c.abort === undefined ? hopsView(servers.hops(run), ignored) : 'not compared';
  return { ...rest, hops };
}

async function referenceOf(c: FetchCase): Promise<Outcome> {
  const known = referenceOutcomes.get(c.name);
  if (known !== undefined) return known;
  const outcome = await runCase(reference, c, bases);
  referenceOutcomes.set(c.name, outcome);
  return outcome;
}

const RUN_HERE = CASES.filter((c) => skippedHere(c, onWine) === undefined);

function skipNotRunHere(): void {
  for (const c of CASES.filter((each) => skippedHere(each, onWine) !== undefined)) {
    it.skip(`${c.name} [skipped on Wine: ${skippedHere(c, onWine)}]`, () => undefined);
  }
}

describe('fetch(): the outcome and the server side of every case are those of Node\'s own fetch', () => {
  skipNotRunHere();
  it.each(RUN_HERE.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const expected = await referenceOf(c);
    const actual = await runCase(winhttpFetch as FetchFn, c, bases);
    expect(view(c, actual, DIFFERENCES.library)).toEqual(view(c, expected, DIFFERENCES.library));
  });
});

describe('Node\'s global fetch with setGlobalDispatcher(new WinHttpDispatcher()), in a worker_thread', () => {
  let results: { global: Record<string, Outcome>; dispatched: Record<string, number>; library: Record<string, Outcome> };

  beforeAll(async () => {
    const worker = new Worker(path.join(__dirname, 'fetch', 'global-dispatcher-worker.js'), { workerData: { bases, onWine } });
    const message = await new Promise<{ error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    if (message.error !== undefined) throw new Error(`the worker failed: ${message.error}`);
    results = message as typeof results;
  }, 120_000);

  skipNotRunHere();
  it.each(RUN_HERE.filter((c) => c.notThroughDispatcher === undefined).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const expected = await referenceOf(c);
    expect(view(c, results.global[c.name], DIFFERENCES.dispatcher)).toEqual(view(c, expected, DIFFERENCES.dispatcher));
    // Through WinHTTP, not Node's own agent: one dispatch per hop the fetch made (none when it failed before).
    const sentAtAll = results.global[c.name].error?.stage !== 'fetch' || servers.hops(results.global[c.name].run).length > 0;
    if (sentAtAll && c.abort === undefined) expect(results.dispatched[c.name]).toBe(servers.hops(results.global[c.name].run).length);
  });

  for (const c of CASES.filter((each) => each.notThroughDispatcher !== undefined)) {
    it.skip(`${c.name} [not through the dispatcher: ${c.notThroughDispatcher}]`, () => undefined);
  }

  it('our own fetch works in the worker too, case for case', async () => {
    for (const [name, outcome] of Object.entries(results.library)) {
      const c = CASES.find((each) => each.name === name)!;
      expect(view(c, outcome, DIFFERENCES.library)).toEqual(view(c, await referenceOf(c), DIFFERENCES.library));
    }
    expect(Object.keys(results.library)).toHaveLength(16);
  });
});

// The fault soak: 2,000 cases of the fault matrix (fault-cases.ts), each a random fault x abort point drawn from a
// seeded PRNG (the seed is printed; set WINHTTP_SOAK_SEED to replay one), 20 at a time. Every case must settle
// exactly once with its documented outcome; afterwards no native request is left, and the process RSS (after forced
// GC) after 2,000 cases is within 20 MB of what it was after a warm-up of 1,000 cases (Wine grows its own thread and
// connection pools over the first thousands of requests, then levels off). Cases that the matrix skips on Wine are
// not drawn on Wine. No limit on time (the machine may be loaded): a case that hangs fails as unsettled (HANG_MS in
// fault-cases.ts), and jest's timeout (SOAK_TIMEOUT_MS) catches a hang outside the cases.
import { setTimeout as delay } from 'node:timers/promises';
import { FAULTS, type FaultServer, startFaultServer } from '../helpers/fault-server';
import { gc } from '../helpers/gc';
import { ABORT_POINTS, type CaseRun, expectedOutcome, mismatch, runCase, wineSkipReason } from './fault-cases';
import { liveRequestsAfterGc, settledLiveRequests } from './support';
import { prng } from '../helpers/prng';

const CASES = 2000;
const WARM_UP = 1000;
const CONCURRENCY = 20;
const RSS_GROWTH_LIMIT = 20 * 1024 * 1024;
// Not a limit on speed: about 35 s on a quiet 2-core machine, over 150 s at load 18. Each case gives up on its own
// (HANG_MS), so the run always ends; this only catches a hang outside the cases.
const SOAK_TIMEOUT_MS = 600_000;

const SEED = process.env.WINHTTP_SOAK_SEED !== undefined ? Number(process.env.WINHTTP_SOAK_SEED) : Date.now() % 0x100000000;

async function rssAfterGc(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await delay(20);
  }
  return process.memoryUsage().rss;
}

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => {
  await server.close();
});

it(`${CASES} random fault x abort cases, ${CONCURRENCY} at a time: each settles once as documented; no leak`, async () => {
  console.log(`fault soak seed ${SEED} (replay with WINHTTP_SOAK_SEED=${SEED})`);
  const random = prng(SEED);
  const draws = Array.from({ length: WARM_UP + CASES }, () => {
    for (;;) {
      const fault = FAULTS[Math.floor(random() * FAULTS.length)];
      const point = ABORT_POINTS[Math.floor(random() * ABORT_POINTS.length)];
      if (wineSkipReason(fault, point) === undefined) return { fault, point };
    }
  });
  const liveAtStart = await settledLiveRequests();
  const failures = new Map<string, { count: number; example: string }>();
  let slowest = 0;
  let next = 0;

  async function runUntil(end: number): Promise<void> {
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < end) {
        const { fault, point } = draws[next++];
        const run: CaseRun = await runCase(server, fault, point);
        slowest = Math.max(slowest, run.ms);
        // Anything settling later than the first settlement shows up here as a second one.
        await delay(20);
        const wrong = mismatch(run, expectedOutcome(fault, point));
        if (wrong !== undefined) {
          const key = `${fault} x ${point}`;
          const seen = failures.get(key) ?? { count: 0, example: wrong };
          seen.count += 1;
          failures.set(key, seen);
        }
      }
    }));
  }

  const start = performance.now();
  await runUntil(WARM_UP);
  const warmMs = performance.now() - start;
  expect(await liveRequestsAfterGc(liveAtStart)).toBeLessThanOrEqual(liveAtStart);
  const rssWarm = await rssAfterGc();
  await runUntil(WARM_UP + CASES);
  const totalMs = performance.now() - start;
  const live = await liveRequestsAfterGc(liveAtStart);
  const rssEnd = await rssAfterGc();
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  console.log(`fault soak: ${WARM_UP} + ${CASES} cases in ${Math.round(totalMs)} ms (warm-up ${Math.round(warmMs)} ms), slowest case ` +
    `${Math.round(slowest)} ms; RSS after warm-up ${mb(rssWarm)} MB, at the end ${mb(rssEnd)} MB ` +
    `(${rssEnd >= rssWarm ? '+' : ''}${mb(rssEnd - rssWarm)} MB); live native requests ${live} (start ${liveAtStart})`);

  expect(next).toBe(WARM_UP + CASES);
  expect(live).toBeLessThanOrEqual(liveAtStart);
  expect(rssEnd - rssWarm).toBeLessThan(RSS_GROWTH_LIMIT);
  await server.sync();
  expect(server.openSockets).toBe(0);
  expect(Object.fromEntries([...failures].map(([key, { count, example }]) => [key, `${count}x seed ${SEED}: ${example}`]))).toEqual({});
}, SOAK_TIMEOUT_MS);

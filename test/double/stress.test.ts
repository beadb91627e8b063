// Stress: thousands of requests for DOUBLE_STRESS_SECONDS (default 2) with completions on random threads after
// random delays, aborts at random points (before, during and after each call), faults, garbage collection at random
// moments, responses dropped unread, and sessions closed with requests open. Every request must settle (no hang),
// with its body intact or an expected error, and everything must be released at the end. Reproducible from the
// printed seed (DOUBLE_SEED): the same requests, aborts and completion choices; thread interleaving is not.
import { AbortError, Session, WinHttpError, request } from '../../lib';
import { contractDouble, expectAllReleased, type ResponseScript } from './helpers/contract-double';
import { prng } from '../helpers/prng';

const SECONDS = Number(process.env.DOUBLE_STRESS_SECONDS ?? '2');
const SEED = Number(process.env.DOUBLE_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CONCURRENCY = 24;
const HANG_MS = 30000;


const BODY = Buffer.from(Array.from({ length: 40000 }, (_, i) => i & 0xff));
const ROUTES: Record<string, ResponseScript> = {
  '/ok': { body: ['hello ', 'world'] },
  '/big': { body: [BODY.subarray(0, 10000), BODY.subarray(10000)], readLimit: 7000 },
  // Followed by the policy layer (WinHTTP answers the 302 itself): the hop's request is /ok.
  '/redirect': { redirects: [{ location: 'http://double.test/ok' }], body: 'never sent' },
  '/tls': { secureFailure: 0x8 },
  '/fail-send': { faults: [{ step: 'send', error: 12029 }] },
  '/fail-receive': { faults: [{ step: 'receive', error: 12152 }] },
  '/fail-read': { body: ['abc', 'def'], faults: [{ step: 'read', error: 12152, call: 2 }] },
  '/close': { body: 'bye', keepAlive: false },
};
const EXPECTED_BODY: Record<string, Buffer> = {
  '/ok': Buffer.from('hello world'),
  '/big': BODY,
  '/redirect': Buffer.from('hello world'),
  '/close': Buffer.from('bye'),
};
const PATHS = Object.keys(ROUTES);

it(`survives ${SECONDS} s of random requests, aborts, faults and GC (seed ${SEED})`, async () => {
  console.log(`stress: seed ${SEED}, ${SECONDS} s (DOUBLE_SEED=${SEED} repeats the plan)`);
  // nested: a call made inside a callback may complete inside it too (request()'s chained receive and first read).
  contractDouble().setScenario({ seed: SEED, completion: 'random', nested: true, cancel: 'random', closing: 'random', delayMs: [0, 2],
    trace: false, routes: ROUTES });
  const random = prng(SEED);
  const gc = (globalThis as { gc?: () => void }).gc;
  const outcomes: Record<string, number> = {};
  const count = (name: string): void => {
    outcomes[name] = (outcomes[name] ?? 0) + 1;
  };
  let session = new Session({ proxy: 'none' });
  const deadline = Date.now() + SECONDS * 1000;
  const started = Date.now();

  async function one(): Promise<void> {
    const path = PATHS[Math.floor(random() * PATHS.length)];
    const post = random() < 0.3;
    const abortMode = Math.floor(random() * 4); // 0 none, 1 after a delay, 2 after the head, 3 mid-body
    const dropUnread = random() < 0.1;
    const controller = new AbortController();
    if (abortMode === 1) setTimeout(() => controller.abort(), Math.floor(random() * 4));
    try {
      const res = await request(`http://double.test${path}`, {
        session, signal: controller.signal, method: post ? 'POST' : 'GET', body: post ? BODY.subarray(0, Math.floor(random() * 70000)) : undefined,
      });
      if (abortMode === 2) controller.abort();
      if (dropUnread) {
        res.body.on('error', () => {}); // an abort after the head destroys the unread body with AbortError
        count('dropped unread');
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of res.body) {
        chunks.push(chunk as Buffer);
        if (abortMode === 3) controller.abort();
      }
      const expected = EXPECTED_BODY[path];
      count(expected !== undefined && Buffer.concat(chunks).equals(expected) ? 'complete' : `wrong body for ${path}`);
    } catch (error) {
      if (error instanceof AbortError || (error as Error).name === 'AbortError') count('aborted');
      else if (error instanceof WinHttpError) count(`error ${error.code}`);
      else count(`unexpected ${(error as Error).name}: ${(error as Error).message}`);
    }
    if (gc !== undefined && random() < 0.02) gc();
    if (random() < 0.005) {
      // Close the session with its requests open; the next ones use a new session.
      session.close();
      session = new Session({ proxy: 'none' });
      count('session closed');
    }
  }

  async function lane(): Promise<void> {
    while (Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`a request did not settle within ${HANG_MS} ms`)), HANG_MS);
      });
      await Promise.race([one(), hang]).finally(() => clearTimeout(timer));
    }
  }

  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  session.close();
  const total = Object.entries(outcomes).filter(([name]) => name !== 'session closed').reduce((sum, [, n]) => sum + n, 0);
  const seconds = (Date.now() - started) / 1000;
  console.log(`stress: ${total} requests in ${seconds.toFixed(1)} s (${Math.round(total / seconds)}/s): ${JSON.stringify(outcomes)}`);
  expect(Object.keys(outcomes).filter((name) => name.startsWith('wrong') || name.startsWith('unexpected'))).toEqual([]);
  expect(total).toBeGreaterThan(0);
  await expectAllReleased(30000);
});
